// /health, /settings, /reauthenticate, and Auth's answers for what the local stand-in does not
// offer (OAuth providers, passkeys, manual identity linking, the OAuth server, custom
// providers): the errors Auth v2.189.0 gives when those are off, in its middleware's order.
import { db, tx } from '../db.ts'
import { ApiError, badRequest, notFound, unprocessable } from '../errors.ts'
import { route, under, type Ctx, type Route } from '../http.ts'
import { sendReauthentication } from '../otp.ts'
import { requireAdmin, requireUser } from '../tokens.ts'
import { audit, isConfirmed } from '../users.ts'

const providers = [
  'anonymous_users',
  'apple',
  'azure',
  'bitbucket',
  'discord',
  'facebook',
  'snapchat',
  'figma',
  'fly',
  'github',
  'gitlab',
  'google',
  'keycloak',
  'kakao',
  'linkedin',
  'linkedin_oidc',
  'notion',
  'spotify',
  'slack',
  'slack_oidc',
  'workos',
  'twitch',
  'twitter',
  'email',
  'phone',
  'zoom',
]

async function health(ctx: Ctx) {
  ctx.json(200, {
    version: 'v2.189.0-fluxera-local',
    name: 'GoTrue',
    description: 'GoTrue is a user registration and authentication API',
  })
}

async function settings(ctx: Ctx) {
  const external: Record<string, boolean> = {}
  for (const p of providers) external[p] = p === 'email'
  ctx.json(200, {
    external,
    disable_signup: !ctx.cfg.enableSignup,
    mailer_autoconfirm: !ctx.cfg.enableConfirmations,
    phone_autoconfirm: false,
    sms_provider: '',
    saml_enabled: ctx.cfg.saml.enabled,
    passkeys_enabled: false,
  })
}

// The OAuth providers Auth knows by name (its Provider switch); all are off here.
const oauthProviders = new Set([
  'apple',
  'azure',
  'bitbucket',
  'discord',
  'facebook',
  'figma',
  'fly',
  'github',
  'gitlab',
  'google',
  'kakao',
  'keycloak',
  'linkedin',
  'linkedin_oidc',
  'notion',
  'snapchat',
  'spotify',
  'slack',
  'slack_oidc',
  'twitch',
  'twitter',
  'x',
  'vercel_marketplace',
  'workos',
  'zoom',
])

async function authorize(ctx: Ctx) {
  const provider = (ctx.query.get('provider') ?? '').toLowerCase()
  const why = provider.startsWith('custom:')
    ? 'custom OAuth providers are disabled'
    : oauthProviders.has(provider)
      ? 'provider is not enabled'
      : `Provider ${provider} could not be found`
  throw badRequest('validation_failed', `Unsupported provider: ${why}`)
}

async function callback(ctx: Ctx) {
  // No OAuth flow was ever started here: redirect like Auth does for a callback without state.
  const u = new URL(ctx.cfg.siteUrl)
  u.hash = new URLSearchParams({
    error: 'invalid_request',
    error_code: 'bad_oauth_callback',
    error_description: 'OAuth state parameter missing',
    sb: '',
  }).toString()
  ctx.redirect(303, u.toString())
}

const disabled = (status: number, code: string, msg: string) => async () => {
  throw new ApiError(status, code, msg)
}

/** A feature that is off, behind Auth's requireAuthentication (the user routes). */
const disabledForUser = (code: string, msg: string) => async (ctx: Ctx) => {
  await requireUser(ctx.cfg, db(), ctx.req)
  throw notFound(code, msg)
}

/** A feature that is off, behind Auth's requireAdminCredentials (the admin routes). */
const disabledForAdmin = (code: string, msg: string) => async (ctx: Ctx) => {
  await requireAdmin(ctx.cfg, ctx.req)
  throw notFound(code, msg)
}

/** GET /reauthenticate: a nonce for the signed-in user, by mail (Auth's Reauthenticate). */
async function reauthenticate(ctx: Ctx) {
  const { cfg, req } = ctx
  const { user } = await requireUser(cfg, db(), req)
  if (!user.email && !user.phone)
    throw badRequest(
      'validation_failed',
      'Reauthentication requires the user to have an email or a phone number',
    )
  if (user.email && !isConfirmed(user))
    throw unprocessable('email_not_confirmed', 'Please verify your email first.')
  // Auth would text a phone-only user; the stand-in makes no such users and sends no SMS.
  if (!user.email) throw badRequest('phone_provider_disabled', 'Unsupported phone provider')
  await tx(async (c) => {
    await audit(c, req, user, 'user_reauthenticate_requested')
    await sendReauthentication(cfg, c, user)
  })
  ctx.json(200, {})
}

const oauthServerOff = 'OAuth server is disabled'

export const miscRoutes: Route[] = [
  route('GET', '/health', health),
  route('GET', '/settings', settings),
  route('GET', '/authorize', authorize),
  route('GET', '/callback', callback),
  route('POST', '/callback', callback),
  route('GET', '/reauthenticate', reauthenticate),
  // Features that are off: Auth's middleware for the group answers before any route in it.
  under('/passkeys', disabled(404, 'passkey_disabled', 'Passkeys are disabled')),
  under('/oauth', disabled(404, 'feature_disabled', oauthServerOff)),
  under(
    '/user/identities',
    disabledForUser('manual_linking_disabled', 'Manual linking is disabled'),
  ),
  under('/user/oauth/grants', disabledForUser('feature_disabled', oauthServerOff)),
  under('/admin/oauth', disabledForAdmin('feature_disabled', oauthServerOff)),
  under(
    '/admin/custom-providers',
    disabledForAdmin('feature_disabled', 'Custom OAuth providers are disabled'),
  ),
  route('GET', '/.well-known/jwks.json', async (ctx) => ctx.json(200, { keys: [] })),
]
