// /token (password, refresh_token, pkce), /user, /logout: shapes, claims, refusals, rotation and reuse.
import { afterAll, describe, expect, it } from 'vitest'
import { closeSql } from '../helpers/stack'
import {
  admin,
  apiUrl,
  auth,
  claims,
  DEMO_PASSWORD,
  expectError,
  expectRecordedShape,
  GOOD_PASSWORD,
  js,
  newUser,
  recorded,
  signIn,
  sql,
} from './helpers'

afterAll(closeSql)

describe('password sign-in', () => {
  it('signs a demo user in with Auth’s response shape and claims', async () => {
    const r = await auth('/token?grant_type=password', {
      body: { email: 'owner@fluxera.test', password: DEMO_PASSWORD },
      api: true,
    })
    expect(r.status).toBe(200)
    expectRecordedShape(r.body, 'password_sign_in_success__api_2024_01_01')
    expect(r.body).toMatchObject({ token_type: 'bearer', expires_in: 3600, weak_password: null })
    expect(r.body.expires_at - Math.floor(Date.now() / 1000)).toBeGreaterThan(3500)
    expect(r.body.refresh_token).toMatch(/^\S+$/)
    const c = claims(r.body.access_token)
    expect(Object.keys(c).sort()).toEqual(Object.keys(recorded('access_token_claims')).sort())
    // Real Auth's first token after a start carries aud as an array, later ones as a string.
    expect([c.aud, [c.aud].flat()[0]]).toContainEqual('authenticated')
    expect({ ...c, aud: [c.aud].flat()[0] }).toMatchObject({
      iss: `${apiUrl}/auth/v1`,
      sub: '00000000-0000-4000-a000-000000000001',
      aud: 'authenticated',
      role: 'authenticated',
      email: 'owner@fluxera.test',
      phone: '',
      aal: 'aal1',
      is_anonymous: false,
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: { full_name: 'Olivia Owner' },
    })
    expect(c.amr).toEqual([{ method: 'password', timestamp: expect.any(Number) }])
    expect(c.exp - c.iat).toBe(3600)
    const session = await sql(`select aal::text, user_agent from auth.sessions where id = $1`, [
      c.session_id,
    ])
    expect(session).toEqual([{ aal: 'aal1', user_agent: expect.anything() }])
  })

  it('works through supabase-js, and the token carries the session Auth stored', async () => {
    const client = js()
    const { data, error } = await client.auth.signInWithPassword({
      email: 'admin@fluxera.test',
      password: DEMO_PASSWORD,
    })
    expect(error).toBeNull()
    expect(data.session?.user.email).toBe('admin@fluxera.test')
    const user = await client.auth.getUser()
    expect(user.data.user?.id).toBe('00000000-0000-4000-a000-000000000002')
  })

  it.each([
    ['wrong password', 'owner@fluxera.test', 'Not-the-password-1!'],
    ['unknown address', 'nobody-here@fluxera.test', DEMO_PASSWORD],
  ])(
    'refuses a %s with 400 invalid_credentials in both error forms',
    async (_, email, password) => {
      const legacy = await auth('/token?grant_type=password', { body: { email, password } })
      expectError(legacy, 400, 'invalid_credentials')
      expect(legacy.body).toEqual(recorded('password_sign_in_wrong_password').body)
      const api = await auth('/token?grant_type=password', { body: { email, password }, api: true })
      expectError(api, 400, 'invalid_credentials', true)
      expect(api.body).toEqual(recorded('password_sign_in_wrong_password__api_2024_01_01').body)
    },
  )

  it('gives supabase-js the error code (it reads it from X-Supabase-Api-Version)', async () => {
    const { error } = await js().auth.signInWithPassword({
      email: 'owner@fluxera.test',
      password: 'Not-the-password-1!',
    })
    expect(error?.code).toBe('invalid_credentials')
    expect(error?.status).toBe(400)
  })

  it('refuses an unconfirmed address with email_not_confirmed', async () => {
    const { email } = await newUser('unconfirmed', GOOD_PASSWORD, { email_confirm: false })
    expectError(
      await auth('/token?grant_type=password', { body: { email, password: GOOD_PASSWORD } }),
      400,
      'email_not_confirmed',
    )
  })

  it('verifies passwords hashed by pgcrypto (seed) and by Auth itself (admin API)', async () => {
    await signIn('viewer@fluxera.test')
    const u = await newUser('hash')
    const [row] = await sql<{ encrypted_password: string }>(
      `select encrypted_password from auth.users where id = $1`,
      [u.id],
    )
    expect(row!.encrypted_password).toMatch(/^\$2a\$10\$/)
    await signIn(u.email, u.password)
  })
})

