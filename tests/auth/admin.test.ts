// The admin API with the service role: /admin/users (create, list with paging headers, get,
// update, delete) and /admin/users/{id}/factors; refusals for non-admins.
import { afterAll, describe, expect, it } from 'vitest'
import { closeSql } from '../helpers/stack'
import {
  admin,
  auth,
  expectError,
  GOOD_PASSWORD,
  js,
  newUser,
  serviceRoleKey,
  signIn,
  sql,
  uniqueEmail,
} from './helpers'

afterAll(closeSql)

describe('admin users', () => {
  it('creates a confirmed user with metadata, as Auth writes it (empty token columns, email identity)', async () => {
    const email = uniqueEmail('created')
    const r = await admin('/admin/users', {
      body: {
        email,
        password: GOOD_PASSWORD,
        email_confirm: true,
        user_metadata: { full_name: 'Made By Admin' },
        app_metadata: { tier: 'gold' },
      },
    })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      email,
      aud: 'authenticated',
      role: 'authenticated',
      user_metadata: { full_name: 'Made By Admin' },
      app_metadata: { provider: 'email', providers: ['email'], tier: 'gold' },
      is_anonymous: false,
    })
    expect(r.body.email_confirmed_at).toBeTruthy()
    expect(r.body.identities).toHaveLength(1)
    expect(r.body.identities[0]).toMatchObject({
      provider: 'email',
      id: r.body.id,
      user_id: r.body.id,
    })
    const [row] = await sql(
      `select confirmation_token, recovery_token, email_change_token_new, email_change, encrypted_password like '$2a$10$%' as bcrypt
         from auth.users where id = $1`,
      [r.body.id],
    )
    expect(row).toEqual({
      confirmation_token: '',
      recovery_token: '',
      email_change_token_new: '',
      email_change: '',
      bcrypt: true,
    })
    await signIn(email, GOOD_PASSWORD)
  })

  it('refuses a duplicate address (422 email_exists), no address (400), and non-admins', async () => {
    expectError(
      await admin('/admin/users', {
        body: { email: 'owner@fluxera.test', password: GOOD_PASSWORD },
      }),
      422,
      'email_exists',
    )
    expectError(
      await admin('/admin/users', { body: { password: GOOD_PASSWORD } }),
      400,
      'validation_failed',
    )
    // The password policy binds users, not the admin API's create (Auth lets it through).
    expect(
      (
        await admin('/admin/users', {
          body: { email: uniqueEmail('weakadmin'), password: 'short' },
        })
      ).status,
    ).toBe(200)
    const s = await signIn('owner@fluxera.test')
    expectError(await auth('/admin/users', { token: s.access_token }), 403, 'not_admin')
    expectError(await auth('/admin/users'), 401, 'no_authorization')
  })

  it('lists users with page/per_page and the Link and X-Total-Count headers', async () => {
    await newUser('listed')
    const r = await admin('/admin/users?page=1&per_page=2')
    expect(r.status).toBe(200)
    expect(r.body.users).toHaveLength(2)
    expect(r.body.aud).toBe('authenticated')
    const total = Number(r.headers.get('x-total-count'))
    expect(total).toBeGreaterThanOrEqual(9)
    const link = r.headers.get('link')!
    expect(link).toContain('page=2')
    expect(link).toContain('rel="next"')
    expect(link).toContain(`page=${Math.ceil(total / 2)}&per_page=2>; rel="last"`)
    const { data, error } = await js(serviceRoleKey).auth.admin.listUsers({ page: 2, perPage: 2 })
    expect(error).toBeNull()
    expect(data.users).toHaveLength(2)
    expect((data as { total: number }).total).toBe(total)
    expectError(await admin('/admin/users?page=abc'), 400, 'validation_failed')
  })

  it('gets one user; an unknown id is 404 user_not_found', async () => {
    const u = await newUser('getone')
    const r = await admin(`/admin/users/${u.id}`)
    expect(r.status).toBe(200)
    expect(r.body.email).toBe(u.email)
    expectError(
      await admin('/admin/users/00000000-0000-4000-a000-00000000ffff'),
      404,
      'user_not_found',
    )
  })

  it('updates password, email_confirm, app_metadata and user_metadata', async () => {
    const u = await newUser('update', GOOD_PASSWORD, { email_confirm: false })
    expectError(
      await auth('/token?grant_type=password', {
        body: { email: u.email, password: GOOD_PASSWORD },
      }),
      400,
      'email_not_confirmed',
    )
    const r = await admin(`/admin/users/${u.id}`, {
      method: 'PUT',
      body: {
        email_confirm: true,
        password: 'Changed-by-admin-1!',
        app_metadata: { plan: 'x' },
        user_metadata: { full_name: 'Up Dated' },
      },
    })
    expect(r.status).toBe(200)
    expect(r.body.app_metadata).toMatchObject({ provider: 'email', plan: 'x' })
    expect(r.body.user_metadata).toMatchObject({ full_name: 'Up Dated' })
    expect(r.body.email_confirmed_at).toBeTruthy()
    await signIn(u.email, 'Changed-by-admin-1!')
    expectError(
      await admin(`/admin/users/${u.id}`, { method: 'PUT', body: { password: 'weak' } }),
      422,
      'weak_password',
    )
  })

  it('deletes a user (and its sessions); the address can no longer sign in', async () => {
    const u = await newUser('deleted')
    await signIn(u.email, u.password)
    const r = await admin(`/admin/users/${u.id}`, { method: 'DELETE' })
    expect(r.status).toBe(200)
    expect(await sql(`select 1 from auth.users where id = $1`, [u.id])).toHaveLength(0)
    expect(await sql(`select 1 from auth.sessions where user_id = $1`, [u.id])).toHaveLength(0)
    expectError(
      await auth('/token?grant_type=password', { body: { email: u.email, password: u.password } }),
      400,
      'invalid_credentials',
    )
    expectError(await admin(`/admin/users/${u.id}`, { method: 'DELETE' }), 404, 'user_not_found')
  })

  it('lists and deletes a user’s factors', async () => {
    const u = await newUser('adminfactors')
    const s = await signIn(u.email, u.password)
    const enrolled = await auth('/factors', {
      token: s.access_token,
      body: { factor_type: 'totp', friendly_name: 'phone app' },
    })
    expect(enrolled.status).toBe(200)
    const list = await admin(`/admin/users/${u.id}/factors`)
    expect(list.status).toBe(200)
    expect(list.body).toEqual([
      expect.objectContaining({
        id: enrolled.body.id,
        factor_type: 'totp',
        status: 'unverified',
        friendly_name: 'phone app',
      }),
    ])
    const del = await admin(`/admin/users/${u.id}/factors/${enrolled.body.id}`, {
      method: 'DELETE',
    })
    expect(del.status).toBe(200)
    expect(del.body.id).toBe(enrolled.body.id)
    expect((await admin(`/admin/users/${u.id}/factors`)).body).toEqual([])
    expectError(
      await admin(`/admin/users/${u.id}/factors/${enrolled.body.id}`, { method: 'DELETE' }),
      404,
      'mfa_factor_not_found',
    )
  })
})
