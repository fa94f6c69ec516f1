// The permission matrix, proven from outside: every role x every status x every table x
// select/insert/update/delete through PostgREST with the token Auth gave each user at sign-in
// (fixtures.ts), plus the anonymous key, a signed-in user with no membership, and the Owner of
// another workspace. Each case asserts the exact outcome PRODUCT.md asks for: how many of
// workspace A's rows are visible, and whether a write happened (checked in the database
// afterwards), never just "no error".
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { anonClient, clientAs, closeSql, sql, type Client } from '../helpers/stack'
import { buildWorld, roles, statuses, type Role, type Status, type World } from './fixtures'

// Default grants of PRODUCT.md's matrix (the Owner holds every permission).
const grants: Record<Exclude<Role, 'owner'>, string[]> = {
  admin: [
    'assets.view',
    'assets.create',
    'assets.edit',
    'assets.delete',
    'assets.assign',
    'licenses.view',
    'licenses.create',
    'licenses.edit',
    'licenses.delete',
    'reports.view',
    'members.view',
    'members.invite',
    'members.manage',
    'activity.view',
    'activity.export',
    'settings.manage',
  ],
  member: [
    'assets.view',
    'assets.create',
    'licenses.view',
    'licenses.create',
    'reports.view',
    'members.view',
  ],
  viewer: ['assets.view', 'licenses.view', 'reports.view', 'members.view'],
}

type Actor =
  | { kind: 'member'; id: string; role: Role; status: Status; label: string }
  | { kind: 'anon'; label: string }
  | { kind: 'stranger'; id: string; label: string }
  | { kind: 'other-owner'; id: string; label: string }

const holds = (a: Actor, permission: string) =>
  a.kind === 'member' &&
  a.status === 'active' &&
  (a.role === 'owner' || grants[a.role].includes(permission))
const activeMember = (a: Actor) => a.kind === 'member' && a.status === 'active'

interface TableSpec {
  table: string
  /** Rows of workspace A this actor must see, counted in the database. */
  visible: (a: Actor, w: World) => Promise<number>
  /** Restricts a select to workspace A's rows. */
  scope: (w: World) => { column: string; values: string[] }
  /** Columns a signed-in person may select (default every column). */
  columns?: string
  insert: { allowed: (a: Actor) => boolean; row: (a: Actor, w: World) => Record<string, unknown> }
  update: {
    allowed: (a: Actor) => boolean
    target: (w: World) => Promise<{
      id: Record<string, string>
      patch: Record<string, unknown>
      changed: () => Promise<boolean>
    }>
  }
  remove: {
    allowed: (a: Actor) => boolean
    target: (w: World) => Promise<{ id: Record<string, string>; exists: () => Promise<boolean> }>
  }
}

const count = async (text: string, values: unknown[]) =>
  Number((await sql<{ n: string }>(text, values))[0]!.n)
const nobody = () => false
const wsRows = (table: string) => (w: World) =>
  count(`select count(*) n from public.${table} where workspace_id = $1`, [w.wsA])
const byPermission = (table: string, permission: string) => async (a: Actor, w: World) =>
  holds(a, permission) ? wsRows(table)(w) : 0
const inA = (w: World) => ({ column: 'workspace_id', values: [w.wsA] })
const actorId = (a: Actor, w: World) => ('id' in a ? a.id : w.stranger.id)

async function disposableAsset(w: World) {
  const [r] = await sql<{ id: string }>(
    `insert into public.assets (workspace_id, name, asset_tag, category, status) values ($1, 'Disposable', $2, 'other', 'in_stock') returning id`,
    [w.wsA, `D-${randomUUID().slice(0, 8)}`],
  )
  return r!.id
}

