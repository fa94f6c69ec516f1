// Invitations, magic links, recovery, sign-up and /verify (GET redirects and POST), with the mails
// read back from Mailpit: templates of supabase/templates, subjects of config.toml, Auth's links.
import { afterAll, describe, expect, it } from 'vitest'
import { closeSql } from '../helpers/stack'
import {
  admin,
  ageTokens,
  apiUrl,
  auth,
  claims,
  expectError,
  expectRecordedShape,
  GOOD_PASSWORD,
  js,
  linkPattern,
  links,
  mailCount,
  mailTo,
  newUser,
  ports,
  recorded,
  serviceRoleKey,
  signIn,
  sql,
  uniqueEmail,
} from './helpers'

afterAll(closeSql)

// config.toml's site_url, shifted with the stack's ports (FLUXERA_PORT_OFFSET).
const siteUrl = `http://127.0.0.1:${ports.app}`
const WORKSPACE = '10000000-0000-4000-a000-000000000001'

describe('admin invite', () => {
  it('creates the user with the invite data and mails the project’s invitation template', async () => {
    const email = uniqueEmail('invitee')
    const redirect = `${siteUrl}/accept-invite?workspace=${WORKSPACE}`
    const r = await admin(`/invite?redirect_to=${encodeURIComponent(redirect)}`, {
      body: { email, data: { invited_to: WORKSPACE, role: 'viewer' } },
    })
    expect(r.status).toBe(200)
    expectRecordedShape(r.body, 'admin_invite')
    expect(r.body).toMatchObject({
      email,
      user_metadata: { invited_to: WORKSPACE, role: 'viewer' },
      app_metadata: { provider: 'email', providers: ['email'] },
    })
    expect(r.body.identities[0].identity_data).toMatchObject({
      email,
      email_verified: false,
      phone_verified: false,
      sub: r.body.id,
    })
    expect(r.body.invited_at).toBeTruthy()

    const mail = await mailTo(email)
    expect(mail.Subject).toBe(recorded('invite_mail').subject)
    expect(mail.From.Address).toBeTruthy()
    const link = links(mail)[0]!
    expect(linkPattern(link)).toBe(linkPattern(recorded('invite_mail').links[0]))
    expect(link.startsWith(`${redirect}&token_hash=`)).toBe(true)
    expect(mail.HTML).toContain('You have been invited')

    // The token_hash in the link signs the invitee in (verifyOtp type invite) and confirms the address.
    const hash = new URL(link).searchParams.get('token_hash')!
    const v = await auth('/verify', { body: { token_hash: hash, type: 'invite' } })
    expect(v.status).toBe(200)
    // (the recorded invitee had no invite data; this one keeps invited_to and role beside email_verified)
    expectRecordedShape(
      { ...v.body, user: { ...v.body.user, user_metadata: { email_verified: true } } },
      'verify_token_hash_invite',
    )
    expect(v.body.user.user_metadata).toEqual({
      invited_to: WORKSPACE,
      role: 'viewer',
      email_verified: true,
    })
    expect(v.body.user.email_confirmed_at).toBeTruthy()
    expect(v.body.user.identities[0].identity_data.email_verified).toBe(true)
    expect(claims(v.body.access_token).amr).toEqual([
      { method: 'otp', timestamp: expect.any(Number) },
    ])
    // Spent: a second use is otp_expired.
    const again = await auth('/verify', { body: { token_hash: hash, type: 'invite' }, api: true })
    expect({ status: again.status, body: again.body }).toEqual({
      status: 403,
      body: recorded('verify_token_hash_reused__api_2024_01_01').body,
    })
  })

  it('refuses a confirmed address with 422 email_exists, and needs the service role', async () => {
    const r = await admin('/invite', { body: { email: 'owner@fluxera.test' } })
    expect({ status: r.status, body: r.body }).toEqual({
      status: 422,
      body: recorded('admin_invite_existing_confirmed_user').body,
    })
    const api = await admin('/invite', { body: { email: 'owner@fluxera.test' }, api: true })
    expect(api.body).toEqual(recorded('admin_invite_existing_confirmed_user__api_2024_01_01').body)
    const s = await signIn('owner@fluxera.test')
    expectError(
      await auth('/invite', { body: { email: uniqueEmail('x') }, token: s.access_token }),
      403,
      'not_admin',
    )
    expectError(
      await auth('/invite', { body: { email: uniqueEmail('x') } }),
      401,
      'no_authorization',
    )
  })

  it('re-invites an invited but unconfirmed address, and rejects a bad address without making a user', async () => {
    const email = uniqueEmail('reinvite')
    expect((await admin('/invite', { body: { email } })).status).toBe(200)
    await sql(
      `update auth.users set confirmation_sent_at = now() - interval '1 minute' where email = $1`,
      [email],
    )
    expect((await admin('/invite', { body: { email } })).status).toBe(200)
    expect(await mailCount(email)).toBe(2)
    expectError(
      await admin('/invite', { body: { email: 'not-an-address' } }),
      400,
      'validation_failed',
    )
    expect(await sql(`select 1 from auth.users where email = 'not-an-address'`)).toHaveLength(0)
  })

  it('supabase-js inviteUserByEmail works with the service role', async () => {
    const email = uniqueEmail('jsinvite')
    const { data, error } = await js(serviceRoleKey).auth.admin.inviteUserByEmail(email, {
      data: { role: 'member' },
      redirectTo: `${siteUrl}/accept-invite?workspace=${WORKSPACE}`,
    })
    expect(error).toBeNull()
    expect(data.user?.email).toBe(email)
  })
})

