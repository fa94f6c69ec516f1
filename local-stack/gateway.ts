// The API gateway on 127.0.0.1:54321, routing as Supabase's Kong does:
//   /rest/v1/*      -> PostgREST        (prefix stripped)
//   /auth/v1/*      -> Auth             (prefix stripped; the local stand-in or Supabase Auth)
//   /functions/v1/* -> Deno functions   (prefix stripped)
//   /_templates/*   -> supabase/templates (mail templates, fetched by a real Supabase Auth)
// It checks the `apikey` header like Kong's key-auth (Auth's /verify, /callback, /authorize, its
// JWKS and its SAML ACS and metadata are open: mail links and IdP forms are plain requests), adds
// X-Forwarded-For, and answers CORS for the SPA.
//
// API keys, as Supabase's platform takes them (issue 20):
// - legacy JWT keys (anon, service_role): copied into Authorization for PostgREST and the
//   functions when that is absent, as Kong does;
// - the publishable key acts as `anon`, a secret key as `service_role`: they are not JWTs, so the
//   gateway puts a short-lived JWT of that role, signed with the stack's signing key, in
//   Authorization (keys.ts roleToken), unless the request carries a user's token;
// - a secret key from a browser (its User-Agent) is refused with 401: it must never live there;
// - a new key sent as `Authorization: Bearer sb_…` is never passed on as if it were a user's
//   token: the role token of the `apikey` takes its place.
//
// Every test and `npm run dev` depend on this one process, so bad traffic must never end it: bodies
// over the route's limit get 413 before or while they stream, an upstream that fails after the
// answer has started cuts that one connection, and a client that goes away cancels its upstream
// request (issue 19, finding 7).
import { readFile } from 'node:fs/promises'
import http, {
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http'
import { join } from 'node:path'
import {
  anonKey,
  bodyLimits,
  ports,
  publishableKey,
  root,
  secretKey,
  serviceRoleKey,
} from './config.ts'
import { roleToken } from './keys.ts'

const upstreams = {
  '/rest/v1': { port: ports.rest, keyRequired: true, copyKey: true },
  '/auth/v1': { port: ports.auth, keyRequired: true, copyKey: false },
  '/functions/v1': { port: ports.functions, keyRequired: false, copyKey: true },
}
type Prefix = keyof typeof upstreams
// Kong's "auth-v1-open" routes in `supabase start`: no API key needed (the SAML ACS and metadata
// too: an identity provider's form posts there, and IdP admins fetch the metadata). The JWKS is
// public too: anyone may verify a token.
const openAuthPaths = [
  '/verify',
  '/callback',
  '/authorize',
  '/sso/saml/acs',
  '/sso/saml/metadata',
  '/.well-known/jwks.json',
]
const legacyKeys = new Set([anonKey, serviceRoleKey])
const newKeys = new Map<string, 'anon' | 'service_role'>([
  [publishableKey, 'anon'],
  [secretKey, 'service_role'],
])
// Browsers say Mozilla/5.0 (every engine has for decades); servers, Deno, Node and curl do not.
const looksLikeBrowser = (ua: string | undefined) => /^Mozilla\/\d/.test(ua ?? '')
// After a 413, how long the rest of an upload is read and thrown away before the socket is closed
// (nginx's lingering close): long enough for the client to finish sending and read the answer
// instead of a connection reset, short enough that an endless upload cannot hold the socket.
const LINGER_MS = 5_000

const corsHeaders = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET,HEAD,POST,PUT,PATCH,DELETE,OPTIONS',
  'access-control-allow-headers':
    'authorization,x-client-info,apikey,content-type,prefer,range,accept-profile,content-profile,x-supabase-api-version,x-upsert',
  // PostgREST's paging headers, and Auth's: supabase-js reads error codes only when it can see
  // X-Supabase-Api-Version; the admin API pages with Link and X-Total-Count.
  'access-control-expose-headers':
    'content-range,content-location,range-unit,preference-applied,x-supabase-api-version,x-sb-error-code,link,x-total-count',
  'access-control-max-age': '3600',
}

/** A JSON answer from the gateway itself. Once an answer has started nothing else can be said on
 * this connection, so then it is cut instead (a second writeHead would throw). */
