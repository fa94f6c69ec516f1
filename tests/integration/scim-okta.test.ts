// Okta's SCIM 2.0 provisioning, replayed against the running stack (Okta's "SCIM 2.0 test app"
// sequence and its documented requests: the test connector's GET /Users?startIndex=1&count=2,
// the pre-create filter userName eq, POST, GET, PUT of the whole user, deactivation as
// PATCH replace without a path, reactivation, group push, DELETE), checking the database
// after each step: membership status and role, the Auth ban, the sessions, the activity rows.
// Then a token of one workspace tries every operation on another workspace; each is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  closeSql,
  createUser,
  signInFresh,
  signInRefusal,
  sql,
  uniqueEmail,
} from '../helpers/stack'
import {
  activitySince,
  authState,
  connectDirectory,
  lastActivityId,
  membership,
  scim,
  setMappings,
  type DirectoryWorld,
} from './scim-helpers'

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'
const OKTA = 'Directory sync (Okta)'

let a: DirectoryWorld
let b: DirectoryWorld
let mark = 0

function oktaUser(email: string, given: string, family: string, active = true) {
  return {
    schemas: [USER],
    userName: email,
    name: { givenName: given, familyName: family },
    emails: [{ primary: true, value: email, type: 'work' }],
    displayName: `${given} ${family}`,
    locale: 'en-US',
    externalId: `00u${Math.random().toString(36).slice(2, 10)}`,
    groups: [],
    password: 'ignored-by-fluxera',
    active,
  }
}

async function newActivity() {
  const rows = await activitySince(a.workspaceId, mark)
  mark = await lastActivityId(a.workspaceId)
  return rows
}

beforeAll(async () => {
  a = await connectDirectory('Okta', 'okta-a')
  b = await connectDirectory('Okta', 'okta-b')
  mark = await lastActivityId(a.workspaceId)
}, 60_000)

afterAll(closeSql)

describe('Okta: a new person, from provisioning to deletion', () => {
  const email = uniqueEmail('okta-jane')
  let id = ''

  it("the test connector's GET /Users?startIndex=1&count=2 answers a ListResponse", async () => {
    const r = await scim(a.token, 'GET', '/Users?startIndex=1&count=2')
    expect(r.status).toBe(200)
    expect(r.headers.get('content-type')).toContain('application/scim+json')
    expect(r.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    })
  })

  it('the pre-create look-up by userName finds nobody', async () => {
    const r = await scim(
      a.token,
      'GET',
      `/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}&startIndex=1&count=100`,
    )
    expect(r.status).toBe(200)
    expect(r.body.totalResults).toBe(0)
  })

  it('POST /Users makes the Auth account (no mail) and an active member with the default role', async () => {
    const r = await scim(a.token, 'POST', '/Users', oktaUser(email, 'Jane', 'Doe'))
    expect(r.status).toBe(201)
    id = r.body.id!
    expect(r.headers.get('location')).toContain(`/scim/v2/Users/${id}`)
    expect(r.body).toMatchObject({ userName: email, active: true, meta: { resourceType: 'User' } })
    expect(await membership(a.workspaceId, email)).toMatchObject({
      id,
      role: 'member',
      status: 'active',
    })
    expect(await authState(email)).toEqual({ bannedUntil: null, sessions: 0 })
    expect(await newActivity()).toEqual([`member.joined by ${OKTA}`])
  })

  it('GET /Users/{id} and the filter now find them', async () => {
    const one = await scim(a.token, 'GET', `/Users/${id}`)
    expect(one.status).toBe(200)
    expect(one.body.meta).toMatchObject({
      location: expect.stringContaining(id),
      version: expect.any(String),
    })
    const found = await scim(
      a.token,
      'GET',
      `/Users?filter=${encodeURIComponent(`userName eq "${email.toUpperCase()}"`)}`,
    )
    expect(found.body.totalResults).toBe(1)
  })

  it('PUT of the whole user renames them', async () => {
    const r = await scim(a.token, 'PUT', `/Users/${id}`, {
      ...oktaUser(email, 'Janet', 'Doe'),
      id,
    })
    expect(r.status).toBe(200)
    expect(r.body.displayName).toBe('Janet Doe')
    const [p] = await sql<{ full_name: string }>(
      `select full_name from public.profiles where email = $1`,
      [email],
    )
    expect(p!.full_name).toBe('Janet Doe')
  })

  it('a second POST of the same userName is 409 uniqueness and changes nothing', async () => {
    const r = await scim(a.token, 'POST', '/Users', oktaUser(email.toUpperCase(), 'X', 'Y'))
    expect(r.status).toBe(409)
    expect(r.body).toMatchObject({ status: '409', scimType: 'uniqueness' })
    expect(await newActivity()).toEqual([])
  })

  it('DELETE removes the member and the account made for them', async () => {
    const r = await scim(a.token, 'DELETE', `/Users/${id}`)
    expect(r.status).toBe(204)
    expect(await membership(a.workspaceId, email)).toBeNull()
    expect(await authState(email)).toBeNull()
    expect(await newActivity()).toEqual([`member.removed by ${OKTA}`])
    expect((await scim(a.token, 'GET', `/Users/${id}`)).status).toBe(404)
  })
})

