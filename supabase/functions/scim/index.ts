// scim: a SCIM 2.0 service provider per workspace (RFC 7643, RFC 7644) at
// /functions/v1/scim/v2/... (docs/directory-sync.md). verify_jwt is off for it: identity
// providers authenticate with the connection's own bearer token, which only the database can
// resolve (its sha256, public.scim_call). This file speaks HTTP and SCIM; the database
// decides and changes everything, one transaction per request.
//
//   /Users            GET (filter, startIndex, count), POST
//   /Users/{id}       GET, PUT, PATCH, DELETE
//   /Groups           GET (filter, excludedAttributes=members), POST
//   /Groups/{id}      GET, PUT, PATCH, DELETE
//   /ServiceProviderConfig, /ResourceTypes, /Schemas
import { adminOnly, type Client } from '../_shared/supabase-context.ts'
import { parseFilter, type DbFilter } from './filter.ts'
import {
  applyPatch,
  patchOperations,
  requireObject,
  toDbGroup,
  toDbUser,
  type DbUser,
} from './resources.ts'
import {
  listResponse,
  MAX_BODY_BYTES,
  resourceTypes,
  schemas,
  ScimError,
  scimError,
  scimJson,
  serviceProviderConfig,
} from './wire.ts'

type Json = Record<string, unknown>

interface DbReply {
  status: number
  body?: Json
  scimType?: string | null
  detail?: string
  retryAfter?: number
  needsAccount?: boolean
  email?: string
  sendInvitation?: boolean
  workspaceId?: string
  workspaceName?: string
}

const UNAUTHORIZED = { 'WWW-Authenticate': 'Bearer realm="scim"' }

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
}

/** The body as JSON, at most 1 MB (413), malformed JSON 400 invalidSyntax. */
async function readJson(req: Request): Promise<Json> {
  const declared = Number(req.headers.get('Content-Length') ?? '0')
  if (declared > MAX_BODY_BYTES) throw new ScimError(413, null, 'The body is larger than 1 MB.')
  const reader = req.body?.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  while (reader) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > MAX_BODY_BYTES) {
      await reader.cancel()
      throw new ScimError(413, null, 'The body is larger than 1 MB.')
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    bytes.set(c, at)
    at += c.byteLength
  }
  let body: unknown
  try {
    body = JSON.parse(new TextDecoder().decode(bytes))
  } catch {
    throw new ScimError(400, 'invalidSyntax', 'The body is not valid JSON.')
  }
  return requireObject(body)
}

function intParam(url: URL, name: string): number | null {
  const raw = url.searchParams.get(name)
  if (raw === null || raw === '') return null
  if (!/^-?\d{1,9}$/.test(raw))
    throw new ScimError(400, 'invalidValue', `${name} must be a number.`)
  return Number(raw)
}

/** attributes / excludedAttributes on the top level of a resource (id, schemas, meta stay). */
function project(resource: Json, url: URL): Json {
  const only = url.searchParams.get('attributes')
  const without = url.searchParams.get('excludedAttributes')
  if (!only && !without) return resource
  const names = (s: string | null) =>
    new Set(
      (s ?? '')
        .split(',')
        .map((x) => x.trim().toLowerCase().split('.')[0]!)
        .filter(Boolean),
    )
  const keep = names(only)
  const drop = names(without)
  const out: Json = {}
  for (const [k, v] of Object.entries(resource)) {
    const key = k.toLowerCase()
    const always = key === 'id' || key === 'schemas' || key === 'meta'
    if (!always && ((keep.size > 0 && !keep.has(key)) || drop.has(key))) continue
    out[k] = v
  }
  return out
}

class Scim {
  readonly base: string
  private readonly request: { method: string; path: string }

  constructor(
    private readonly admin: Client,
    private readonly tokenHash: string,
    req: Request,
    url: URL,
    sub: string,
  ) {
    this.base = `${(Deno.env.get('SUPABASE_URL') ?? '').replace(/\/+$/, '')}/functions/v1/scim/v2`
    this.request = { method: req.method, path: (sub + url.search).slice(0, 500) }
  }