function reply(res: ServerResponse, status: number, body: unknown) {
  if (res.headersSent || res.destroyed) {
    res.destroy()
    return
  }
  res.writeHead(status, { ...corsHeaders, 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

/** 413, then the rest of the upload is drained for a moment and the socket closed. */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse, prefix: Prefix) {
  reply(res, 413, {
    message: `Request body too large: ${prefix} accepts at most ${bodyLimits[prefix]} bytes`,
  })
  drainAndClose(req)
}

/** Reads the rest of an upload and throws it away, closing the socket after LINGER_MS. */
function drainAndClose(req: IncomingMessage) {
  req.removeAllListeners('data')
  req.resume()
  const linger = setTimeout(() => req.socket.destroy(), LINGER_MS)
  linger.unref()
  req.socket.once('close', () => clearTimeout(linger))
}

function route(url: string) {
  for (const [prefix, upstream] of Object.entries(upstreams) as [
    Prefix,
    (typeof upstreams)[Prefix],
  ][]) {
    if (url === prefix || url.startsWith(prefix + '/') || url.startsWith(prefix + '?')) {
      return { ...upstream, prefix, path: url.slice(prefix.length) || '/' }
    }
  }
  return null
}

/** Serves supabase/templates/<name>.html (what GOTRUE_MAILER_TEMPLATES_* point a real Auth at). */
async function template(name: string, res: ServerResponse) {
  if (!/^[\w.-]+\.html$/.test(name))
    return reply(res, 404, { message: 'no route matched with those values' })
  try {
    const body = await readFile(join(root, 'supabase', 'templates', name))
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(body)
  } catch {
    reply(res, 404, { message: 'template not found' })
  }
}

/** Streams the request to the upstream and its answer back, counting the body as it passes (a
 * chunked upload has no Content-Length to check up front). */
function proxy(
  req: IncomingMessage,
  res: ServerResponse,
  target: { port: number; path: string; prefix: Prefix },
  headers: OutgoingHttpHeaders,
) {
  const limit = bodyLimits[target.prefix]
  // Set once the gateway itself gave up on the upstream request (too large, client gone): the
  // error that destroying it raises is then expected, not a failure to report.
  let abandoned = false
  const upstream = http.request({
    host: '127.0.0.1',
    port: target.port,
    method: req.method,
    path: target.path,
    headers,
  })
  const abandon = () => {
    abandoned = true
    upstream.destroy()
  }

  upstream.on('response', (up) => {
    // The upstream failed half-way through its answer: the status is already out, so the only
    // honest thing left is to cut the client's connection too.
    up.on('error', () => res.destroy())
    if (abandoned || res.headersSent) {
      up.resume()
      return
    }
    res.writeHead(up.statusCode ?? 502, { ...up.headers, ...corsHeaders })
    up.pipe(res)
  })
  upstream.on('error', (err) => {
    if (abandoned) return
    // Before any answer: a 502 the client can act on. After: reply() cuts the connection.
    reply(res, 502, { message: `upstream unavailable: ${err.message}` })
  })

  let received = 0
  req.on('data', (chunk: Buffer) => {
    received += chunk.length
    if (received > limit) {
      if (!res.headersSent) {
        abandon()
        return refuseTooLarge(req, res, target.prefix)
      }
      // The upstream has already answered (Auth refuses at the same 1 MiB): let that answer
      // finish, forward nothing more, and drop the upstream request once it has.
      drainAndClose(req)
      if (res.writableFinished) abandon()
      else res.once('finish', abandon)
      return
    }
    if (!upstream.write(chunk)) req.pause()
  })
  upstream.on('drain', () => req.resume())
  req.on('end', () => {
    if (!abandoned) upstream.end()
  })
  req.on('error', abandon)
  // The client went away (an aborted upload, a closed tab) before its answer was complete: stop
  // the upstream's work for it as well.
  res.on('close', () => {
    if (!res.writableFinished) abandon()
  })
}

const server = http.createServer((req, res) => {
  if (req.method === 'OPTIONS') {
    res.writeHead(204, corsHeaders)
    return res.end()
  }
  const url = req.url ?? '/'
  if (url === '/health') return reply(res, 200, { status: 'ok' })
  if (url.startsWith('/_templates/')) return template(url.slice('/_templates/'.length), res)
  const target = route(url)
  if (!target) return reply(res, 404, { message: 'no route matched with those values' })

  // A declared length over the limit is refused before anything reaches the upstream.
  const declared = Number(req.headers['content-length'])
  if (declared > bodyLimits[target.prefix]) return refuseTooLarge(req, res, target.prefix)

  const apikey = req.headers.apikey
  const open =
    target.port === ports.auth &&
    openAuthPaths.some(
      (p) =>
        target.path === p || target.path.startsWith(p + '?') || target.path.startsWith(p + '/'),
    )
  if (target.keyRequired && !open && !apikey)
    return reply(res, 401, { message: 'No API key found in request' })
  const key = typeof apikey === 'string' ? apikey : undefined
  const role = key ? newKeys.get(key) : undefined
  if (key && !open && !role && !legacyKeys.has(key))
    return reply(res, 401, { message: 'Invalid API key' })
  if (role === 'service_role' && looksLikeBrowser(req.headers['user-agent']))
    return reply(res, 401, {
      message: 'Forbidden use of secret API key in browser',
      hint: 'Secret API keys belong in backends only; use the publishable key in the browser.',
    })

  const headers: OutgoingHttpHeaders = { ...req.headers, host: `127.0.0.1:${target.port}` }
  // A new key as a bearer is a key, not a user's token: drop it (the apikey decides below).
  if (/^Bearer\s+sb_/i.test(req.headers.authorization ?? '')) delete headers.authorization
  const done = (authorization?: string) => {
    if (authorization) headers.authorization = authorization
    const client = req.socket.remoteAddress ?? '127.0.0.1'
    headers['x-forwarded-for'] = headers['x-forwarded-for']
      ? `${headers['x-forwarded-for']}, ${client}`
      : client
    proxy(req, res, target, headers)
  }
  if (headers.authorization) return done()
  // Every route, Auth's included: its admin API takes the secret key's service_role token.
  if (role)
    return void roleToken(role).then(
      (token) => done(`Bearer ${token}`),
      (err: Error) => reply(res, 500, { message: `could not sign a role token: ${err.message}` }),
    )
  done(key && target.copyKey ? `Bearer ${key}` : undefined)
})

server.keepAliveTimeout = 65_000
// An upload must arrive whole within a minute; a trickling one otherwise holds its socket for
// Node's default of five minutes.
server.requestTimeout = 60_000
server.listen(ports.api, '127.0.0.1', () =>
  console.log(`gateway listening on 127.0.0.1:${ports.api}`),
)
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)))
