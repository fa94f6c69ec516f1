// /health, /settings, and Auth's answers for what the local stand-in does not offer
// (OAuth providers, SSO/SAML, passkeys, anonymous and phone sign-in): the errors Auth gives
// when those are disabled, never a 500.
import { badRequest, notFound, unprocessable } from '../errors.ts'
import { route, type Ctx, type Route } from '../http.ts'

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
    saml_enabled: false,
    passkeys_enabled: false,
  })
}

async function authorize(ctx: Ctx) {
  const provider = ctx.query.get('provider') ?? ''
  if (!provider)
    throw badRequest('validation_failed', 'Unsupported provider: provider  could not be found')
  throw badRequest(
    'validation_failed',
    `Unsupported provider: provider ${provider} could not be found`,
  )
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

const notEnabled = (status: number, code: string, msg: string) => async () => {
  throw status === 404
    ? notFound(code, msg)
    : status === 422
      ? unprocessable(code, msg)
      : badRequest(code, msg)
}

export const miscRoutes: Route[] = [
  route('GET', '/health', health),
  route('GET', '/settings', settings),
  route('GET', '/authorize', authorize),
  route('GET', '/callback', callback),
  route('POST', '/callback', callback),
  route(
    'POST',
    '/sso',
    notEnabled(404, 'sso_provider_not_found', 'No SSO provider assigned for this domain'),
  ),
  route(
    'GET',
    '/sso/saml/metadata',
    notEnabled(404, 'saml_provider_disabled', 'SAML 2.0 is disabled'),
  ),
  route('POST', '/sso/saml/acs', notEnabled(404, 'saml_provider_disabled', 'SAML 2.0 is disabled')),
  route(
    'POST',
    '/passkeys/authentication/options',
    notEnabled(422, 'passkey_disabled', 'Passkeys are disabled'),
  ),
  route(
    'POST',
    '/passkeys/authentication/verify',
    notEnabled(422, 'passkey_disabled', 'Passkeys are disabled'),
  ),
  route(
    'POST',
    '/passkeys/registration/options',
    notEnabled(422, 'passkey_disabled', 'Passkeys are disabled'),
  ),
  route(
    'POST',
    '/passkeys/registration/verify',
    notEnabled(422, 'passkey_disabled', 'Passkeys are disabled'),
  ),
  route(
    'GET',
    '/reauthenticate',
    notEnabled(
      422,
      'email_provider_disabled',
      'Reauthentication is not available in the local Auth',
    ),
  ),
  route('GET', '/.well-known/jwks.json', async (ctx) => ctx.json(200, { keys: [] })),
]
