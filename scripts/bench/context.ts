// Ids and parameters the benchmarks need, looked up in the bench data (as postgres).
import { oneRow, type BenchUser, type Db, type TimeCursor } from './lib.ts'

const WS_SQL = `md5('fluxera-bench:ws:0')::uuid`

export interface Dataset {
  members: number
  assets: number
  licenses: number
  seats: number
  activity: number
  activity_all_workspaces: number
  rowsInRange: number
}

export interface BenchContext {
  workspaceId: string
  userIds: string[]
  manyActorIds: string[]
  admin: BenchUser
  owner: BenchUser | undefined
  dataset: Dataset
  busyActorId: string
  actorRows: number
  quietActorId: string
  quietActorRows: number
  deepCursors: string[]
  rangeCursors: string[]
  deepTimeCursors: TimeCursor[]
  rangeTimeCursors: TimeCursor[]
  rangeFrom: string
  rangeTo: string
  comboFrom: string
  comboTo: string
  assetIds: string[]
}

/** The context of "Bench Corp", or a one-line message and exit 1 when it has not been built. */
export async function requireBenchCorp(db: Db): Promise<BenchContext> {
  const ctx = await loadContext(db)
  if (ctx) return ctx
  console.error('✖ "Bench Corp" is not in the database. Build it first: npm run bench:seed')
  process.exit(1)
}