  /** One call of public.scim_call; `record` logs and counts it as the request. */
  async call(op: string, args: Json, record: boolean): Promise<DbReply> {
    const { data, error } = await this.admin.rpc('scim_call', {
      p_token_hash: this.tokenHash,
      p_operation: op,
      p_args: { ...args, baseUrl: this.base },
      p_request: record ? this.request : null,
    })
    if (error) {
      console.error('scim: scim_call failed', op, error)
      throw new ScimError(503, null, 'The service is unavailable; try again.', {
        'Retry-After': '5',
      })
    }
    const reply = data as DbReply
    if (reply.status >= 400) {
      const headers: Record<string, string> =
        reply.status === 401
          ? UNAUTHORIZED
          : reply.retryAfter
            ? { 'Retry-After': String(reply.retryAfter) }
            : {}
      const err = new ScimError(
        reply.status,
        reply.scimType ?? null,
        reply.detail ?? 'Refused.',
        headers,
      )
      err.recorded = record || reply.status === 401
      throw err
    }
    return reply
  }

  /**
   * Records a refusal decided here (bad JSON, filter, size) against the token's connection.
   * Returns the database's refusal instead when the token itself is refused (401 comes first).
   */
  async log(err: ScimError): Promise<ScimError> {
    try {
      await this.call(
        'log',
        { status: err.status, scimType: err.scimType, detail: err.message },
        true,
      )
      return err
    } catch (refused) {
      return refused instanceof ScimError && refused.status === 401 ? refused : err
    }
  }

  /** POST /Users: the Auth account is made through Auth's admin API when there is none. */
  async createUser(user: DbUser): Promise<DbReply> {
    const first = await this.call('create_user', { user }, true)
    if (!first.needsAccount) return first
    const fullName =
      (typeof user.displayName === 'string' && user.displayName) ||
      [user.givenName, user.familyName].filter((x) => typeof x === 'string' && x).join(' ') ||
      undefined
    const metadata = fullName ? { full_name: fullName.slice(0, 120) } : {}
    const made = first.sendInvitation
      ? await this.admin.auth.admin.inviteUserByEmail(first.email!, {
          data: {
            ...metadata,
            invited_to: first.workspaceId,
            workspace: first.workspaceName,
            role: 'member',
          },
        })
      : await this.admin.auth.admin.createUser({
          email: first.email!,
          email_confirm: true,
          user_metadata: metadata,
        })
    if (made.error || !made.data.user) {
      const code = (made.error as { code?: string } | null)?.code
      // Someone else made it meanwhile (a retry of the same POST): attach that account.
      if (code === 'email_exists' || code === 'user_already_exists')
        return this.call('create_user', { user }, true)
      const status = (made.error as { status?: number } | null)?.status ?? 503
      if (status === 429)
        throw new ScimError(429, null, 'Auth is rate limiting; try again.', { 'Retry-After': '60' })
      if (status === 422 || status === 400)
        throw new ScimError(400, 'invalidValue', made.error?.message ?? 'Auth refused the address.')
      console.error('scim: Auth refused to create a user', made.error)
      throw new ScimError(503, null, 'Accounts cannot be created right now; try again.', {
        'Retry-After': '30',
      })
    }
    // If the database refuses now, scim_call deletes the account it was just given.
    return this.call('create_user', { user, userId: made.data.user.id, createdAccount: true }, true)
  }
}

function listArgs(
  url: URL,
  kind: 'user' | 'group',
): { filter: DbFilter | null; startIndex: number; count: number | null } {
  const filter = parseFilter(url.searchParams.get('filter'), kind)
  const startIndex = Math.max(intParam(url, 'startIndex') ?? 1, 1)
  const count = intParam(url, 'count')
  return { filter, startIndex, count: count === null ? null : Math.max(count, 0) }
}

function membersExcluded(url: URL): boolean {
  return (url.searchParams.get('excludedAttributes') ?? '')
    .split(',')
    .some((a) => a.trim().toLowerCase() === 'members')
}

