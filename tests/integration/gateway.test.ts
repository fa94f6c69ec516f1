import { describe, expect, it } from 'vitest'
import { anonKey, apiUrl, serviceRoleKey } from '../helpers/stack'

// The gateway must behave like Supabase's Kong for what the SPA and supabase-js rely on.
describe('gateway on :54321', () => {
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
      headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-headers': 'apikey,authorization' },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect(res.headers.get('access-control-allow-headers')).toContain('apikey')
  })

  it('routes /functions/v1 to the Deno functions server', async () => {
    const res = await fetch(`${apiUrl}/functions/v1/no-such-function`, { headers: { apikey: serviceRoleKey } })
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ msg: 'function no-such-function not found' })
  })

  it('says plainly that Supabase Auth is not part of this local stack', async () => {
    const res = await fetch(`${apiUrl}/auth/v1/health`)
    expect(res.status).toBe(503)
    expect((await res.json()) as { error_code: string }).toMatchObject({ error_code: 'auth_unavailable' })
  })
})
