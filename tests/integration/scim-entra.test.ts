// Microsoft Entra ID's SCIM provisioning, replayed against the running stack with the requests
// Entra documents for its provisioning service (with ?aadOptscim062020): the look-up by
// userName, POST with the enterprise extension, PATCH with capitalised ops, filtered paths
// (emails[type eq "work"].value) and booleans as strings ("False"), group look-ups with
// excludedAttributes=members, group PATCH Add/Remove of members, DELETE. The database is read
// after each step. Then the bad input every client may send: never a 500, never a half-made member.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeSql, sql, uniqueEmail } from '../helpers/stack'
import {
  activitySince,
  authState,
  connectDirectory,
  lastActivityId,
  membership,
  scim,
  scimBase,
  setMappings,
  type DirectoryWorld,
} from './scim-helpers'

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'
const ENTRA = 'Directory sync (Entra ID)'
const FLAG = '?aadOptscim062020'

let w: DirectoryWorld
let mark = 0

async function newActivity() {
  const rows = await activitySince(w.workspaceId, mark)
  mark = await lastActivityId(w.workspaceId)
  return rows
}

const patch = (...Operations: unknown[]) => ({ schemas: [PATCH], Operations })

beforeAll(async () => {
  w = await connectDirectory('Entra ID', 'entra')
  await setMappings(w, [{ group: 'Fluxera Viewers', role: 'viewer' }])
  mark = await lastActivityId(w.workspaceId)
}, 60_000)

afterAll(closeSql)

