// Issue 19, finding 7: one anonymous request with a 10 MB body used to end the local gateway about a
// minute later (ERR_HTTP_HEADERS_SENT from its upstream error handler). Every test and `npm run dev`
// go through that one process, so here it takes bad traffic and must keep serving afterwards.
//   1. The stack's own gateway: 10 MB bodies to Auth, PostgREST and a function (declared and
//      chunked), and an upload abandoned half-way; then ordinary requests still succeed and the
//      process is the same one, alive.
//   2. A second instance of the real gateway script in front of upstreams that misbehave on purpose
//      (answer early and reset the connection while the upload is still coming; die half-way through
//      an answer), the faults that made the old one throw; it must survive each.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bodyLimits, paths, root } from '../../local-stack/config.ts'
import { anonKey, apiUrl, clientAs, createUser, sessionToken, uniqueEmail } from '../helpers/stack'

const TEN_MB = 10_000_000

const gatewayPid = () => Number(readFileSync(join(paths.pids, 'gateway.pid'), 'utf8'))
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

type Outcome = { status: number; body: string } | { error: string }

/** A raw request whose body is sent in chunks without Content-Length (Transfer-Encoding: chunked),
 * `total` bytes in `chunk`-sized writes `everyMs` apart; `abortAfter` bytes ends it by destroying the
 * socket instead of finishing. */
function chunkedUpload(
  url: string,
  opts: {
    total: number
    chunk?: number
    everyMs?: number
    abortAfter?: number
    headers?: Record<string, string>
  },
): Promise<Outcome> {
  const { total, chunk = 256 * 1024, everyMs = 0, abortAfter } = opts
  return new Promise((resolve) => {
    const req = http.request(url, {
      method: 'POST',
      headers: { apikey: anonKey, 'content-type': 'application/json', ...opts.headers },
    })
    let settled = false
    const settle = (o: Outcome) => {
      if (settled) return
      settled = true
      resolve(o)
    }
    req.on('response', (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => (body += d))
      res.on('end', () => settle({ status: res.statusCode ?? 0, body }))
      res.on('error', (e) => settle({ error: e.message }))
    })
    req.on('error', (e) => settle({ error: (e as NodeJS.ErrnoException).code ?? e.message }))
    const piece = Buffer.alloc(chunk, 'a')
    let sent = 0
    const next = () => {
      if (req.destroyed || settled) return
      if (abortAfter !== undefined && sent >= abortAfter) {
        req.destroy()
        settle({ error: 'aborted by the test' })
        return
      }
      if (sent >= total) return void req.end()
      sent += piece.length
      const more = req.write(piece)
      if (everyMs) setTimeout(next, everyMs)
      else if (more) setImmediate(next)
      else req.once('drain', next)
    }
    next()
  })
}

describe('the stack’s gateway under oversized and abandoned uploads', () => {
  let pidBefore: number
  let user: string
  // A signed-in caller, so that invite-members reads the body instead of answering 401 first.
  const asUser: Record<string, string> = {}
  beforeAll(async () => {
    pidBefore = gatewayPid()
    expect(isAlive(pidBefore)).toBe(true)
    user = await createUser(uniqueEmail('gateway-faults'))
    asUser.authorization = `Bearer ${await sessionToken(user)}`
  })

  const routes = [
    ['/auth/v1/signup', bodyLimits['/auth/v1']],
    ['/rest/v1/workspaces', bodyLimits['/rest/v1']],
    ['/functions/v1/invite-members', bodyLimits['/functions/v1']],
  ] as const

  it.each(routes)(
    'a declared 10 MB body to %s gets 413 with a JSON message',
    async (path, limit) => {
      const res = await fetch(`${apiUrl}${path}`, {
        method: 'POST',
        headers: { apikey: anonKey, 'content-type': 'application/json' },
        body: Buffer.alloc(TEN_MB, 'a'),
      })
      expect(res.status).toBe(413)
      expect(res.headers.get('content-type')).toContain('application/json')
      expect(await res.json()).toEqual({
        message: `Request body too large: ${path.split('/').slice(0, 3).join('/')} accepts at most ${limit} bytes`,
      })
    },
  )

  it.each(routes)('a chunked 10 MB body (no Content-Length) to %s gets 413', async (path) => {
    const out = await chunkedUpload(`${apiUrl}${path}`, { total: TEN_MB, headers: asUser })
    expect(out).toMatchObject({ status: 413 })
  })

  it('a body just under the limit still goes through to PostgREST', async () => {
    // 1 MiB of JSON array: PostgREST parses it and refuses the rows, proving it got the body.
    const rows = JSON.stringify(Array.from({ length: 20_000 }, () => ({ nope: 'x'.repeat(40) })))
    expect(rows.length).toBeLessThan(bodyLimits['/rest/v1'])
    const res = await fetch(`${apiUrl}/rest/v1/workspaces`, {
      method: 'POST',
      headers: { apikey: anonKey, 'content-type': 'application/json' },
      body: rows,
    })
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(res.status).toBeLessThan(500)
    expect(((await res.json()) as { code: string }).code).toMatch(/^PGRST|^42/)
  })

  it('an upload abandoned half-way, slowly, on every route, does not disturb it', async () => {
    const outs = await Promise.all(
      routes.map(([path]) =>
        chunkedUpload(`${apiUrl}${path}`, {
          total: TEN_MB,
          chunk: 64 * 1024,
          everyMs: 30,
          abortAfter: 640 * 1024,
          headers: asUser,
        }),
      ),
    )
    for (const out of outs) expect(out).toHaveProperty('error')
  })

  it('keeps serving afterwards, as the same live process', async () => {
    // Long enough for any late upstream error of the requests above to have fired.
    await sleep(1500)
    const rest = await fetch(`${apiUrl}/rest/v1/`, { headers: { apikey: anonKey } })
    expect(rest.status).toBe(200)
    const auth = await fetch(`${apiUrl}/auth/v1/health`, { headers: { apikey: anonKey } })
    expect(auth.status).toBe(200)
    const { error } = await (await clientAs(user)).from('workspaces').select('id').limit(1)
    expect(error).toBeNull()
    expect(gatewayPid()).toBe(pidBefore)
    expect(isAlive(pidBefore)).toBe(true)
  })
})

