// Admin API (service_role): /admin/users CRUD with paging, /admin/users/{id}/factors, /admin/generate_link.
import { db, toIso, tx, type Row } from '../db.ts'
import { badRequest, notFound, unprocessable } from '../errors.ts'
import { obj, route, str, type Ctx, type Route } from '../http.ts'
import { confirmationUrl } from '../mail.ts'
import { generateOtp, storeOneTimeToken, tokenHash } from '../otp.ts'
import { checkPasswordStrength, hashPassword, randomPassword } from '../password.ts'
import { isRedirectUrlValid, referrer } from '../redirect.ts'
import { requireAdmin } from '../tokens.ts'
import { validatePhone } from '../phone.ts'
import {
  audit,
  confirmPhone,
  confirmUser,
  createUser,
  factorJson,
  findUserByEmail,
  findUserById,
  findUserByPhone,
  identityJson,
  insertIdentity,
  renderUser,
  userJson,
  validateEmail,
} from '../users.ts'

/** Go's time.ParseDuration, to milliseconds. */
export function parseGoDuration(s: string): number {
  const re = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/
  if (s === '0') return 0
  if (!re.test(s)) throw new Error(`time: invalid duration "${s}"`)
  const unit: Record<string, number> = {
    ns: 1e-6,
    us: 1e-3,
    µs: 1e-3,
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
  }
  let total = 0
  for (const m of s.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g))
    total += Number(m[1]) * unit[m[2]!]!
  return s.startsWith('-') ? -total : total
}

async function adminUser(ctx: Ctx): Promise<Row> {
  const id = ctx.params.user_id ?? ''
  // Auth's loadUser answers a malformed id with a 404 (code validation_failed), like an unknown one.
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
    throw notFound('validation_failed', 'user_id must be an UUID')
  const user = await findUserById(db(), id)
  if (!user) throw notFound('user_not_found', 'User not found')
  return user
}