describe('Entra ID: provisioning cycle', () => {
  const upn = uniqueEmail('entra-alex')
  let id = ''
  let groupId = ''

  it('looks the user up by userName first', async () => {
    const r = await scim(
      w.token,
      'GET',
      `/Users${FLAG}&filter=${encodeURIComponent(`userName eq "${upn}"`)}`,
    )
    expect(r.status).toBe(200)
    expect(r.body.totalResults).toBe(0)
  })

  it('POST with the enterprise extension', async () => {
    const r = await scim(w.token, 'POST', `/Users${FLAG}`, {
      schemas: [USER, ENTERPRISE],
      externalId: 'alex-object-id',
      userName: upn,
      active: true,
      displayName: 'Alex Wilber',
      emails: [{ primary: true, type: 'work', value: upn }],
      name: { formatted: 'Alex Wilber', familyName: 'Wilber', givenName: 'Alex' },
      [ENTERPRISE]: { department: 'Retail', employeeNumber: 'E-42', manager: { value: 'mgr-1' } },
    })
    expect(r.status).toBe(201)
    id = r.body.id!
    expect(r.body[ENTERPRISE]).toEqual({
      department: 'Retail',
      employeeNumber: 'E-42',
      manager: { value: 'mgr-1' },
    })
    expect(await membership(w.workspaceId, upn)).toMatchObject({ role: 'member', status: 'active' })
    expect(await newActivity()).toEqual([`member.joined by ${ENTRA}`])
  })

  it('finds them by emails[type eq "work"].value and by externalId', async () => {
    const byEmail = await scim(
      w.token,
      'GET',
      `/Users?filter=${encodeURIComponent(`emails[type eq "work"].value eq "${upn}"`)}`,
    )
    expect(byEmail.body.totalResults).toBe(1)
    const byExternal = await scim(
      w.token,
      'GET',
      `/Users?filter=${encodeURIComponent('externalId eq "alex-object-id"')}`,
    )
    expect(byExternal.body.Resources![0]!.id).toBe(id)
  })

  it('PATCH with capitalised ops, a filtered path and the extension', async () => {
    const r = await scim(
      w.token,
      'PATCH',
      `/Users/${id}${FLAG}`,
      patch(
        { op: 'Replace', path: 'displayName', value: 'Alex W.' },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: upn },
        { op: 'Add', path: `${ENTERPRISE}:department`, value: 'Sales' },
        { op: 'Replace', path: `${ENTERPRISE}:manager`, value: 'mgr-2' },
      ),
    )
    expect(r.status).toBe(200)
    expect(r.body.displayName).toBe('Alex W.')
    expect(r.body[ENTERPRISE]).toMatchObject({ department: 'Sales', manager: { value: 'mgr-2' } })
    expect(await newActivity()).toEqual([])
  })

  it('PATCH active "False" (a string) deactivates: inactive, banned, logged', async () => {
    const r = await scim(
      w.token,
      'PATCH',
      `/Users/${id}`,
      patch({ op: 'Replace', path: 'active', value: 'False' }),
    )
    expect(r.status).toBe(200)
    expect(r.body.active).toBe(false)
    expect(await membership(w.workspaceId, upn)).toMatchObject({ status: 'inactive' })
    expect((await authState(upn))!.bannedUntil?.toISOString()).toBe('9999-01-01T00:00:00.000Z')
    expect(await newActivity()).toEqual([`member.deactivated by ${ENTRA}`])
  })

  it('PATCH active "True" reactivates', async () => {
    const r = await scim(
      w.token,
      'PATCH',
      `/Users/${id}`,
      patch({ op: 'Replace', path: 'active', value: 'True' }),
    )
    expect(r.body.active).toBe(true)
    expect(await membership(w.workspaceId, upn)).toMatchObject({ status: 'active' })
    expect((await authState(upn))!.bannedUntil).toBeNull()
    expect(await newActivity()).toEqual([`member.reactivated by ${ENTRA}`])
  })

  it('groups: looked up without members, created, then members added and removed', async () => {
    const none = await scim(
      w.token,
      'GET',
      `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "Fluxera Viewers"')}`,
    )
    expect(none.body.totalResults).toBe(0)
    const made = await scim(w.token, 'POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      externalId: 'grp-1',
      displayName: 'Fluxera Viewers',
      members: [],
    })
    expect(made.status).toBe(201)
    groupId = made.body.id!
    const listed = await scim(
      w.token,
      'GET',
      `/Groups?excludedAttributes=members&filter=${encodeURIComponent('externalId eq "grp-1"')}`,
    )
    expect(listed.body.Resources![0]).not.toHaveProperty('members')

    const added = await scim(
      w.token,
      'PATCH',
      `/Groups/${groupId}`,
      patch({ op: 'Add', path: 'members', value: [{ value: id }] }),
    )
    expect(added.status).toBe(204)
    expect(await membership(w.workspaceId, upn)).toMatchObject({ role: 'viewer' })
    expect(await newActivity()).toEqual([`member.role_changed by ${ENTRA}`])

    const removed = await scim(
      w.token,
      'PATCH',
      `/Groups/${groupId}`,
      patch({ op: 'Remove', path: 'members', value: [{ value: id }] }),
    )
    expect(removed.status).toBe(204)
    expect(await membership(w.workspaceId, upn)).toMatchObject({ role: 'member' })
    expect(await newActivity()).toEqual([`member.role_changed by ${ENTRA}`])
  })

  it('DELETE removes them', async () => {
    expect((await scim(w.token, 'DELETE', `/Users/${id}`)).status).toBe(204)
    expect(await membership(w.workspaceId, upn)).toBeNull()
    expect(await newActivity()).toEqual([`member.removed by ${ENTRA}`])
  })

  it('the discovery documents say what the service does', async () => {
    const spc = await scim(w.token, 'GET', '/ServiceProviderConfig')
    expect(spc.body).toMatchObject({
      patch: { supported: true },
      bulk: { supported: false },
      sort: { supported: false },
      filter: { supported: true, maxResults: 200 },
    })
    const types = await scim(w.token, 'GET', '/ResourceTypes')
    expect(types.body.Resources!.map((t) => t.id)).toEqual(['User', 'Group'])
    const schemas = await scim(w.token, 'GET', '/Schemas')
    expect(schemas.body.Resources!.map((s) => s.id)).toContain(ENTERPRISE)
  })
})

