// Fluxera's local Auth: a GoTrue-compatible (Supabase Auth v2.189.0) server for development and
// tests, run by the local stack (local-stack/services.ts) behind the gateway at /auth/v1.
//   node local-stack/auth/server.ts
import http from 'node:http'
import { loadConfig } from './config.ts'
import { connect } from './db.ts'
import { badRequest, sendError } from './errors.ts'
import { makeCtx, sendMethodNotAllowed, sendNotFound, type Route } from './http.ts'
import { adminRoutes } from './routes/admin.ts'
import { emailRoutes } from './routes/email.ts'
import { factorRoutes } from './routes/factors.ts'
import { jwksRoutes } from './routes/jwks.ts'
import { miscRoutes } from './routes/misc.ts'
import { sessionRoutes } from './routes/session.ts'
import { spKeys } from './saml.ts'
import { ssoAdminRoutes } from './routes/sso-admin.ts'
import { ssoRoutes } from './routes/sso.ts'

const cfg = loadConfig()
connect(cfg.dbUrl)
// As Auth refuses to start with a SAML key it cannot use (and the SP certificate is made now).
if (cfg.saml.enabled) spKeys(cfg)

const routes: Route[] = [
  ...jwksRoutes,
  ...miscRoutes,
  ...sessionRoutes,
  ...emailRoutes,
  ...adminRoutes,
  ...factorRoutes,
  ...ssoRoutes,
  ...ssoAdminRoutes,
]

const server = http.createServer(async (req, res) => {
  const ctx = makeCtx(cfg, req, res)
  try {
    // The first route whose path matches answers; a path matched only with another method is a 405.
    let methodMismatch = false
    for (const r of routes) {
      const m = r.pattern.exec(ctx.path)
      if (!m) continue
      if (
        r.method !== '*' &&
        r.method !== ctx.method &&
        !(r.method === 'GET' && ctx.method === 'HEAD')
      ) {
        methodMismatch = true
        continue
      }
      r.keys.forEach((k, i) => (ctx.params[k] = decodeURIComponent(m[i + 1] ?? '')))
      await r.handler(ctx)
      return
    }
    if (methodMismatch) return sendMethodNotAllowed(res)
    sendNotFound(res)
  } catch (err) {
    if (res.headersSent) return res.end()
    if (err instanceof SyntaxError) return sendError(req, res, badRequest('bad_json', err.message))
    sendError(req, res, err)
  }
})

server.keepAliveTimeout = 65_000
server.listen(cfg.port, '127.0.0.1', () =>
  console.log(`local Auth (GoTrue-compatible) listening on 127.0.0.1:${cfg.port}`),
)
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)))