describe('bad input gets Auth’s 4xx, never a 500', () => {
  it('malformed JSON is 400 bad_json', async () => {
    expectError(
      await auth('/token?grant_type=password', { rawBody: '{"email": ' }),
      400,
      'bad_json',
    )
    expectError(await auth('/signup', { rawBody: 'not json' }), 400, 'bad_json')
    expectError(await admin('/invite', { rawBody: '{' }), 400, 'bad_json')
  })

  it('a field of the wrong type is bad_json', async () => {
    expectError(
      await auth('/token?grant_type=password', { body: { email: 42, password: 'x' } }),
      400,
      'bad_json',
    )
  })

  it('missing email and phone is validation_failed', async () => {
    expectError(
      await auth('/token?grant_type=password', { body: { password: 'x' } }),
      400,
      'validation_failed',
    )
  })

  it('an unknown grant type is refused like Auth does (unsupported_grant_type)', async () => {
    const r = await auth('/token?grant_type=magic', { body: {} })
    expect(r.status).toBe(400)
    expect(r.body.msg).toBe('unsupported_grant_type')
    expect((await auth('/token', { body: {} })).status).toBe(400)
  })

  it('a missing or malformed refresh token is validation_failed', async () => {
    expectError(
      await auth('/token?grant_type=refresh_token', { body: {} }),
      400,
      'validation_failed',
    )
    expectError(
      await auth('/token?grant_type=refresh_token', { body: { refresh_token: 'UPPERCASE123' } }),
      400,
      'validation_failed',
    )
  })

  it('pkce without code or verifier is validation_failed; an unknown code is flow_state_not_found', async () => {
    expectError(
      await auth('/token?grant_type=pkce', { body: { auth_code: '' } }),
      400,
      'validation_failed',
    )
    expectError(
      await auth('/token?grant_type=pkce', {
        body: { auth_code: 'nope', code_verifier: 'x'.repeat(43) },
      }),
      404,
      'flow_state_not_found',
    )
  })
})

describe('refresh tokens', () => {
  it('rotates: each refresh returns a new refresh token and the user', async () => {
    const s = await signIn('member@fluxera.test')
    const r = await auth('/token?grant_type=refresh_token', {
      body: { refresh_token: s.refresh_token },
    })
    expect(r.status).toBe(200)
    expectRecordedShape(r.body, 'refresh_token_success')
    expect(r.body.refresh_token).not.toBe(s.refresh_token)
    expect(claims(r.body.access_token).session_id).toBe(claims(s.access_token).session_id)
    const [old] = await sql<{ revoked: boolean }>(
      `select revoked from auth.refresh_tokens where token = $1`,
      [s.refresh_token],
    )
    expect(old?.revoked).toBe(true)
  })

  it('reusing the parent within the reuse interval returns the active child again', async () => {
    const s = await signIn('member@fluxera.test')
    const first = await auth('/token?grant_type=refresh_token', {
      body: { refresh_token: s.refresh_token },
    })
    const again = await auth('/token?grant_type=refresh_token', {
      body: { refresh_token: s.refresh_token },
    })
    expect(again.status).toBe(200)
    expect(again.body.refresh_token).toBe(first.body.refresh_token)
  })

  it('reuse of a revoked token after the interval is refused and revokes the whole session', async () => {
    const s = await signIn('member@fluxera.test')
    const child = await auth('/token?grant_type=refresh_token', {
      body: { refresh_token: s.refresh_token },
    })
    const grandchild = await auth('/token?grant_type=refresh_token', {
      body: { refresh_token: child.body.refresh_token },
    })
    expect(grandchild.status).toBe(200)
    // Make the first token's revocation older than the 10 s reuse interval.
    await sql(
      `update auth.refresh_tokens set updated_at = now() - interval '1 minute' where token = $1`,
      [s.refresh_token],
    )
    const reuse = await auth('/token?grant_type=refresh_token', {
      body: { refresh_token: s.refresh_token },
      api: true,
    })
    expectError(reuse, 400, 'refresh_token_already_used', true)
    const live = await sql(
      `select 1 from auth.refresh_tokens where session_id = $1 and not revoked`,
      [claims(s.access_token).session_id],
    )
    expect(live).toHaveLength(0)
    await sql(
      `update auth.refresh_tokens set updated_at = now() - interval '1 minute' where session_id = $1`,
      [claims(s.access_token).session_id],
    )
    const latest = await auth('/token?grant_type=refresh_token', {
      body: { refresh_token: grandchild.body.refresh_token },
    })
    expectError(latest, 400, 'refresh_token_already_used')
  })

  it('an unknown refresh token is refresh_token_not_found', async () => {
    const r = await auth('/token?grant_type=refresh_token', {
      body: { refresh_token: 'nosuchtoken1' },
      api: true,
    })
    expect(r.body).toEqual(recorded('refresh_after_session_deleted__api_2024_01_01').body)
    expect(r.status).toBe(400)
  })

  it('after the session is deleted: /user is 403 session_not_found and refresh is refresh_token_not_found', async () => {
    const s = await signIn('viewer@fluxera.test')
    await sql(`delete from auth.sessions where id = $1`, [claims(s.access_token).session_id])
    const user = await auth('/user', { token: s.access_token })
    expect({ status: user.status, body: user.body }).toEqual({
      status: 403,
      body: recorded('get_user_after_session_deleted').body,
    })
    const api = await auth('/user', { token: s.access_token, api: true })
    expect(api.body).toEqual(recorded('get_user_after_session_deleted__api_2024_01_01').body)
    const refresh = await auth('/token?grant_type=refresh_token', {
      body: { refresh_token: s.refresh_token },
    })
    expect({ status: refresh.status, body: refresh.body }).toEqual({
      status: 400,
      body: recorded('refresh_after_session_deleted').body,
    })
  })
})

