// Admin API (service_role): /admin/users CRUD with paging, /admin/users/{id}/factors, /admin/generate_link.
import { db, toIso, tx, type Row } from '../db.ts'
import { badRequest, notFound, unprocessable } from '../errors.ts'
import { obj, route, str, type Ctx, type Route } from '../http.ts'
import { confirmationUrl } from '../mail.ts'
import { generateOtp, tokenHash } from '../otp.ts'
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
import {
  deleteAllFactors,
  deleteFactor as deleteFactorRow,
  listFactors as listFactorRows,
} from '../data/factors.ts'
import { deleteIdentities, findIdentity, mergeIdentityData } from '../data/identities.ts'
import { replaceOneTimeToken } from '../data/oneTimeTokens.ts'
import {
  deletePasskey as deletePasskeyRow,
  listPasskeys as listPasskeyRows,
} from '../data/passkeys.ts'
import { deleteUserSessions, dropSessionsToAal1 } from '../data/sessions.ts'
import {
  NOW,
  deleteUser as deleteUserRow,
  listUsers as listUserRows,
  mergeUserMetadata,
  setUserFields,
  softDeleteUser,
} from '../data/users.ts'

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
  const { total, rows } = await listUserRows(db(), {
    filter: ctx.query.get('filter') ?? '',
    limit: perPage,
    offset: (page - 1) * perPage,
  })
  // Auth loads the page without its users' identities and factors: `identities: null`, no `factors`.
  const users = rows.map((u) => renderUser(u, null, []))
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
    if (banned) await setUserFields(c, u.id, { banned_until: banned })
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
      await setUserFields(c, user.id, { email: newEmail })
      await mergeIdentityData(c, user.id, 'email', {
        email: newEmail,
        email_verified: body.email_confirm === true,
      })
    }
    const added: Row[] = []
    if (phone) {
      // Like the email, a number given updates the phone identity (or adds one).
      const verified = body.phone_confirm === true
      const updated = await mergeIdentityData(c, user.id, 'phone', {
        phone,
        phone_verified: verified,
      })
      if (!updated) {
        const data = { sub: user.id, phone, email_verified: false, phone_verified: verified }
        await insertIdentity(c, user.id, 'phone', data)
        added.push(identityJson((await findIdentity(c, user.id, 'phone'))!))
      }
      await setUserFields(c, user.id, { phone })
    }
    if (body.phone_confirm === true) await confirmPhone(c, user)
    if (password !== null)
      await setUserFields(c, user.id, { encrypted_password: await hashPassword(password) })
    if (role) await setUserFields(c, user.id, { role })
    if (body.email_confirm === true) await confirmUser(c, (await findUserById(c, user.id))!)
    if (appMeta) await mergeUserMetadata(c, user.id, 'app', appMeta, { stripNulls: true })
    if (userMeta) await mergeUserMetadata(c, user.id, 'user', userMeta, { stripNulls: true })
    if (banned !== undefined) await setUserFields(c, user.id, { banned_until: banned })
    await setUserFields(c, user.id, { updated_at: NOW })
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
      await deleteUserSessions(c, user.id)
      await deleteIdentities(c, user.id)
      await deleteAllFactors(c, user.id)
      await softDeleteUser(c, user.id)
    } else await deleteUserRow(c, user.id)
  })
  ctx.json(200, {})
}

async function listFactors(ctx: Ctx) {
  await requireAdmin(ctx.cfg, ctx.req)
  const user = await adminUser(ctx)
  ctx.json(200, (await listFactorRows(db(), user.id)).map(factorJson))
}

async function deleteFactor(ctx: Ctx) {
  const { cfg, req } = ctx
  const admin = await requireAdmin(cfg, req)
  const user = await adminUser(ctx)
  const out = await tx(async (c) => {
    const factor = await deleteFactorRow(c, ctx.params.factor_id ?? '', user.id)
    if (!factor) throw notFound('mfa_factor_not_found', 'Factor not found')
    await dropSessionsToAal1(c, factor.id)
    await audit(
      c,
      req,
      { id: admin.sub, email: admin.role },
      'factor_deleted',
      { user_id: user.id, factor_id: factor.id },
      'factor',
    )
    return factorJson(factor)
  })
  ctx.json(200, out)
}

/** A user's passkeys (Auth lists them even with passkeys off; the stand-in never registers any). */
async function listPasskeys(ctx: Ctx) {
  await requireAdmin(ctx.cfg, ctx.req)
  const user = await adminUser(ctx)
  ctx.json(
    200,
    (await listPasskeyRows(db(), user.id)).map((p) => {
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
    const deleted =
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) &&
      (await deletePasskeyRow(c, id, user.id))
    if (!deleted) return false
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
        await setUserFields(c, user!.id, { recovery_token: hashed, recovery_sent_at: NOW })
        await replaceOneTimeToken(c, user!.id, 'recovery_token', hashed, user!.email)
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
        await setUserFields(c, user.id, {
          confirmation_token: hashed,
          confirmation_sent_at: NOW,
          invited_at: NOW,
        })
        await replaceOneTimeToken(c, user.id, 'confirmation_token', hashed, email)
        break
      case 'signup':
        if (user) {
          if (user.email_confirmed_at)
            throw unprocessable(
              'email_exists',
              'A user with this email address has already been registered',
            )
          if (data) await mergeUserMetadata(c, user.id, 'user', data, { stripNulls: false })
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
        await setUserFields(c, user.id, { confirmation_token: hashed, confirmation_sent_at: NOW })
        await replaceOneTimeToken(c, user.id, 'confirmation_token', hashed, email)
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
        await setUserFields(c, user!.id, {
          email_change: newEmail,
          email_change_sent_at: NOW,
          email_change_confirm_status: 0,
          email_change_token_current: cur,
          email_change_token_new: nw,
        })
        if (cur) await replaceOneTimeToken(c, user!.id, 'email_change_token_current', cur, email)
        if (nw) await replaceOneTimeToken(c, user!.id, 'email_change_token_new', nw, newEmail)
        linkType = 'email_change'
        break
      }
      default:
        throw badRequest('validation_failed', `Invalid email action link type requested: ${type}`)
    }
    await setUserFields(c, user!.id, { updated_at: NOW })
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
