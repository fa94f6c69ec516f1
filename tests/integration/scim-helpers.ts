// Shared by the SCIM replays (scim-okta, scim-entra): a workspace whose Owner connects a
// directory through the SPA's RPCs (create_directory_connection, create_directory_token, as
// the signed-in Owner), a SCIM client that speaks to the running edge function through the
// gateway as an identity provider does (bearer token, no API key), and readers of what the
// database holds after each step.
import { apiUrl, clientAs, createUser, sql, uniqueEmail, type Client } from '../helpers/stack'

export const scimBase = `${apiUrl}/functions/v1/scim/v2`

export interface ScimReply {
  status: number
  headers: Headers
  body: Record<string, unknown> & {
    Resources?: Record<string, unknown>[]
    totalResults?: number
    id?: string
    scimType?: string
    status?: string
    detail?: string
    active?: boolean
  }
}

/** One SCIM request as an identity provider sends it. */
export async function scim(
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<ScimReply> {
  const res = await fetch(`${scimBase}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      Accept: 'application/scim+json',
      ...(body === undefined ? {} : { 'Content-Type': 'application/scim+json' }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : {} }
}

export interface DirectoryWorld {
  workspaceId: string
  ownerId: string
  ownerEmail: string
  owner: Client
  connectionId: string
  token: string
}

/** A workspace with an Owner who connects a directory called `name` and makes its token. */
export async function connectDirectory(name: string, tag: string): Promise<DirectoryWorld> {
  const ownerEmail = uniqueEmail(`${tag}-owner`)
  const ownerId = await createUser(ownerEmail, `${tag} Owner`)
  const [ws] = await sql<{ id: string }>(
    `with w as (insert into public.workspaces (name) values ($1) returning id),
          m as (insert into public.memberships (workspace_id, user_id, role, status, joined_at)
                select id, $2, 'owner', 'active', now() from w returning workspace_id)
     select workspace_id as id from m`,
    [`${tag} Corp`, ownerId],
  )
  const owner = await clientAs(ownerEmail)
  const conn = await owner.rpc('create_directory_connection', {
    p_workspace_id: ws!.id,
    p_name: name,
  })
  if (conn.error) throw new Error(conn.error.message)
  const token = await owner.rpc('create_directory_token', { p_connection_id: conn.data!.id })
  if (token.error) throw new Error(token.error.message)
  return {
    workspaceId: ws!.id,
    ownerId,
    ownerEmail,
    owner,
    connectionId: conn.data!.id,
    token: token.data![0]!.token,
  }
}

export async function membership(workspaceId: string, email: string) {
  const [row] = await sql<{ id: string; role: string; status: string; user_id: string }>(
    `select m.id, m.role::text, m.status::text, m.user_id from public.memberships m
      where m.workspace_id = $1 and m.member_email = lower($2)`,
    [workspaceId, email],
  )
  return row ?? null
}

/** banned_until and the number of live sessions of an Auth account (null: no account). */
export async function authState(email: string) {
  const [row] = await sql<{ banned_until: Date | null; sessions: string }>(
    `select u.banned_until, (select count(*) from auth.sessions s where s.user_id = u.id) as sessions
       from auth.users u where lower(u.email) = lower($1)`,
    [email],
  )
  return row ? { bannedUntil: row.banned_until, sessions: Number(row.sessions) } : null
}

/** Activity rows of the workspace after `afterId`, as "action by actor". */
export async function activitySince(workspaceId: string, afterId: number) {
  const rows = await sql<{ action: string; actor_email: string | null; actor_id: string | null }>(
    `select action, actor_email, actor_id from public.activity_log
      where workspace_id = $1 and id > $2 order by id`,
    [workspaceId, afterId],
  )
  return rows.map((r) => `${r.action} by ${r.actor_email ?? 'system'}`)
}

export async function lastActivityId(workspaceId: string): Promise<number> {
  const [row] = await sql<{ id: string | null }>(
    `select max(id) as id from public.activity_log where workspace_id = $1`,
    [workspaceId],
  )
  return Number(row?.id ?? 0)
}

export async function setMappings(
  world: DirectoryWorld,
  mappings: { group: string; role: string }[],
) {
  const { error } = await world.owner.rpc('set_directory_group_roles', {
    p_connection_id: world.connectionId,
    p_mappings: mappings,
  })
  if (error) throw new Error(error.message)
}
