/// <reference types="vite/client" />
// The SPA keeps no copy of the status and seat rules: the workspace switcher and the locked-out
// page read each membership's effective status from the database (the computed field
// `effective_status`), and the seat counts come from `seat_usage`. This runs the SPA's own
// src/api functions with real tokens against a member whose suspensions ended and did not.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { clientAs, closeSql, createUser, sql, uniqueEmail, type Client } from '../helpers/stack'

const holder = vi.hoisted(() => ({ client: null as unknown }))
vi.mock('@/lib/supabase', () => ({
  get supabase() {
    return holder.client
  },
}))
const { listMyMemberships } = await import('@/api/workspaces')
const { seatUsage } = await import('@/api/invitations')

let owner: string
let member: string
let ownerClient: Client
let memberClient: Client
const ws: Record<'ended' | 'running' | 'open' | 'off', string> = {
  ended: '',
  running: '',
  open: '',
  off: '',
}

async function workspace(name: string): Promise<string> {
  const [w] = await sql<{ id: string }>(
    `with w as (insert into public.workspaces (name, seat_limit) values ($1, 10) returning id),
          m as (insert into public.memberships (workspace_id, user_id, role, status, joined_at)
                select id, $2, 'owner', 'active', now() from w returning workspace_id)
     select workspace_id as id from m`,
    [name, owner],
  )
  await sql(
    `insert into public.memberships (workspace_id, user_id, role, status, joined_at)
     values ($1, $2, 'member', 'active', now())`,
    [w!.id, member],
  )
  return w!.id
}

beforeAll(async () => {
  owner = await createUser(uniqueEmail('rules-owner'))
  member = await createUser(uniqueEmail('rules-member'))
  ws.ended = await workspace('Suspension ended')
  ws.running = await workspace('Suspension running')
  ws.open = await workspace('Suspended until lifted')
  ws.off = await workspace('Deactivated')
  // The member signs in while active; then the statuses change under them. The suspension
  // that has ended leaves them effectively active, so they stay signed in.
  memberClient = await clientAs(member)
  ownerClient = await clientAs(owner)
  await sql(
    `update public.memberships m
        set status = s.status::public.member_status, suspended_until = s.until
       from (values ($1::uuid, 'suspended', now() - interval '1 hour'),
                    ($2::uuid, 'suspended', now() + interval '1 day'),
                    ($3::uuid, 'suspended', null::timestamptz),
                    ($4::uuid, 'inactive', null::timestamptz)) as s(ws, status, until)
      where m.workspace_id = s.ws and m.user_id = $5`,
    [ws.ended, ws.running, ws.open, ws.off, member],
  )
  // A pending invitation in the first workspace: it takes a seat but is not a member yet.
  const invitee = await createUser(uniqueEmail('rules-invitee'))
  await sql(
    `insert into public.memberships (workspace_id, user_id, role, status, invited_by, invited_at, invite_expires_at)
     values ($1, $2, 'viewer', 'pending', $3, now(), now() + interval '7 days')`,
    [ws.ended, invitee, owner],
  )
}, 60_000)

afterAll(async () => {
  await closeSql()
})

describe('the effective status comes from the database', () => {
  it('reads an ended suspension as active, a running or open-ended one as suspended', async () => {
    holder.client = memberClient
    const mine = await listMyMemberships()
    const byWorkspace = new Map(mine.map((m) => [m.workspace_id, m]))
    expect(byWorkspace.get(ws.ended)).toMatchObject({
      status: 'suspended',
      effective_status: 'active',
    })
    expect(byWorkspace.get(ws.running)).toMatchObject({
      status: 'suspended',
      effective_status: 'suspended',
    })
    expect(byWorkspace.get(ws.open)).toMatchObject({
      status: 'suspended',
      effective_status: 'suspended',
    })
    expect(byWorkspace.get(ws.off)).toMatchObject({
      status: 'inactive',
      effective_status: 'inactive',
    })
  })
})

describe('the seat rule comes from the database', () => {
  it('counts every membership that is not inactive as a seat, and members apart', async () => {
    holder.client = ownerClient
    // Owner (active), member (suspended, ended), invitee (pending).
    expect(await seatUsage(ws.ended)).toMatchObject({ members: 2, inUse: 3, limit: 10 })
    // Owner (active), member (inactive): the deactivated member frees the seat.
    expect(await seatUsage(ws.off)).toMatchObject({ members: 1, inUse: 1, limit: 10 })
  })
})
