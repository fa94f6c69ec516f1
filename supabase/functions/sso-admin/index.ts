// sso-admin: a workspace's single sign-on settings that need Auth's admin API or DNS
// (docs/sso.md). The caller is a signed-in person; the database decides what they may do (as
// the caller: sso_manage_check and the settings RPCs); this function holds the secret key and
// registers, updates and deletes the SAML provider in Auth, and looks up a domain's TXT record.
//
//   {action: "connect", workspaceId, name, metadataXml | metadataUrl, attributeMapping?, defaultRole?}
//   {action: "update", connectionId, name?, defaultRole?, enabled?, attributeMapping?}
//   {action: "remove", connectionId}
//   {action: "verify-domain", domainId}     finds fluxera-verification=<token>, then routes it
//   {action: "remove-domain", domainId}
//
// Replies: the changed row(s) as JSON, or {code, message} with 400/401/403/404/409/422/502/503.
import { errorReply, json, preflight } from '../_shared/cors.ts'
import { userCaller, type UserCaller } from '../_shared/supabase-context.ts'
import {
  AuthAdminError,
  authAdmin,
  secretKey,
  type AttributeMapping,
  type AuthAdmin,
} from './auth-sso.ts'
import { hasToken, txtRecords, TXT_PREFIX } from './dns.ts'

const FN = 'sso-admin'
const MAX_BODY_BYTES = 512 * 1024
const MAX_METADATA_BYTES = 256 * 1024
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const ROLES = new Set(['admin', 'member', 'viewer'])

type Json = Record<string, unknown>
interface DbError {
  code?: string
  hint?: string
  message?: string
}
interface Connection {
  id: string
  workspace_id: string
  auth_provider_id: string
  enabled: boolean
  attribute_mapping: AttributeMapping
}
interface Domain {
  id: string
  workspace_id: string
  domain: string
  verification_token: string
  verified_at: string | null
}

class Refused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** A database refusal as an HTTP status: the RPCs' SQLSTATEs and hints (docs in 96_single_sign_on.sql). */
function dbRefusal(e: DbError, status?: number): Refused {
  if (status === 401 || e.code?.startsWith('PGRST3'))
    return new Refused(401, 'not_authenticated', 'Your session is not valid. Sign in again.')
  const message = e.message || 'Refused.'
  switch (e.code) {
    case '42501':
      return new Refused(403, e.hint || 'not_allowed', message)
    case 'PT404':
    case 'P0002':
      return new Refused(404, e.hint || 'not_found', message)
    case '23505':
      return new Refused(409, e.hint || 'conflict', message)
    case '22023':
    case '22P02':
    case '23514':
      return new Refused(400, e.hint || 'invalid_input', message)
  }
  console.error(`${FN}: database error`, e)
  return new Refused(500, 'database_error', 'The change could not be saved. Try again.')
}

async function rpc<T>(client: UserCaller['asCaller'], fn: string, args: Json): Promise<T> {
  const { data, error, status } = await client.rpc(fn, args)
  if (error) throw dbRefusal(error as DbError, status)
  return data as T
}

/** Auth's refusals in words for the settings page. */
function authRefusal(err: AuthAdminError): Refused {
  switch (err.code) {
    case 'saml_provider_disabled':
      return new Refused(
        503,
        'saml_disabled',
        "SAML single sign-on is not enabled on this project's Auth (docs/sso.md).",
      )
    case 'saml_idp_already_exists':
      return new Refused(
        409,
        'idp_already_registered',
        'This identity provider (its entity ID) is already registered, by this or another workspace.',
      )
    case 'sso_domain_already_exists':
      return new Refused(
        409,
        'domain_taken',
        'Auth already routes this domain to another identity provider.',
      )
    case 'saml_metadata_fetch_failed':
      return new Refused(
        400,
        'metadata_fetch_failed',
        `The metadata URL could not be read: ${err.message}`,
      )
    case 'validation_failed':
      return new Refused(400, 'invalid_metadata', err.message)
  }
  console.error(`${FN}: Auth admin API ${err.status} ${err.code}: ${err.message}`)
  return new Refused(
    502,
    'auth_unavailable',
    'Auth did not accept the change. Try again in a moment.',
  )
}

async function atAuth<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (err) {
    if (err instanceof AuthAdminError) throw authRefusal(err)
    console.error(`${FN}: Auth unreachable`, err)
    throw new Refused(502, 'auth_unavailable', 'Auth could not be reached. Try again in a moment.')
  }
}