async function listUsers(ctx: Ctx) {
  await requireAdmin(ctx.cfg, ctx.req)
  const pageRaw = ctx.query.get('page') || '1'
  const perRaw = ctx.query.get('per_page') || '50'
  if (!/^\d+$/.test(pageRaw) || !/^\d+$/.test(perRaw))
    throw badRequest(
      'validation_failed',
      'Bad Pagination Parameters: strconv.ParseUint: parsing: invalid syntax',
    )
  const page = Math.max(1, Number(pageRaw))
  const perPage = Number(perRaw) || 50
  const filter = ctx.query.get('filter') ?? ''
  const where =
    `instance_id = '00000000-0000-0000-0000-000000000000' and aud = 'authenticated'` +
    // Auth matches the address case-sensitively (LIKE) and full_name case-insensitively.
    (filter ? ` and (email like $3 or raw_user_meta_data->>'full_name' ilike $3)` : '')
  const args: unknown[] = [perPage, (page - 1) * perPage]
  if (filter) args.push(`%${filter}%`)
  const [count, rows] = await Promise.all([
    db().query(
      `select count(*)::int as n from auth.users where ${where.replace('$3', '$1')}`,
      filter ? [`%${filter}%`] : [],
    ),
    db().query(
      `select * from auth.users where ${where} order by created_at desc, id limit $1 offset $2`,
      args,
    ),
  ])
  // Auth loads the page without its users' identities and factors: `identities: null`, no `factors`.
  const users = rows.rows.map((u) => renderUser(u, null, []))
  const total = count.rows[0].n as number
  const pages = Math.ceil(total / perPage)
  const link = (p: number) => {
    const q = new URLSearchParams(ctx.query)
    q.set('page', String(p))
    const sorted = new URLSearchParams(
      [...q.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    )
    return `<${ctx.path}?${sorted.toString()}>`
  }
  let header = ''
  if (pages > page) header += `${link(page + 1)}; rel="next", `
  header += `${link(pages)}; rel="last"`
  ctx.json(200, { users, aud: 'authenticated' }, { link: header, 'x-total-count': String(total) })
}

function banUntil(duration: string): Date | null {
  if (duration === 'none') return null
  let ms: number
  try {
    ms = parseGoDuration(duration)
  } catch (err) {
    throw badRequest(
      'validation_failed',
      `invalid format for ban duration: ${(err as Error).message}`,
    )
  }
  return new Date(Date.now() + ms)
}

async function createUserRoute(ctx: Ctx) {
  const { cfg, req } = ctx
  const admin = await requireAdmin(cfg, req)
  const body = await ctx.body()
  const rawEmail = str(body, 'email')
  const phone = str(body, 'phone')
  const password =
    body.password === undefined || body.password === null ? null : str(body, 'password')
  const userMeta = obj(body, 'user_metadata')
  const appMeta = obj(body, 'app_metadata')
  const banDuration = str(body, 'ban_duration')
  if (!rawEmail && !phone)
    throw badRequest('validation_failed', 'Cannot create a user without either an email or phone')
  // The admin API makes phone users whether or not phone sign-in is on, as Auth does.
  const email = rawEmail ? validateEmail(rawEmail) : null
  const phoneDigits = phone ? validatePhone(phone) : null
  const customId = str(body, 'id')
  if (customId) {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(customId))
      throw badRequest('validation_failed', 'ID must conform to the uuid v4 format')
    if (/^[0-]+$/.test(customId)) throw badRequest('validation_failed', 'ID cannot be a nil uuid')
  }
  // Like Auth, creating a user through the admin API does not apply the password policy; without
  // a password Auth gives the user a random one of 64 characters.
  const hash = await hashPassword(password || randomPassword(cfg, 64))
  const banned = banDuration ? banUntil(banDuration) : null
  const user = await tx(async (c) => {
    if (email && (await findUserByEmail(c, email)))
      throw unprocessable(
        'email_exists',
        'A user with this email address has already been registered',
      )
    if (phoneDigits && (await findUserByPhone(c, phoneDigits)))
      throw unprocessable('phone_exists', 'Phone number already registered by another user')
    const u = await createUser(c, {
      id: customId ? customId.toLowerCase() : undefined,
      email,
      phone: phoneDigits,
      encryptedPassword: hash,
      userMetadata: userMeta ?? {},
      appMetadata: appMeta,
      role: str(body, 'role') || 'authenticated',
    })
    // Auth's user.Confirm: email_verified lands in user_metadata, not in the identity.
    if (body.email_confirm === true) await confirmUser(c, u)
    if (body.phone_confirm === true) await confirmPhone(c, u)
    if (banned)
      await c.query(`update auth.users set banned_until = $2 where id = $1`, [u.id, banned])
    await audit(
      c,
      req,
      { id: admin.sub, email: admin.role },
      'user_signedup',
      { user_id: u.id, user_email: email ?? '', user_phone: phoneDigits ?? '' },
      'team',
    )
    return userJson(c, (await findUserById(c, u.id))!)
  })
  ctx.json(200, user)
}

async function getUser(ctx: Ctx) {
  await requireAdmin(ctx.cfg, ctx.req)
  ctx.json(200, await userJson(db(), await adminUser(ctx)))
}

