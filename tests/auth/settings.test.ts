// /health, /settings, the gateway in front of Auth (API key, open mail-link paths, CORS) and the
// answers for what is out of scope (OAuth providers, SAML, phone, passkeys, anonymous sign-in).
import { describe, expect, it } from 'vitest'
import { anonKey, apiUrl, auth, expectError, recorded } from './helpers'

describe('Auth behind the gateway', () => {
  it('/health answers 200; /settings matches Auth’s with this config.toml', async () => {
    expect((await auth('/health')).status).toBe(200)
    const s = await auth('/settings')
    // Recorded with SAML off; the stack turns SAML on (the local key, as with GOTRUE_SAML_ENABLED).
    expect({ status: s.status, body: s.body }).toEqual({
      status: 200,
      body: { ...recorded('settings').body, saml_enabled: true },
    })
  })

  it('needs an API key except on /verify, /callback and /authorize (plain GET links)', async () => {
    const noKey = await auth('/settings', { key: null })
    expect(noKey.status).toBe(401)
    expect(noKey.body).toEqual({ message: 'No API key found in request' })
    expect((await auth('/settings', { key: 'not-a-key' })).status).toBe(401)
    for (const path of [
      '/verify?type=magiclink&token=x',
      '/callback',
      '/authorize?provider=github',
    ]) {
      const r = await fetch(`${apiUrl}/auth/v1${path}`, { redirect: 'manual' })
      expect(r.status, path).not.toBe(401)
      expect(r.status, path).toBeLessThan(500)
    }
  })

  it('lets the browser read X-Supabase-Api-Version (supabase-js needs it for error codes)', async () => {
    const pre = await fetch(`${apiUrl}/auth/v1/token?grant_type=password`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'apikey,content-type,x-supabase-api-version',
      },
    })
    expect(pre.status).toBeLessThan(300)
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
      'x-supabase-api-version',
    )
    const res = await fetch(`${apiUrl}/auth/v1/token?grant_type=password`, {
      method: 'POST',
      headers: {
        apikey: anonKey,
        origin: 'http://127.0.0.1:5173',
        'content-type': 'application/json',
        'x-supabase-api-version': '2024-01-01',
      },
      body: JSON.stringify({ email: 'owner@fluxera.test', password: 'nope-nope-1A!' }),
    })
    expect(res.headers.get('access-control-expose-headers')?.toLowerCase()).toContain(
      'x-supabase-api-version',
    )
    expect(res.headers.get('x-supabase-api-version')).toBe('2024-01-01')
  })
})

describe('out of scope: Auth’s "not enabled" answers, never a 500', () => {
  it('OAuth providers: /authorize is 400 validation_failed', async () => {
    const r = await fetch(`${apiUrl}/auth/v1/authorize?provider=google`, { redirect: 'manual' })
    expect(r.status).toBe(400)
    expect(((await r.json()) as { error_code: string }).error_code).toBe('validation_failed')
  })

  it('anonymous sign-in is 422 anonymous_provider_disabled', async () => {
    expectError(await auth('/signup', { body: {} }), 422, 'anonymous_provider_disabled')
  })

  it('phone sign-up, sign-in and OTP are refused with phone_provider_disabled', async () => {
    expectError(
      await auth('/signup', { body: { phone: '+15555550100', password: 'Good-pass-2026!x' } }),
      400,
      'phone_provider_disabled',
    )
    expectError(
      await auth('/token?grant_type=password', { body: { phone: '+15555550100', password: 'x' } }),
      422,
      'phone_provider_disabled',
    )
  })

  it('SAML/SSO and unknown paths are 4xx', async () => {
    const sso = await auth('/sso', { body: { domain: 'example.com' } })
    expect(sso.status).toBeGreaterThanOrEqual(400)
    expect(sso.status).toBeLessThan(500)
    const unknown = await auth('/no-such-endpoint')
    expect(unknown.status).toBe(404)
  })
})
