// The Settings → Directory sync functions from the outside (docs/directory-sync.md): every role
// and status of workspace A, the Owner of workspace B, a stranger and an anonymous caller each
// call them through PostgREST with the token Auth gave them. Only the Owner, and an Admin once
// granted directory.manage, connect a directory, make, rotate and revoke tokens; each of those
// writes its activity row in the same transaction; nobody reaches another workspace's
// connection. Then the Users page side: a member the connection made reads "Managed by <name>",
// and their role and status are refused by hand, with the reason, in the row's menu and in the
// RPCs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { anonClient, clientAs, closeSql, sql, uniqueEmail, type Client } from '../helpers/stack'
import { buildWorld, type Person, type World } from './fixtures'
import { scim } from './scim-helpers'

let world: World
let owner: Client
let ownerB: Client
let connectionId: string

type Caller = { label: string; client: () => Promise<Client> }

/** Everyone who is not the Owner of A: each member of A, B's Owner, a stranger, anonymous. */
function outsiders(): Caller[] {
  return [
    ...world.people
      .filter((p) => p.role !== 'owner')
      .map((p) => ({ label: `${p.role} ${p.status}`, client: () => clientAs(p.id) })),
    { label: "workspace B's Owner", client: () => clientAs(world.ownerB.id) },
    { label: 'a stranger', client: () => clientAs(world.stranger.id) },
    { label: 'anonymous', client: async () => anonClient() },
  ]
}

const person = (role: Person['role'], status: Person['status']) =>
  world.people.find((p) => p.role === role && p.status === status)!

async function tokensOf(id: string) {
  const [row] = await sql<{ n: string }>(
    `select count(*) n from public.directory_tokens where connection_id = $1 and revoked_at is null`,
    [id],
  )
  return Number(row!.n)
}

beforeAll(async () => {
  // With homes, inactive and suspended members keep a live session: what their token reaches in A.
  world = await buildWorld('dirset', { homes: true })
  owner = await clientAs(world.ownerA.id)
  ownerB = await clientAs(world.ownerB.id)
  const { data, error } = await owner.rpc('create_directory_connection', {
    p_workspace_id: world.wsA,
    p_name: 'Okta',
  })
  expect(error).toBeNull()
  connectionId = data!.id
})

afterAll(closeSql)

describe('who may manage directory sync', () => {
  it('nobody but the Owner connects a directory in A (Admins not granted, B, strangers, anonymous)', async () => {
    const refused: string[] = []
    for (const c of outsiders()) {
      const client = await c.client()
      const { data, error } = await client.rpc('create_directory_connection', {
        p_workspace_id: world.wsA,
        p_name: `Try ${c.label}`,
      })
      expect(data, c.label).toBeNull()
      expect(error, c.label).not.toBeNull()
      refused.push(c.label)
    }
    expect(refused.length).toBe(world.people.length - 1 + 3)
    const [row] = await sql<{ n: string }>(
      `select count(*) n from public.directory_connections where workspace_id = $1`,
      [world.wsA],
    )
    expect(Number(row!.n)).toBe(1)
  })

  it('nobody else reads the tokens, requests or mappings; the hash is nobody’s', async () => {
    for (const c of outsiders()) {
      const client = await c.client()
      for (const table of [
        'directory_tokens',
        'directory_requests',
        'directory_group_roles',
      ] as const) {
        const { data } = await client
          .from(table)
          .select('connection_id')
          .eq('connection_id', connectionId)
        expect(data ?? [], `${c.label} ${table}`).toEqual([])
      }
      const { data, error } = await client.rpc('directory_connection_overview', {
        p_workspace_id: world.wsA,
      })
      expect(data, c.label).toBeNull()
      expect(error, c.label).not.toBeNull()
    }
    const { error } = await owner.from('directory_tokens').select('token_hash').limit(1)
    expect(error?.code).toBe('42501')
  })

  it('an Admin granted directory.manage may; an inactive, suspended or pending one still may not', async () => {
    const grant = await owner.rpc('set_role_permission', {
      p_workspace_id: world.wsA,
      p_role: 'admin',
      p_permission: 'directory.manage',
      p_granted: true,
    })
    expect(grant.error).toBeNull()
    try {
      for (const status of ['active', 'inactive', 'suspended', 'pending'] as const) {
        const admin = await clientAs(person('admin', status).id)
        const { data, error } = await admin.rpc('directory_connection_overview', {
          p_workspace_id: world.wsA,
        })
        if (status === 'active') {
          expect(error).toBeNull()
          expect(data!.map((o) => o.connection_id)).toEqual([connectionId])
        } else {
          expect(error, status).not.toBeNull()
        }
      }
      // A Member can never hold it (the catalogue keeps it for Admins).
      const toMember = await owner.rpc('set_role_permission', {
        p_workspace_id: world.wsA,
        p_role: 'member',
        p_permission: 'directory.manage',
        p_granted: true,
      })
      expect(toMember.error).toMatchObject({ code: '42501', hint: 'not_allowed' })
    } finally {
      await owner.rpc('set_role_permission', {
        p_workspace_id: world.wsA,
        p_role: 'admin',
        p_permission: 'directory.manage',
        p_granted: false,
      })
    }
  })
})

