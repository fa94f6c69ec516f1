// Alerts for unusual patterns, end to end: an Admin deleting ten assets through PostgREST
// (ten requests, as the SPA would) shows up as a deletion burst in activity_alerts(); nine
// deletions by someone else do not.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clientAs, closeSql, createUser, sql, uniqueEmail, type Client } from '../helpers/stack'

let ws: string
let admin: { id: string; email: string }
let admin2: { id: string; email: string }
let memberId: string
let adminClient: Client
let admin2Client: Client

async function assets(n: number, tag: string): Promise<string[]> {
  const rows = await sql<{ id: string }>(
    `insert into public.assets (workspace_id, name, asset_tag)
     select $1, 'Old laptop ' || g, $2 || '-' || g from generate_series(1, $3::int) g returning id`,
    [ws, tag, n],
  )
  return rows.map((r) => r.id)
}

beforeAll(async () => {
  const ownerEmail = uniqueEmail('alerts-owner')
  const ownerId = await createUser(ownerEmail)
  const [w] = await sql<{ id: string }>(
    `with w as (insert into public.workspaces (name) values ($1) returning id),
          m as (insert into public.memberships (workspace_id, user_id, role, status, joined_at)
                select id, $2, 'owner', 'active', now() from w returning workspace_id)
     select workspace_id as id from m`,
    [`Alerts ${randomUUID().slice(0, 6)}`, ownerId],
  )
  ws = w!.id
  admin = { email: uniqueEmail('alerts-admin'), id: '' }
  admin.id = await createUser(admin.email)
  admin2 = { email: uniqueEmail('alerts-admin2'), id: '' }
  admin2.id = await createUser(admin2.email)
  memberId = await createUser(uniqueEmail('alerts-member'))
  await sql(
    `insert into public.memberships (workspace_id, user_id, role, status, joined_at)
     values ($1, $2, 'admin', 'active', now()), ($1, $3, 'admin', 'active', now()), ($1, $4, 'member', 'active', now())`,
    [ws, admin.id, admin2.id, memberId],
  )
  adminClient = await clientAs(admin.email)
  admin2Client = await clientAs(admin2.email)
})
afterAll(closeSql)

describe('activity_alerts', () => {
  it('finds an Admin deleting 10 assets through the API, and not 9 deletions by another', async () => {
    for (const id of await assets(10, `A${randomUUID().slice(0, 4)}`)) {
      const { error } = await adminClient.from('assets').delete().eq('id', id)
      expect(error).toBeNull()
    }
    for (const id of await assets(9, `B${randomUUID().slice(0, 4)}`)) {
      const { error } = await admin2Client.from('assets').delete().eq('id', id)
      expect(error).toBeNull()
    }

    const { data, error } = await adminClient.rpc('activity_alerts', { p_workspace_id: ws })
    expect(error).toBeNull()
    expect(data).toHaveLength(1)
    const [alert] = data!
    expect(alert).toMatchObject({
      kind: 'deletion_burst',
      actor_id: admin.id,
      actor_email: admin.email,
      event_count: 10,
      threshold: 10,
    })
    expect(new Date(alert!.window_end).getTime()).toBeGreaterThanOrEqual(
      new Date(alert!.window_start).getTime(),
    )
    expect(data!.some((a) => a.actor_id === admin2.id)).toBe(false)
  })

  it('is refused without activity.view', async () => {
    const member = await clientAs(memberId)
    const { error } = await member.rpc('activity_alerts', { p_workspace_id: ws })
    expect(error?.code).toBe('42501')
  })

  it('shows the same burst to analysts in reporting.alerts', async () => {
    const rows = await sql<{ kind: string; actor_email: string; event_count: number }>(
      `select kind, actor_email, event_count from reporting.alerts where workspace_id = $1`,
      [ws],
    )
    expect(rows).toEqual([{ kind: 'deletion_burst', actor_email: admin.email, event_count: 10 }])
  })
})
