// SAML single sign-on as Supabase Auth v2.189.0 answers it (internal/api/sso.go, saml.go,
// samlacs.go): POST /sso starts a sign-in at the provider, GET /sso/saml/metadata is the service
// provider's metadata, POST /sso/saml/acs takes the provider's signed response and signs the user
// in; and the PKCE exchange (POST /token?grant_type=pkce) of the code an SSO sign-in leaves.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto'
import type { PoolClient } from 'pg'
import { db, tx, type Row } from '../db.ts'
import { ApiError, badRequest, forbidden, notFound, unprocessable } from '../errors.ts'
import {
  readBody,
  route,
  sendMethodNotAllowed,
  sendNotFound,
  str,
  type Ctx,
  type Route,
} from '../http.ts'
import { isRedirectUrlValid } from '../redirect.ts'
import {
  authnRequestUrl,
  emailOf,
  InvalidResponse,
  mapAttributes,
  parseIdpMetadata,
  peekResponseIssuer,
  spMetadata,
  userIdOf,
  validateResponse,
  type Assertion,
  type AttributeMapping,
  type IdpMetadata,
} from '../saml.ts'
import { issueSession } from '../tokens.ts'
import { audit, confirmUser, findUserById, isBanned, isConfirmed } from '../users.ts'
import * as sso from '../data/sso.ts'
import { fragment, oauthErrorMap } from './email.ts'

const samlDisabled = () => notFound('saml_provider_disabled', 'SAML 2.0 is disabled')

/** Auth's requireSAMLEnabled, in front of everything under /sso. */
const saml =
  (handler: (ctx: Ctx) => Promise<void>) =>
  async (ctx: Ctx): Promise<void> => {
    if (!ctx.cfg.saml.enabled) throw samlDisabled()
    return handler(ctx)
  }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Auth's validatePKCEParams. */
export function validatePkceParams(method: string, challenge: string) {
  if ((challenge === '') !== (method === ''))
    throw badRequest(
      'validation_failed',
      'PKCE flow requires code_challenge_method and code_challenge',
    )
  if (!challenge) return
  if (challenge.length < 43 || challenge.length > 128)
    throw badRequest('validation_failed', 'code challenge has to be between 43 and 128 characters')
  if (!/^[a-zA-Z._~0-9-]+$/.test(challenge))
    throw badRequest(
      'validation_failed',
      'code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes',
    )
}

/** POST /sso: a signed AuthnRequest for the provider of `provider_id` or `domain`. */
async function singleSignOn(ctx: Ctx) {
  const body = await ctx.body()
  const providerId = str(body, 'provider_id')
  if (providerId && !UUID.test(providerId))
    throw badRequest(
      'bad_json',
      `Could not parse request body as JSON: uuid: incorrect UUID length ${providerId.length} in string ${JSON.stringify(providerId)}`,
    )
  const domain = str(body, 'domain')
  const redirectTo = str(body, 'redirect_to')
  const skip = body.skip_http_redirect
  if (skip !== undefined && skip !== null && typeof skip !== 'boolean')
    throw badRequest(
      'bad_json',
      `Could not parse request body as JSON: json: cannot unmarshal ${typeof skip} into Go struct field SingleSignOnParams.skip_http_redirect of type bool`,
    )
  const challenge = str(body, 'code_challenge')
  const challengeMethod = str(body, 'code_challenge_method')
  const hasId = providerId !== '' && providerId !== '00000000-0000-0000-0000-000000000000'
  if (hasId && domain)
    throw badRequest('validation_failed', 'Only one of provider_id or domain supported')
  if (!hasId && !domain)
    throw badRequest('validation_failed', 'A provider_id or domain needs to be provided')
  const provider = hasId
    ? await sso.findProviderById(db(), providerId)
    : await sso.findProviderByDomain(db(), domain)
  if (!provider)
    throw notFound(
      'sso_provider_not_found',
      hasId ? 'No such SSO provider' : 'No SSO provider assigned for this domain',
    )
  if (!sso.isEnabled(provider))
    throw notFound('sso_provider_disabled', 'SSO Provider is currently disabled')
  validatePkceParams(challengeMethod, challenge)
  const method = challengeMethod.toLowerCase()
  if (challenge && method !== 's256' && method !== 'plain')
    throw badRequest('validation_failed', 'Invalid code_challenge_method')
  const flow = await sso.insertFlowState(db(), {
    codeChallenge: challenge,
    codeChallengeMethod: method,
    referrer: redirectTo,
  })
  let idp: IdpMetadata
  try {
    idp = await parseIdpMetadata(provider.metadata_xml)
  } catch {
    throw new ApiError(500, 'unexpected_failure', 'Error parsing SAML Metadata for SAML provider')
  }
  // The relay state's ID goes into the request's URL, so the request is made for a chosen ID.
  const relayId = randomUUID()
  const { url, requestId } = await authnRequestUrl(ctx.cfg, idp, relayId, provider.name_id_format)
  await tx((c) =>
    sso.insertRelayState(c, {
      id: relayId,
      providerId: provider.id,
      requestId,
      redirectTo,
      flowStateId: flow.id,
    }),
  )
  if (skip === true) return ctx.json(200, { url })
  ctx.redirect(303, url)
}

