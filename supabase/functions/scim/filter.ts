// SCIM filters (RFC 7644 3.4.2.2) -> the small JSON form public.scim_call compiles to SQL
// (private.scim_filter_sql). Parsing is scim2-parse-filter's; this module only names the
// attributes the database knows and turns value filters on emails into plain conditions.
// deno-lint-ignore no-import-prefix -- npm: specifiers, as Supabase's edge runtime resolves them
import { parse, type Filter } from 'npm:scim2-parse-filter@0.2.10'
import { ScimError } from './wire.ts'

export type DbFilter =
  | { op: 'and' | 'or'; filters: DbFilter[] }
  | { op: 'not'; filter: DbFilter }
  | { op: 'true' | 'false' }
  | { op: string; attr: string; value?: unknown }

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:user:'
const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:group:'
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:'

const USER_ATTRS: Record<string, string> = {
  id: 'id',
  username: 'userName',
  externalid: 'externalId',
  emails: 'email',
  'emails.value': 'email',
  displayname: 'displayName',
  'name.givenname': 'givenName',
  'name.familyname': 'familyName',
  title: 'title',
  active: 'active',
  department: 'department',
  employeenumber: 'employeeNumber',
  manager: 'manager',
  'manager.value': 'manager',
  'meta.created': 'created',
  'meta.lastmodified': 'lastModified',
}
const GROUP_ATTRS: Record<string, string> = {
  id: 'id',
  displayname: 'displayName',
  externalid: 'externalId',
  members: 'member',
  'members.value': 'member',
  'meta.created': 'created',
  'meta.lastmodified': 'lastModified',
}

const MAX_FILTER_LENGTH = 2000

function invalid(detail: string): ScimError {
  return new ScimError(400, 'invalidFilter', detail)
}

function attribute(path: string, kind: 'user' | 'group'): string {
  let p = path.toLowerCase()
  for (const prefix of [CORE_USER, CORE_GROUP]) if (p.startsWith(prefix)) p = p.slice(prefix.length)
  if (kind === 'user' && p.startsWith(ENTERPRISE)) p = p.slice(ENTERPRISE.length)
  const name = (kind === 'user' ? USER_ATTRS : GROUP_ATTRS)[p]
  if (!name) throw invalid(`Filtering on ${path} is not supported.`)
  return name
}

/** emails[<valFilter>]: every member has exactly one email, of type work and primary. */
function emailValueFilter(f: Filter): DbFilter {
  switch (f.op) {
    case 'and':
    case 'or':
      return { op: f.op, filters: f.filters.map(emailValueFilter) }
    case 'not':
      return { op: 'not', filter: emailValueFilter(f.filter) }
    case 'pr':
      return { op: 'true' }
    case '[]':
      throw invalid('Nested value filters are not supported.')
    default: {
      const a = f.attrPath.toLowerCase()
      if (a === 'value') return { op: f.op, attr: 'email', value: f.compValue }
      if (a === 'type' && (f.op === 'eq' || f.op === 'ne')) {
        const isWork = String(f.compValue).toLowerCase() === 'work'
        return { op: isWork === (f.op === 'eq') ? 'true' : 'false' }
      }
      if (a === 'primary' && f.op === 'eq') return { op: f.compValue === true ? 'true' : 'false' }
      throw invalid(`Filtering emails on ${f.attrPath} is not supported.`)
    }
  }
}

function convert(f: Filter, kind: 'user' | 'group'): DbFilter {
  switch (f.op) {
    case 'and':
    case 'or':
      return { op: f.op, filters: f.filters.map((x) => convert(x, kind)) }
    case 'not':
      return { op: 'not', filter: convert(f.filter, kind) }
    case '[]':
      if (kind === 'user' && f.attrPath.toLowerCase() === 'emails')
        return emailValueFilter(f.valFilter)
      throw invalid(`Value filters on ${f.attrPath} are not supported.`)
    case 'pr':
      return { op: 'pr', attr: attribute(f.attrPath, kind) }
    default:
      return { op: f.op, attr: attribute(f.attrPath, kind), value: f.compValue }
  }
}

/** Parses a filter query parameter; throws ScimError 400 invalidFilter when it cannot. */
export function parseFilter(text: string | null, kind: 'user' | 'group'): DbFilter | null {
  if (text === null || text.trim() === '') return null
  if (text.length > MAX_FILTER_LENGTH) throw invalid('The filter is too long.')
  let tree: Filter
  try {
    tree = parse(text)
  } catch (err) {
    throw invalid(`The filter could not be read: ${(err as Error).message}`)
  }
  return convert(tree, kind)
}
