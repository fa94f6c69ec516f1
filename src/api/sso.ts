import type { Database } from '@/types/database.types'
import { AppError, toAppError, unwrap } from '@/lib/errors'
import { PKCE_STORAGE_KEY, pkceClient, supabase, supabaseUrl } from '@/lib/supabase'
import type { WorkspaceRole } from '@/lib/roles'
import { invokeFunction } from './invitations'

/** A workspace's SAML identity provider (docs/sso.md). */
export type SsoConnection = Database['public']['Tables']['sso_connections']['Row']
/** An email domain the workspace claims, verified or not. */
export type WorkspaceDomain = Database['public']['Tables']['workspace_domains']['Row']
export type SsoImpact = Database['public']['Functions']['sso_requirement_impact']['Returns'][number]

/** The values an identity provider asks for (Auth's service provider). */
export function serviceProviderValues(): { entityId: string; acsUrl: string; metadataUrl: string } {
  const auth = `${supabaseUrl}/auth/v1`
  return {
    entityId: `${auth}/sso/saml/metadata`,
    acsUrl: `${auth}/sso/saml/acs`,
    metadataUrl: `${auth}/sso/saml/metadata?download=true`,
  }
}

/** The TXT record that proves a domain (name and value as DNS hosts ask for them). */
export const TXT_PREFIX = 'fluxera-verification='

/** Attribute names Auth reads from the assertion, per field; what the page edits. */
export interface AttributeNames {
  email: string
  name: string
  groups: string
}

export function toAttributeMapping(names: AttributeNames): {
  keys: Record<string, { name: string }>
} {
  const keys: Record<string, { name: string }> = {}
  if (names.email.trim()) keys.email = { name: names.email.trim() }
  if (names.name.trim()) keys.name = { name: names.name.trim() }
  if (names.groups.trim()) keys.groups = { name: names.groups.trim() }
  return { keys }
}

export function fromAttributeMapping(mapping: unknown): AttributeNames {
  const keys = ((mapping as { keys?: Record<string, { name?: string }> } | null)?.keys ??
    {}) as Record<string, { name?: string } | undefined>
  return {
    email: keys.email?.name ?? '',
    name: keys.name?.name ?? '',
    groups: keys.groups?.name ?? '',
  }
}

export async function getSsoConnection(workspaceId: string): Promise<SsoConnection | null> {
  return unwrap(
    supabase.from('sso_connections').select('*').eq('workspace_id', workspaceId).maybeSingle(),
  )
}

export async function listDomains(workspaceId: string): Promise<WorkspaceDomain[]> {
  return (
    (await unwrap(
      supabase
        .from('workspace_domains')
        .select('*')
        .eq('workspace_id', workspaceId)
        .order('domain'),
    )) ?? []
  )
}

export async function connectProvider(input: {
  workspaceId: string
  name: string
  metadataXml?: string
  metadataUrl?: string
  defaultRole: WorkspaceRole
  attributes: AttributeNames
}): Promise<SsoConnection> {
  return invokeFunction<SsoConnection>(
    'sso-admin',
    {
      action: 'connect',
      workspaceId: input.workspaceId,
      name: input.name,
      ...(input.metadataUrl
        ? { metadataUrl: input.metadataUrl }
        : { metadataXml: input.metadataXml }),
      defaultRole: input.defaultRole,
      attributeMapping: toAttributeMapping(input.attributes),
    },
    'sso_failed',
  )
}

export async function updateProvider(
  connectionId: string,
  change: {
    name?: string
    defaultRole?: WorkspaceRole
    enabled?: boolean
    attributes?: AttributeNames
  },
): Promise<SsoConnection> {
  return invokeFunction<SsoConnection>(
    'sso-admin',
    {
      action: 'update',
      connectionId,
      name: change.name,
      defaultRole: change.defaultRole,
      enabled: change.enabled,
      attributeMapping: change.attributes ? toAttributeMapping(change.attributes) : undefined,
    },
    'sso_failed',
  )
}

export async function removeProvider(connectionId: string): Promise<void> {
  await invokeFunction('sso-admin', { action: 'remove', connectionId }, 'sso_failed')
}

export async function addDomain(workspaceId: string, domain: string): Promise<WorkspaceDomain> {
  return unwrap(
    supabase.rpc('add_workspace_domain', { p_workspace_id: workspaceId, p_domain: domain }),
  ) as Promise<WorkspaceDomain>
}

export async function verifyDomain(domainId: string): Promise<WorkspaceDomain> {
  return invokeFunction<WorkspaceDomain>(
    'sso-admin',
    { action: 'verify-domain', domainId },
    'verify_failed',
  )
}

export async function removeDomain(domainId: string): Promise<void> {
  await invokeFunction('sso-admin', { action: 'remove-domain', domainId }, 'sso_failed')
}

/** Active members "Require SSO" would stop, and why (before it is turned on). */
export async function requirementImpact(workspaceId: string): Promise<SsoImpact[]> {
  return (
    (await unwrap(supabase.rpc('sso_requirement_impact', { p_workspace_id: workspaceId }))) ?? []
  )
}

export async function setRequireSso(
  workspaceId: string,
  required: boolean,
): Promise<SsoConnection> {
  return unwrap(
    supabase.rpc('set_require_sso', { p_workspace_id: workspaceId, p_required: required }),
  ) as Promise<SsoConnection>
}

// ---- signing in ------------------------------------------------------------------------------

const REDIRECT_KEY = 'fluxera-sso-redirect'

/** The domain of an address, lower case ('' when it has none). */
export function emailDomain(email: string): string {
  const at = email.trim().lastIndexOf('@')
  return at < 0
    ? ''
    : email
        .trim()
        .slice(at + 1)
        .toLowerCase()
}

/**
 * Starts an SSO sign-in for the address's domain (Auth's POST /sso, PKCE) and leaves for the
 * identity provider. Throws an AppError when no verified domain routes there.
 */
export async function startSsoSignIn(email: string, redirectPath = '/'): Promise<void> {
  const domain = emailDomain(email)
  if (!domain) throw new AppError('Enter your work email address.', 'invalid_email')
  sessionStorage.setItem(REDIRECT_KEY, redirectPath)
  const { data, error } = await pkceClient().auth.signInWithSSO({
    domain,
    options: { redirectTo: new URL('/sso/callback', window.location.origin).toString() },
  })
  if (error) {
    if (error.code === 'sso_provider_not_found')
      throw new AppError(
        `Single sign-on is not set up for ${domain}. Sign in with your password or a magic link instead.`,
        'sso_provider_not_found',
        error.status,
      )
    if (error.code === 'saml_provider_disabled')
      throw new AppError(
        'Single sign-on is not available here.',
        'saml_provider_disabled',
        error.status,
      )
    throw toAppError(error)
  }
  window.location.assign(data.url)
}

/**
 * Back from the identity provider with `?code=`: exchanges it (PKCE) and hands the session to the
 * app's client. Returns where to go next.
 */
export async function finishSsoSignIn(code: string): Promise<string> {
  const client = pkceClient()
  const { data, error } = await client.auth.exchangeCodeForSession(code)
  if (error) throw toAppError(error)
  const { error: setError } = await supabase.auth.setSession({
    access_token: data.session.access_token,
    refresh_token: data.session.refresh_token,
  })
  // The helper's copy is not used again (the app's client refreshes the session from now on).
  localStorage.removeItem(PKCE_STORAGE_KEY)
  if (setError) throw toAppError(setError)
  const next = sessionStorage.getItem(REDIRECT_KEY) ?? '/'
  sessionStorage.removeItem(REDIRECT_KEY)
  return next
}