async function updateUser(ctx: Ctx) {
  const { cfg, req } = ctx
  const admin = await requireAdmin(cfg, req)
  const user = await adminUser(ctx)
  const body = await ctx.body()
  const email = str(body, 'email')
  const password =
    body.password === undefined || body.password === null ? null : str(body, 'password')
  const userMeta = obj(body, 'user_metadata')
  const appMeta = obj(body, 'app_metadata')
  const banDuration = str(body, 'ban_duration')
  const role = str(body, 'role')
  // Auth's order: address, number, ban duration, then the password policy.
  const newEmail = email ? validateEmail(email) : ''
  const phone = str(body, 'phone') ? validatePhone(str(body, 'phone')) : ''
  const banned = banDuration ? banUntil(banDuration) : undefined
  if (password !== null) checkPasswordStrength(cfg, password)
  // Auth answers with the user it loaded before the update, changed in memory: confirmed_at (a
  // generated column) and the identities stay as they were loaded.
  const before = await userJson(db(), user)
  const out = await tx(async (c) => {
    if (newEmail && newEmail !== user.email) {
      const dup = await findUserByEmail(c, newEmail)
      if (dup && dup.id !== user.id)
        throw unprocessable(
          'email_exists',
          'A user with this email address has already been registered',
        )
      await c.query(`update auth.users set email = $2 where id = $1`, [user.id, newEmail])
      await c.query(
        `update auth.identities set identity_data = identity_data || jsonb_build_object('email', $2::text, 'email_verified', $3::boolean), updated_at = now()
          where user_id = $1 and provider = 'email'`,
        [user.id, newEmail, body.email_confirm === true],
      )
    }
    const added: Row[] = []
    if (phone) {
      // Like the email, a number given updates the phone identity (or adds one).
      const verified = body.phone_confirm === true
      const r = await c.query(
        `update auth.identities set identity_data = identity_data || jsonb_build_object('phone', $2::text, 'phone_verified', $3::boolean), updated_at = now()
          where user_id = $1 and provider = 'phone' returning id`,
        [user.id, phone, verified],
      )
      if (!r.rowCount) {
        const data = { sub: user.id, phone, email_verified: false, phone_verified: verified }
        await insertIdentity(c, user.id, 'phone', data)
        const [row] = (
          await c.query(`select * from auth.identities where user_id = $1 and provider = 'phone'`, [
            user.id,
          ])
        ).rows
        added.push(identityJson(row))
      }
      await c.query(`update auth.users set phone = $2 where id = $1`, [user.id, phone])
    }
    if (body.phone_confirm === true) await confirmPhone(c, user)
    if (password !== null)
      await c.query(`update auth.users set encrypted_password = $2 where id = $1`, [
        user.id,
        await hashPassword(password),
      ])
    if (role) await c.query(`update auth.users set role = $2 where id = $1`, [user.id, role])
    if (body.email_confirm === true) await confirmUser(c, (await findUserById(c, user.id))!)
    if (appMeta) {
      await c.query(
        `update auth.users set raw_app_meta_data = jsonb_strip_nulls(coalesce(raw_app_meta_data, '{}'::jsonb) || $2::jsonb) where id = $1`,
        [user.id, appMeta],
      )
    }
    if (userMeta) {
      await c.query(
        `update auth.users set raw_user_meta_data = jsonb_strip_nulls(coalesce(raw_user_meta_data, '{}'::jsonb) || $2::jsonb) where id = $1`,
        [user.id, userMeta],
      )
    }
    if (banned !== undefined)
      await c.query(`update auth.users set banned_until = $2 where id = $1`, [user.id, banned])
    await c.query(`update auth.users set updated_at = now() where id = $1`, [user.id])
    await audit(
      c,
      req,
      { id: admin.sub, email: admin.role },
      'user_modified',
      { user_id: user.id, user_email: user.email, user_phone: phone || user.phone || '' },
      'user',
    )
    const after = await userJson(c, (await findUserById(c, user.id))!)
    after.identities = [...before.identities, ...added]
    if (before.confirmed_at === undefined) delete after.confirmed_at
    else after.confirmed_at = before.confirmed_at
    return after
  })
  ctx.json(200, out)
}

async function deleteUser(ctx: Ctx) {
  const { cfg, req } = ctx
  const admin = await requireAdmin(cfg, req)
  const user = await adminUser(ctx)
  const body = await ctx.body()
  const soft = body.should_soft_delete === true
  await tx(async (c) => {
    await audit(
      c,
      req,
      { id: admin.sub, email: admin.role },
      'user_deleted',
      { user_id: user.id, user_email: user.email, user_phone: '' },
      'team',
    )
    if (soft) {
      await c.query(`delete from auth.sessions where user_id = $1`, [user.id])
      await c.query(`delete from auth.identities where user_id = $1`, [user.id])
      await c.query(`delete from auth.mfa_factors where user_id = $1`, [user.id])
      await c.query(
        `update auth.users set deleted_at = now(), email = null, phone = null, encrypted_password = '', confirmation_token = '',
            recovery_token = '', email_change_token_current = '', email_change_token_new = '', email_change = '',
            raw_app_meta_data = '{}', raw_user_meta_data = '{}' where id = $1`,
        [user.id],
      )
    } else await c.query(`delete from auth.users where id = $1`, [user.id])
  })
  ctx.json(200, {})
}

