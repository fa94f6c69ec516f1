// Answers of Supabase Auth v2.189.0 that the official auth-js suite showed the stand-in getting
// wrong (issue 20), and the routes supabase-js can call that this project leaves off (passkeys,
// manual linking, the OAuth server, ID-token and Web3 sign-in, phone): status,
// error_code and body shape as the real Auth gives them (read from its source and recorded
// answers), so these pass against the real binary too.
import jsQR from 'jsqr'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeSql } from '../helpers/stack'
import {
  admin,
  anonKey,
  auth,
  authUrl,
  expectError,
  GOOD_PASSWORD,
  js,
  links,
  mailTo,
  newUser,
  signIn,
  sql,
  uniqueEmail,
  type AuthResponse,
  type Json,
} from './helpers'
import { startSecondAuth, type SecondAuth } from './second-auth'

afterAll(closeSql)

/** Both error forms, with Auth's message. */
async function expectBoth(
  request: (api: boolean) => Promise<AuthResponse>,
  status: number,
  code: string,
  message?: string,
) {
  for (const api of [false, true]) {
    const r = await request(api)
    expectError(r, status, code, api)
    if (message !== undefined) expect(api ? r.body.message : r.body.msg).toBe(message)
  }
}

/** The user_metadata Auth gives a user who signed up with /signup: the email identity's data and `data`. */
const signedUpMetadata = (id: string, email: string, verified: boolean, data: Json = {}) => ({
  ...data,
  sub: id,
  email,
  email_verified: verified,
  phone_verified: false,
})

describe('user_metadata carries the email identity’s data after /signup', () => {
  it('confirmations on: in the sign-up answer, and after confirming in sign-in, GET /user and the admin API', async () => {
    const email = uniqueEmail('meta')
    const r = await auth('/signup', {
      body: { email, password: GOOD_PASSWORD, data: { full_name: 'Meta Data' } },
    })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    const id = r.body.id as string
    expect(r.body.user_metadata).toEqual(
      signedUpMetadata(id, email, false, { full_name: 'Meta Data' }),
    )
    // The identity holds the same data (sign-up `data` included).
    expect(r.body.identities[0].identity_data).toEqual(r.body.user_metadata)

    const link = links(await mailTo(email))[0]!
    expect((await fetch(link, { redirect: 'manual' })).status).toBe(303)

    const expected = signedUpMetadata(id, email, true, { full_name: 'Meta Data' })
    const s = await signIn(email, GOOD_PASSWORD)
    expect(s.user.user_metadata).toEqual(expected)
    // A signup verification marks the identity verified as well.
    expect(s.user.identities[0].identity_data).toEqual(expected)
    const me = await auth('/user', { token: s.access_token })
    expect(me.body.user_metadata).toEqual(expected)
    expect((await admin(`/admin/users/${id}`)).body.user_metadata).toEqual(expected)
    const { data, error } = await js().auth.getUser(s.access_token)
    expect(error).toBeNull()
    expect(data.user?.user_metadata).toEqual(expected)
  })

  it('the admin API’s own users keep only the metadata given (plus email_verified when confirmed)', async () => {
    const email = uniqueEmail('adminmeta')
    const r = await admin('/admin/users', {
      body: {
        email,
        password: GOOD_PASSWORD,
        email_confirm: true,
        user_metadata: { full_name: 'By Admin' },
      },
    })
    expect(r.status).toBe(200)
    expect(r.body.user_metadata).toEqual({ full_name: 'By Admin', email_verified: true })
    expect(r.body.identities[0].identity_data).toEqual({
      sub: r.body.id,
      email,
      email_verified: false,
      phone_verified: false,
    })
  })
})