/** GET /sso/saml/metadata (`?download=true`: valid for 5 years, as an attachment). */
async function metadata(ctx: Ctx) {
  const download = ctx.query.get('download') === 'true'
  const validFor = download ? 5 * 365.25 * 24 * 3600_000 : 2 * 24 * 3600_000
  const xml = spMetadata(ctx.cfg, validFor)
  const headers: Record<string, string> = {
    'content-type': 'application/xml',
    'cache-control': 'public, max-age=600',
  }
  if (download) headers['content-disposition'] = 'attachment; filename="metadata.xml"'
  ctx.res.writeHead(200, headers)
  ctx.res.end(xml)
}

/** Go's url.ParseRequestURI accepts an absolute URL or an absolute path. */
function isRequestUri(v: string): boolean {
  if (v.startsWith('/')) return true
  try {
    new URL(v)
    return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(v)
  } catch {
    return false
  }
}

/** A provider whose metadata URL is stale gets its metadata fetched again (Auth's IsSAMLMetadataStale). */
async function freshMetadata(provider: Row, idp: IdpMetadata): Promise<IdpMetadata> {
  if (!provider.metadata_url) return idp
  const updated = Date.parse(String(provider.saml_updated_at).replace(' ', 'T'))
  const now = Date.now()
  const stale =
    (idp.validUntil !== null && now > idp.validUntil) ||
    (idp.cacheDurationMs !== null && now > updated + idp.cacheDurationMs) ||
    (idp.validUntil === null && idp.cacheDurationMs === null && now > updated + 24 * 3600_000)
  if (!stale) return idp
  try {
    const res = await fetch(provider.metadata_url, {
      headers: { accept: 'application/xml;charset=UTF-8', 'accept-charset': 'UTF-8' },
    })
    if (!res.ok) return idp
    const xml = await res.text()
    const next = await parseIdpMetadata(xml)
    await sso.updateSamlProvider(db(), provider.id, {
      metadataXml: xml,
      metadataUrl: provider.metadata_url,
      attributeMapping: provider.attribute_mapping,
      nameIdFormat: provider.name_id_format,
    })
    return next
  } catch {
    // Auth keeps the metadata it has when the URL cannot be read.
    return idp
  }
}

/** The claims of an assertion as Auth stores them in identity_data (provider.Claims, via structs.Map). */
function identityData(a: Assertion, mapping: AttributeMapping | null, issuer: string): Row {
  const claims = mapAttributes(a, mapping)
  const known = [
    'iss',
    'sub',
    'aud',
    'iat',
    'exp',
    'name',
    'family_name',
    'given_name',
    'middle_name',
    'nickname',
    'preferred_username',
    'profile',
    'picture',
    'website',
    'gender',
    'birthdate',
    'zoneinfo',
    'locale',
    'updated_at',
    'email',
    'email_verified',
    'phone',
    'phone_verified',
    'full_name',
    'avatar_url',
    'slug',
    'provider_id',
    'user_name',
  ]
  const out: Row = {}
  const custom: Row = {}
  for (const [k, v] of Object.entries(claims)) {
    if (k === 'custom_claims') continue
    if (known.includes(k)) {
      if (typeof v === 'string' && v !== '') out[k] = v
    } else custom[k] = v
  }
  out.iss = issuer
  out.sub = userIdOf(a)
  out.email = (typeof claims.email === 'string' && claims.email) || emailOf(a)
  out.email_verified = true
  out.phone_verified = false
  out.custom_claims = custom
  return out
}