// ---------- the real gateway in front of misbehaving upstreams -----------------------------

/** Node 24 runs the gateway's TypeScript as written (services.ts does the same). */
function node24(): string {
  const bundled = join(root, 'node_modules', '.bin', 'node')
  return Number(process.versions.node.split('.')[0]) >= 24 || !existsSync(bundled)
    ? process.execPath
    : bundled
}

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' })
    s.once('connect', () => (s.destroy(), resolve(false)))
    s.once('error', () => resolve(true))
  })

describe('the gateway in front of upstreams that fail mid-request', () => {
  // A port offset of its own, beside this checkout's stack (other checkouts use multiples of 100).
  const offset = Number(process.env.FLUXERA_PORT_OFFSET ?? 0) + 37
  const port = { api: 54321 + offset, rest: 3000 + offset, functions: 54329 + offset }
  const base = `http://127.0.0.1:${port.api}`
  let gateway: ChildProcess
  let log = ''
  const upstreams: http.Server[] = []

  beforeAll(async () => {
    for (const p of Object.values(port))
      expect(await portFree(p), `port ${p} is free for the fault test`).toBe(true)
    // PostgREST's place: starts a 413 at once and resets the connection while the body still
    // comes, so the gateway's write to it fails after its answer has started (finding 7's crash).
    const early = http.createServer((req, res) => {
      res.writeHead(413, { 'content-type': 'application/json' })
      res.write('{"message":')
      setTimeout(() => req.socket.destroy(), 20)
    })
    // The functions' place: starts a 200 answer and dies half-way through it.
    const dying = http.createServer((req, res) => {
      req.resume()
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"partial":')
      setTimeout(() => req.socket.destroy(), 20)
    })
    await Promise.all(
      [
        [early, port.rest],
        [dying, port.functions],
      ].map(
        ([s, p]) =>
          new Promise<void>((r) => (s as http.Server).listen(p as number, '127.0.0.1', r)),
      ),
    )
    upstreams.push(early, dying)
    gateway = spawn(node24(), [join(root, 'local-stack', 'gateway.ts')], {
      env: { ...process.env, FLUXERA_PORT_OFFSET: String(offset) },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    gateway.stdout?.on('data', (d) => (log += d))
    gateway.stderr?.on('data', (d) => (log += d))
    for (let i = 0; i < 100; i++) {
      if ((await fetch(`${base}/health`).catch(() => null))?.ok) return
      await sleep(100)
    }
    throw new Error(`the fault gateway did not start:\n${log}`)
  })

  afterAll(async () => {
    gateway?.kill('SIGKILL')
    await Promise.all(upstreams.map((s) => new Promise((r) => s.close(r))))
  })

  const survives = async () => {
    await sleep(500)
    expect(gateway.exitCode, `gateway exited:\n${log}`).toBeNull()
    expect(log).not.toContain('ERR_HTTP_HEADERS_SENT')
    expect((await fetch(`${base}/health`)).status).toBe(200)
  }

  it('survives an upstream that answers early and resets during a large chunked upload', async () => {
    const out = await chunkedUpload(`${base}/rest/v1/things`, {
      total: 4 * 1024 * 1024,
      chunk: 64 * 1024,
      everyMs: 5,
    })
    // The upstream's answer broke off, so the client's connection is cut (no half answer passed
    // off as whole), and the gateway lives on.
    expect(out).toHaveProperty('error')
    await survives()
  })

  it('survives an upstream that dies half-way through its answer', async () => {
    const out = await fetch(`${base}/functions/v1/anything`, { headers: { apikey: anonKey } })
      .then((r) => r.text())
      .then(
        (body) => ({ body }),
        (e: Error) => ({ error: e.message }),
      )
    // The client learns the answer broke off (a truncated body is never passed off as whole).
    expect(out).toHaveProperty('error')
    await survives()
  })

  it('survives a client that gives up while the upstream is still answering', async () => {
    const ctl = new AbortController()
    const pending = fetch(`${base}/functions/v1/anything`, {
      headers: { apikey: anonKey },
      signal: ctl.signal,
    }).then((r) => r.text())
    ctl.abort()
    await expect(pending).rejects.toThrow()
    await survives()
  })
})