describe('tokens: created, rotated and revoked by the Owner, each logged in the same transaction', () => {
  let first: string
  let second: string

  async function activity(action: string) {
    return sql<{
      actor_id: string
      occurred_at: Date
      after: Record<string, unknown> | null
      before: Record<string, unknown> | null
    }>(
      `select actor_id, occurred_at, after, before from public.activity_log
        where workspace_id = $1 and action = $2 and entity_id = $3 order by id`,
      [world.wsA, action, connectionId],
    )
  }

  it('the first token is a creation: shown once, stored as a hash, logged with the Owner as actor', async () => {
    const { data, error } = await owner.rpc('create_directory_token', {
      p_connection_id: connectionId,
    })
    expect(error).toBeNull()
    const t = data![0]!
    first = t.id
    expect(t.token).toMatch(/^fxscim_[0-9a-f]{64}$/)
    expect(t.token_hint).toBe(t.token.slice(-4))
    const [stored] = await sql<{ token_hash: string; created_at: Date }>(
      `select token_hash, created_at from public.directory_tokens where id = $1`,
      [t.id],
    )
    expect(stored!.token_hash).not.toContain(t.token.slice(7, 20))
    const rows = await activity('directory.token_created')
    expect(rows).toHaveLength(1)
    expect(rows[0]!.actor_id).toBe(world.ownerA.id)
    expect(rows[0]!.after).toMatchObject({ name: 'Okta', token_id: t.id, token_hint: t.token_hint })
    // now() is the transaction's start: equal times mean one transaction.
    expect(rows[0]!.occurred_at.getTime()).toBe(stored!.created_at.getTime())
  })

  it('a second one is a rotation; a third is refused and leaves no row', async () => {
    const { data, error } = await owner.rpc('create_directory_token', {
      p_connection_id: connectionId,
    })
    expect(error).toBeNull()
    second = data![0]!.id
    const rows = await activity('directory.token_rotated')
    expect(rows).toHaveLength(1)
    expect(rows[0]!.actor_id).toBe(world.ownerA.id)
    const third = await owner.rpc('create_directory_token', { p_connection_id: connectionId })
    expect(third.error).toMatchObject({ code: '22023', hint: 'too_many' })
    expect(await tokensOf(connectionId)).toBe(2)
    expect(await activity('directory.token_rotated')).toHaveLength(1)
    expect(await activity('directory.token_created')).toHaveLength(1)
  })

  it('nobody else revokes or makes a token of A (B’s Owner included); A is unchanged', async () => {
    let attempts = 0
    for (const c of outsiders()) {
      const client = await c.client()
      const made = await client.rpc('create_directory_token', { p_connection_id: connectionId })
      const revoked = await client.rpc('revoke_directory_token', { p_token_id: first })
      expect(made.error, c.label).not.toBeNull()
      expect(revoked.error, c.label).not.toBeNull()
      attempts += 2
    }
    expect(attempts).toBe(2 * outsiders().length)
    expect(await tokensOf(connectionId)).toBe(2)
    expect(await activity('directory.token_revoked')).toHaveLength(0)
  })

  it('the Owner revokes the old token: logged, same transaction', async () => {
    const { error } = await owner.rpc('revoke_directory_token', { p_token_id: first })
    expect(error).toBeNull()
    const [stored] = await sql<{ revoked_at: Date }>(
      `select revoked_at from public.directory_tokens where id = $1`,
      [first],
    )
    const rows = await activity('directory.token_revoked')
    expect(rows).toHaveLength(1)
    expect(rows[0]!.actor_id).toBe(world.ownerA.id)
    expect(rows[0]!.before).toMatchObject({ token_id: first })
    expect(rows[0]!.occurred_at.getTime()).toBe(stored!.revoked_at.getTime())
    expect(await tokensOf(connectionId)).toBe(1)
    expect(second).toBeTruthy()
  })
})