/** The user of an SSO identity, made or updated as Auth's createAccountFromExternalIdentity does. */
async function ssoUser(ctx: Ctx, c: PoolClient, providerType: string, data: Row): Promise<Row> {
  const existing = await sso.findIdentity(c, data.sub, providerType)
  let user: Row
  if (existing) {
    await sso.updateIdentityData(c, existing.id, data)
    await sso.refreshUserMetadata(c, existing.user_id, data)
    user = (await findUserById(c, String(existing.user_id)))!
  } else {
    const linking = await sso.linkingUserIds(c, data.email, providerType)
    if (linking.length > 1)
      throw new ApiError(
        500,
        'unexpected_failure',
        `Multiple accounts with the same email address in the same linking domain detected: ${providerType}`,
      )
    if (linking.length === 1) {
      await sso.addSsoIdentity(c, linking[0]!, providerType, data)
      await sso.refreshUserMetadata(c, linking[0]!, data)
      user = (await findUserById(c, linking[0]!))!
    } else {
      if (!ctx.cfg.enableSignup)
        throw unprocessable('signup_disabled', 'Signups not allowed for this instance')
      user = await sso.insertSsoUser(c, {
        email: data.email,
        provider: providerType,
        identityData: data,
      })
    }
  }
  if (isBanned(user)) throw forbidden('user_banned', 'User is banned')
  if (!isConfirmed(user)) {
    await audit(c, ctx.req, user, 'user_signedup', { provider: providerType })
    await confirmUser(c, user)
    user = (await findUserById(c, user.id))!
  } else {
    await audit(c, ctx.req, user, 'login', { provider: providerType })
  }
  return user
}

/** The form fields of the POST (and the query's), as Go's r.FormValue reads them. */
async function formValues(ctx: Ctx): Promise<URLSearchParams> {
  const type = String(ctx.req.headers['content-type'] ?? '')
  const body = type.startsWith('application/x-www-form-urlencoded')
    ? new URLSearchParams(await readBody(ctx.req))
    : new URLSearchParams()
  for (const [k, v] of ctx.query) if (!body.has(k)) body.set(k, v)
  return body
}

