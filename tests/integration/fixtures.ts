// A self-contained world for the permission tests: workspace A with one member for every
// role x status, workspace B (another customer) with its own owner and data, and rows in every
// table. Users are made through Auth's admin API and everyone signs in through Auth; workspaces,
// memberships and data are built with SQL as `postgres` (fixtures only); every assertion then goes
// through PostgREST with the tokens Auth issued.
//
// Every member of A signs in while active, and only then gets their status: an inactive,
// suspended or pending member acts with the token they were given before (the attack: an old,
// still valid token). By default the offboarding rule then applies as in the product: an inactive
// or suspended member with no other active membership is banned and their sessions end. With
// `homes`, each inactive and suspended member first gets a workspace of their own to own, so they
// stay signed in and the permission matrix shows what a live token of that status reaches in A
// (nobody else belongs to a home, so it adds no rows anyone else sees).
import { clientAs, createUser, sql, uniqueEmail } from '../helpers/stack'

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

async function addMember(ws: string, userId: string, role: Role, invitedBy: string | null) {
  const [row] = await sql<{ id: string }>(
    `insert into public.memberships (workspace_id, user_id, role, status, invited_by, invited_at, joined_at)
     values ($1, $2, $3::public.workspace_role, 'active', $4, now(), now())
     returning id`,
    [ws, userId, role, invitedBy],
  )
  return row!.id
}

/** Gives a membership its status for the matrix (after its member signed in while active). */
async function setStatus(membershipId: string, status: Status) {
  if (status === 'active') return
  await sql(
    `update public.memberships
        set status = $2::public.member_status,
            suspended_until = case when $2::text = 'suspended' then now() + interval '30 days' end,
            invite_expires_at = case when $2::text = 'pending' then now() + interval '7 days' end,
            joined_at = case when $2::text = 'pending' then null else joined_at end
      where id = $1`,
    [membershipId, status],
  )
}

/** Runs `fn` over `items`, `width` at a time (each user made or signed in costs a bcrypt hash). */
export async function inBatches<T, R>(
  items: T[],
  width: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = []
  for (let i = 0; i < items.length; i += width)
    out.push(...(await Promise.all(items.slice(i, i + width).map(fn))))
  return out
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

export async function buildWorld(label: string, opts: { homes?: boolean } = {}): Promise<World> {
  const wanted: { tag: string; role?: Role; status?: Status }[] = [
    { tag: 'owner-a' },
    ...roles
      .filter((r) => r !== 'owner')
      .flatMap((role) => statuses.map((status) => ({ tag: `${role}-${status}`, role, status }))),
    { tag: 'owner-b' },
    { tag: 'stranger' },
  ]
  const users = await inBatches(wanted, 4, async (w) => {
    const email = uniqueEmail(`${label}-${w.tag}`)
    return { ...w, email, id: await createUser(email, undefined, { password: null }) } // signs in by magic link
  })
  const ownerAUser = users[0]!
  const ownerBUser = users[users.length - 2]!
  const strangerUser = users[users.length - 1]!

  const [wsA] = await workspaceWithOwner(`${label} A`, ownerAUser.id)
  const ownerA: Person = {
    id: ownerAUser.id,
    email: ownerAUser.email,
    role: 'owner',
    status: 'active',
    membershipId: wsA!.membership_id,
  }
  const people: Person[] = [ownerA]
  for (const u of users.slice(1, -2)) {
    const role = u.role!
    const status = u.status!
    // One Owner per workspace, and always active: the Owner row is ownerA.
    const membershipId = await addMember(wsA!.id, u.id, role, ownerA.id)
    people.push({ id: u.id, email: u.email, role, status, membershipId })
  }

  const [wsB] = await workspaceWithOwner(`${label} B`, ownerBUser.id)

  await addWorkspaceData(wsA!.id, ownerA.id, `${label}A`)
  await addWorkspaceData(wsB!.id, ownerBUser.id, `${label}B`)
  // The active Member gets an asset assigned to them (members always see what they hold).
  const memberActive = people.find((p) => p.role === 'member' && p.status === 'active')!
  await sql(
    `insert into public.assets (workspace_id, name, asset_tag, category, status, assigned_to, created_by)
     values ($1, 'Assigned laptop', $2, 'laptop', 'assigned', $3, $4)`,
    [wsA!.id, `${label}A-0002`, memberActive.id, ownerA.id],
  )

  // Everyone signs in through Auth while active (the clients are cached for the test file) ...
  await inBatches([...people.map((p) => p.id), ownerBUser.id, strangerUser.id], 4, (id) =>
    clientAs(id),
  )
  // ... then A's members get their status (with `homes`, inactive and suspended ones own a home first).
  for (const p of people) {
    if (opts.homes && (p.status === 'inactive' || p.status === 'suspended'))
      await workspaceWithOwner(`${label} home ${p.role}-${p.status}`, p.id)
    await setStatus(p.membershipId, p.status)
  }

  const stranger = { id: strangerUser.id, email: strangerUser.email }
  return {
    wsA: wsA!.id,
    wsB: wsB!.id,
    people,
    ownerA,
    ownerB: { id: ownerBUser.id, email: ownerBUser.email },
    stranger,
  }
}