describe('bad input: a SCIM error, never a 500, never a half-made member', () => {
  async function members() {
    const [row] = await sql<{ n: string }>(
      `select count(*) as n from public.memberships where workspace_id = $1`,
      [w.workspaceId],
    )
    return Number(row!.n)
  }

  it('malformed JSON is 400 invalidSyntax', async () => {
    const before = await members()
    const r = await scim(w.token, 'POST', '/Users', '{"userName": ')
    expect(r.status).toBe(400)
    expect(r.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '400',
      scimType: 'invalidSyntax',
    })
    expect(await members()).toBe(before)
  })

  it('an unknown attribute or operator is 400 invalidFilter', async () => {
    for (const f of ['password eq "x"', 'userName zz "x"', 'userName eq "unterminated']) {
      const r = await scim(w.token, 'GET', `/Users?filter=${encodeURIComponent(f)}`)
      expect(r.status, f).toBe(400)
      expect(r.body.scimType, f).toBe('invalidFilter')
    }
  })

  it('an unknown id is 404', async () => {
    expect((await scim(w.token, 'GET', '/Users/00000000-0000-4000-a000-000000000000')).status).toBe(
      404,
    )
    expect((await scim(w.token, 'GET', '/Users/not-a-uuid')).status).toBe(404)
    expect(
      (await scim(w.token, 'DELETE', '/Groups/00000000-0000-4000-a000-000000000000')).status,
    ).toBe(404)
  })

  it('a body over 1 MB is 413', async () => {
    const r = await scim(w.token, 'POST', '/Users', {
      userName: 'big@x.test',
      title: 'x'.repeat(1_100_000),
    })
    expect(r.status).toBe(413)
    expect(r.body.status).toBe('413')
  })

  it('no token or a wrong one is 401 with WWW-Authenticate: Bearer', async () => {
    const none = await fetch(`${scimBase}/Users`)
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/)
    const wrong = await scim('fxscim_not-a-token', 'GET', '/Users')
    expect(wrong.status).toBe(401)
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/)
  })

  it('a refused change with a freshly made account leaves no account behind', async () => {
    const email = uniqueEmail('entra-half')
    const r = await scim(w.token, 'POST', '/Users', {
      userName: email,
      emails: [{ value: email, type: 'work' }],
      title: 'x'.repeat(300),
    })
    expect(r.status).toBe(400)
    expect(r.body.scimType).toBe('invalidValue')
    expect(await authState(email)).toBeNull()
    expect(await membership(w.workspaceId, email)).toBeNull()
  })

  it('past the per-token rate limit: 429 with Retry-After, recorded in the recent requests', async () => {
    await sql(`update public.directory_connections set rate_limit_per_minute = 3 where id = $1`, [
      w.connectionId,
    ])
    await sql(
      `update public.directory_tokens set window_count = 0, window_start = null where connection_id = $1`,
      [w.connectionId],
    )
    const statuses: number[] = []
    let retryAfter: string | null = null
    for (let i = 0; i < 5; i++) {
      const r = await scim(w.token, 'GET', '/Users?count=1')
      statuses.push(r.status)
      if (r.status === 429) retryAfter = r.headers.get('retry-after')
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429])
    expect(Number(retryAfter)).toBeGreaterThan(0)
    const [last] = await sql<{ status: number }>(
      `select status from public.directory_requests where connection_id = $1 order by id desc limit 1`,
      [w.connectionId],
    )
    expect(last!.status).toBe(429)
    await sql(
      `update public.directory_connections set rate_limit_per_minute = 6000 where id = $1`,
      [w.connectionId],
    )
  })

  it('a revoked token is refused at once', async () => {
    const [t] = await sql<{ id: string }>(
      `select id from public.directory_tokens where connection_id = $1`,
      [w.connectionId],
    )
    const { error } = await w.owner.rpc('revoke_directory_token', { p_token_id: t!.id })
    expect(error).toBeNull()
    expect((await scim(w.token, 'GET', '/Users')).status).toBe(401)
  })
})
