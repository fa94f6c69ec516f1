// A second Auth beside the stack's, on a free port and on the same database and Mailpit, with
// settings of the test's choosing given as the real Auth's GOTRUE_* variables (the stand-in reads
// the ones it needs). It is the stand-in, or `$SUPABASE_AUTH_BIN serve` when that is set, so tests
// that need e.g. autoconfirm on pass against both. Requests go to it directly, not through the
// gateway (Auth itself does not check API keys).
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { root } from '../../local-stack/config.ts'
import { node24, realAuthBin, realAuthEnv } from '../../local-stack/services.ts'

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

export type SecondAuth = { url: string; stop: () => Promise<void> }

export async function startSecondAuth(settings: Record<string, string>): Promise<SecondAuth> {
  const port = await freePort()
  let child: ChildProcess
  let output = ''
  if (realAuthBin) {
    child = spawn(realAuthBin, ['serve'], {
      env: { ...process.env, ...(await realAuthEnv()), ...settings, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
  } else {
    child = spawn(node24(), [join(root, 'local-stack', 'auth', 'server.ts')], {
      env: { ...process.env, ...settings, AUTH_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
  }
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  const url = `http://127.0.0.1:${port}`
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) break
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, stop }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  await stop()
  throw new Error(`the second Auth did not start on ${url}:\n${output.slice(-2000)}`)
}