function str(body: Json, key: string, max: number): string | undefined {
  const v = body[key]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string' || v.length > max)
    throw new Refused(400, 'invalid_input', `${key} must be text of at most ${max} characters.`)
  return v
}
function uuid(body: Json, key: string): string {
  const v = body[key]
  if (typeof v !== 'string' || !UUID_RE.test(v))
    throw new Refused(400, 'invalid_input', `${key} must be an id.`)
  return v
}
function role(body: Json): string | undefined {
  const v = str(body, 'defaultRole', 10)
  if (v !== undefined && !ROLES.has(v))
    throw new Refused(400, 'unknown_role', 'Choose Admin, Member or Viewer.')
  return v
}
function mapping(body: Json): AttributeMapping | undefined {
  const v = body.attributeMapping
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'object' || Array.isArray(v))
    throw new Refused(400, 'invalid_mapping', 'attributeMapping must be an object.')
  return v as AttributeMapping
}

/** Auth's provider gets the workspace's verified domains (only those route) and its on/off state. */
async function syncProvider(
  caller: UserCaller,
  auth: AuthAdmin,
  workspaceId: string,
): Promise<void> {
  const state = await rpc<{ connection: Connection | null; verifiedDomains: string[] }>(
    caller.asCaller,
    'sso_manage_check',
    { p_workspace_id: workspaceId },
  )
  if (!state.connection) return
  await atAuth(() =>
    auth.update(state.connection!.auth_provider_id, {
      domains: state.verifiedDomains,
      disabled: !state.connection!.enabled,
      attribute_mapping: state.connection!.attribute_mapping,
    }),
  )
}

