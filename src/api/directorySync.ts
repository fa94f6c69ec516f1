import { unwrap } from '@/lib/errors'
import { supabase } from '@/lib/supabase'
import type { Tables } from '@/types/database.types'
import type { WorkspaceRole } from '@/lib/roles'

/**
 * Directory sync (SCIM 2.0) settings: connections to identity providers, their bearer tokens and
 * recent requests (docs/directory-sync.md). Every change is a security-definer RPC that checks
 * directory.manage and writes its activity row in the same transaction.
 */
export type DirectoryConnection = Tables<'directory_connections'>

/** Per connection: last request time, live tokens, managed members, groups. */
export interface ConnectionOverview {
  connection_id: string
  last_request_at: string | null
  live_tokens: number
  managed_members: number
  groups: number
}

/** A token as listed: never the token itself, only its last four characters. */
export type DirectoryToken = Pick<
  Tables<'directory_tokens'>,
  | 'id'
  | 'connection_id'
  | 'token_hint'
  | 'created_at'
  | 'expires_at'
  | 'last_used_at'
  | 'revoked_at'
>

/** What creating a token returns: the token, shown once (only its sha256 is stored). */
export interface NewDirectoryToken {
  id: string
  token: string
  token_hint: string
  expires_at: string | null
}

export type DirectoryRequest = Pick<
  Tables<'directory_requests'>,
  'id' | 'occurred_at' | 'method' | 'path' | 'status' | 'scim_type' | 'detail'
>

export interface GroupRole {
  group: string
  role: Exclude<WorkspaceRole, 'owner'>
}

type Env = Record<string, string | boolean | undefined>

/**
 * The SCIM base URL an identity provider is given: the scim edge function of this project
 * (the token names the workspace, so it is the same for every connection).
 */
export function scimBaseUrl(env: Env = import.meta.env): string {
  const api = typeof env.VITE_SUPABASE_URL === 'string' ? env.VITE_SUPABASE_URL : ''
  return `${api.replace(/\/+$/, '')}/functions/v1/scim/v2`
}

export async function listConnections(workspaceId: string): Promise<DirectoryConnection[]> {
  return (
    (await unwrap(
      supabase
        .from('directory_connections')
        .select('*')
        .eq('workspace_id', workspaceId)
        .order('created_at'),
    )) ?? []
  )
}

export async function connectionOverview(workspaceId: string): Promise<ConnectionOverview[]> {
  return (
    (await unwrap(
      supabase.rpc('directory_connection_overview', { p_workspace_id: workspaceId }),
    )) ?? []
  )
}

export async function createConnection(
  workspaceId: string,
  name: string,
  defaultRole: Exclude<WorkspaceRole, 'owner'>,
  sendInvitation: boolean,
): Promise<DirectoryConnection> {
  return await unwrap(
    supabase.rpc('create_directory_connection', {
      p_workspace_id: workspaceId,
      p_name: name,
      p_default_role: defaultRole,
      p_send_invitation: sendInvitation,
    }),
  )
}

export async function updateConnection(
  connectionId: string,
  name: string,
  defaultRole: Exclude<WorkspaceRole, 'owner'>,
  sendInvitation: boolean,
): Promise<DirectoryConnection> {
  return await unwrap(
    supabase.rpc('update_directory_connection', {
      p_connection_id: connectionId,
      p_name: name,
      p_default_role: defaultRole,
      p_send_invitation: sendInvitation,
    }),
  )
}

export async function deleteConnection(connectionId: string): Promise<void> {
  await unwrap(supabase.rpc('delete_directory_connection', { p_connection_id: connectionId }))
}

export async function listGroupRoles(connectionId: string): Promise<GroupRole[]> {
  const rows =
    (await unwrap(
      supabase
        .from('directory_group_roles')
        .select('group_name, role')
        .eq('connection_id', connectionId)
        .order('group_name'),
    )) ?? []
  return rows.map((r) => ({ group: r.group_name, role: r.role as GroupRole['role'] }))
}

export async function setGroupRoles(connectionId: string, mappings: GroupRole[]): Promise<void> {
  await unwrap(
    supabase.rpc('set_directory_group_roles', {
      p_connection_id: connectionId,
      p_mappings: mappings.map((m) => ({ group: m.group, role: m.role })),
    }),
  )
}

export async function listTokens(connectionId: string): Promise<DirectoryToken[]> {
  return (
    (await unwrap(
      supabase
        .from('directory_tokens')
        .select('id, connection_id, token_hint, created_at, expires_at, last_used_at, revoked_at')
        .eq('connection_id', connectionId)
        .order('created_at', { ascending: false })
        .limit(20),
    )) ?? []
  )
}

/** A new token; with a live one already, a rotation (both work until the old one is revoked). */
export async function createToken(
  connectionId: string,
  expiresAt: string | null = null,
): Promise<NewDirectoryToken> {
  const rows = await unwrap(
    supabase.rpc('create_directory_token', {
      p_connection_id: connectionId,
      ...(expiresAt ? { p_expires_at: expiresAt } : {}),
    }),
  )
  return rows[0]!
}

export async function revokeToken(tokenId: string): Promise<void> {
  await unwrap(supabase.rpc('revoke_directory_token', { p_token_id: tokenId }))
}

export async function recentRequests(
  connectionId: string,
  limit = 20,
): Promise<DirectoryRequest[]> {
  return (
    (await unwrap(
      supabase
        .from('directory_requests')
        .select('id, occurred_at, method, path, status, scim_type, detail')
        .eq('connection_id', connectionId)
        .order('id', { ascending: false })
        .limit(limit),
    )) ?? []
  )
}