describe('with autoconfirm on (a second Auth, GOTRUE_MAILER_AUTOCONFIRM=true)', () => {
  let second: SecondAuth
  beforeAll(async () => {
    second = await startSecondAuth({ GOTRUE_MAILER_AUTOCONFIRM: 'true' })
  })
  afterAll(() => second?.stop())

  it('/signup signs in at once: identity data in user_metadata, no confirmed_at in the answer', async () => {
    const email = uniqueEmail('auto')
    const r = await auth('/signup', {
      base: second.url,
      body: { email, password: GOOD_PASSWORD, data: { full_name: 'Auto Confirmed' } },
    })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(r.body.access_token).toEqual(expect.any(String))
    const user = r.body.user
    expect(user.email_confirmed_at).toEqual(expect.any(String))
    expect(user).not.toHaveProperty('confirmed_at')
    expect(user.user_metadata).toEqual(
      signedUpMetadata(user.id, email, true, { full_name: 'Auto Confirmed' }),
    )
    // Read back, the user has its generated confirmed_at.
    const me = await auth('/user', { base: second.url, token: r.body.access_token })
    expect(me.body.confirmed_at).toBe(me.body.email_confirmed_at)
    expect(me.body.user_metadata).toEqual(user.user_metadata)
  })

  it('a second /signup with the same address is 422 user_already_exists', async () => {
    const email = uniqueEmail('autotwice')
    const first = await auth('/signup', {
      base: second.url,
      body: { email, password: GOOD_PASSWORD },
    })
    expect(first.status).toBe(200)
    await expectBoth(
      (api) => auth('/signup', { base: second.url, api, body: { email, password: GOOD_PASSWORD } }),
      422,
      'user_already_exists',
      'User already registered',
    )
  })
})

describe('sign-up validation order', () => {
  it('checks the password before the address: weak wins over a bad address; an empty password is 400', async () => {
    const r = await auth('/signup', { body: { email: 'invalid-email', password: '123' } })
    expectError(r, 422, 'weak_password')
    expect(r.body.weak_password.reasons).toEqual(expect.arrayContaining(['length']))
    await expectBoth(
      (api) => auth('/signup', { api, body: { email: uniqueEmail('nopass'), password: '' } }),
      400,
      'validation_failed',
      'Signup requires a valid password',
    )
    expectError(
      await auth('/signup', { body: { email: 'invalid-email', password: GOOD_PASSWORD } }),
      400,
      'validation_failed',
    )
  })
})

/** Rasterises the real Auth's QR SVG (one `<rect>` per module) and decodes it with jsQR. */
function decodeQrSvg(svg: string): string | null {
  const size = Number(/<svg width="(\d+)"/.exec(svg)?.[1])
  const pixels = new Uint8ClampedArray(size * size * 4).fill(255) // white, opaque
  for (const m of svg.matchAll(
    /<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)" style="fill:(black|white)/g,
  )) {
    if (m[5] !== 'black') continue
    const [x, y, w, h] = m.slice(1, 5).map(Number) as [number, number, number, number]
    for (let row = y; row < y + h; row++)
      for (let col = x; col < x + w; col++)
        pixels.fill(0, (row * size + col) * 4, (row * size + col) * 4 + 3)
  }
  return jsQR(pixels, size, size)?.data ?? null
}

describe('TOTP enrolment (POST /factors)', () => {
  it('answers friendly_name ("" when none), the otpauth URI, and a QR SVG without "#" that encodes the URI', async () => {
    const u = await newUser('qr')
    const s = await signIn(u.email, u.password)
    const r = await auth('/factors', { token: s.access_token, body: { factor_type: 'totp' } })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(Object.keys(r.body)).toEqual(['id', 'type', 'friendly_name', 'totp'])
    expect(r.body.friendly_name).toBe('')
    const { qr_code: svg, secret, uri } = r.body.totp as Json
    expect(secret).toMatch(/^[A-Z2-7]{32}$/)
    // pquerna/otp's URL: issuer:account in the path, the query's keys sorted.
    expect(uri).toMatch(
      new RegExp(
        `^otpauth://totp/[^?]+:${u.email.replace(/[.]/g, '[.]')}\\?algorithm=SHA1&digits=6&issuer=[^&]+&period=30&secret=${secret}$`,
      ),
    )
    expect(svg.startsWith('<?xml version="1.0"?>')).toBe(true)
    expect(svg).toContain('<svg width=')
    // supabase-js prefixes the SVG with `data:image/svg+xml;utf-8,` unencoded: a `#` would end the URL.
    expect(svg).not.toContain('#')
    expect(decodeQrSvg(svg)).toBe(uri)

    const named = await auth('/factors', {
      token: s.access_token,
      body: { factor_type: 'totp', friendly_name: 'work phone' },
    })
    expect(named.body.friendly_name).toBe('work phone')
  })

  it('a factor id that is not a UUID is 404 validation_failed; another user’s factor is 404 mfa_factor_not_found', async () => {
    const a = await newUser('factorowner')
    const b = await newUser('factorother')
    const sa = await signIn(a.email, a.password)
    const sb = await signIn(b.email, b.password)
    const f = await auth('/factors', { token: sa.access_token, body: { factor_type: 'totp' } })
    await expectBoth(
      (api) => auth('/factors/not-a-uuid/challenge', { api, token: sa.access_token, body: {} }),
      404,
      'validation_failed',
      'factor_id must be an UUID',
    )
    await expectBoth(
      (api) => auth(`/factors/${f.body.id}/challenge`, { api, token: sb.access_token, body: {} }),
      404,
      'mfa_factor_not_found',
    )
    // supabase-js 2.x's recovery-code calls land on /factors/{factor_id}, which v2.189.0 reads as a factor id.
    expectError(
      await auth('/factors/recovery-codes', { token: sa.access_token }),
      404,
      'validation_failed',
    )
  })
})