async function connect(caller: UserCaller, auth: AuthAdmin, body: Json): Promise<Response> {
  const workspaceId = uuid(body, 'workspaceId')
  const name = str(body, 'name', 60)?.trim()
  if (!name) throw new Refused(400, 'invalid_name', 'Give the connection a name, such as Okta.')
  const metadataXml = str(body, 'metadataXml', MAX_METADATA_BYTES)?.trim() || undefined
  const metadataUrl = str(body, 'metadataUrl', 2048)?.trim() || undefined
  if (!!metadataXml === !!metadataUrl)
    throw new Refused(
      400,
      'invalid_input',
      "Paste the identity provider's metadata XML or give its metadata URL (one of the two).",
    )
  // Auth answers 500 for XML that is no SAML metadata at all: say what is wrong here instead.
  if (metadataXml && !/<([\w-]+:)?EntityDescriptor\b/.test(metadataXml))
    throw new Refused(
      400,
      'invalid_metadata',
      'This is not SAML metadata: paste the XML that starts with <EntityDescriptor> (or <md:EntityDescriptor>).',
    )
  if (metadataUrl && !/^https:\/\//i.test(metadataUrl))
    throw new Refused(400, 'invalid_input', 'The metadata URL must start with https://.')
  const defaultRole = role(body) ?? 'member'
  const attributeMapping = mapping(body) ?? {}

  const state = await rpc<{ connection: Connection | null; verifiedDomains: string[] }>(
    caller.asCaller,
    'sso_manage_check',
    { p_workspace_id: workspaceId },
  )
  if (state.connection)
    throw new Refused(
      409,
      'already_connected',
      'The workspace already has an identity provider; remove it first.',
    )

  const provider = await atAuth(() =>
    auth.create({
      ...(metadataXml ? { metadata_xml: metadataXml } : { metadata_url: metadataUrl }),
      domains: state.verifiedDomains,
      attribute_mapping: attributeMapping,
    }),
  )
  const { data, error, status } = await caller.admin.rpc('record_sso_connection', {
    p_actor: caller.userId,
    p_workspace_id: workspaceId,
    p_auth_provider_id: provider.id,
    p_name: name,
    p_entity_id: provider.saml?.entity_id ?? '',
    p_metadata_url: metadataUrl ?? null,
    p_attribute_mapping: attributeMapping,
    p_default_role: defaultRole,
  })
  if (error) {
    // Not recorded: take it out of Auth again, so nothing routes to a provider no workspace owns.
    await auth
      .remove(provider.id)
      .catch((e) => console.error(`${FN}: could not undo provider ${provider.id}`, e))
    throw dbRefusal(error as DbError, status)
  }
  return json(data, 201)
}

async function update(caller: UserCaller, auth: AuthAdmin, body: Json): Promise<Response> {
  const enabled = body.enabled
  if (enabled !== undefined && typeof enabled !== 'boolean')
    throw new Refused(400, 'invalid_input', 'enabled must be true or false.')
  const conn = await rpc<Connection>(caller.asCaller, 'update_sso_connection', {
    p_connection_id: uuid(body, 'connectionId'),
    p_name: str(body, 'name', 60) ?? null,
    p_default_role: role(body) ?? null,
    p_enabled: enabled ?? null,
    p_attribute_mapping: mapping(body) ?? null,
  })
  await syncProvider(caller, auth, conn.workspace_id)
  return json(conn)
}

async function remove(caller: UserCaller, auth: AuthAdmin, body: Json): Promise<Response> {
  const conn = await rpc<Connection>(caller.asCaller, 'remove_sso_connection', {
    p_connection_id: uuid(body, 'connectionId'),
  })
  await atAuth(() => auth.remove(conn.auth_provider_id))
  return json(conn)
}

async function verifyDomain(caller: UserCaller, auth: AuthAdmin, body: Json): Promise<Response> {
  const domainId = uuid(body, 'domainId')
  // Read as the caller: RLS shows the row only to those who manage SSO in its workspace.
  const { data, error, status } = await caller.asCaller
    .from('workspace_domains')
    .select('*')
    .eq('id', domainId)
    .maybeSingle()
  if (error) throw dbRefusal(error as DbError, status)
  const row = data as Domain | null
  if (!row) throw new Refused(404, 'not_found', 'Domain not found.')
  await rpc(caller.asCaller, 'sso_manage_check', { p_workspace_id: row.workspace_id })

  if (!row.verified_at) {
    let records: string[]
    try {
      records = await txtRecords(row.domain)
    } catch (err) {
      console.error(`${FN}: DNS lookup of ${row.domain} failed`, err)
      throw new Refused(
        502,
        'dns_unavailable',
        `The DNS lookup of ${row.domain} failed. Try again in a moment.`,
      )
    }
    if (!hasToken(records, row.verification_token)) {
      throw new Refused(
        422,
        'record_not_found',
        `No TXT record "${TXT_PREFIX}${row.verification_token}" was found on ${row.domain} yet. DNS changes can take a while to appear; try again later.`,
      )
    }
  }
  const verified = await rpc<Domain>(caller.admin, 'mark_workspace_domain_verified', {
    p_actor: caller.userId,
    p_domain_id: row.id,
  })
  await syncProvider(caller, auth, row.workspace_id)
  return json(verified)
}

async function removeDomain(caller: UserCaller, auth: AuthAdmin, body: Json): Promise<Response> {
  const row = await rpc<Domain>(caller.asCaller, 'remove_workspace_domain', {
    p_domain_id: uuid(body, 'domainId'),
  })
  if (row.verified_at) await syncProvider(caller, auth, row.workspace_id)
  return json(row)
}

const ACTIONS: Record<string, (c: UserCaller, a: AuthAdmin, b: Json) => Promise<Response>> = {
  connect,
  update,
  remove,
  'verify-domain': verifyDomain,
  'remove-domain': removeDomain,
}

Deno.serve(async (req: Request): Promise<Response> => {
  if (req.method === 'OPTIONS') return preflight()
  if (req.method !== 'POST')
    return errorReply(405, 'method_not_allowed', 'Use POST.', { Allow: 'POST, OPTIONS' })

  const key = secretKey()
  const base = Deno.env.get('SUPABASE_URL')
  if (!key || !base) {
    console.error(`${FN}: SUPABASE_URL and a secret key must be set`)
    return errorReply(500, 'misconfigured', 'Single sign-on is not configured on this server.')
  }
  const checked = await userCaller(req, FN)
  if (checked.refusal === 'unauthenticated')
    return errorReply(401, 'not_authenticated', 'Sign in to manage single sign-on.')
  if (checked.refusal === 'auth_unavailable')
    return errorReply(503, 'auth_unavailable', 'Auth could not be reached. Try again in a moment.')
  if (checked.refusal)
    return errorReply(500, 'misconfigured', 'Single sign-on is not configured on this server.')

  if (Number(req.headers.get('Content-Length') ?? '0') > MAX_BODY_BYTES)
    return errorReply(413, 'too_large', 'The request is larger than 512 KB.')
  let body: Json
  try {
    const text = await req.text()
    if (text.length > MAX_BODY_BYTES)
      return errorReply(413, 'too_large', 'The request is larger than 512 KB.')
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object')
    body = parsed as Json
  } catch {
    return errorReply(400, 'invalid_json', 'The request body must be a JSON object.')
  }
  const action = ACTIONS[String(body.action)]
  if (!action)
    return errorReply(
      400,
      'unknown_action',
      `action must be one of ${Object.keys(ACTIONS).join(', ')}.`,
    )

  try {
    return await action(checked.caller, authAdmin(base, key), body)
  } catch (err) {
    if (err instanceof Refused) return errorReply(err.status, err.code, err.message)
    console.error(`${FN}: unexpected failure`, err)
    return errorReply(500, 'sso_failed', 'The change could not be made. Try again.')
  }
})
