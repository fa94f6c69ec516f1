// SQL of SSO/SAML: auth.sso_providers with their saml_providers and sso_domains, the relay states
// and flow states of a sign-in, and SSO users (is_sso_user, identities `sso:<provider id>`), as
// Supabase Auth v2.189.0's models (internal/models/sso.go, flow_state.go, linking.go) keep them.
import { randomUUID } from 'node:crypto'
import type { Db, Row } from '../db.ts'
import { toIso } from '../db.ts'
import { INSTANCE_ID, findUserById, insertIdentity } from '../users.ts'

const PROVIDER = `
  select p.id, p.resource_id, p.disabled, p.created_at, p.updated_at,
         s.entity_id, s.metadata_xml, s.metadata_url, s.attribute_mapping, s.name_id_format,
         s.updated_at as saml_updated_at,
         coalesce((select json_agg(d.domain order by d.created_at, d.domain)
                     from auth.sso_domains d where d.sso_provider_id = p.id), '[]'::json) as domains
    from auth.sso_providers p join auth.saml_providers s on s.sso_provider_id = p.id`

async function one(c: Db, where: string, args: unknown[]): Promise<Row | null> {
  return (await c.query(`${PROVIDER} where ${where} limit 1`, args)).rows[0] ?? null
}

export const findProviderById = (c: Db, id: string) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
    ? one(c, 'p.id = $1', [id])
    : Promise.resolve(null)

export const findProviderByResourceId = (c: Db, resourceId: string) =>
  one(c, 'p.resource_id = $1', [resourceId])

export const findProviderByEntityId = (c: Db, entityId: string) =>
  one(c, 's.entity_id = $1', [entityId])

/** Auth's FindSSOProviderByDomain: the domain as stored, compared exactly. */
export const findProviderByDomain = (c: Db, domain: string) =>
  one(c, 'p.id = (select sso_provider_id from auth.sso_domains where domain = $1 limit 1)', [
    domain,
  ])

/** Auth's FindAllSSOProvidersByFilter (`resource_id`, else `resource_id_prefix`). */
export async function listProviders(c: Db, resourceId: string, prefix: string): Promise<Row[]> {
  const [where, args] = resourceId
    ? ['where p.resource_id = $1', [resourceId]]
    : prefix
      ? ['where p.resource_id like $1', [`${prefix}%`]]
      : ['', []]
  return (await c.query(`${PROVIDER} ${where} order by p.created_at, p.id`, args)).rows
}

export const isEnabled = (p: Row) => p.disabled !== true

/** An SSO provider as Auth's JSON (models.SSOProvider), metadata_xml left out when `withXml` is false. */
export function providerJson(p: Row, withXml = true): Row {
  const out: Row = { id: p.id }
  if (p.resource_id != null) out.resource_id = p.resource_id
  out.disabled = p.disabled ?? null
  const saml: Row = { entity_id: p.entity_id }
  if (withXml && p.metadata_xml) saml.metadata_xml = p.metadata_xml
  if (p.metadata_url) saml.metadata_url = p.metadata_url
  saml.attribute_mapping = p.attribute_mapping ?? {}
  if (p.name_id_format) saml.name_id_format = p.name_id_format
  out.saml = saml
  out.domains = (p.domains as string[]).map((domain) => ({ domain }))
  out.created_at = toIso(p.created_at)
  out.updated_at = toIso(p.updated_at)
  return out
}

export type ProviderInput = {
  entityId: string
  metadataXml: string
  metadataUrl: string | null
  attributeMapping: Row
  nameIdFormat: string | null
  resourceId: string | null
  disabled: boolean | null
  domains: string[]
}