describe('Okta: deactivation and reactivation of someone who is signed in', () => {
  let email = ''
  let id = ''

  beforeAll(async () => {
    email = uniqueEmail('okta-bob')
    await createUser(email, 'Bob Signed-In')
    await signInFresh(email)
    await signInFresh(email)
  })

  it('POST attaches the existing account', async () => {
    const r = await scim(a.token, 'POST', '/Users', oktaUser(email, 'Bob', 'Signed-In'))
    expect(r.status).toBe(201)
    id = r.body.id!
    expect(await authState(email)).toEqual({ bannedUntil: null, sessions: 2 })
    await newActivity()
  })

  it('PATCH replace {"active": false} without a path is a deactivation: ban, sessions, activity', async () => {
    const r = await scim(a.token, 'PATCH', `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', value: { active: false } }],
    })
    expect(r.status).toBe(200)
    expect(r.body.active).toBe(false)
    expect(await membership(a.workspaceId, email)).toMatchObject({ status: 'inactive' })
    const state = await authState(email)
    expect(state!.bannedUntil?.toISOString()).toBe('9999-01-01T00:00:00.000Z')
    expect(state!.sessions).toBe(0)
    expect(await newActivity()).toEqual([
      `member.deactivated by ${OKTA}`,
      `member.sessions_revoked by ${OKTA}`,
    ])
    expect(await signInRefusal(email)).toBe('user_banned')
  })

  it('the Owner cannot reactivate a member Okta manages by hand (the reason says so)', async () => {
    const { error } = await a.owner.rpc('reactivate_member', { p_membership_id: id })
    expect(error).toMatchObject({ code: '42501', hint: 'directory_managed' })
    expect(error!.message).toContain('Managed by Okta: change this in Okta')
  })

  it('PATCH replace {"active": true} reactivates and lifts the ban', async () => {
    const r = await scim(a.token, 'PATCH', `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', value: { active: true } }],
    })
    expect(r.status).toBe(200)
    expect(await membership(a.workspaceId, email)).toMatchObject({ status: 'active' })
    expect((await authState(email))!.bannedUntil).toBeNull()
    expect(await newActivity()).toEqual([`member.reactivated by ${OKTA}`])
    expect(await signInRefusal(email)).toBeNull()
  })

  it('group push: a mapped group gives its role, leaving it gives the default role back', async () => {
    await setMappings(a, [{ group: 'Fluxera Admins', role: 'admin' }])
    await newActivity()
    const g = await scim(a.token, 'POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Fluxera Admins',
      members: [{ value: id, display: email }],
    })
    expect(g.status).toBe(201)
    expect(await membership(a.workspaceId, email)).toMatchObject({ role: 'admin' })
    expect(await newActivity()).toEqual([`member.role_changed by ${OKTA}`])

    const removed = await scim(a.token, 'PATCH', `/Groups/${g.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'remove', path: `members[value eq "${id}"]` }],
    })
    expect(removed.status).toBe(204)
    expect(await membership(a.workspaceId, email)).toMatchObject({ role: 'member' })

    const renamed = await scim(a.token, 'PATCH', `/Groups/${g.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', value: { id: g.body.id, displayName: 'Okta Admins' } }],
    })
    expect(renamed.status).toBe(204)
    expect((await scim(a.token, 'GET', `/Groups/${g.body.id}`)).body.displayName).toBe(
      'Okta Admins',
    )
  })

  it('DELETE keeps an account that has another membership', async () => {
    const [other] = await sql<{ id: string }>(
      `insert into public.memberships (workspace_id, user_id, role, status, joined_at)
       select $1, id, 'viewer', 'active', now() from auth.users where email = $2 returning id`,
      [b.workspaceId, email],
    )
    expect(other).toBeDefined()
    expect((await scim(a.token, 'DELETE', `/Users/${id}`)).status).toBe(204)
    expect(await membership(a.workspaceId, email)).toBeNull()
    expect(await authState(email)).not.toBeNull()
  })
})

