// The API gateway on 127.0.0.1:54321, routing as Supabase's Kong does:
//   /rest/v1/*      -> PostgREST        (prefix stripped)
//   /auth/v1/*      -> Auth             (prefix stripped; the local stand-in or Supabase Auth)
//   /functions/v1/* -> Deno functions   (prefix stripped)
//   /_templates/*   -> supabase/templates (mail templates, fetched by a real Supabase Auth)
// It checks the `apikey` header like Kong's key-auth (Auth's /verify, /callback and /authorize are
// open: mail links are plain GETs), copies the key into Authorization for PostgREST and the
// functions when that is absent, adds X-Forwarded-For, and answers CORS for the SPA.
import { readFile } from 'node:fs/promises'
import http, { type OutgoingHttpHeaders, type ServerResponse } from 'node:http'
import { join } from 'node:path'
import { anonKey, ports, root, serviceRoleKey } from './config.ts'

const upstreams = {
  '/rest/v1': { port: ports.rest, keyRequired: true, copyKey: true },
  '/auth/v1': { port: ports.auth, keyRequired: true, copyKey: false },
  '/functions/v1': { port: ports.functions, keyRequired: false, copyKey: true },
}
// Kong's "auth-v1-open" routes in `supabase start`: no API key needed.
const openAuthPaths = ['/verify', '/callback', '/authorize']
const knownKeys = new Set([anonKey, serviceRoleKey])

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

function reply(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { ...corsHeaders, 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

function route(url: string) {
  for (const [prefix, upstream] of Object.entries(upstreams)) {
    if (url === prefix || url.startsWith(prefix + '/') || url.startsWith(prefix + '?')) {
      return { ...upstream, path: url.slice(prefix.length) || '/' }
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

  const apikey = req.headers.apikey
  const open =
    target.port === ports.auth &&
    openAuthPaths.some(
      (p) =>
        target.path === p || target.path.startsWith(p + '?') || target.path.startsWith(p + '/'),
    )
  if (target.keyRequired && !open && !apikey)
    return reply(res, 401, { message: 'No API key found in request' })
  if (apikey && !open && !knownKeys.has(String(apikey)))
    return reply(res, 401, { message: 'Invalid API key' })

  const headers: OutgoingHttpHeaders = { ...req.headers, host: `127.0.0.1:${target.port}` }
  if (!headers.authorization && apikey && target.copyKey) headers.authorization = `Bearer ${apikey}`
  const client = req.socket.remoteAddress ?? '127.0.0.1'
  headers['x-forwarded-for'] = headers['x-forwarded-for']
    ? `${headers['x-forwarded-for']}, ${client}`
    : client

  const upstream = http.request(
    { host: '127.0.0.1', port: target.port, method: req.method, path: target.path, headers },
    (up) => {
      res.writeHead(up.statusCode ?? 502, { ...up.headers, ...corsHeaders })
      up.pipe(res)
    },
  )
  upstream.on('error', (err) =>
    reply(res, 502, { message: `upstream unavailable: ${err.message}` }),
  )
  req.pipe(upstream)
})

server.keepAliveTimeout = 65_000
server.listen(ports.api, '127.0.0.1', () =>
  console.log(`gateway listening on 127.0.0.1:${ports.api}`),
)
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)))
