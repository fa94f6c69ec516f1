import { describe, expect, it } from 'vitest'
import { anonKey, apiUrl, serviceRoleKey } from '../helpers/stack'

// The gateway must behave like Supabase's Kong for what the SPA and supabase-js rely on.
describe('gateway (Kong in `supabase start`)', () => {
  it('refuses REST calls without an API key, like Kong key-auth', async () => {
    const res = await fetch(`${apiUrl}/rest/v1/`)
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ message: 'No API key found in request' })
  })

  it('refuses an unknown API key', async () => {
    const res = await fetch(`${apiUrl}/rest/v1/`, { headers: { apikey: 'not-a-key' } })
    expect(res.status).toBe(401)
  })

  it('routes /rest/v1 to PostgREST 12 with the anon key', async () => {
    const res = await fetch(`${apiUrl}/rest/v1/`, { headers: { apikey: anonKey } })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { info: { version: string } }
    expect(body.info.version).toBe('12.0.2')
  })

  it('answers CORS preflight for the SPA origin', async () => {
    const res = await fetch(`${apiUrl}/rest/v1/workspaces`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:5173',
        'access-control-request-headers': 'apikey,authorization',
      },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect(res.headers.get('access-control-allow-headers')).toContain('apikey')
  })

  it('routes /functions/v1 to the Deno functions server', async () => {
    const res = await fetch(`${apiUrl}/functions/v1/no-such-function`, {
      headers: { apikey: serviceRoleKey },
    })
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ msg: 'function no-such-function not found' })
  })

  it('routes /auth/v1 to Auth (prefix stripped), with the API key checked like Kong', async () => {
    const res = await fetch(`${apiUrl}/auth/v1/health`, { headers: { apikey: anonKey } })
    expect(res.status).toBe(200)
    expect((await fetch(`${apiUrl}/auth/v1/settings`)).status).toBe(401)
  })

  it('lets mail links (/auth/v1/verify) through without an API key', async () => {
    const res = await fetch(`${apiUrl}/auth/v1/verify?type=magiclink&token=nope`, {
      redirect: 'manual',
    })
    expect(res.status).toBe(303)
  })

  it('exposes Auth’s X-Supabase-Api-Version to the browser', async () => {
    const res = await fetch(`${apiUrl}/auth/v1/health`, {
      headers: { apikey: anonKey, origin: 'http://127.0.0.1:5173' },
    })
    expect(res.headers.get('access-control-expose-headers')).toContain('x-supabase-api-version')
  })

  it('serves the mail templates a real Supabase Auth fetches, without an API key', async () => {
    const res = await fetch(`${apiUrl}/_templates/invite.html`)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('{{ .TokenHash }}')
    expect((await fetch(`${apiUrl}/_templates/../config.toml`)).status).toBe(404)
  })
})