async function route(scim: Scim, req: Request, url: URL, parts: string[]): Promise<Response> {
  const [resource, id, ...rest] = parts
  const method = req.method
  if (rest.length > 0) throw new ScimError(404, null, 'No such endpoint.')
  const reply = (r: DbReply, status = r.status) =>
    status === 204
      ? new Response(null, { status: 204 })
      : scimJson(
          r.body,
          status,
          r.body?.meta ? { Location: String((r.body.meta as Json).location) } : {},
        )

  if (resource === 'Users' && !id) {
    if (method === 'GET') {
      const r = await scim.call('list_users', listArgs(url, 'user'), true)
      const list = r.body as Json
      list.Resources = (list.Resources as Json[]).map((u) => project(u, url))
      return scimJson(list)
    }
    if (method === 'POST') return reply(await scim.createUser(toDbUser(await readJson(req))))
  } else if (resource === 'Users') {
    if (method === 'GET')
      return scimJson(project((await scim.call('get_user', { id }, true)).body!, url))
    if (method === 'PUT') {
      const user = toDbUser(await readJson(req))
      return reply(await scim.call('replace_user', { id, user }, true))
    }
    if (method === 'PATCH') {
      const ops = patchOperations(await readJson(req))
      const current = (await scim.call('get_user', { id }, false)).body!
      const user = toDbUser(applyPatch(current, ops))
      return reply(await scim.call('replace_user', { id, user }, true))
    }
    if (method === 'DELETE') return reply(await scim.call('delete_user', { id }, true))
  } else if (resource === 'Groups' && !id) {
    if (method === 'GET') {
      const args = { ...listArgs(url, 'group'), members: !membersExcluded(url) }
      const list = (await scim.call('list_groups', args, true)).body as Json
      list.Resources = (list.Resources as Json[]).map((g) => project(g, url))
      return scimJson(list)
    }
    if (method === 'POST')
      return reply(await scim.call('create_group', { group: toDbGroup(await readJson(req)) }, true))
  } else if (resource === 'Groups') {
    if (method === 'GET') {
      const r = await scim.call('get_group', { id, members: !membersExcluded(url) }, true)
      return scimJson(project(r.body!, url))
    }
    if (method === 'PUT')
      return reply(
        await scim.call('replace_group', { id, group: toDbGroup(await readJson(req)) }, true),
      )
    if (method === 'PATCH') {
      const ops = patchOperations(await readJson(req))
      const current = (await scim.call('get_group', { id, members: true }, false)).body!
      const group = toDbGroup(applyPatch(current, ops))
      const r = await scim.call('replace_group', { id, group }, true)
      // Okta and Entra accept 204 for a group PATCH; returning the group would list every member.
      return r.status === 200 ? new Response(null, { status: 204 }) : reply(r)
    }
    if (method === 'DELETE') return reply(await scim.call('delete_group', { id }, true))
  } else if (method === 'GET' && resource === 'ServiceProviderConfig' && !id) {
    return scimJson(serviceProviderConfig(scim.base))
  } else if (method === 'GET' && resource === 'ResourceTypes') {
    const all = resourceTypes(scim.base)
    if (!id) return scimJson(listResponse(all))
    const one = all.find((r) => r.id === id)
    if (one) return scimJson(one)
    throw new ScimError(404, null, 'No such resource type.')
  } else if (method === 'GET' && resource === 'Schemas') {
    const all = schemas(scim.base)
    if (!id) return scimJson(listResponse(all))
    const one = all.find((s) => s.id === id)
    if (one) return scimJson(one)
    throw new ScimError(404, null, 'No such schema.')
  } else {
    throw new ScimError(404, null, 'No such endpoint.')
  }
  throw new ScimError(405, null, `${method} is not supported here.`)
}

Deno.serve(async (req: Request): Promise<Response> => {
  // The caller's credential is the connection's token, which only the database resolves: the
  // SDK checks nothing here (auth 'none') and gives the secret-key client.
  const { admin } = await adminOnly(req, 'scim')
  if (!admin) return scimError(503, null, 'Directory sync is not configured on this server.')
  const url = new URL(req.url)
  // The edge runtime passes /scim/..., the local server the same; Entra appends
  // ?aadOptscim062020 (its RFC-compliant behaviour flag), which needs nothing here.
  const sub = url.pathname.replace(/^.*?\/scim(?=\/|$)/, '')
  const parts = sub.split('/').filter(Boolean)
  if (parts[0] !== 'v2') return scimError(404, null, 'SCIM lives under /scim/v2.')

  const auth = req.headers.get('Authorization') ?? ''
  const token = /^Bearer\s+(\S+)\s*$/i.exec(auth)?.[1]
  if (!token || token.length > 200)
    return scimError(401, null, 'Send the connection token as Authorization: Bearer.', UNAUTHORIZED)
  const scim = new Scim(admin, await sha256Hex(token), req, url, sub)

  try {
    return await route(scim, req, url, parts.slice(1))
  } catch (err) {
    if (err instanceof ScimError) {
      // Refusals decided here were not recorded by the database: record them now.
      const answer = err.recorded ? err : await scim.log(err)
      return scimError(answer.status, answer.scimType, answer.message, answer.headers)
    }
    console.error('scim: unexpected failure', err)
    return scimError(503, null, 'The request could not be carried out; try again.', {
      'Retry-After': '5',
    })
  }
})
