// GET /.well-known/jwks.json: the public halves of the signing keys (never the HS256 secret), as
// Auth v2.189.0 serves them (internal/api/jwks.go), for PostgREST, edge functions and supabase-js's
// getClaims() to verify access tokens without asking Auth.
import { publicJwks } from '../../keys.ts'
import { route, type Route } from '../http.ts'

export const jwksRoutes: Route[] = [
  route('GET', '/.well-known/jwks.json', async (ctx) => {
    ctx.json(200, publicJwks, { 'cache-control': 'public, max-age=600' })
  }),
]