async function handleAcs(ctx: Ctx) {
  const { cfg } = ctx
  const form = await formValues(ctx)
  const relayValue = form.get('RelayState') ?? ''
  const samlResponse = form.get('SAMLResponse') ?? ''
  let provider: Row | null
  let requestId: string | null = null
  let requestCreatedAt: string | null = null
  let redirectTo: string
  let flow: Row | null = null
  if (UUID.test(relayValue) && relayValue !== '00000000-0000-0000-0000-000000000000') {
    // A relay state of ours: the sign-in this Auth started (SP-initiated).
    const relay = await sso.findRelayState(db(), relayValue)
    if (!relay)
      throw notFound(
        'saml_relay_state_not_found',
        'SAML RelayState does not exist, try logging in again?',
      )
    if (Number(relay.age_seconds) >= cfg.saml.relayStateValidity) {
      await sso.deleteRelayState(db(), relay.id)
      throw unprocessable(
        'saml_relay_state_expired',
        'SAML RelayState has expired. Try logging in again?',
      )
    }
    const byRelay = await sso.findProviderById(db(), String(relay.sso_provider_id))
    if (!byRelay)
      throw new ApiError(
        500,
        'unexpected_failure',
        'Unable to find SSO Provider from SAML RelayState',
      )
    if (!sso.isEnabled(byRelay))
      throw notFound(
        'sso_provider_disabled',
        'SSO Provider assigned for this domain is currently disabled',
      )
    requestId = relay.request_id
    requestCreatedAt = new Date(Date.now() - Number(relay.age_seconds) * 1000).toISOString()
    redirectTo = relay.redirect_to ?? ''
    if (relay.flow_state_id) flow = await sso.findFlowState(db(), relay.flow_state_id)
    // Used once: gone before the response is even read, so a replay finds no relay state.
    await sso.deleteRelayState(db(), relay.id)
    provider = await sso.findProviderByEntityId(db(), byRelay.entity_id)
  } else if (relayValue === '' || isRequestUri(relayValue)) {
    // No relay state of ours: an IdP-initiated sign-in, as Auth accepts it (RelayState empty or a URL).
    if (form.get('SAMLart'))
      throw badRequest(
        'validation_failed',
        'SAML Artifact response can only be used with SP initiated flow',
      )
    if (!samlResponse) throw badRequest('validation_failed', 'SAMLResponse is missing')
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(samlResponse.replace(/\s/g, '')))
      throw badRequest('validation_failed', 'SAMLResponse is not a valid Base64 string')
    const issuer = await peekResponseIssuer(samlResponse)
    if (issuer === null)
      throw badRequest('validation_failed', 'SAMLResponse is not a valid XML SAML assertion')
    redirectTo = relayValue
    provider = await sso.findProviderByEntityId(db(), issuer)
  } else {
    throw badRequest('validation_failed', 'SAML RelayState is not a valid UUID or URL')
  }
  if (!provider)
    throw notFound(
      'saml_idp_not_found',
      'A SAML connection has not been established with this Identity Provider',
    )
  if (!sso.isEnabled(provider))
    throw notFound(
      'sso_provider_disabled',
      'SSO Provider assigned for this domain is currently disabled',
    )
  const idp = await freshMetadata(provider, await parseIdpMetadata(provider.metadata_xml))
  let assertion: Assertion
  try {
    assertion = await validateResponse(cfg, idp, samlResponse, requestId, requestCreatedAt)
  } catch (err) {
    if (!(err instanceof InvalidResponse)) throw err
    console.info(`auth: SAML response refused: ${err.message}`)
    let xml = samlResponse
    try {
      xml = Buffer.from(samlResponse, 'base64').toString('utf8')
    } catch {
      // keep the raw value, as crewjam does when it cannot decode it
    }
    throw badRequest('validation_failed', `SAML Assertion is not valid ${xml}`)
  }
  if (!userIdOf(assertion))
    throw badRequest(
      'saml_assertion_no_user_id',
      'SAML Assertion did not contain a persistent Subject Identifier attribute or Subject NameID uniquely identifying this user',
    )
  const data = identityData(assertion, provider.attribute_mapping, provider.entity_id)
  if (!data.email)
    throw badRequest('saml_assertion_no_email', 'SAML Assertion does not contain an email address')
  const providerType = `sso:${provider.id}`
  const pkce = flow?.code_challenge ? flow : null
  const token = await tx(async (c) => {
    const user = await ssoUser(ctx, c, providerType, data)
    if (pkce) {
      const locked = await sso.findFlowState(c, pkce.id, true)
      if (!locked)
        throw notFound('flow_state_not_found', 'invalid flow state, no valid flow state found')
      if (locked.user_id) throw badRequest('flow_state_already_used', 'State has already been used')
      await sso.setFlowStateUser(c, pkce.id, user.id)
    }
    return issueSession(cfg, c, ctx.req, user, {
      method: 'sso/saml',
      notAfter: assertion.sessionNotOnOrAfter,
    })
  })
  const target = isRedirectUrlValid(cfg, redirectTo) ? redirectTo : cfg.siteUrl
  if (pkce) return ctx.redirect(302, withQuery(target, { code: pkce.auth_code }))
  const frag = fragment({
    access_token: token.access_token,
    expires_at: String(token.expires_at),
    expires_in: String(token.expires_in),
    refresh_token: token.refresh_token,
    sb: '',
    token_type: token.token_type,
  })
  ctx.redirect(302, `${target}#${frag}`)
}