describe('/user', () => {
  it('GET returns the user; without a token 401 no_authorization; a forged token 403 bad_jwt', async () => {
    const s = await signIn('owner@fluxera.test')
    const r = await auth('/user', { token: s.access_token })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      id: '00000000-0000-4000-a000-000000000001',
      email: 'owner@fluxera.test',
      aud: 'authenticated',
    })
    expectError(await auth('/user'), 401, 'no_authorization')
    expectError(
      await auth('/user', { token: `${s.access_token.slice(0, -4)}AAAA` }),
      403,
      'bad_jwt',
    )
  })

  it('PUT refuses weak and short passwords with weak_password and its reasons', async () => {
    const u = await newUser('weak')
    const s = await signIn(u.email, u.password)
    const weak = await auth('/user', {
      method: 'PUT',
      token: s.access_token,
      body: { password: 'alllowercaseletters' },
      api: true,
    })
    expect({ status: weak.status, body: weak.body }).toEqual({
      status: 422,
      body: recorded('update_user_weak_password__api_2024_01_01').body,
    })
    const short = await auth('/user', {
      method: 'PUT',
      token: s.access_token,
      body: { password: 'Aa1!' },
    })
    expect({ status: short.status, body: short.body }).toMatchObject({
      status: 422,
      body: {
        error_code: 'weak_password',
        weak_password: { reasons: expect.arrayContaining(['length']) },
      },
    })
    const shortOnly = await auth('/user', {
      method: 'PUT',
      token: s.access_token,
      body: { password: 'Aa1!aaaa' },
    })
    expect(shortOnly.body).toEqual(recorded('update_user_short_password').body)
    const { error } = await (async () => {
      const c = js()
      await c.auth.setSession({ access_token: s.access_token, refresh_token: s.refresh_token })
      return c.auth.updateUser({ password: 'weakweakweak' })
    })()
    expect(error?.code).toBe('weak_password')
  })

  it('PUT changes the password (not to the same one) and ends the user’s other sessions', async () => {
    const u = await newUser('pwchange')
    const a = await signIn(u.email, u.password)
    const b = await signIn(u.email, u.password)
    expectError(
      await auth('/user', { method: 'PUT', token: a.access_token, body: { password: u.password } }),
      422,
      'same_password',
    )
    const r = await auth('/user', {
      method: 'PUT',
      token: a.access_token,
      body: { password: 'Another-pass-2026!' },
    })
    expect(r.status).toBe(200)
    expectError(
      await auth('/token?grant_type=password', { body: { email: u.email, password: u.password } }),
      400,
      'invalid_credentials',
    )
    await signIn(u.email, 'Another-pass-2026!')
    expectError(await auth('/user', { token: b.access_token }), 403, 'session_not_found')
    expect((await auth('/user', { token: a.access_token })).status).toBe(200)
  })

  it('PUT merges user metadata, and app_metadata needs an admin', async () => {
    const u = await newUser('meta', GOOD_PASSWORD, {
      user_metadata: { full_name: 'Meta Person', keep: 1 },
    })
    const s = await signIn(u.email, u.password)
    const r = await auth('/user', {
      method: 'PUT',
      token: s.access_token,
      body: { data: { full_name: 'Renamed' } },
    })
    expect(r.status).toBe(200)
    expect(r.body.user_metadata).toMatchObject({ full_name: 'Renamed', keep: 1 })
    expectError(
      await auth('/user', {
        method: 'PUT',
        token: s.access_token,
        body: { app_metadata: { role: 'x' } },
      }),
      403,
      'not_admin',
    )
  })
})