/** The context of "Bench Corp"; null when it is not in the database. */
export async function loadContext(db: Db): Promise<BenchContext | null> {
  const ws = await db.query<{ id: string }>(`select id from public.workspaces where id = ${WS_SQL}`)
  const workspaceId = ws.rows[0]?.id
  if (workspaceId === undefined) return null
  const one = <T extends object>(text: string, params: unknown[] = []) =>
    oneRow<T>(db, text, params)
  const people = await db.query<BenchUser>(
    `select u.id, u.email from auth.users u where u.email in ('admin@bench.fluxera.test', 'owner@bench.fluxera.test')`,
  )
  const byEmail = new Map(people.rows.map((r) => [r.email, r]))
  const adminUser = byEmail.get('admin@bench.fluxera.test')
  if (!adminUser)
    throw new Error(
      'admin@bench.fluxera.test is missing; rebuild with npm run bench:seed -- --force',
    )
  const role = (
    await db.query<{ role: string; status: string }>(
      `select role, status from public.memberships where workspace_id = ${WS_SQL} and user_id = $1`,
      [adminUser.id],
    )
  ).rows[0]
  if (role?.role !== 'admin' || role?.status !== 'active')
    throw new Error(
      'the bench admin is not an active admin; rebuild with npm run bench:seed -- --force',
    )
  const dataset = await one<Omit<Dataset, 'rowsInRange'>>(
    `select (select count(*) from public.memberships where workspace_id = ${WS_SQL})::int as members,
            (select count(*) from public.assets where workspace_id = ${WS_SQL})::int as assets,
            (select count(*) from public.licenses where workspace_id = ${WS_SQL})::int as licenses,
            (select count(*) from public.license_seats where workspace_id = ${WS_SQL})::int as seats,
            (select count(*) from public.activity_log where workspace_id = ${WS_SQL})::int as activity,
            (select count(*) from public.activity_log)::int as activity_all_workspaces`,
  )
  // The busiest actor who is not the bench admin would hide the RLS "own rows" path, so take
  // the bench admin (busy, about 1% of rows) and a quiet member.
  const busy = await one<{ n: number }>(
    `select count(*)::int as n from public.activity_log where workspace_id = ${WS_SQL} and actor_id = $1`,
    [adminUser.id],
  )
  const quiet = (
    await db.query<{ id: string; n: number }>(
      `select actor_id as id, count(*)::int as n from public.activity_log
      where workspace_id = ${WS_SQL} and actor_id is not null and action = 'auth.sign_in'
      group by actor_id having count(*) between 20 and 60 order by actor_id limit 1`,
    )
  ).rows[0]
  const ids = await one<{ lo: string; hi: string }>(
    `select min(id)::text as lo, max(id)::text as hi from public.activity_log where workspace_id = ${WS_SQL}`,
  )
  const lo = BigInt(ids.lo)
  const hi = BigInt(ids.hi)
  // Ten cursors around the middle of the log (rows ~450k..550k from the top).
  const deepCursors = Array.from({ length: 10 }, (_, k) =>
    (lo + ((hi - lo) * BigInt(45 + k)) / 100n).toString(),
  )
  const yearAgo = new Date(Date.now() - 365 * 864e5)
  const rangeFrom = new Date(
    Date.UTC(yearAgo.getUTCFullYear(), yearAgo.getUTCMonth(), yearAgo.getUTCDate()),
  )
  const rangeTo = new Date(rangeFrom.getTime() + 30 * 864e5)
  const inRange = await one<{ lo: string | null; hi: string | null; n: number }>(
    `select min(id)::text as lo, max(id)::text as hi, count(*)::int as n from public.activity_log
      where workspace_id = ${WS_SQL} and occurred_at >= $1 and occurred_at < $2`,
    [rangeFrom, rangeTo],
  )
  const rlo = BigInt(inRange.lo ?? '0')
  const rhi = BigInt(inRange.hi ?? '0')
  const rangeCursors = Array.from({ length: 10 }, (_, k) =>
    (rlo + ((rhi - rlo) * BigInt(20 + 6 * k)) / 100n).toString(),
  )
  // The same positions as (occurred_at, id) pairs, for keyset pagination in time order.
  const at = async (id: string): Promise<TimeCursor> =>
    one<TimeCursor>(
      // order by the bigint column, not the text alias (which sorted '99999' above '455285')
      `select to_json(a.occurred_at) #>> '{}' as ts, a.id::text as id from public.activity_log a
      where a.workspace_id = ${WS_SQL} and a.id <= $1 order by a.id desc limit 1`,
      [id],
    )
  const deepTimeCursors: TimeCursor[] = []
  for (const c of deepCursors) deepTimeCursors.push(await at(c))
  const rangeTimeCursors: TimeCursor[] = []
  for (const c of rangeCursors) rangeTimeCursors.push(await at(c))
  const comboTo = new Date()
  const comboFrom = new Date(Date.now() - 90 * 864e5)
  const assets = await db.query<{ id: string }>(
    `select id from public.assets where workspace_id = ${WS_SQL} order by asset_tag limit 200`,
  )
  // user ids of the workspace (name lookups of a page of rows) and 50 members who did things
  // (an actor box that matched many people)
  const userIds = (
    await db.query<{ user_id: string }>(
      `select user_id from public.memberships where workspace_id = ${WS_SQL} order by id`,
    )
  ).rows.map((r) => r.user_id)
  const manyActorIds = (
    await db.query<{ user_id: string }>(
      `select m.user_id from public.memberships m where m.workspace_id = ${WS_SQL}
        and m.user_id in (select p.id from public.profiles p where p.full_name ilike '%schmidt%')
        order by m.user_id limit 50`,
    )
  ).rows.map((r) => r.user_id)
  return {
    workspaceId,
    userIds,
    manyActorIds,
    admin: adminUser,
    owner: byEmail.get('owner@bench.fluxera.test'),
    dataset: { ...dataset, rowsInRange: inRange.n },
    busyActorId: adminUser.id,
    actorRows: busy.n,
    quietActorId: quiet?.id ?? adminUser.id,
    quietActorRows: quiet?.n ?? busy.n,
    deepCursors,
    rangeCursors,
    deepTimeCursors,
    rangeTimeCursors,
    rangeFrom: rangeFrom.toISOString(),
    rangeTo: rangeTo.toISOString(),
    comboFrom: comboFrom.toISOString(),
    comboTo: comboTo.toISOString(),
    assetIds: assets.rows.map((r) => r.id),
  }
}
