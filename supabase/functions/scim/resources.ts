// What a POST, PUT or PATCH sends, turned into the flat attributes public.scim_call stores.
// Client quirks handled here: Entra's booleans as strings ("False"), capitalised PATCH ops
// ("Replace"), the enterprise manager as a bare string, and PATCH without a path (Okta's
// {"op": "replace", "value": {"active": false}}). PATCH itself is scim-patch's.
// deno-lint-ignore no-import-prefix -- npm: specifiers, as Supabase's edge runtime resolves them
import { scimPatch, type ScimPatchOperation, type ScimResource } from 'npm:scim-patch@0.8.3'
import { ENTERPRISE_SCHEMA, PATCH_SCHEMA, ScimError } from './wire.ts'

type Json = Record<string, unknown>

export interface DbUser {
  userName: unknown
  externalId: unknown
  active: boolean | null
  email: unknown
  givenName: unknown
  familyName: unknown
  displayName: unknown
  title: unknown
  department: unknown
  employeeNumber: unknown
  managerId: unknown
}

export interface DbGroup {
  displayName: unknown
  externalId: unknown
  members?: string[]
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function requireObject(body: unknown): Json {
  if (!isObject(body)) throw new ScimError(400, 'invalidSyntax', 'The body must be a JSON object.')
  return body
}

/** true/false, also as Entra's "True"/"False"; null when absent. */
export function toBoolean(v: unknown, field: string): boolean | null {
  if (v === undefined || v === null) return null
  if (typeof v === 'boolean') return v
  if (typeof v === 'string' && /^(true|false)$/i.test(v.trim()))
    return v.trim().toLowerCase() === 'true'
  throw new ScimError(400, 'invalidValue', `${field} must be true or false.`)
}

/** Keys compared case-insensitively, as SCIM attribute names are (RFC 7643 2.1). */
function get(obj: unknown, key: string): unknown {
  if (!isObject(obj)) return undefined
  if (key in obj) return obj[key]
  const lower = key.toLowerCase()
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k]
  return undefined
}

function workEmail(emails: unknown): unknown {
  if (emails === undefined || emails === null) return null
  if (!Array.isArray(emails)) throw new ScimError(400, 'invalidValue', 'emails must be a list.')
  const list = emails.filter(isObject)
  const pick =
    list.find((e) => get(e, 'primary') === true && String(get(e, 'type') ?? 'work') === 'work') ??
    list.find((e) => String(get(e, 'type') ?? '').toLowerCase() === 'work') ??
    list.find((e) => get(e, 'primary') === true || get(e, 'primary') === 'True') ??
    list[0]
  return pick ? (get(pick, 'value') ?? null) : null
}

function managerId(enterprise: unknown): unknown {
  const m = get(enterprise, 'manager')
  if (m === undefined || m === null || m === '') return null
  return isObject(m) ? (get(m, 'value') ?? null) : m
}

export function toDbUser(body: Json): DbUser {
  const name = get(body, 'name')
  const enterprise = get(body, ENTERPRISE_SCHEMA)
  return {
    userName: get(body, 'userName') ?? null,
    externalId: get(body, 'externalId') ?? null,
    active: toBoolean(get(body, 'active'), 'active'),
    email: workEmail(get(body, 'emails')),
    givenName: get(name, 'givenName') ?? null,
    familyName: get(name, 'familyName') ?? null,
    displayName: get(body, 'displayName') ?? null,
    title: get(body, 'title') ?? null,
    department: get(enterprise, 'department') ?? null,
    employeeNumber: get(enterprise, 'employeeNumber') ?? null,
    managerId: managerId(enterprise),
  }
}

function memberIds(members: unknown): string[] {
  if (members === undefined || members === null) return []
  if (!Array.isArray(members)) throw new ScimError(400, 'invalidValue', 'members must be a list.')
  return members.map((m) => {
    const v = isObject(m) ? get(m, 'value') : m
    if (typeof v !== 'string')
      throw new ScimError(400, 'invalidValue', 'Each member needs a value.')
    return v
  })
}

export function toDbGroup(body: Json): DbGroup {
  return {
    displayName: get(body, 'displayName') ?? null,
    externalId: get(body, 'externalId') ?? null,
    members: memberIds(get(body, 'members')),
  }
}

/** The Operations of a PatchOp body, with ops in lower case (Entra sends "Replace", "Add"). */
export function patchOperations(body: Json): ScimPatchOperation[] {
  const schemas = get(body, 'schemas')
  if (Array.isArray(schemas) && !schemas.includes(PATCH_SCHEMA))
    throw new ScimError(400, 'invalidSyntax', `A PATCH body has the schema ${PATCH_SCHEMA}.`)
  const ops = get(body, 'Operations')
  if (!Array.isArray(ops) || ops.length === 0)
    throw new ScimError(400, 'invalidSyntax', 'A PATCH body lists its Operations.')
  if (ops.length > 1000) throw new ScimError(400, 'invalidValue', 'At most 1,000 operations.')
  return ops.map((op) => {
    if (!isObject(op)) throw new ScimError(400, 'invalidSyntax', 'Each operation is an object.')
    const name = String(get(op, 'op') ?? '').toLowerCase()
    if (!['add', 'remove', 'replace'].includes(name))
      throw new ScimError(400, 'invalidSyntax', `Unknown PATCH op ${String(get(op, 'op'))}.`)
    const path = get(op, 'path')
    const out: Json = { op: name }
    if (path !== undefined && path !== null && path !== '') out.path = String(path)
    if ('value' in op || get(op, 'value') !== undefined) out.value = get(op, 'value')
    return out as unknown as ScimPatchOperation
  })
}

/**
 * Applies PATCH operations to a resource as the service returns it. Group member removals
 * that name members by value (Entra: {"op": "remove", "path": "members", "value": [{value}]})
 * are rewritten as filtered paths, which scim-patch applies. Errors become SCIM errors.
 */
export function applyPatch<T extends Json>(resource: T, ops: ScimPatchOperation[]): T {
  const expanded: ScimPatchOperation[] = []
  for (const op of ops) {
    const o = op as unknown as Json
    if (
      o.op === 'remove' &&
      typeof o.path === 'string' &&
      o.path.toLowerCase() === 'members' &&
      Array.isArray(o.value)
    ) {
      for (const id of memberIds(o.value))
        expanded.push({
          op: 'remove',
          path: `members[value eq ${JSON.stringify(id)}]`,
        } as ScimPatchOperation)
    } else expanded.push(op)
  }
  try {
    return scimPatch(structuredClone(resource) as unknown as ScimResource, expanded) as unknown as T
  } catch (err) {
    const e = err as { scimType?: string; message?: string }
    const type = e.scimType && /^[a-zA-Z]+$/.test(e.scimType) ? e.scimType : 'invalidValue'
    // scim-patch refuses removing a filtered member that is not there; that is no error here.
    if (type === 'noTarget' && expanded.every((x) => (x as unknown as Json).op === 'remove'))
      return resource
    throw new ScimError(400, type, e.message || 'The PATCH could not be applied.')
  }
}