const specs: TableSpec[] = [
  {
    table: 'workspaces',
    visible: async (a) => (activeMember(a) ? 1 : 0),
    scope: (w) => ({ column: 'id', values: [w.wsA] }),
    insert: { allowed: nobody, row: () => ({ name: 'Sneaky workspace' }) },
    update: {
      allowed: (a) => holds(a, 'settings.manage'),
      target: async (w) => {
        const name = `Renamed ${randomUUID().slice(0, 6)}`
        return {
          id: { id: w.wsA },
          patch: { name },
          changed: async () =>
            (await count(`select count(*) n from public.workspaces where id = $1 and name = $2`, [
              w.wsA,
              name,
            ])) === 1,
        }
      },
    },
    remove: {
      allowed: nobody,
      target: async (w) => ({
        id: { id: w.wsA },
        exists: async () =>
          (await count(`select count(*) n from public.workspaces where id = $1`, [w.wsA])) === 1,
      }),
    },
  },
  {
    table: 'memberships',
    // status_reason, last_active_at and invited_by are kept from authenticated (invariant 11;
    // tests/integration/hardening.test.ts)
    columns: 'id, workspace_id, user_id, role, status, member_name',
    visible: async (a, w) => {
      if (holds(a, 'members.view')) return wsRows('memberships')(w)
      return a.kind === 'member' ? 1 : 0 // your own membership, whatever its status
    },
    scope: inA,
    insert: {
      allowed: nobody,
      row: (_a, w) => ({
        workspace_id: w.wsA,
        user_id: w.stranger.id,
        role: 'admin',
        status: 'active',
      }),
    },
    update: {
      allowed: nobody,
      target: async (w) => {
        const viewer = w.people.find((p) => p.role === 'viewer' && p.status === 'active')!
        return {
          id: { id: viewer.membershipId },
          patch: { role: 'admin' },
          changed: async () =>
            (await count(
              `select count(*) n from public.memberships where id = $1 and role = 'admin'`,
              [viewer.membershipId],
            )) === 1,
        }
      },
    },
    remove: {
      allowed: nobody,
      target: async (w) => {
        const viewer = w.people.find((p) => p.role === 'viewer' && p.status === 'inactive')!
        return {
          id: { id: viewer.membershipId },
          exists: async () =>
            (await count(`select count(*) n from public.memberships where id = $1`, [
              viewer.membershipId,
            ])) === 1,
        }
      },
    },
  },
  {
    table: 'role_permissions',
    visible: async (a, w) => (activeMember(a) ? wsRows('role_permissions')(w) : 0),
    scope: inA,
    insert: {
      allowed: nobody,
      row: (_a, w) => ({ workspace_id: w.wsA, role: 'viewer', permission: 'members.manage' }),
    },
    update: {
      allowed: nobody,
      target: async (w) => ({
        id: { workspace_id: w.wsA, role: 'viewer', permission: 'assets.view' },
        patch: { permission: 'assets.delete' },
        changed: async () =>
          (await count(
            `select count(*) n from public.role_permissions where workspace_id = $1 and role = 'viewer' and permission = 'assets.delete'`,
            [w.wsA],
          )) === 1,
      }),
    },
    remove: {
      allowed: nobody,
      target: async (w) => ({
        id: { workspace_id: w.wsA, role: 'member', permission: 'assets.view' },
        exists: async () =>
          (await count(
            `select count(*) n from public.role_permissions where workspace_id = $1 and role = 'member' and permission = 'assets.view'`,
            [w.wsA],
          )) === 1,
      }),
    },
  },
  {
    table: 'assets',
    visible: async (a, w) => {
      if (holds(a, 'assets.view')) return wsRows('assets')(w)
      return 0
    },
    scope: inA,
    insert: {
      allowed: (a) => holds(a, 'assets.create'),
      row: (_a, w) => ({
        workspace_id: w.wsA,
        name: 'New laptop',
        asset_tag: `N-${randomUUID().slice(0, 8)}`,
        category: 'laptop',
        status: 'in_stock',
      }),
    },
    update: {
      allowed: (a) => holds(a, 'assets.edit'),
      target: async (w) => {
        const id = await disposableAsset(w)
        return {
          id: { id },
          patch: { notes: 'edited' },
          changed: async () =>
            (await count(
              `select count(*) n from public.assets where id = $1 and notes = 'edited'`,
              [id],
            )) === 1,
        }
      },
    },
    remove: {
      allowed: (a) => holds(a, 'assets.delete'),
      target: async (w) => {
        const id = await disposableAsset(w)
        return {
          id: { id },
          exists: async () =>
            (await count(`select count(*) n from public.assets where id = $1`, [id])) === 1,
        }
      },
    },
  },
  {
    table: 'licenses',
    visible: byPermission('licenses', 'licenses.view'),
    scope: inA,
    insert: {
      allowed: (a) => holds(a, 'licenses.create'),
      row: (_a, w) => ({ workspace_id: w.wsA, product: 'New suite', vendor: 'Vendor', seats: 5 }),
    },
    update: {
      allowed: (a) => holds(a, 'licenses.edit'),
      target: async (w) => {
        const [r] = await sql<{ id: string }>(
          `insert into public.licenses (workspace_id, product, vendor, seats) values ($1, 'Disposable', 'V', 1) returning id`,
          [w.wsA],
        )
        return {
          id: { id: r!.id },
          patch: { notes: 'edited' },
          changed: async () =>
            (await count(
              `select count(*) n from public.licenses where id = $1 and notes = 'edited'`,
              [r!.id],
            )) === 1,
        }
      },
    },
    remove: {
      allowed: (a) => holds(a, 'licenses.delete'),
      target: async (w) => {
        const [r] = await sql<{ id: string }>(
          `insert into public.licenses (workspace_id, product, vendor, seats) values ($1, 'Disposable', 'V', 1) returning id`,
          [w.wsA],
        )
        return {
          id: { id: r!.id },
          exists: async () =>
            (await count(`select count(*) n from public.licenses where id = $1`, [r!.id])) === 1,
        }
      },
    },
  },
  {
    table: 'license_seats',
    visible: byPermission('license_seats', 'licenses.view'),
    scope: inA,
    insert: {
      allowed: (a) => holds(a, 'assets.assign'),
      row: (a, w) => ({ workspace_id: w.wsA, license_id: '__LICENSE__', user_id: actorId(a, w) }),
    },
    update: {
      allowed: nobody,
      target: async (w) => {
        const [r] = await sql<{ id: string }>(
          `select id from public.license_seats where workspace_id = $1 limit 1`,
          [w.wsA],
        )
        return {
          id: { id: r!.id },
          patch: { user_id: w.stranger.id },
          changed: async () =>
            (await count(
              `select count(*) n from public.license_seats where id = $1 and user_id = $2`,
              [r!.id, w.stranger.id],
            )) === 1,
        }
      },
    },
    remove: {
      allowed: (a) => holds(a, 'assets.assign'),
      target: async (w) => {
        const [lic] = await sql<{ id: string }>(
          `insert into public.licenses (workspace_id, product, vendor, seats) values ($1, 'Seat holder', 'V', 2) returning id`,
          [w.wsA],
        )
        const [r] = await sql<{ id: string }>(
          `insert into public.license_seats (workspace_id, license_id, user_id) values ($1, $2, $3) returning id`,
          [w.wsA, lic!.id, w.ownerA.id],
        )
        return {
          id: { id: r!.id },
          exists: async () =>
            (await count(`select count(*) n from public.license_seats where id = $1`, [r!.id])) ===
            1,
        }
      },
    },
  },
  {
    table: 'activity_log',
    visible: async (a, w) => {
      if (holds(a, 'activity.view')) return wsRows('activity_log')(w)
      if (activeMember(a) && 'id' in a)
        return count(
          `select count(*) n from public.activity_log where workspace_id = $1 and actor_id = $2`,
          [w.wsA, a.id],
        )
      return 0
    },
    scope: inA,
    insert: {
      allowed: nobody,
      row: (a, w) => ({
        workspace_id: w.wsA,
        action: 'asset.deleted',
        entity_type: 'asset',
        actor_id: actorId(a, w),
      }),
    },
    update: {
      allowed: nobody,
      target: async (w) => {
        const [r] = await sql<{ id: string }>(
          `select id from public.activity_log where workspace_id = $1 order by id limit 1`,
          [w.wsA],
        )
        return {
          id: { id: r!.id },
          patch: { action: 'tampered' },
          changed: async () =>
            (await count(
              `select count(*) n from public.activity_log where id = $1 and action = 'tampered'`,
              [r!.id],
            )) === 1,
        }
      },
    },
    remove: {
      allowed: nobody,
      target: async (w) => {
        const [r] = await sql<{ id: string }>(
          `select id from public.activity_log where workspace_id = $1 order by id limit 1`,
          [w.wsA],
        )
        return {
          id: { id: r!.id },
          exists: async () =>
            (await count(`select count(*) n from public.activity_log where id = $1`, [r!.id])) ===
            1,
        }
      },
    },
  },
  {
    table: 'access_reviews',
    visible: byPermission('access_reviews', 'members.manage'),
    scope: inA,
    insert: {
      allowed: nobody,
      row: (a, w) => ({
        workspace_id: w.wsA,
        reviewer_id: actorId(a, w),
        members_reviewed: 0,
        flagged: 0,
        deactivated: 0,
      }),
    },
    update: {
      allowed: nobody,
      target: async (w) => {
        const [r] = await sql<{ id: string }>(
          `select id from public.access_reviews where workspace_id = $1 limit 1`,
          [w.wsA],
        )
        return {
          id: { id: r!.id },
          patch: { notes: 'rewritten' },
          changed: async () =>
            (await count(
              `select count(*) n from public.access_reviews where id = $1 and notes = 'rewritten'`,
              [r!.id],
            )) === 1,
        }
      },
    },
    remove: {
      allowed: nobody,
      target: async (w) => {
        const [r] = await sql<{ id: string }>(
          `select id from public.access_reviews where workspace_id = $1 limit 1`,
          [w.wsA],
        )
        return {
          id: { id: r!.id },
          exists: async () =>
            (await count(`select count(*) n from public.access_reviews where id = $1`, [r!.id])) ===
            1,
        }
      },
    },
  },
  {
    // The catalogue is not workspace data: every signed-in user reads it, nobody writes it.
    table: 'permissions',
    visible: async (a) =>
      a.kind === 'anon' ? 0 : count(`select count(*) n from public.permissions`, []),
    scope: () => ({
      column: 'key',
      values: [
        ...new Set(Object.values(grants).flat()),
        'reporting.credentials',
        'directory.manage',
        'billing.manage',
        'workspace.delete',
        'ownership.transfer',
      ],
    }),
    insert: {
      allowed: nobody,
      row: () => ({
        key: 'backdoor.open',
        resource: 'backdoor',
        action: 'open',
        description: 'x',
        owner_only: false,
      }),
    },
    update: {
      allowed: nobody,
      target: async () => ({
        id: { key: 'billing.manage' },
        patch: { owner_only: false },
        changed: async () =>
          (await count(
            `select count(*) n from public.permissions where key = 'billing.manage' and not owner_only`,
            [],
          )) === 1,
      }),
    },
    remove: {
      allowed: nobody,
      target: async () => ({
        id: { key: 'assets.view' },
        exists: async () =>
          (await count(
            `select count(*) n from public.permissions where key = 'assets.view'`,
            [],
          )) === 1,
      }),
    },
  },
  {
    table: 'profiles',
    // Profiles of workspace A's people: all of them with members.view, otherwise only your own.
    visible: async (a, w) => {
      if (holds(a, 'members.view')) return w.people.length
      return a.kind === 'member' ? 1 : 0
    },
    scope: (w) => ({ column: 'id', values: w.people.map((p) => p.id) }),
    insert: { allowed: nobody, row: () => ({ id: randomUUID(), email: 'ghost@example.test' }) },
    update: {
      // Only the person themselves may edit a profile: the target is workspace A's Owner.
      allowed: (a) => a.kind === 'member' && a.role === 'owner',
      target: async (w) => {
        const name = `Name ${randomUUID().slice(0, 6)}`
        return {
          id: { id: w.ownerA.id },
          patch: { full_name: name },
          changed: async () =>
            (await count(
              `select count(*) n from public.profiles where id = $1 and full_name = $2`,
              [w.ownerA.id, name],
            )) === 1,
        }
      },
    },
    remove: {
      allowed: nobody,
      target: async (w) => ({
        id: { id: w.ownerA.id },
        exists: async () =>
          (await count(`select count(*) n from public.profiles where id = $1`, [w.ownerA.id])) ===
          1,
      }),
    },
  },
]

