// TOTP: enrol (secret, otpauth:// URI, QR SVG), challenge, verify (aal2, amr gains totp), unenrol
// (aal2 needed once verified), friendly-name conflicts, and the limits of config.toml [auth.mfa].
import * as OTPAuth from 'otpauth'
import { afterAll, describe, expect, it } from 'vitest'
import { closeSql } from '../helpers/stack'
import {
  auth,
  claims,
  expectError,
  expectRecordedShape,
  js,
  newUser,
  recorded,
  signIn,
  sql,
} from './helpers'

afterAll(closeSql)

const code = (secret: string, offset = 0) =>
  new OTPAuth.TOTP({
    secret: OTPAuth.Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  }).generate({ timestamp: Date.now() + offset * 30_000 })

async function enrolled(tag: string) {
  const u = await newUser(tag)
  const s = await signIn(u.email, u.password)
  const f = await auth('/factors', {
    token: s.access_token,
    body: { factor_type: 'totp', friendly_name: `${tag} app` },
  })
  expect(f.status, JSON.stringify(f.body)).toBe(200)
  return { u, s, factor: f.body }
}

describe('TOTP', () => {
  it('enrols with Auth’s response: secret, otpauth URI and an SVG QR code', async () => {
    const { u, factor } = await enrolled('enrol')
    expectRecordedShape(factor, 'mfa_enroll_totp')
    expect(factor).toMatchObject({ type: 'totp', friendly_name: 'enrol app' })
    expect(factor.totp.secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(factor.totp.uri).toMatch(/^otpauth:\/\/totp\//)
    expect(decodeURIComponent(factor.totp.uri)).toContain(u.email)
    expect(factor.totp.uri).toContain(`secret=${factor.totp.secret}`)
    expect(factor.totp.qr_code).toContain('<svg')
    const [row] = await sql(
      `select factor_type::text, status::text from auth.mfa_factors where id = $1`,
      [factor.id],
    )
    expect(row).toEqual({ factor_type: 'totp', status: 'unverified' })
  })

  it('challenge, wrong code (422 mfa_verification_failed), right code: tokens at aal2 with amr totp', async () => {
    const { s, factor } = await enrolled('verify')
    const ch = await auth(`/factors/${factor.id}/challenge`, { token: s.access_token, body: {} })
    expect(ch.status).toBe(200)
    expectRecordedShape(ch.body, 'mfa_challenge')
    expect(ch.body.expires_at).toBeGreaterThan(Date.now() / 1000)
    const wrongCode = code(factor.totp.secret) === '000000' ? '111111' : '000000'
    const wrong = await auth(`/factors/${factor.id}/verify`, {
      token: s.access_token,
      body: { challenge_id: ch.body.id, code: wrongCode },
      api: true,
    })
    expect({ status: wrong.status, body: wrong.body }).toEqual({
      status: 422,
      body: recorded('mfa_verify_wrong_code__api_2024_01_01').body,
    })
    const legacy = await auth(`/factors/${factor.id}/verify`, {
      token: s.access_token,
      body: { challenge_id: ch.body.id, code: wrongCode },
    })
    expect(legacy.body).toEqual(recorded('mfa_verify_wrong_code').body)
    const ok = await auth(`/factors/${factor.id}/verify`, {
      token: s.access_token,
      body: { challenge_id: ch.body.id, code: code(factor.totp.secret) },
    })
    expect(ok.status).toBe(200)
    expect(ok.body.user.factors).toEqual([
      expect.objectContaining({ id: factor.id, status: 'verified', factor_type: 'totp' }),
    ])
    const c = claims(ok.body.access_token)
    expect(c.aal).toBe('aal2')
    expect(c.amr.map((a: { method: string }) => a.method).sort()).toEqual(['password', 'totp'])
    expect(c.session_id).toBe(claims(s.access_token).session_id)
    const [session] = await sql(`select aal::text, factor_id from auth.sessions where id = $1`, [
      c.session_id,
    ])
    expect(session).toEqual({ aal: 'aal2', factor_id: factor.id })
    // The refresh token was rotated; the new one works and keeps aal2.
    const refreshed = await auth('/token?grant_type=refresh_token', {
      body: { refresh_token: ok.body.refresh_token },
    })
    expect(refreshed.status).toBe(200)
    expect(claims(refreshed.body.access_token).aal).toBe('aal2')
  })

  it('works through supabase-js: enroll, challengeAndVerify, getAuthenticatorAssuranceLevel', async () => {
    const u = await newUser('jsmfa')
    const client = js()
    await client.auth.signInWithPassword({ email: u.email, password: u.password })
    const e = await client.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'js' })
    expect(e.error).toBeNull()
    expect(e.data?.totp.qr_code.startsWith('data:image/svg+xml;utf-8,')).toBe(true)
    const v = await client.auth.mfa.challengeAndVerify({
      factorId: e.data!.id,
      code: code(e.data!.totp.secret),
    })
    expect(v.error).toBeNull()
    const aal = await client.auth.mfa.getAuthenticatorAssuranceLevel()
    expect(aal.data?.currentLevel).toBe('aal2')
  })

  it('a verified factor: new sign-ins are aal1 with nextLevel aal2; unenrol needs aal2', async () => {
    const { u, s, factor } = await enrolled('unenrol')
    const ch = await auth(`/factors/${factor.id}/challenge`, { token: s.access_token, body: {} })
    const ok = await auth(`/factors/${factor.id}/verify`, {
      token: s.access_token,
      body: { challenge_id: ch.body.id, code: code(factor.totp.secret) },
    })
    expect(ok.status).toBe(200)
    const fresh = await signIn(u.email, u.password)
    expect(claims(fresh.access_token).aal).toBe('aal1')
    expectError(
      await auth(`/factors/${factor.id}`, { method: 'DELETE', token: fresh.access_token }),
      422,
      'insufficient_aal',
    )
    // Email/password changes also need aal2 now.
    expectError(
      await auth('/user', {
        method: 'PUT',
        token: fresh.access_token,
        body: { password: 'Another-pass-2026!' },
      }),
      401,
      'insufficient_aal',
    )
    // A second factor cannot be enrolled at aal1 either.
    expectError(
      await auth('/factors', {
        token: fresh.access_token,
        body: { factor_type: 'totp', friendly_name: 'second' },
      }),
      403,
      'insufficient_aal',
    )
    const del = await auth(`/factors/${factor.id}`, {
      method: 'DELETE',
      token: ok.body.access_token,
    })
    expect(del.status).toBe(200)
    expect(del.body).toEqual({ id: factor.id })
    expect(await sql(`select 1 from auth.mfa_factors where id = $1`, [factor.id])).toHaveLength(0)
  })

  it('refuses a duplicate friendly name, an unknown factor, an unknown challenge, and other factor types', async () => {
    const { s, factor } = await enrolled('dup')
    expectError(
      await auth('/factors', {
        token: s.access_token,
        body: { factor_type: 'totp', friendly_name: 'dup app' },
      }),
      422,
      'mfa_factor_name_conflict',
    )
    expectError(
      await auth('/factors/00000000-0000-4000-a000-00000000ffff/challenge', {
        token: s.access_token,
        body: {},
      }),
      404,
      'mfa_factor_not_found',
    )
    expectError(
      await auth(`/factors/${factor.id}/verify`, {
        token: s.access_token,
        body: { challenge_id: '00000000-0000-4000-a000-00000000ffff', code: '123456' },
      }),
      422,
      'mfa_factor_not_found',
    )
    expectError(
      await auth('/factors', {
        token: s.access_token,
        body: { factor_type: 'phone', phone: '+15555550100' },
      }),
      422,
      'mfa_phone_enroll_not_enabled',
    )
    expectError(
      await auth('/factors', { token: s.access_token, body: { factor_type: 'sms' } }),
      400,
      'validation_failed',
    )
    expectError(await auth('/factors', { body: { factor_type: 'totp' } }), 401, 'no_authorization')
  })

  it('enforces max_enrolled_factors (10) with too_many_enrolled_mfa_factors', async () => {
    const u = await newUser('maxfactors')
    const s = await signIn(u.email, u.password)
    for (let i = 0; i < 10; i++) {
      const r = await auth('/factors', {
        token: s.access_token,
        body: { factor_type: 'totp', friendly_name: `f${i}` },
      })
      expect(r.status).toBe(200)
    }
    expectError(
      await auth('/factors', {
        token: s.access_token,
        body: { factor_type: 'totp', friendly_name: 'f10' },
      }),
      422,
      'too_many_enrolled_mfa_factors',
    )
  })
})