export async function insertProvider(c: Db, p: ProviderInput): Promise<Row> {
  const id = randomUUID()
  await c.query(
    `insert into auth.sso_providers (id, resource_id, disabled, created_at, updated_at) values ($1, $2, $3, now(), now())`,
    [id, p.resourceId, p.disabled],
  )
  await c.query(
    `insert into auth.saml_providers (id, sso_provider_id, entity_id, metadata_xml, metadata_url, attribute_mapping, name_id_format, created_at, updated_at)
     values (gen_random_uuid(), $1, $2, $3, $4, $5, $6, now(), now())`,
    [id, p.entityId, p.metadataXml, p.metadataUrl, p.attributeMapping, p.nameIdFormat],
  )
  await addDomains(c, id, p.domains)
  return (await findProviderById(c, id))!
}

export async function addDomains(c: Db, providerId: string, domains: string[]) {
  for (const domain of domains)
    await c.query(
      `insert into auth.sso_domains (id, sso_provider_id, domain, created_at, updated_at) values (gen_random_uuid(), $1, $2, clock_timestamp(), clock_timestamp())`,
      [providerId, domain],
    )
}

export async function removeDomains(c: Db, providerId: string, domains: string[]) {
  if (domains.length)
    await c.query(`delete from auth.sso_domains where sso_provider_id = $1 and domain = any($2)`, [
      providerId,
      domains,
    ])
}

export async function updateProvider(
  c: Db,
  id: string,
  p: Pick<ProviderInput, 'resourceId' | 'disabled'>,
) {
  await c.query(
    `update auth.sso_providers set resource_id = $2, disabled = $3, updated_at = now() where id = $1`,
    [id, p.resourceId, p.disabled],
  )
}

export async function updateSamlProvider(
  c: Db,
  id: string,
  p: Pick<ProviderInput, 'metadataXml' | 'metadataUrl' | 'attributeMapping' | 'nameIdFormat'>,
) {
  await c.query(
    `update auth.saml_providers set metadata_xml = $2, metadata_url = $3, attribute_mapping = $4, name_id_format = $5, updated_at = now()
      where sso_provider_id = $1`,
    [id, p.metadataXml, p.metadataUrl, p.attributeMapping, p.nameIdFormat],
  )
}

export async function deleteProvider(c: Db, id: string) {
  await c.query(`delete from auth.sso_providers where id = $1`, [id])
}

// ---------- a sign-in: flow state and relay state -----------------------------------------

export async function insertFlowState(
  c: Db,
  f: { codeChallenge: string; codeChallengeMethod: string; referrer: string },
): Promise<Row> {
  const r = await c.query(
    `insert into auth.flow_state (id, user_id, auth_code, code_challenge_method, code_challenge, provider_type,
        provider_access_token, provider_refresh_token, created_at, updated_at, authentication_method,
        referrer, email_optional)
     values ($1, null, $2, $3, $4, 'sso/saml', '', '', now(), now(), 'sso/saml', nullif($5, ''), false)
     returning *`,
    [
      randomUUID(),
      f.codeChallenge ? randomUUID() : null,
      f.codeChallenge ? f.codeChallengeMethod : null,
      f.codeChallenge || null,
      f.referrer,
    ],
  )
  return r.rows[0]!
}

export async function insertRelayState(
  c: Db,
  r: { id: string; providerId: string; requestId: string; redirectTo: string; flowStateId: string },
) {
  await c.query(
    `insert into auth.saml_relay_states (id, sso_provider_id, request_id, for_email, redirect_to, created_at, updated_at, flow_state_id)
     values ($1, $2, $3, null, $4, now(), now(), $5)`,
    [r.id, r.providerId, r.requestId, r.redirectTo, r.flowStateId],
  )
}

export async function findRelayState(c: Db, id: string): Promise<Row | null> {
  const r = await c.query(
    `select r.*, extract(epoch from now() - r.created_at) as age_seconds from auth.saml_relay_states r where r.id = $1`,
    [id],
  )
  return r.rows[0] ?? null
}

export async function deleteRelayState(c: Db, id: string) {
  await c.query(`delete from auth.saml_relay_states where id = $1`, [id])
}

export async function findFlowState(c: Db, id: string, forUpdate = false): Promise<Row | null> {
  const lock = forUpdate ? 'for update skip locked' : ''
  return (
    (await c.query(`select * from auth.flow_state where id = $1 ${lock}`, [id])).rows[0] ?? null
  )
}

