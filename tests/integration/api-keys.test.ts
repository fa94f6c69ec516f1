// Issue 20, items 1 and 2: Supabase's current key model on this stack. The gateway takes the
// publishable key as anon and a secret key as service_role (refused from a browser), swapping each
// for a short-lived role JWT; Auth signs access tokens with the ES256 key of
// supabase/signing_keys.json and publishes its JWKS; PostgREST, the edge functions and
// supabase-js's getClaims() verify through it; tokens signed with the legacy HS256 secret still
// verify while it is configured.
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { signingJwk } from '../../local-stack/keys.ts'
import {
  anonKey,
  apiUrl,
  clientAs,
  clientWithKey,
  clientWithToken,
  createUser,
  forgedToken,
  publishableKey,
  secretKey,
  serviceRoleKey,
  sessionToken,
  uniqueEmail,
} from '../helpers/stack'

const BROWSER_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36'
const ACME = '10000000-0000-4000-a000-000000000001'

/** GET a PostgREST path with the given headers; status and parsed body. */
async function rest(path: string, headers: Record<string, string>) {
  const res = await fetch(`${apiUrl}/rest/v1/${path}`, { headers })
  return { status: res.status, body: (await res.json()) as unknown }
}
// `workspaces` is closed to anon (permission denied, 42501) and open to service_role (every row):
// which of the two answers shows the role a request ran as.
const actsAsAnon = (r: { status: number; body: unknown }) => {
  expect(r.status).toBeGreaterThanOrEqual(401)
  expect(r.body).toMatchObject({ code: '42501', message: 'permission denied for table workspaces' })
}
const actsAsService = (r: { status: number; body: unknown }) => {
  expect(r.status).toBe(200)
  expect((r.body as { id: string }[]).map((w) => w.id)).toContain(ACME)
}

describe('API keys at the gateway', () => {
  it('uses the Supabase CLI’s local key values', () => {
    expect(publishableKey).toBe('sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH')
    expect(secretKey).toBe('sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz')
  })

  it('the publishable key acts as anon', async () => {
    actsAsAnon(await rest('workspaces?select=id', { apikey: publishableKey }))
  })

  it('a secret key acts as service_role (bypasses RLS)', async () => {
    actsAsService(await rest('workspaces?select=id', { apikey: secretKey }))
  })

  it('a secret key sent by a browser is refused with 401', async () => {
    const r = await rest('workspaces?select=id', { apikey: secretKey, 'user-agent': BROWSER_UA })
    expect(r).toEqual({
      status: 401,
      body: expect.objectContaining({ message: 'Forbidden use of secret API key in browser' }),
    })
    // The publishable key from the same browser is fine.
    actsAsAnon(
      await rest('workspaces?select=id', { apikey: publishableKey, 'user-agent': BROWSER_UA }),
    )
  })

  it('a new key as Authorization: Bearer is not a user token (nor a way to raise the role)', async () => {
    // As supabase-js sends it before sign-in: PostgREST would refuse "sb_…" as a malformed JWT.
    actsAsAnon(
      await rest('workspaces?select=id', {
        apikey: publishableKey,
        authorization: `Bearer ${publishableKey}`,
      }),
    )
    // The secret key as the bearer of a publishable-key request stays anon.
    actsAsAnon(
      await rest('workspaces?select=id', {
        apikey: publishableKey,
        authorization: `Bearer ${secretKey}`,
      }),
    )
    // And a bearer new key with no apikey is no key at all.
    const none = await rest('workspaces?select=id', { authorization: `Bearer ${secretKey}` })
    expect(none.status).toBe(401)
    expect(none.body).toEqual({ message: 'No API key found in request' })
  })

  it('an unknown sb_ key is refused', async () => {
    const r = await rest('workspaces?select=id', { apikey: 'sb_secret_not-a-key-of-this-project' })
    expect(r).toEqual({ status: 401, body: { message: 'Invalid API key' } })
  })

  it('the legacy anon and service_role keys keep working', async () => {
    actsAsAnon(await rest('workspaces?select=id', { apikey: anonKey }))
    actsAsService(await rest('workspaces?select=id', { apikey: serviceRoleKey }))
  })

  it('a signed-in user with the publishable key acts as that user', async () => {
    const token = await sessionToken('owner@fluxera.test')
    const r = await rest('workspaces?select=id', {
      apikey: publishableKey,
      authorization: `Bearer ${token}`,
    })
    expect(r.status).toBe(200)
    expect((r.body as { id: string }[]).map((w) => w.id)).toEqual([ACME])
  })

  it('supabase-js with the secret key reaches Auth’s admin API; with the publishable key it cannot', async () => {
    const admin = await clientWithKey(secretKey).auth.admin.listUsers({ perPage: 1 })
    expect(admin.error).toBeNull()
    expect(admin.data.users).toHaveLength(1)
    const anon = await clientWithKey(publishableKey).auth.admin.listUsers({ perPage: 1 })
    expect(anon.error?.status).toBe(403)
  })
})