describe('Okta: the Owner is never taken over', () => {
  it('POST of the Owner is refused (403) and logged', async () => {
    await newActivity()
    const r = await scim(a.token, 'POST', '/Users', oktaUser(a.ownerEmail, 'The', 'Owner'))
    expect(r.status).toBe(403)
    expect(r.body.status).toBe('403')
    expect(await membership(a.workspaceId, a.ownerEmail)).toMatchObject({
      role: 'owner',
      status: 'active',
    })
    expect(await newActivity()).toEqual([`member.directory_change_refused by ${OKTA}`])
  })
})

describe('a token reaches exactly one workspace', () => {
  it("every attempt of workspace A's token on workspace B is refused", async () => {
    const email = uniqueEmail('okta-b-member')
    const made = await scim(b.token, 'POST', '/Users', oktaUser(email, 'Bea', 'B'))
    const group = await scim(b.token, 'POST', '/Groups', {
      displayName: 'B people',
      members: [{ value: made.body.id }],
    })
    const uid = made.body.id!
    const gid = group.body.id!
    const attempts: [string, string, unknown?][] = [
      ['GET', `/Users/${uid}`],
      ['PUT', `/Users/${uid}`, oktaUser(email, 'Hacked', 'B', false)],
      [
        'PATCH',
        `/Users/${uid}`,
        { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] },
      ],
      ['DELETE', `/Users/${uid}`],
      ['GET', `/Groups/${gid}`],
      ['PUT', `/Groups/${gid}`, { displayName: 'B people', members: [] }],
      [
        'PATCH',
        `/Groups/${gid}`,
        { schemas: [PATCH], Operations: [{ op: 'remove', path: 'members' }] },
      ],
      ['DELETE', `/Groups/${gid}`],
      ['GET', `/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}`],
      ['GET', `/Groups?filter=${encodeURIComponent('displayName eq "B people"')}`],
      ['POST', '/Groups', { displayName: 'Mine', members: [{ value: uid }] }],
    ]
    let refused = 0
    for (const [method, path, body] of attempts) {
      const r = await scim(a.token, method, path, body)
      const isList = method === 'GET' && path.includes('?')
      if (isList ? r.body.totalResults === 0 : r.status === 404 || r.status === 400) refused += 1
    }
    console.log(`cross-workspace attempts with a token: ${attempts.length}, refused: ${refused}`)
    expect(refused).toBe(attempts.length)
    expect(await membership(b.workspaceId, email)).toMatchObject({ status: 'active' })
    const g = await scim(b.token, 'GET', `/Groups/${gid}`)
    expect((g.body.members as unknown[]).length).toBe(1)
  })
})
