// The API gateway on 127.0.0.1:54321, routing as Supabase's Kong does:
//   /rest/v1/*      -> PostgREST        (prefix stripped)
//   /auth/v1/*      -> Supabase Auth    (not runnable on this machine: a clear 503, see README)
//   /functions/v1/* -> Deno functions   (prefix stripped)
// It checks the `apikey` header like Kong's key-auth, copies it into Authorization when that is
// absent, adds X-Forwarded-For, and answers CORS for the SPA.
import http from 'node:http'
import { anonKey, ports, serviceRoleKey } from './config.mjs'

const upstreams = {
  '/rest/v1': { port: ports.rest, keyRequired: true },
  '/functions/v1': { port: ports.functions, keyRequired: false },
}
const knownKeys = new Set([anonKey, serviceRoleKey])

const corsHeaders = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET,HEAD,POST,PUT,PATCH,DELETE,OPTIONS',
  'access-control-allow-headers':
    'authorization,x-client-info,apikey,content-type,prefer,range,accept-profile,content-profile,x-supabase-api-version,x-upsert',
  'access-control-expose-headers': 'content-range,content-location,range-unit,preference-applied',
  'access-control-max-age': '3600',
}

function reply(res, status, body) {
  res.writeHead(status, { ...corsHeaders, 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

function route(url) {
  for (const [prefix, upstream] of Object.entries(upstreams)) {
    if (url === prefix || url.startsWith(prefix + '/') || url.startsWith(prefix + '?')) {
      return { ...upstream, path: url.slice(prefix.length) || '/' }
    }
  }
  return null
}

const server = http.createServer((req, res) => {
  if (req.method === 'OPTIONS') {
    res.writeHead(204, corsHeaders)
    return res.end()
  }
  const url = req.url ?? '/'
  if (url === '/health') return reply(res, 200, { status: 'ok' })
  if (url.startsWith('/auth/v1')) {
    return reply(res, 503, {
      code: 503,
      error_code: 'auth_unavailable',
      msg: 'Supabase Auth is not running in this local stack: it cannot be installed on this machine. See README, "Supabase Auth locally".',
    })
  }
  const target = route(url)
  if (!target) return reply(res, 404, { message: 'no route matched with those values' })

  const apikey = req.headers.apikey
  if (target.keyRequired && !apikey) return reply(res, 401, { message: 'No API key found in request' })
  if (apikey && !knownKeys.has(String(apikey))) return reply(res, 401, { message: 'Invalid API key' })

  const headers = { ...req.headers, host: `127.0.0.1:${target.port}` }
  if (!headers.authorization && apikey) headers.authorization = `Bearer ${apikey}`
  const client = req.socket.remoteAddress ?? '127.0.0.1'
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${client}` : client

  const upstream = http.request(
    { host: '127.0.0.1', port: target.port, method: req.method, path: target.path, headers },
    (up) => {
      res.writeHead(up.statusCode ?? 502, { ...up.headers, ...corsHeaders })
      up.pipe(res)
    },
  )
  upstream.on('error', (err) => reply(res, 502, { message: `upstream unavailable: ${err.message}` }))
  req.pipe(upstream)
})

server.keepAliveTimeout = 65_000
server.listen(ports.api, '127.0.0.1', () => console.log(`gateway listening on 127.0.0.1:${ports.api}`))
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)))