describe('admin generate_link', () => {
  it('magiclink for an existing user: flat response with Auth’s link properties, and the link works once', async () => {
    const r = await admin('/admin/generate_link', {
      body: { type: 'magiclink', email: 'viewer@fluxera.test' },
    })
    expect(r.status).toBe(200)
    expectRecordedShape(r.body, 'admin_generate_link_magiclink')
    expect(r.body).toMatchObject({
      verification_type: 'magiclink',
      redirect_to: siteUrl,
      email_otp: expect.stringMatching(/^\d{6}$/),
    })
    expect(r.body.action_link).toBe(
      `${apiUrl}/auth/v1/verify?token=${r.body.hashed_token}&type=magiclink&redirect_to=${siteUrl}`,
    )
    expect(r.body.hashed_token).toMatch(/^[0-9a-f]{56}$/)
    const v = await auth('/verify', {
      body: { token_hash: r.body.hashed_token, type: 'magiclink' },
    })
    expect(v.status).toBe(200)
    expectRecordedShape(v.body, 'verify_token_hash_magiclink')
    expectError(
      await auth('/verify', { body: { token_hash: r.body.hashed_token, type: 'magiclink' } }),
      403,
      'otp_expired',
    )
  })

  it('stores the hash Auth stores: sha224 of email + otp, in the user and in one_time_tokens', async () => {
    const { createHash } = await import('node:crypto')
    const r = await admin('/admin/generate_link', {
      body: { type: 'recovery', email: 'member@fluxera.test' },
    })
    expect(r.status).toBe(200)
    expect(r.body.hashed_token).toBe(
      createHash('sha224').update(`member@fluxera.test${r.body.email_otp}`).digest('hex'),
    )
    const rows = await sql(
      `select u.recovery_token, t.token_type::text, t.relates_to from auth.users u join auth.one_time_tokens t on t.user_id = u.id
        where u.email = 'member@fluxera.test' and t.token_type = 'recovery_token'`,
    )
    expect(rows).toEqual([
      {
        recovery_token: r.body.hashed_token,
        token_type: 'recovery_token',
        relates_to: 'member@fluxera.test',
      },
    ])
  })

  it('the email OTP verifies with email + token', async () => {
    const u = await newUser('otpcode')
    const r = await admin('/admin/generate_link', { body: { type: 'magiclink', email: u.email } })
    const v = await auth('/verify', {
      body: { email: u.email, token: r.body.email_otp, type: 'magiclink' },
    })
    expect(v.status).toBe(200)
    expect(v.body.user.email).toBe(u.email)
    expectError(
      await auth('/verify', { body: { email: u.email, token: '000000', type: 'magiclink' } }),
      403,
      'otp_expired',
    )
  })

  it('invite and signup links for new addresses; recovery for an unknown one is 404 user_not_found', async () => {
    const invitee = uniqueEmail('geninvite')
    const inv = await admin('/admin/generate_link', {
      body: { type: 'invite', email: invitee, data: { role: 'viewer' } },
    })
    expect(inv.status).toBe(200)
    expectRecordedShape({ ...inv.body, user_metadata: {} }, 'admin_generate_link_invite')
    expect(inv.body.verification_type).toBe('invite')
    const signupEmail = uniqueEmail('gensignup')
    const su = await admin('/admin/generate_link', {
      body: { type: 'signup', email: signupEmail, password: GOOD_PASSWORD },
    })
    expect(su.status).toBe(200)
    expect(su.body.action_link).toContain('type=signup')
    const v = await auth('/verify', { body: { token_hash: su.body.hashed_token, type: 'signup' } })
    expect(v.status).toBe(200)
    await signIn(signupEmail, GOOD_PASSWORD)
    expectError(
      await admin('/admin/generate_link', {
        body: { type: 'recovery', email: uniqueEmail('nobody') },
      }),
      404,
      'user_not_found',
    )
    expectError(
      await admin('/admin/generate_link', {
        body: { type: 'teleport', email: 'viewer@fluxera.test' },
      }),
      400,
      'validation_failed',
    )
  })

  it('an expired invite link is 403 otp_expired (otp_expiry from config.toml)', async () => {
    const email = uniqueEmail('expired')
    const inv = await admin('/admin/generate_link', { body: { type: 'invite', email } })
    await ageTokens(inv.body.id, 3601)
    const r = await auth('/verify', { body: { token_hash: inv.body.hashed_token, type: 'invite' } })
    expect({ status: r.status, body: r.body }).toEqual({
      status: 403,
      body: recorded('verify_token_hash_invite_expired').body,
    })
  })
})