let world: World
let actors: Actor[]
const clients = new Map<string, Client>()
let licenseA = ''
let cases = 0

beforeAll(async () => {
  // Inactive and suspended members keep a live session (a home workspace: fixtures.ts), so each
  // status is judged by what its still-valid token reaches, not by the offboarding that would
  // otherwise end the session (offboarding.test.ts, invariants.test.ts).
  world = await buildWorld(`matrix-${randomUUID().slice(0, 6)}`, { homes: true })
  // A licence nobody holds a seat on yet, so each actor's insert is judged on permission alone.
  licenseA = (
    await sql<{ id: string }>(
      `insert into public.licenses (workspace_id, product, vendor, seats) values ($1, 'Seat pool', 'V', 50) returning id`,
      [world.wsA],
    )
  )[0]!.id
  actors = [
    ...world.people.map((p) => ({
      kind: 'member' as const,
      id: p.id,
      role: p.role,
      status: p.status,
      label: `${p.role}/${p.status}`,
    })),
    { kind: 'anon', label: 'anonymous' },
    { kind: 'stranger', id: world.stranger.id, label: 'signed-in, no membership' },
    { kind: 'other-owner', id: world.ownerB.id, label: "another workspace's Owner" },
  ]
  for (const a of actors) clients.set(a.label, 'id' in a ? await clientAs(a.id) : anonClient())
})

