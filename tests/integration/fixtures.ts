// A self-contained world for the permission tests: workspace A with one member for every
// role x status, workspace B (another customer) with its own owner and data, and rows in every
// table. Built with SQL as `postgres` (fixtures only); every assertion then goes through PostgREST.
import { createUser, sql, uniqueEmail } from '../helpers/stack'

export const roles = ['owner', 'admin', 'member', 'viewer'] as const
export const statuses = ['active', 'inactive', 'suspended', 'pending'] as const
export type Role = (typeof roles)[number]
export type Status = (typeof statuses)[number]

export interface Person {
  id: string
  email: string
  role: Role
  status: Status
  membershipId: string
}

export interface World {
  wsA: string
  wsB: string
  people: Person[]
  ownerA: Person
  ownerB: { id: string; email: string }
  /** A user with no membership anywhere. */
  stranger: { id: string; email: string }
}

async function addMember(ws: string, userId: string, role: Role, status: Status, invitedBy: string | null) {
  const [row] = await sql<{ id: string }>(
    `insert into public.memberships (workspace_id, user_id, role, status, suspended_until, invited_by, invited_at, invite_expires_at, joined_at)
     values ($1, $2, $3::public.workspace_role, $4::public.member_status,
       case when $4::text = 'suspended' then now() + interval '30 days' end,
       $5, now(),
       case when $4::text = 'pending' then now() + interval '7 days' end,
       case when $4::text <> 'pending' then now() end)
     returning id`,
    [ws, userId, role, status, invitedBy],
  )
  return row!.id
}

/** A workspace and its Owner in one statement: the database refuses a workspace without one. */
function workspaceWithOwner(name: string, ownerId: string) {
  return sql<{ id: string; membership_id: string }>(
    `with w as (insert into public.workspaces (name) values ($1) returning id),
          m as (insert into public.memberships (workspace_id, user_id, role, status, joined_at)
                select id, $2, 'owner', 'active', now() from w returning id, workspace_id)
     select workspace_id as id, id as membership_id from m`,
    [name, ownerId],
  )
}

async function addWorkspaceData(ws: string, ownerId: string, tag: string) {
  const [asset] = await sql<{ id: string }>(
    `insert into public.assets (workspace_id, name, asset_tag, category, status, created_by)
     values ($1, $2, $3, 'laptop', 'in_stock', $4) returning id`,
    [ws, `Laptop ${tag}`, `${tag}-0001`, ownerId],
  )
  const [license] = await sql<{ id: string }>(
    `insert into public.licenses (workspace_id, product, vendor, seats, created_by)
     values ($1, $2, 'Vendor', 10, $3) returning id`,
    [ws, `Suite ${tag}`, ownerId],
  )
  await sql(
    `insert into public.license_seats (workspace_id, license_id, user_id, assigned_by) values ($1, $2, $3, $3)`,
    [ws, license!.id, ownerId],
  )
  await sql(
    `insert into public.access_reviews (workspace_id, reviewer_id, members_reviewed, flagged, deactivated)
     values ($1, $2, 1, 0, 0)`,
    [ws, ownerId],
  )
  return { assetId: asset!.id, licenseId: license!.id }
}

export async function buildWorld(label: string): Promise<World> {
  const ownerAEmail = uniqueEmail(`${label}-owner-a`)
  const ownerAId = await createUser(ownerAEmail)
  const [wsA] = await workspaceWithOwner(`${label} A`, ownerAId)
  const people: Person[] = []
  const ownerMembership = wsA!.membership_id
  const ownerA: Person = { id: ownerAId, email: ownerAEmail, role: 'owner', status: 'active', membershipId: ownerMembership }
  people.push(ownerA)
  for (const role of roles) {
    for (const status of statuses) {
      if (role === 'owner') continue // one Owner per workspace, and always active
      const email = uniqueEmail(`${label}-${role}-${status}`)
      const id = await createUser(email)
      const membershipId = await addMember(wsA!.id, id, role, status, ownerAId)
      people.push({ id, email, role, status, membershipId })
    }
  }

  const ownerBEmail = uniqueEmail(`${label}-owner-b`)
  const ownerBId = await createUser(ownerBEmail)
  const [wsB] = await workspaceWithOwner(`${label} B`, ownerBId)

  await addWorkspaceData(wsA!.id, ownerAId, `${label}A`)
  await addWorkspaceData(wsB!.id, ownerBId, `${label}B`)
  // The active Member gets an asset assigned to them (members always see what they hold).
  const memberActive = people.find((p) => p.role === 'member' && p.status === 'active')!
  await sql(
    `insert into public.assets (workspace_id, name, asset_tag, category, status, assigned_to, created_by)
     values ($1, 'Assigned laptop', $2, 'laptop', 'assigned', $3, $4)`,
    [wsA!.id, `${label}A-0002`, memberActive.id, ownerAId],
  )

  const strangerEmail = uniqueEmail(`${label}-stranger`)
  const stranger = { id: await createUser(strangerEmail), email: strangerEmail }
  return { wsA: wsA!.id, wsB: wsB!.id, people, ownerA, ownerB: { id: ownerBId, email: ownerBEmail }, stranger }
}
