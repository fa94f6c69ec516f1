// Findings of the outside attack run (issue 12) that need the real request path: the
// gateway's X-Forwarded-For, a revoked Auth session, and a banned member trying to lift their
// own ban through the API. (The database-only findings are in supabase/tests/database/13-*.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  anonKey,
  apiUrl,
  clientWithToken,
  closeSql,
  forgedToken,
  sessionToken,
  signInFresh,
  sql,
} from '../helpers/stack'
import { buildWorld, type Person, type World } from './fixtures'

let world: World
const person = (role: Person['role'], status: Person['status']) =>
  world.people.find((p) => p.role === role && p.status === status)!

async function bannedUntil(userId: string): Promise<string | null> {
  const [row] = await sql<{ banned_until: Date | null }>(
    'select banned_until from auth.users where id = $1',
    [userId],
  )
  return row!.banned_until ? row!.banned_until.toISOString() : null
}

beforeAll(async () => {
  world = await buildWorld('harden')
})
afterAll(closeSql)

describe('the recorded IP is the one the trusted proxy saw', () => {
  it('a forged X-Forwarded-For does not reach the activity log', async () => {
    const token = await sessionToken(world.ownerA.id)
    const [asset] = await sql<{ id: string }>(
      'select id from public.assets where workspace_id = $1 limit 1',
      [world.wsA],
    )
    const res = await fetch(`${apiUrl}/rest/v1/assets?id=eq.${asset!.id}`, {
      method: 'PATCH',
      headers: {
        apikey: anonKey,
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        'X-Forwarded-For': '6.6.6.6',
      },
      body: JSON.stringify({ notes: 'forged header test' }),
    })
    expect(res.status).toBe(204)
    const [row] = await sql<{ ip: string | null }>(
      `select host(ip) as ip from public.activity_log
        where workspace_id = $1 and entity_id = $2 and action = 'asset.updated'
        order by id desc limit 1`,
      [world.wsA, asset!.id],
    )
    // The gateway appends the socket address it accepted the connection from.
    expect(row!.ip).toBe('127.0.0.1')
  })
})

describe('a revoked session gets nothing, anywhere', () => {
  it('reads and RPCs are refused once the session row is gone', async () => {
    const admin = person('admin', 'active')
    // A session of its own (a fresh sign-in through Auth), revoked below.
    const token = (await (await signInFresh(admin.id)).auth.getSession()).data.session!.access_token
    const headers = { apikey: anonKey, Authorization: `Bearer ${token}` }
    const before = await fetch(`${apiUrl}/rest/v1/memberships?select=id`, { headers })
    expect(((await before.json()) as unknown[]).length).toBeGreaterThan(0)

    const sessionId = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())
      .session_id as string
    await sql('delete from auth.sessions where id = $1', [sessionId])

    for (const table of ['memberships', 'profiles', 'workspaces', 'assets', 'permissions']) {
      // memberships: the columns a signed-in person may read at all (below)
      const columns = table === 'memberships' ? 'id,role,status' : '*'
      const res = await fetch(`${apiUrl}/rest/v1/${table}?select=${columns}`, { headers })
      expect([table, res.status, await res.json()]).toEqual([table, 200, []])
    }
    const rpc = await fetch(`${apiUrl}/rest/v1/rpc/create_workspace`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ p_name: 'After revocation' }),
    })
    expect(rpc.status).toBe(401)
    expect(((await rpc.json()) as { hint: string }).hint).toBe('session_revoked')
  })
})

describe('a banned member cannot lift their own ban', () => {
  it('a deactivated member: create_workspace is refused and the ban stays', async () => {
    const gone = person('member', 'inactive')
    const ban = await bannedUntil(gone.id)
    expect(ban).not.toBeNull()
    // Auth issues no token to a banned account and offboarding ended its sessions: a token with a
    // live session here is forged, so that the database's own refusal is what is tested.
    const client = clientWithToken(await forgedToken(gone.id, { liveSession: true }))
    const { error } = await client.rpc('create_workspace', { p_name: 'Escape hatch' })
    expect(error?.hint).toBe('account_disabled')
    expect(await bannedUntil(gone.id)).toBe(ban)
  })

  it('a suspended member: leave_workspace is refused and the ban stays', async () => {
    const away = person('viewer', 'suspended')
    const ban = await bannedUntil(away.id)
    expect(ban).not.toBeNull()
    // Auth issues no token to a banned account and offboarding ended its sessions: a token with a
    // live session here is forged, so that the database's own refusal is what is tested.
    const client = clientWithToken(await forgedToken(away.id, { liveSession: true }))
    const { error, status } = await client.rpc('leave_workspace', { p_workspace_id: world.wsA })
    expect([status, error?.hint]).toEqual([403, 'offboarded'])
    expect(await bannedUntil(away.id)).toBe(ban)
  })
})

describe('the reason for a status, last activity and the inviter need members.manage', () => {
  const manageOnly = ['status_reason', 'last_active_at', 'invited_by']

  it('a Viewer reads the roster but none of them from the table', async () => {
    const viewer = person('viewer', 'active')
    await sql(
      `update public.memberships set status_reason = 'Laptop returned late' where id = $1`,
      [person('member', 'suspended').membershipId],
    )
    const headers = { apikey: anonKey, Authorization: `Bearer ${await sessionToken(viewer.id)}` }
    const roster = await fetch(
      `${apiUrl}/rest/v1/memberships?select=id,role,status,member_name&workspace_id=eq.${world.wsA}`,
      { headers },
    )
    expect(roster.status).toBe(200)
    expect(((await roster.json()) as unknown[]).length).toBeGreaterThanOrEqual(world.people.length)
    for (const column of [...manageOnly, '*']) {
      const res = await fetch(`${apiUrl}/rest/v1/memberships?select=${column}`, { headers })
      const body = (await res.json()) as { code?: string }
      expect([column, res.status, body.code]).toEqual([column, 403, '42501'])
    }
    // What the Users page shows a Viewer: the same columns empty.
    const { data } = await clientWithToken(await sessionToken(viewer.id)).rpc(
      'member_directory_page',
      { p_workspace_id: world.wsA, p_limit: 100 },
    )
    expect(data!.filter((m) => m.status_reason || m.last_active_at || m.invited_by)).toEqual([])
  })

  it('an Admin reads them through the directory, not the table', async () => {
    const admin = person('admin', 'active')
    const client = clientWithToken(await sessionToken(admin.id))
    const table = await client.from('memberships').select('status_reason').limit(1)
    expect(table.error?.code).toBe('42501')
    const { data, error } = await client.rpc('member_directory_page', {
      p_workspace_id: world.wsA,
      p_limit: 100,
    })
    expect(error).toBeNull()
    expect(
      data!.find((m) => m.id === person('member', 'suspended').membershipId)?.status_reason,
    ).toBe('Laptop returned late')
  })

  it('a member reads their own reason through my_memberships', async () => {
    const away = person('member', 'suspended')
    // Suspended in their only workspace, so banned in Auth: a token with a live session is
    // forged here, as in the tests above.
    const client = clientWithToken(await forgedToken(away.id, { liveSession: true }))
    const { data, error } = await client.rpc('my_memberships')
    expect(error).toBeNull()
    expect(data).toEqual([
      expect.objectContaining({
        workspace_id: world.wsA,
        workspace_name: null,
        status: 'suspended',
        effective_status: 'suspended',
        status_reason: 'Laptop returned late',
      }),
    ])
  })
})