describe('GET /verify (mail links)', () => {
  it('redirects (303) to redirect_to with the session in the fragment, without an API key', async () => {
    const r = await admin('/admin/generate_link', {
      body: { type: 'magiclink', email: 'viewer@fluxera.test', redirect_to: `${siteUrl}/` },
    })
    const res = await fetch(r.body.action_link, { redirect: 'manual' })
    expect(res.status).toBe(303)
    const location = res.headers.get('location')!
    const [base, fragment] = location.split('#')
    expect(base).toBe(`${siteUrl}/`)
    const params = new URLSearchParams(fragment)
    expect([...params.keys()]).toEqual([
      ...new URLSearchParams(
        recorded('verify_get_magiclink_redirect').location.split('#')[1],
      ).keys(),
    ])
    expect(params.get('type')).toBe('magiclink')
    expect(claims(params.get('access_token')!).email).toBe('viewer@fluxera.test')
  })

  it('a spent link redirects with error, error_code and error_description', async () => {
    const r = await admin('/admin/generate_link', {
      body: { type: 'magiclink', email: 'viewer@fluxera.test', redirect_to: `${siteUrl}/` },
    })
    await fetch(r.body.action_link, { redirect: 'manual' })
    const res = await fetch(r.body.action_link, { redirect: 'manual' })
    expect(res.status).toBe(303)
    const params = new URLSearchParams(res.headers.get('location')!.split('#')[1])
    expect(Object.fromEntries(params)).toEqual({
      error: 'access_denied',
      error_code: 'otp_expired',
      error_description: 'Email link is invalid or has expired',
      sb: '',
    })
  })

  it('a redirect_to outside the allow list falls back to the site URL', async () => {
    const r = await admin('/admin/generate_link', {
      body: {
        type: 'magiclink',
        email: 'viewer@fluxera.test',
        redirect_to: 'https://evil.example/steal',
      },
    })
    expect(r.body.redirect_to).toBe(siteUrl)
    const res = await fetch(
      `${apiUrl}/auth/v1/verify?token=${r.body.hashed_token}&type=magiclink&redirect_to=https://evil.example/steal`,
      { redirect: 'manual' },
    )
    expect(res.headers.get('location')!.startsWith(`${siteUrl}#access_token=`)).toBe(true)
    const allowed = await admin('/admin/generate_link', {
      body: {
        type: 'magiclink',
        email: 'viewer@fluxera.test',
        redirect_to: 'http://localhost:5173/users',
      },
    })
    expect(allowed.body.redirect_to).toBe('http://localhost:5173/users')
  })

  it('missing type or token is a 400 validation_failed (no redirect)', async () => {
    expectError(await auth('/verify?token=abc', { key: null }), 400, 'validation_failed')
    expectError(await auth('/verify?type=magiclink', { key: null }), 400, 'validation_failed')
  })
})