describe("another workspace's Owner cannot reach A's connection", () => {
  it('every settings function on A answers an error and changes nothing', async () => {
    // B's Owner holds directory.manage in B: a connection of their own works ...
    const own = await ownerB.rpc('create_directory_connection', {
      p_workspace_id: world.wsB,
      p_name: 'Entra ID',
    })
    expect(own.error).toBeNull()
    const [tokenA] = await sql<{ id: string }>(
      `select id from public.directory_tokens where connection_id = $1 and revoked_at is null`,
      [connectionId],
    )
    // ... and nothing of A's.
    const attempts = [
      ownerB.rpc('directory_connection_overview', { p_workspace_id: world.wsA }),
      ownerB.rpc('create_directory_connection', { p_workspace_id: world.wsA, p_name: 'Sneaky' }),
      ownerB.rpc('update_directory_connection', {
        p_connection_id: connectionId,
        p_name: 'Renamed',
        p_default_role: 'admin',
        p_send_invitation: true,
      }),
      ownerB.rpc('set_directory_group_roles', {
        p_connection_id: connectionId,
        p_mappings: [{ group: 'Everyone', role: 'admin' }],
      }),
      ownerB.rpc('create_directory_token', { p_connection_id: connectionId }),
      ownerB.rpc('revoke_directory_token', { p_token_id: tokenA!.id }),
      ownerB.rpc('delete_directory_connection', { p_connection_id: connectionId }),
    ]
    const answers = await Promise.all(attempts)
    for (const a of answers) {
      expect(a.error).not.toBeNull()
      // Not found, not "not allowed": B cannot tell A's connection exists.
      expect(['PT404', '42501']).toContain(a.error!.code)
    }
    expect(answers.filter((a) => a.error?.code === 'PT404').length).toBeGreaterThanOrEqual(5)
    const [conn] = await sql<{ name: string; default_role: string; send_invitation: boolean }>(
      `select name, default_role, send_invitation from public.directory_connections where id = $1`,
      [connectionId],
    )
    expect(conn).toEqual({ name: 'Okta', default_role: 'member', send_invitation: false })
    expect(await tokensOf(connectionId)).toBe(1)
    const { data } = await ownerB.from('directory_connections').select('id').eq('id', connectionId)
    expect(data).toEqual([])
  })
})