export async function findFlowStateByAuthCode(c: Db, code: string): Promise<Row | null> {
  const r = await c.query(
    `select *, extract(epoch from now() - created_at) as age_seconds from auth.flow_state where auth_code = $1 limit 1`,
    [code],
  )
  return r.rows[0] ?? null
}

export async function setFlowStateUser(c: Db, id: string, userId: string) {
  await c.query(`update auth.flow_state set user_id = $2, updated_at = now() where id = $1`, [
    id,
    userId,
  ])
}

export async function deleteFlowState(c: Db, id: string) {
  await c.query(`delete from auth.flow_state where id = $1`, [id])
}

// ---------- SSO users --------------------------------------------------------------------

export async function findIdentity(c: Db, sub: string, provider: string): Promise<Row | null> {
  const r = await c.query(
    `select * from auth.identities where provider_id = $1 and provider = $2 for update`,
    [sub, provider],
  )
  return r.rows[0] ?? null
}

/** The users holding an identity of this linking domain (the SSO provider) for this address. */
export async function linkingUserIds(c: Db, email: string, provider: string): Promise<string[]> {
  const r = await c.query(
    `select distinct user_id from auth.identities where email = lower($1) and provider = $2`,
    [email, provider],
  )
  return r.rows.map((x) => String(x.user_id))
}

/** A new user of an SSO provider: no password, is_sso_user, app_metadata naming the provider. */
export async function insertSsoUser(
  c: Db,
  u: { email: string; provider: string; identityData: Row },
): Promise<Row> {
  const id = randomUUID()
  await c.query(
    `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, confirmation_token, recovery_token,
        email_change_token_new, email_change, email_change_token_current, phone_change, phone_change_token,
        reauthentication_token, raw_app_meta_data, raw_user_meta_data, created_at, updated_at, is_sso_user,
        is_anonymous, email_change_confirm_status)
     values ($1, $2, 'authenticated', 'authenticated', $3, '', '', '', '', '', '', '', '', '', $4, $5, now(), now(), true, false, 0)`,
    [
      INSTANCE_ID,
      id,
      u.email.toLowerCase(),
      { provider: u.provider, providers: [u.provider] },
      u.identityData,
    ],
  )
  await insertIdentity(c, id, u.provider, u.identityData)
  return (await findUserById(c, id))!
}

export async function addSsoIdentity(c: Db, userId: string, provider: string, data: Row) {
  await insertIdentity(c, userId, provider, data)
}

export async function updateIdentityData(c: Db, identityId: string, data: Row) {
  await c.query(
    `update auth.identities set identity_data = $2, last_sign_in_at = now(), updated_at = now() where id = $1`,
    [identityId, data],
  )
}

/** Auth's UpdateUserMetaData (a null value removes the key) and UpdateAppMetaDataProviders. */
export async function refreshUserMetadata(c: Db, userId: string, data: Row) {
  await c.query(
    `update auth.users set raw_user_meta_data = jsonb_strip_nulls(coalesce(raw_user_meta_data, '{}'::jsonb) || $2::jsonb),
        raw_app_meta_data = coalesce(raw_app_meta_data, '{}'::jsonb) || (
          select jsonb_build_object('providers', jsonb_agg(p order by p), 'provider', (array_agg(p order by p))[1])
            from (select distinct provider as p from auth.identities where user_id = $1) x),
        updated_at = now()
      where id = $1`,
    [userId, data],
  )
}

/** The provider part of the `amr` entry of an SSO session (Auth's CalculateAALAndAMR). */
export async function ssoAmrProvider(c: Db, sessionId: string): Promise<string | null> {
  const r = await c.query(
    `select i.provider from auth.identities i join auth.sessions s on s.user_id = i.user_id where s.id = $1`,
    [sessionId],
  )
  if (r.rows.length !== 1) return null
  const p = String(r.rows[0]!.provider)
  return p.startsWith('sso:') ? p.slice(4) : null
}