describe('/logout', () => {
  it('scope=local ends this session only; others keeps it; global ends all', async () => {
    const u = await newUser('logout')
    const a = await signIn(u.email, u.password)
    const b = await signIn(u.email, u.password)
    const c = await signIn(u.email, u.password)
    const local = await auth('/logout?scope=local', { method: 'POST', token: a.access_token })
    expect(local.status).toBe(204)
    expectError(await auth('/user', { token: a.access_token }), 403, 'session_not_found')
    expect((await auth('/user', { token: b.access_token })).status).toBe(200)
    expect(
      (await auth('/logout?scope=others', { method: 'POST', token: b.access_token })).status,
    ).toBe(204)
    expect((await auth('/user', { token: b.access_token })).status).toBe(200)
    expectError(await auth('/user', { token: c.access_token }), 403, 'session_not_found')
    expect((await auth('/logout', { method: 'POST', token: b.access_token })).status).toBe(204)
    expect(await sql(`select 1 from auth.sessions where user_id = $1`, [u.id])).toHaveLength(0)
    expectError(
      await auth('/token?grant_type=refresh_token', { body: { refresh_token: b.refresh_token } }),
      400,
      'refresh_token_not_found',
    )
  })

  it('an unknown scope is validation_failed; supabase-js signOut works', async () => {
    const s = await signIn('viewer@fluxera.test')
    expectError(
      await auth('/logout?scope=everything', { method: 'POST', token: s.access_token }),
      400,
      'validation_failed',
    )
    const client = js()
    await client.auth.setSession({ access_token: s.access_token, refresh_token: s.refresh_token })
    expect((await client.auth.signOut()).error).toBeNull()
  })
})

describe('bans', () => {
  it('a banned user is refused at sign-in and refresh; lifting the ban restores sign-in', async () => {
    const u = await newUser('banned')
    const before = await signIn(u.email, u.password)
    const ban = await admin(`/admin/users/${u.id}`, {
      method: 'PUT',
      body: { ban_duration: '24h' },
    })
    expect(ban.status).toBe(200)
    expect(Date.parse(ban.body.banned_until)).toBeGreaterThan(Date.now() + 23 * 3600_000)
    const signin = await auth('/token?grant_type=password', {
      body: { email: u.email, password: u.password },
    })
    expect({ status: signin.status, body: signin.body }).toEqual({
      status: 400,
      body: recorded('password_sign_in_banned').body,
    })
    const api = await auth('/token?grant_type=password', {
      body: { email: u.email, password: u.password },
      api: true,
    })
    expect(api.body).toEqual(recorded('password_sign_in_banned__api_2024_01_01').body)
    expectError(
      await auth('/token?grant_type=refresh_token', {
        body: { refresh_token: before.refresh_token },
      }),
      400,
      'user_banned',
    )
    const lift = await admin(`/admin/users/${u.id}`, {
      method: 'PUT',
      body: { ban_duration: 'none' },
    })
    expect(lift.status).toBe(200)
    expect(lift.body.banned_until).toBeUndefined()
    await signIn(u.email, u.password)
  })

  it('an invalid ban duration is validation_failed', async () => {
    const u = await newUser('banbad')
    expectError(
      await admin(`/admin/users/${u.id}`, { method: 'PUT', body: { ban_duration: 'forever' } }),
      400,
      'validation_failed',
    )
  })
})