describe('asymmetric JWT signing keys', () => {
  let jwks: { keys: Record<string, unknown>[] }
  beforeAll(async () => {
    const res = await fetch(`${apiUrl}/auth/v1/.well-known/jwks.json`)
    expect(res.status).toBe(200)
    jwks = (await res.json()) as typeof jwks
  })

  it('Auth serves the public JWKS (no API key needed): the ES256 key, never a private or HS256 key', () => {
    expect(signingJwk).not.toBeNull()
    expect(jwks.keys).toEqual([
      {
        kty: 'EC',
        kid: signingJwk!.kid,
        use: 'sig',
        key_ops: ['verify'],
        alg: 'ES256',
        ext: true,
        crv: 'P-256',
        x: signingJwk!.x,
        y: signingJwk!.y,
      },
    ])
    expect(JSON.stringify(jwks)).not.toMatch(/"d"|"oct"|"k"/)
  })

  it('access tokens are ES256 with the key’s kid, and verify against the served JWKS', async () => {
    const token = await sessionToken('member@fluxera.test')
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', kid: signingJwk!.kid })
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks as never), {
      audience: 'authenticated',
      issuer: `${apiUrl}/auth/v1`,
    })
    expect(payload.role).toBe('authenticated')
  })

  it('PostgREST verifies an ES256 token through the JWKS, and refuses a forged or expired one', async () => {
    const owner = '00000000-0000-4000-a000-000000000001'
    const good = await clientWithToken(
      await forgedToken(owner, { alg: 'ES256', liveSession: true }),
    )
      .from('workspaces')
      .select('id')
    expect(good.error).toBeNull()
    expect(good.data?.map((w) => w.id)).toEqual([ACME])
    for (const token of [
      await forgedToken(owner, { alg: 'ES256-foreign' }),
      await forgedToken(owner, { alg: 'ES256', expiresInSeconds: -60 }),
    ]) {
      const r = await rest('workspaces?select=id', {
        apikey: publishableKey,
        authorization: `Bearer ${token}`,
      })
      expect(r.status).toBe(401)
      expect(r.body).toMatchObject({ code: expect.stringMatching(/^PGRST30/) })
    }
  })

  it('a token signed with the legacy HS256 secret still verifies while the secret is configured', async () => {
    const owner = '00000000-0000-4000-a000-000000000001'
    const legacy = await forgedToken(owner, { alg: 'HS256', liveSession: true })
    expect(decodeProtectedHeader(legacy).alg).toBe('HS256')
    const r = await clientWithToken(legacy).from('workspaces').select('id')
    expect(r.error).toBeNull()
    expect(r.data?.map((w) => w.id)).toEqual([ACME])
  })

  it('supabase-js getClaims() verifies the session’s token against the JWKS', async () => {
    const c = await clientAs('viewer@fluxera.test')
    const { data, error } = await c.auth.getClaims()
    expect(error).toBeNull()
    expect(data?.header).toMatchObject({ alg: 'ES256', kid: signingJwk!.kid })
    expect(data?.claims.email).toBe('viewer@fluxera.test')
  })

  it('Auth itself refuses a token signed with a foreign key under its kid', async () => {
    const id = await createUser(uniqueEmail('foreign-kid'))
    const res = await fetch(`${apiUrl}/auth/v1/user`, {
      headers: {
        apikey: publishableKey,
        authorization: `Bearer ${await forgedToken(id, { alg: 'ES256-foreign', liveSession: true })}`,
      },
    })
    expect(res.status).toBe(403)
    expect(((await res.json()) as { error_code?: string; code?: string | number }).error_code).toBe(
      'bad_jwt',
    )
  })
})

describe('edge functions authorise callers in code', () => {
  const invite = (headers: Record<string, string>) =>
    fetch(`${apiUrl}/functions/v1/invite-members`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ workspaceId: ACME, emails: [uniqueEmail('keys')], role: 'member' }),
    })

  it('invite-members refuses a forged ES256 token (foreign key, the real kid) before any work', async () => {
    const owner = '00000000-0000-4000-a000-000000000001'
    for (const token of [
      await forgedToken(owner, { alg: 'ES256-foreign' }),
      await forgedToken(owner, { alg: 'ES256', audience: 'not-authenticated' }),
      await forgedToken(owner, { alg: 'ES256', expiresInSeconds: -60 }),
    ]) {
      const res = await invite({ apikey: publishableKey, authorization: `Bearer ${token}` })
      expect(res.status).toBe(401)
      expect(await res.json()).toEqual({
        code: 'not_authenticated',
        message: 'Sign in to invite people.',
      })
    }
  })

  it('invite-members takes a real user token sent with the publishable key', async () => {
    const c = await clientAs('viewer@fluxera.test')
    const { data } = await c.auth.getSession()
    const res = await invite({
      apikey: publishableKey,
      authorization: `Bearer ${data.session!.access_token}`,
    })
    // Verified: the caller reaches the database's own rules (a Viewer may not invite).
    expect(res.status).toBe(403)
  })

  it('invitation-link answers only the project’s keys', async () => {
    const call = (headers: Record<string, string>) =>
      fetch(`${apiUrl}/functions/v1/invitation-link`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ action: 'state', workspaceId: ACME, tokenHash: 'ab'.repeat(28) }),
      })
    const without = await call({})
    expect(without.status).toBe(401)
    expect(((await without.json()) as { code: string }).code).toBe('no_api_key')
    for (const apikey of [publishableKey, anonKey]) {
      const res = await call({ apikey })
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ state: 'unknown' })
    }
  })
})