describe('POST /verify input checks', () => {
  it('needs a type, and exactly one of token and token_hash', async () => {
    expectError(await auth('/verify', { body: { token_hash: 'x' } }), 400, 'validation_failed')
    expectError(await auth('/verify', { body: { type: 'magiclink' } }), 400, 'validation_failed')
    expectError(
      await auth('/verify', { body: { type: 'magiclink', token: '1', token_hash: 'x' } }),
      400,
      'validation_failed',
    )
    expectError(
      await auth('/verify', { body: { type: 'magiclink', token_hash: 'x', email: 'a@b.test' } }),
      400,
      'validation_failed',
    )
    expectError(
      await auth('/verify', { body: { type: 'magiclink', token_hash: 'nope' } }),
      403,
      'otp_expired',
    )
  })
})

describe('magic links, recovery and sign-up from the sign-in page', () => {
  it('signInWithOtp mails the magic link template with an Auth verify link that signs in', async () => {
    const u = await newUser('magic')
    const { error } = await js().auth.signInWithOtp({
      email: u.email,
      options: { emailRedirectTo: `${siteUrl}/`, shouldCreateUser: false },
    })
    expect(error).toBeNull()
    const mail = await mailTo(u.email)
    expect(mail.Subject).toBe(recorded('magic_link_mail').subject)
    const link = links(mail)[0]!
    expect(linkPattern(link)).toBe(linkPattern(recorded('magic_link_mail').link))
    const res = await fetch(link, { redirect: 'manual' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')!.startsWith(`${siteUrl}/#access_token=`)).toBe(true)
  })

  it('an existing user invited to a workspace gets the magic link template’s invitation link', async () => {
    const u = await newUser('existinginvite')
    const redirect = `${siteUrl}/accept-invite?workspace=${WORKSPACE}`
    const r = await auth(`/otp?redirect_to=${encodeURIComponent(redirect)}`, {
      body: { email: u.email, create_user: false },
    })
    expect(r.status).toBe(200)
    const mail = await mailTo(u.email)
    expect(mail.Subject).toBe(recorded('existing_user_invite_mail').subject)
    expect(linkPattern(links(mail)[0]!)).toBe(
      linkPattern(recorded('existing_user_invite_mail').links[0]),
    )
    const hash = new URL(links(mail)[0]!).searchParams.get('token_hash')!
    expect((await auth('/verify', { body: { token_hash: hash, type: 'magiclink' } })).status).toBe(
      200,
    )
  })

  it('create_user false for an unknown address is 422 otp_disabled and creates nobody', async () => {
    const email = uniqueEmail('nocreate')
    const { error } = await js().auth.signInWithOtp({ email, options: { shouldCreateUser: false } })
    expect(error?.code).toBe('otp_disabled')
    expect(error?.status).toBe(422)
    expect(await sql(`select 1 from auth.users where email = $1`, [email])).toHaveLength(0)
  })

  it('a new address through /otp becomes an unconfirmed user with a confirmation mail', async () => {
    const email = uniqueEmail('otpnew')
    const r = await auth('/otp', { body: { email, data: { full_name: 'New Person' } } })
    expect({ status: r.status, body: r.body }).toEqual({ status: 200, body: {} })
    const [row] = await sql<{ email_confirmed_at: unknown; confirmation_token: string }>(
      `select email_confirmed_at, confirmation_token from auth.users where email = $1`,
      [email],
    )
    expect(row).toMatchObject({
      email_confirmed_at: null,
      confirmation_token: expect.stringMatching(/^[0-9a-f]{56}$/),
    })
    const mail = await mailTo(email)
    expect(links(mail)[0]).toContain('type=signup')
  })

  it('resetPasswordForEmail mails the recovery template; the link signs in for a password change', async () => {
    const u = await newUser('recover')
    const { error } = await js().auth.resetPasswordForEmail(u.email, {
      redirectTo: `${siteUrl}/reset-password`,
    })
    expect(error).toBeNull()
    const mail = await mailTo(u.email, { subject: 'Reset your Fluxera password' })
    const link = links(mail)[0]!
    expect(link).toBe(
      `${apiUrl}/auth/v1/verify?token=${new URL(link).searchParams.get('token')}&type=recovery&redirect_to=${siteUrl}/reset-password`,
    )
    const res = await fetch(link, { redirect: 'manual' })
    const params = new URLSearchParams(res.headers.get('location')!.split('#')[1])
    expect(params.get('type')).toBe('recovery')
    const change = await auth('/user', {
      method: 'PUT',
      token: params.get('access_token')!,
      body: { password: 'Recovered-pass-2026!' },
    })
    expect(change.status).toBe(200)
    await signIn(u.email, 'Recovered-pass-2026!')
  })

  it('recovery for an unknown address answers 200 {} and sends nothing', async () => {
    const email = uniqueEmail('unknownrecover')
    const r = await auth('/recover', { body: { email } })
    expect({ status: r.status, body: r.body }).toEqual({ status: 200, body: {} })
    expect(await mailCount(email)).toBe(0)
  })

  it('a second mail inside max_frequency is 429 over_email_send_rate_limit', async () => {
    const u = await newUser('freq')
    await sql(
      `update auth.users set recovery_sent_at = now() + interval '5 seconds' where id = $1`,
      [u.id],
    )
    expectError(
      await auth('/recover', { body: { email: u.email }, api: true }),
      429,
      'over_email_send_rate_limit',
      true,
    )
  })

  it('signUp with confirmations on: no session, a confirmation mail, email_not_confirmed until verified', async () => {
    const email = uniqueEmail('signup')
    const { data, error } = await js().auth.signUp({
      email,
      password: GOOD_PASSWORD,
      options: { data: { full_name: 'Sign Up' }, emailRedirectTo: `${siteUrl}/` },
    })
    expect(error).toBeNull()
    expect(data.session).toBeNull()
    expect(data.user?.email).toBe(email)
    expectError(
      await auth('/token?grant_type=password', { body: { email, password: GOOD_PASSWORD } }),
      400,
      'email_not_confirmed',
    )
    const mail = await mailTo(email)
    const link = links(mail)[0]!
    expect(link).toContain('type=signup')
    const res = await fetch(link, { redirect: 'manual' })
    expect(res.headers.get('location')).toContain('access_token=')
    const s = await signIn(email, GOOD_PASSWORD)
    expect(s.user.user_metadata).toMatchObject({ full_name: 'Sign Up' })
  })

  it('signUp refuses a weak password and a bad address, and creates nobody', async () => {
    const email = uniqueEmail('weaksignup')
    const r = await auth('/signup', { body: { email, password: 'weak' } })
    expectError(r, 422, 'weak_password')
    expect(r.body.weak_password.reasons).toContain('length')
    expectError(
      await auth('/signup', { body: { email: 'nope', password: GOOD_PASSWORD } }),
      400,
      'validation_failed',
    )
    expect(await sql(`select 1 from auth.users where email = $1`, [email])).toHaveLength(0)
  })
})

describe('email change', () => {
  it('PUT /user with a new email mails both addresses; both links together change it', async () => {
    const u = await newUser('change')
    const s = await signIn(u.email, u.password)
    const newEmail = uniqueEmail('changed')
    const r = await auth('/user', {
      method: 'PUT',
      token: s.access_token,
      body: { email: newEmail },
    })
    expect(r.status).toBe(200)
    expect(r.body.new_email).toBe(newEmail)
    const toNew = links(await mailTo(newEmail))[0]!
    const toOld = links(await mailTo(u.email))[0]!
    const first = await auth('/verify', {
      body: { token_hash: new URL(toOld).searchParams.get('token'), type: 'email_change' },
    })
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({ code: '200' })
    const second = await auth('/verify', {
      body: { token_hash: new URL(toNew).searchParams.get('token'), type: 'email_change' },
    })
    expect(second.status).toBe(200)
    expect(second.body.user.email).toBe(newEmail)
    await signIn(newEmail, u.password)
  })
})