describe('admin API answers', () => {
  it('GET /admin/users lists users with identities: null and no factors', async () => {
    await newUser('listnull')
    const r = await admin('/admin/users?per_page=5')
    expect(r.status).toBe(200)
    expect(r.body.users.length).toBeGreaterThan(0)
    for (const u of r.body.users as Json[]) {
      expect(u.identities).toBeNull()
      expect(u).not.toHaveProperty('factors')
    }
  })

  it('PUT /admin/users/{id} confirming a user answers without confirmed_at (it was not confirmed when loaded)', async () => {
    const u = await newUser('adminconfirm', GOOD_PASSWORD, { email_confirm: false })
    const r = await admin(`/admin/users/${u.id}`, { method: 'PUT', body: { email_confirm: true } })
    expect(r.status).toBe(200)
    expect(r.body.email_confirmed_at).toEqual(expect.any(String))
    expect(r.body).not.toHaveProperty('confirmed_at')
    expect(r.body.user_metadata).toEqual({ email_verified: true })
    const again = await admin(`/admin/users/${u.id}`)
    expect(again.body.confirmed_at).toBe(again.body.email_confirmed_at)
  })

  it('makes and updates users with a phone number though phone sign-in is off', async () => {
    const phone = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`
    const email = uniqueEmail('withphone')
    const r = await admin('/admin/users', {
      body: { email, phone, password: GOOD_PASSWORD, phone_confirm: true },
    })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(r.body.phone).toBe(phone.slice(1))
    expect(r.body.phone_confirmed_at).toEqual(expect.any(String))
    expect(r.body.app_metadata).toEqual({ provider: 'email', providers: ['email', 'phone'] })
    expect(r.body.identities.map((i: Json) => [i.provider, i.identity_data])).toEqual([
      ['email', { sub: r.body.id, email, email_verified: false, phone_verified: false }],
      [
        'phone',
        { sub: r.body.id, phone: phone.slice(1), email_verified: false, phone_verified: false },
      ],
    ])
    await expectBoth(
      (api) => admin('/admin/users', { api, body: { email: uniqueEmail('samephone'), phone } }),
      422,
      'phone_exists',
      'Phone number already registered by another user',
    )
    await expectBoth(
      (api) => admin('/admin/users', { api, body: { phone: 'not a phone' } }),
      400,
      'validation_failed',
      'Invalid phone number format (E.164 required)',
    )
    const other = `+1556${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`
    const up = await admin(`/admin/users/${r.body.id}`, { method: 'PUT', body: { phone: other } })
    expect(up.status).toBe(200)
    expect(up.body.phone).toBe(other.slice(1))
    const again = await admin(`/admin/users/${r.body.id}`)
    expect(again.body.identities[1].identity_data).toMatchObject({
      phone: other.slice(1),
      phone_verified: false,
    })
  })

  it('a user id that is not a UUID is 404 validation_failed', async () => {
    await expectBoth(
      (api) => admin('/admin/users/not-a-uuid', { api }),
      404,
      'validation_failed',
      'user_id must be an UUID',
    )
  })

  it('passkeys of a user: an empty list; deleting an unknown one is 404', async () => {
    const u = await newUser('adminpasskeys')
    const r = await admin(`/admin/users/${u.id}/passkeys`)
    expect({ status: r.status, body: r.body }).toEqual({ status: 200, body: [] })
    expectError(
      await admin(`/admin/users/${u.id}/passkeys/00000000-0000-4000-a000-00000000abcd`, {
        method: 'DELETE',
      }),
      404,
      'validation_failed',
    )
  })
})

describe('what is off answers with Auth’s own codes', () => {
  it('manual linking off: /user/identities/authorize and DELETE /user/identities/{id} are 404 manual_linking_disabled', async () => {
    const u = await newUser('linking')
    const s = await signIn(u.email, u.password)
    for (const [method, path] of [
      ['GET', '/user/identities/authorize?provider=github&skip_http_redirect=true'],
      ['DELETE', '/user/identities/00000000-0000-4000-a000-000000000123'],
    ] as const) {
      await expectBoth(
        (api) => auth(path, { method, api, token: s.access_token }),
        404,
        'manual_linking_disabled',
        'Manual linking is disabled',
      )
    }
    // Authentication is checked first.
    expectError(await auth('/user/identities/authorize'), 401, 'no_authorization')
  })

  it('POST /token?grant_type=id_token for a provider that is off: 400 provider_disabled naming its issuer', async () => {
    await expectBoth(
      (api) =>
        auth('/token?grant_type=id_token', {
          api,
          body: { provider: 'google', id_token: 'x.y.z' },
        }),
      400,
      'provider_disabled',
      'Provider (issuer "https://accounts.google.com") is not enabled',
    )
    const { error } = await js().auth.signInWithIdToken({ provider: 'google', token: 'x.y.z' })
    expect({ status: error?.status, code: error?.code }).toEqual({
      status: 400,
      code: 'provider_disabled',
    })
    expectError(
      await auth('/token?grant_type=id_token', { body: { provider: 'nope', id_token: 'x.y.z' } }),
      400,
      'validation_failed',
    )
    const missing = await auth('/token?grant_type=id_token', { body: { provider: 'google' } })
    expect({ status: missing.status, body: missing.body }).toEqual({
      status: 400,
      body: { error: 'invalid request', error_description: 'id_token required' },
    })
  })

  it('grant_type=web3 while off is 422 web3_provider_disabled', async () => {
    await expectBoth(
      (api) => auth('/token?grant_type=web3', { api, body: { chain: 'solana' } }),
      422,
      'web3_provider_disabled',
      'Web3 provider is disabled',
    )
  })

  it('/verify with a phone is checked though phone sign-in is off: 403 otp_expired, or 400 for a malformed number', async () => {
    await expectBoth(
      (api) =>
        auth('/verify', { api, body: { type: 'sms', phone: '+15555550123', token: '123456' } }),
      403,
      'otp_expired',
      'Token has expired or is invalid',
    )
    await expectBoth(
      (api) =>
        auth('/verify', {
          api,
          body: { type: 'phone_change', phone: '+15555550123', token: '123456' },
        }),
      403,
      'otp_expired',
    )
    await expectBoth(
      (api) => auth('/verify', { api, body: { type: 'sms', phone: 'not a phone', token: '1' } }),
      400,
      'validation_failed',
      'Invalid phone number format (E.164 required)',
    )
  })

  it('/otp with a phone: 400 phone_provider_disabled; with create_user false an unknown or malformed number is 422 otp_disabled', async () => {
    await expectBoth(
      (api) => auth('/otp', { api, body: { phone: '+15555550123' } }),
      400,
      'phone_provider_disabled',
      'Unsupported phone provider',
    )
    expectError(
      await auth('/otp', { body: { phone: '+15555550123', create_user: false } }),
      422,
      'otp_disabled',
    )
    // Auth's Otp handler looks only at shouldCreateUser's ok and drops its validation error, so a
    // malformed number (or address) with create_user false is 422 otp_disabled, not 400.
    expectError(
      await auth('/otp', { body: { phone: 'not a phone', create_user: false } }),
      422,
      'otp_disabled',
    )
    expectError(
      await auth('/otp', { body: { email: 'not an address', create_user: false } }),
      422,
      'otp_disabled',
    )
    const { error } = await js().auth.signInWithOtp({ phone: '+15555550123' })
    expect({ status: error?.status, code: error?.code }).toEqual({
      status: 400,
      code: 'phone_provider_disabled',
    })
  })

  it('/resend of phone_change with phone off is 400 phone_provider_disabled', async () => {
    await expectBoth(
      (api) => auth('/resend', { api, body: { type: 'phone_change', phone: '+15555550123' } }),
      400,
      'phone_provider_disabled',
    )
    // A signup resend for a confirmed address reveals nothing.
    const u = await newUser('resendconfirmed')
    const r = await auth('/resend', { body: { type: 'signup', email: u.email } })
    expect({ status: r.status, body: r.body }).toEqual({ status: 200, body: {} })
  })

  it('passkeys, the OAuth server and custom providers are off: 404 with Auth’s codes', async () => {
    await expectBoth(
      (api) => auth('/passkeys/authentication/options', { api, body: {} }),
      404,
      'passkey_disabled',
      'Passkeys are disabled',
    )
    const u = await newUser('offroutes')
    const s = await signIn(u.email, u.password)
    expectError(await auth('/passkeys', { token: s.access_token }), 404, 'passkey_disabled')
    expectError(
      await auth('/user/oauth/grants', { token: s.access_token }),
      404,
      'feature_disabled',
    )
    expectError(
      await auth('/oauth/authorizations/00000000-0000-4000-a000-000000000001', {
        token: s.access_token,
      }),
      404,
      'feature_disabled',
    )
    expectError(await admin('/admin/oauth/clients'), 404, 'feature_disabled')
    expectError(await admin('/admin/custom-providers'), 404, 'feature_disabled')
    // Admin credentials are checked first.
    expectError(await auth('/admin/oauth/clients', { token: s.access_token }), 403, 'not_admin')
  })

  it('/authorize for a known provider that is off and for an unknown one: 400 validation_failed', async () => {
    const off = await auth('/authorize?provider=github', { key: null })
    expectError(off, 400, 'validation_failed')
    expect(off.body.msg).toBe('Unsupported provider: provider is not enabled')
    const unknown = await auth('/authorize?provider=nope', { key: null })
    expect(unknown.body.msg).toBe('Unsupported provider: Provider nope could not be found')
  })
})

describe('GET /reauthenticate', () => {
  it('answers 200 {} and mails the nonce', async () => {
    const u = await newUser('reauth')
    const s = await signIn(u.email, u.password)
    const r = await auth('/reauthenticate', { token: s.access_token })
    expect({ status: r.status, body: r.body }).toEqual({ status: 200, body: {} })
    const mail = await mailTo(u.email, { subject: 'Confirm reauthentication' })
    expect(mail.HTML).toMatch(/\b\d{6}\b/)
    const [row] = await sql<{ sent: boolean; token: string }>(
      `select reauthentication_sent_at is not null as sent, reauthentication_token as token from auth.users where id = $1`,
      [u.id],
    )
    expect(row).toEqual({ sent: true, token: expect.stringMatching(/^[0-9a-f]{56}$/) })
  })

  it('is 400 validation_failed for a user with neither email nor phone', async () => {
    const u = await newUser('reauthnoemail')
    const s = await signIn(u.email, u.password)
    await sql(`update auth.users set email = null where id = $1`, [u.id])
    try {
      await expectBoth(
        (api) => auth('/reauthenticate', { api, token: s.access_token }),
        400,
        'validation_failed',
        'Reauthentication requires the user to have an email or a phone number',
      )
    } finally {
      await admin(`/admin/users/${u.id}`, { method: 'DELETE' })
    }
  })
})

describe('routes Auth does not have', () => {
  it('an unknown path is Auth’s router’s plain-text 404', async () => {
    const res = await fetch(`${authUrl}/no-such-route`, { headers: { apikey: anonKey } })
    expect(res.status).toBe(404)
    expect(await res.text()).toBe('404 page not found\n')
  })
})