/**
 * The URL with these query parameters set, as Go's url.Parse, Query().Set and String() leave it:
 * the rest of the URL untouched (no "/" added after a bare host), the query's keys sorted.
 */
function withQuery(url: string, params: Record<string, string>): string {
  const hash = url.indexOf('#')
  const fragment = hash >= 0 ? url.slice(hash) : ''
  const rest = hash >= 0 ? url.slice(0, hash) : url
  const mark = rest.indexOf('?')
  const q = new URLSearchParams(mark >= 0 ? rest.slice(mark + 1) : '')
  for (const [k, v] of Object.entries(params)) q.set(k, v)
  q.sort()
  return `${mark >= 0 ? rest.slice(0, mark) : rest}?${q}${fragment}`
}

/** POST /sso/saml/acs: any failure goes back to the site URL with error, error_code, error_description in the query. */
async function acs(ctx: Ctx) {
  try {
    await handleAcs(ctx)
  } catch (err) {
    const e =
      err instanceof ApiError
        ? err
        : new ApiError(500, 'unexpected_failure', (err as Error)?.message ?? 'error')
    if (!(err instanceof ApiError)) console.error('auth: SAML ACS failed', err)
    const special = ['signup_disabled', 'user_banned', 'provider_email_needs_verification']
    const error = special.includes(e.code)
      ? 'access_denied'
      : (oauthErrorMap[e.status] ?? 'server_error')
    ctx.redirect(
      303,
      withQuery(ctx.cfg.siteUrl, { error, error_description: e.message, error_code: e.code }),
    )
  }
}

/** grant_type=pkce: the session for the code an SSO sign-in (or any PKCE flow) left (Auth's PKCE). */
export async function pkceGrant(ctx: Ctx, authCode: string, verifier: string) {
  const flow = await sso.findFlowStateByAuthCode(db(), authCode)
  if (!flow || !flow.user_id)
    throw notFound('flow_state_not_found', 'invalid flow state, no valid flow state found')
  if (Number(flow.age_seconds) > 300)
    throw unprocessable('flow_state_expired', 'invalid flow state, flow state has expired')
  const user = await findUserById(db(), String(flow.user_id))
  if (!user) throw notFound('user_not_found', 'User not found')
  const challenge = String(flow.code_challenge ?? '')
  let ok: boolean
  switch (String(flow.code_challenge_method ?? '').toLowerCase()) {
    case 's256':
      ok = safeEqual(challenge, createHash('sha256').update(verifier).digest('base64url'))
      break
    case 'plain':
      ok = safeEqual(challenge, verifier)
      break
    default:
      throw badRequest('bad_code_verifier', 'code challenge method not supported')
  }
  if (!ok)
    throw badRequest(
      'bad_code_verifier',
      'code challenge does not match previously saved code verifier',
    )
  const token = await tx(async (c) => {
    await audit(c, ctx.req, user, 'login', { provider_type: flow.provider_type })
    const out = await issueSession(ctx.cfg, c, ctx.req, user, {
      method: String(flow.authentication_method),
    })
    await sso.deleteFlowState(c, flow.id)
    return out
  })
  ctx.json(200, token)
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

const known = new Set(['/sso', '/sso/saml/metadata', '/sso/saml/acs'])

export const ssoRoutes: Route[] = [
  route('POST', '/sso', saml(singleSignOn)),
  route('GET', '/sso/saml/metadata', saml(metadata)),
  route('POST', '/sso/saml/acs', saml(acs)),
  // The rest of /sso: Auth's middleware answers first when SAML is off; then chi's 405 or 404.
  {
    method: '*',
    pattern: /^\/sso(?:\/.*)?$/,
    keys: [],
    handler: async (ctx) => {
      if (!ctx.cfg.saml.enabled) throw samlDisabled()
      if (known.has(ctx.path.replace(/\/$/, '') || '/')) return sendMethodNotAllowed(ctx.res)
      sendNotFound(ctx.res)
    },
  },
]