afterAll(async () => {
  console.log(`permission matrix: ${cases} cases checked`)
  await closeSql()
})

describe('RLS permission matrix', () => {
  it('covers every role and status', () => {
    expect(roles.length * statuses.length - 3).toBe(world.people.length) // the Owner is only ever active
  })

  for (const spec of specs) {
    describe(spec.table, () => {
      it('select: each actor sees exactly the rows PRODUCT.md allows', async () => {
        for (const a of actors) {
          const { column, values } = spec.scope(world)
          const { data, error } = await clients
            .get(a.label)!
            .from(spec.table as 'assets')
            .select(spec.columns ?? '*')
            .in(column, values)
          const seen = error ? 0 : (data?.length ?? 0)
          expect(seen, `${a.label} selecting ${spec.table}`).toBe(await spec.visible(a, world))
          cases++
        }
      })

      it('insert: allowed only where the role holds the permission', async () => {
        for (const a of actors) {
          const row = spec.insert.row(a, world)
          if (row.license_id === '__LICENSE__') row.license_id = licenseA
          const before = await count(`select count(*) n from public.${spec.table}`, [])
          const { error } = await clients
            .get(a.label)!
            .from(spec.table as 'assets')
            .insert(row as never)
          const after = await count(`select count(*) n from public.${spec.table}`, [])
          const allowed = spec.insert.allowed(a)
          expect(
            after - before,
            `${a.label} inserting into ${spec.table}: ${error?.message ?? 'no error'}`,
          ).toBe(allowed ? 1 : 0)
          if (!allowed)
            expect(error, `${a.label} inserting into ${spec.table} must be refused`).not.toBeNull()
          cases++
        }
      })

      it('update: changes a row only where allowed, and nothing otherwise', async () => {
        for (const a of actors) {
          const target = await spec.update.target(world)
          await clients
            .get(a.label)!
            .from(spec.table as 'assets')
            .update(target.patch as never)
            .match(target.id)
          expect(await target.changed(), `${a.label} updating ${spec.table}`).toBe(
            spec.update.allowed(a),
          )
          cases++
        }
      })

      it('delete: removes a row only where allowed', async () => {
        for (const a of actors) {
          const target = await spec.remove.target(world)
          await clients
            .get(a.label)!
            .from(spec.table as 'assets')
            .delete()
            .match(target.id)
          expect(await target.exists(), `${a.label} deleting from ${spec.table}`).toBe(
            !spec.remove.allowed(a),
          )
          cases++
        }
      })
    })
  }
})