describe('a member the connection manages, on the Users page', () => {
  let token: string
  let membershipId: string
  const email = uniqueEmail('dirset-scim')

  beforeAll(async () => {
    const { data } = await owner.rpc('create_directory_token', { p_connection_id: connectionId })
    token = data![0]!.token
    const r = await scim(token, 'POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: email,
      name: { givenName: 'Sam', familyName: 'Synced' },
      emails: [{ type: 'work', value: email, primary: true }],
      active: true,
    })
    expect(r.status).toBe(201)
    membershipId = r.body.id as string
  })

  it('the page reads "Managed by Okta", the request is in the recent list, the last request time is set', async () => {
    const { data, error } = await owner.rpc('member_directory_page', {
      p_workspace_id: world.wsA,
      p_search: email,
    })
    expect(error).toBeNull()
    expect(data).toHaveLength(1)
    expect(data![0]).toMatchObject({ id: membershipId, managed_by: 'Okta', role: 'member' })
    const { data: requests } = await owner
      .from('directory_requests')
      .select('method, path, status')
      .eq('connection_id', connectionId)
      .order('id', { ascending: false })
      .limit(1)
    expect(requests).toEqual([{ method: 'POST', path: '/v2/Users', status: 201 }])
    const { data: overview } = await owner.rpc('directory_connection_overview', {
      p_workspace_id: world.wsA,
    })
    expect(overview![0]!.last_request_at).not.toBeNull()
    expect(overview![0]!.managed_members).toBe(1)
    // A Viewer (members.view) sees who manages whom too; not the tokens.
    const viewer = await clientAs(person('viewer', 'active').id)
    const { data: seen } = await viewer
      .from('member_directory')
      .select('managed_by')
      .eq('id', membershipId)
    expect(seen).toEqual([{ managed_by: 'Okta' }])
  })

  it('its menu refuses role and status changes with the reason; removal stays', async () => {
    const { data } = await owner
      .from('member_directory')
      .select('actions')
      .eq('id', membershipId)
      .single()
    const actions = data!.actions as {
      action: string
      refusal: string | null
      reason: string | null
    }[]
    expect(actions.map((a) => [a.action, a.refusal])).toEqual([
      ['changeRole', 'directory_managed'],
      ['suspend', 'directory_managed'],
      ['deactivate', 'directory_managed'],
      ['remove', null],
    ])
    expect(actions[2]!.reason).toBe(
      'Managed by Okta: change this in Okta. Directory sync would undo a change made here.',
    )
    expect(actions[0]!.reason).toContain('Managed by Okta: the role follows the groups in Okta')
  })

  it('the RPCs refuse the same, saying why, and change nothing', async () => {
    for (const [fn, args] of [
      ['change_member_role', { p_membership_id: membershipId, p_role: 'admin' }],
      ['deactivate_member', { p_membership_id: membershipId }],
      ['suspend_member', { p_membership_id: membershipId }],
    ] as const) {
      const { error } = await owner.rpc(fn, args as never)
      expect(error, fn).toMatchObject({ code: '42501', hint: 'directory_managed' })
      expect(error!.message, fn).toContain('Managed by Okta')
    }
    const bulk = await owner.rpc('deactivate_members', { p_membership_ids: [membershipId] })
    expect(bulk.error).not.toBeNull()
    const [m] = await sql<{ role: string; status: string }>(
      `select role, status from public.memberships where id = $1`,
      [membershipId],
    )
    expect(m).toEqual({ role: 'member', status: 'active' })
  })

  it("the Owner's group mappings set the role (the settings page's own change is not refused)", async () => {
    const group = await scim(token, 'POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Fluxera Viewers',
      members: [{ value: membershipId }],
    })
    expect(group.status).toBe(201)
    const { error } = await owner.rpc('set_directory_group_roles', {
      p_connection_id: connectionId,
      p_mappings: [{ group: 'Fluxera Viewers', role: 'viewer' }],
    })
    expect(error).toBeNull()
    const [m] = await sql<{ role: string }>(`select role from public.memberships where id = $1`, [
      membershipId,
    ])
    expect(m!.role).toBe('viewer')
    const [logged] = await sql<{ actor_id: string }>(
      `select actor_id from public.activity_log where action = 'member.role_changed' and entity_id = $1`,
      [membershipId],
    )
    expect(logged!.actor_id).toBe(world.ownerA.id)
  })

  it('once disconnected, the member is an ordinary one again', async () => {
    const { error } = await owner.rpc('delete_directory_connection', {
      p_connection_id: connectionId,
    })
    expect(error).toBeNull()
    const after = await scim(token, 'GET', '/Users?count=1')
    expect(after.status).toBe(401)
    const { data } = await owner
      .from('member_directory')
      .select('managed_by')
      .eq('id', membershipId)
      .single()
    expect(data!.managed_by).toBeNull()
    const { error: roleError } = await owner.rpc('change_member_role', {
      p_membership_id: membershipId,
      p_role: 'member',
    })
    expect(roleError).toBeNull()
  })
})