async function listFactors(ctx: Ctx) {
  await requireAdmin(ctx.cfg, ctx.req)
  const user = await adminUser(ctx)
  const r = await db().query(
    `select * from auth.mfa_factors where user_id = $1 order by created_at, id`,
    [user.id],
  )
  ctx.json(200, r.rows.map(factorJson))
}

async function deleteFactor(ctx: Ctx) {
  const { cfg, req } = ctx
  const admin = await requireAdmin(cfg, req)
  const user = await adminUser(ctx)
  const out = await tx(async (c) => {
    const r = await c.query(
      `delete from auth.mfa_factors where id::text = $1 and user_id = $2 returning *`,
      [ctx.params.factor_id, user.id],
    )
    if (!r.rows[0]) throw notFound('mfa_factor_not_found', 'Factor not found')
    await c.query(`update auth.sessions set aal = 'aal1', factor_id = null where factor_id = $1`, [
      r.rows[0].id,
    ])
    await audit(
      c,
      req,
      { id: admin.sub, email: admin.role },
      'factor_deleted',
      { user_id: user.id, factor_id: r.rows[0].id },
      'factor',
    )
    return factorJson(r.rows[0])
  })
  ctx.json(200, out)
}

/** A user's passkeys (Auth lists them even with passkeys off; the stand-in never registers any). */
async function listPasskeys(ctx: Ctx) {
  await requireAdmin(ctx.cfg, ctx.req)
  const user = await adminUser(ctx)
  const r = await db().query(
    `select id, friendly_name, created_at, last_used_at from auth.webauthn_credentials where user_id = $1 order by created_at, id`,
    [user.id],
  )
  ctx.json(
    200,
    r.rows.map((p) => {
      const item: Row = { id: p.id }
      if (p.friendly_name) item.friendly_name = p.friendly_name
      item.created_at = toIso(p.created_at)
      if (p.last_used_at) item.last_used_at = toIso(p.last_used_at)
      return item
    }),
  )
}

async function deletePasskey(ctx: Ctx) {
  const { cfg, req } = ctx
  const admin = await requireAdmin(cfg, req)
  const user = await adminUser(ctx)
  const id = ctx.params.passkey_id ?? ''
  const found = await tx(async (c) => {
    const r = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
      ? await c.query(
          `delete from auth.webauthn_credentials where id = $1 and user_id = $2 returning id`,
          [id, user.id],
        )
      : { rows: [] }
    if (!r.rows[0]) return false
    await audit(
      c,
      req,
      { id: admin.sub, email: admin.role },
      'passkey_deleted',
      { user_id: user.id, passkey_id: id },
      'user',
    )
    return true
  })
  // Auth's answer for a malformed and for an unknown id alike.
  if (!found) throw notFound('validation_failed', 'Passkey not found')
  ctx.res.writeHead(204)
  ctx.res.end()
}

async function generateLink(ctx: Ctx) {
  const { cfg, req } = ctx
  const admin = await requireAdmin(cfg, req)
  const body = await ctx.body()
  let type = str(body, 'type')
  const email = validateEmail(str(body, 'email'))
  const data = obj(body, 'data')
  let password = str(body, 'password')
  const asked = str(body, 'redirect_to')
  const redirectTo = isRedirectUrlValid(cfg, asked) ? asked : referrer(cfg, req, ctx.query)
  const out = await tx(async (c) => {
    let user = await findUserByEmail(c, email)
    if (!user) {
      if (type === 'magiclink') {
        type = 'signup'
        password = randomPassword(cfg, 64)
      } else if (['recovery', 'email_change_current', 'email_change_new'].includes(type)) {
        throw notFound('user_not_found', 'User with this email not found')
      }
    }
    const otp = generateOtp(cfg.otpLength)
    const hashed = tokenHash(email, otp)
    let linkType = type
    switch (type) {
      case 'magiclink':
      case 'recovery':
        await audit(c, req, user, 'user_recovery_requested')
        await c.query(
          `update auth.users set recovery_token = $2, recovery_sent_at = now() where id = $1`,
          [user!.id, hashed],
        )
        await storeOneTimeToken(c, user!.id, 'recovery_token', hashed, user!.email)
        break
      case 'invite':
        if (user && user.email_confirmed_at)
          throw unprocessable(
            'email_exists',
            'A user with this email address has already been registered',
          )
        if (!user)
          user = await createUser(c, { email, encryptedPassword: '', userMetadata: data ?? {} })
        await audit(
          c,
          req,
          { id: admin.sub, email: admin.role },
          'user_invited',
          { user_id: user.id, user_email: email },
          'team',
        )
        await c.query(
          `update auth.users set confirmation_token = $2, confirmation_sent_at = now(), invited_at = now() where id = $1`,
          [user.id, hashed],
        )
        await storeOneTimeToken(c, user.id, 'confirmation_token', hashed, email)
        break
      case 'signup':
        if (user) {
          if (user.email_confirmed_at)
            throw unprocessable(
              'email_exists',
              'A user with this email address has already been registered',
            )
          if (data)
            await c.query(
              `update auth.users set raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || $2::jsonb where id = $1`,
              [user.id, data],
            )
        } else {
          if (!password)
            throw unprocessable('validation_failed', 'Signup requires a valid password')
          checkPasswordStrength(cfg, password)
          user = await createUser(c, {
            email,
            encryptedPassword: await hashPassword(password),
            userMetadata: data ?? {},
          })
        }
        await c.query(
          `update auth.users set confirmation_token = $2, confirmation_sent_at = now() where id = $1`,
          [user.id, hashed],
        )
        await storeOneTimeToken(c, user.id, 'confirmation_token', hashed, email)
        break
      case 'email_change_current':
      case 'email_change_new': {
        const newEmail = validateEmail(str(body, 'new_email'))
        const dup = await findUserByEmail(c, newEmail)
        if (dup && dup.id !== user!.id)
          throw unprocessable(
            'email_exists',
            'A user with this email address has already been registered',
          )
        const cur = type === 'email_change_current' ? hashed : ''
        const nw = type === 'email_change_new' ? tokenHash(newEmail, otp) : ''
        await c.query(
          `update auth.users set email_change = $2, email_change_sent_at = now(), email_change_confirm_status = 0,
              email_change_token_current = $3, email_change_token_new = $4 where id = $1`,
          [user!.id, newEmail, cur, nw],
        )
        if (cur) await storeOneTimeToken(c, user!.id, 'email_change_token_current', cur, email)
        if (nw) await storeOneTimeToken(c, user!.id, 'email_change_token_new', nw, newEmail)
        linkType = 'email_change'
        break
      }
      default:
        throw badRequest('validation_failed', `Invalid email action link type requested: ${type}`)
    }
    await c.query(`update auth.users set updated_at = now() where id = $1`, [user!.id])
    const fresh = (await findUserById(c, user!.id))!
    const tokenForLink =
      linkType === 'email_change'
        ? fresh.email_change_token_current || fresh.email_change_token_new
        : hashed
    return {
      ...(await userJson(c, fresh)),
      action_link: confirmationUrl(cfg, tokenForLink, linkType, redirectTo),
      email_otp: otp,
      hashed_token: hashed,
      verification_type: type,
      redirect_to: redirectTo,
    }
  })
  ctx.json(200, out)
}

export const adminRoutes: Route[] = [
  route('GET', '/admin/users', listUsers),
  route('POST', '/admin/users', createUserRoute),
  route('GET', '/admin/users/{user_id}', getUser),
  route('PUT', '/admin/users/{user_id}', updateUser),
  route('DELETE', '/admin/users/{user_id}', deleteUser),
  route('GET', '/admin/users/{user_id}/factors', listFactors),
  route('DELETE', '/admin/users/{user_id}/factors/{factor_id}', deleteFactor),
  route('GET', '/admin/users/{user_id}/passkeys', listPasskeys),
  route('DELETE', '/admin/users/{user_id}/passkeys/{passkey_id}', deletePasskey),
  route('POST', '/admin/generate_link', generateLink),
]
