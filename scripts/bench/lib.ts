// Shared pieces of the benchmarks: tokens, supabase-js clients, one query description turned into
// both a supabase-js call and the equivalent SQL, SQL sessions as an API role, timing loops and
// statistics, formatting.
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import { SignJWT } from 'jose'
import { createHash, randomUUID } from 'node:crypto'
import type pg from 'pg'
import { anonKey, apiUrl as stackApiUrl, jwtSecret } from '../../local-stack/config.ts'

export const apiUrl = process.env.BENCH_API_URL ?? stackApiUrl

/** The pg connection the benchmarks run their SQL on. */
export type Db = pg.Client

/** The fields of an auth.users row the benchmarks need. */
export interface BenchUser {
  id: string
  email: string
}

// ---------- Tokens and clients ------------------------------------------------------------
export interface TokenOptions {
  aal?: 'aal1' | 'aal2'
  expiresInSeconds?: number
  sessionId?: string
}

/**
 * An access token shaped like Supabase Auth's, signed with the project's JWT secret. Supabase
 * Auth cannot run on this machine (README, "Supabase Auth locally"), so nobody signs in: the
 * token is minted here, as tests/helpers/stack.ts does. PostgREST verifies it like Auth's.
 */
export async function accessToken(
  user: BenchUser,
  { aal = 'aal1', expiresInSeconds = 3600, sessionId }: TokenOptions = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({
    sub: user.id,
    aud: 'authenticated',
    role: 'authenticated',
    email: user.email,
    phone: '',
    app_metadata: { provider: 'email', providers: ['email'] },
    user_metadata: {},
    aal,
    amr: [{ method: 'password', timestamp: now }],
    session_id: sessionId ?? randomUUID(),
    is_anonymous: false,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(`${apiUrl}/auth/v1`)
    .setIssuedAt(now)
    .setExpirationTime(now + expiresInSeconds)
    .sign(new TextEncoder().encode(jwtSecret))
}

/**
 * A live Auth session for `user` (an auth.sessions row, as Auth writes at sign-in), so that a
 * token carrying its id passes private.session_active() like a real signed-in user's: the RLS
 * helpers refuse a token whose session Auth no longer keeps (private.session_active). Without it every
 * read of the bench returns no row. Returns the session id, for accessToken({ sessionId }).
 */
export async function liveSession(
  db: Db,
  user: BenchUser,
  { aal = 'aal1' }: { aal?: 'aal1' | 'aal2' } = {},
): Promise<string> {
  const id = randomUUID()
  await db.query(
    `insert into auth.sessions (id, user_id, created_at, updated_at, aal) values ($1, $2, now(), now(), $3)`,
    [id, user.id, aal],
  )
  return id
}

/** The claims PostgREST would put in request.jwt.claims for that token. */
export function claimsOf(token: string): string {
  return Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')
}

/** A supabase-js client of the stack's API (no session kept: the bearer is fixed). */
export function supabaseClient(key: string, bearer?: string): SupabaseClient {
  return createClient(apiUrl, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: bearer ? { headers: { Authorization: `Bearer ${bearer}` } } : {},
  })
}
/** supabase-js as the user whose access token this is (the anon key as apikey, as the SPA). */
export const userClient = (token: string): SupabaseClient => supabaseClient(anonKey, token)

/** Columns the SPA's activity page selects: the SPA's own constant. */
export { ACTIVITY_COLUMNS } from '../../src/api/activityColumns.ts'

/** Cycles through xs by iteration number, so repeated runs vary their parameters. */
export const rotate =
  <T>(xs: readonly T[]) =>
  (i: number): T =>
    xs[i % xs.length] as T

// ---------- One query, two forms -------------------------------------------------------------
// A read is a table, a select list, filters (op: eq, gte, lt, before = keyset on (column, id)), an
// optional search, an order, a limit, an offset and a count. The nulls option is only sent when
// given, as the SPA does: `id desc nulls last` would not match an index on `id desc`. Values may
// be functions of the iteration number, so repeated runs vary their parameters like real users do.

/** A position in the log for keyset pagination in time order. */
export interface TimeCursor {
  ts: string
  id: string
}
/** A value, or a function of the iteration number giving it. */
export type Varying<T extends string | number | TimeCursor> = T | ((i: number) => T)
export type Filter =
  | [op: 'eq' | 'gte' | 'lt', column: string, value: Varying<string>]
  | [op: 'before', column: string, value: Varying<TimeCursor>]
export type ResolvedFilter =
  | [op: 'eq' | 'gte' | 'lt', column: string, value: string]
  | [op: 'before', column: string, value: TimeCursor]
export type Order = [column: string, dir: 'asc' | 'desc', nulls?: 'nullslast' | 'nullsfirst']
export type CountMode = 'exact' | 'planned' | 'estimated' | null

export interface Read {
  table: string
  select: string
  filters?: Filter[]
  search?: { columns: string[]; text: Varying<string> }
  order: Order[]
  limit: number
  offset?: Varying<number>
  count: CountMode
  /** false: the SPA asks for everything; PostgREST caps it at db-max-rows (limit). */
  apiLimit?: false
}
export interface ResolvedRead extends Omit<Read, 'filters' | 'search' | 'offset'> {
  filters: ResolvedFilter[]
  search: { columns: string[]; text: string } | null
  offset: number
}

/** One read the benchmark measures: its id, the group it reports under, its label and goal. */
export interface ReadCase {
  id: string
  group: string
  label: string
  goalMs?: number
  read: Read
}

/** Escapes LIKE wildcards, as src/lib/postgrest.ts does. */
const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`)
const likePattern = (text: string): string => `%${escapeLike(text.trim())}%`

function valueAt<T extends string | number | TimeCursor>(x: Varying<T>, i: number): T {
  return typeof x === 'function' ? x(i) : x
}

/** The read of iteration i: every varying value replaced by its value for i. */
export function resolve(q: Read, i: number): ResolvedRead {
  return {
    ...q,
    filters: (q.filters ?? []).map((f): ResolvedFilter =>
      f[0] === 'before' ? [f[0], f[1], valueAt(f[2], i)] : [f[0], f[1], valueAt(f[2], i)],
    ),
    search: q.search ? { columns: q.search.columns, text: valueAt(q.search.text, i) } : null,
    offset: q.offset === undefined ? 0 : valueAt(q.offset, i),
  }
}

/** The supabase-js call the SPA makes for this read (src/api/*.ts). */
export function apiRead(client: SupabaseClient, q: ResolvedRead) {
  let b = client
    .from(q.table)
    .select<string, Record<string, unknown>>(q.select, q.count ? { count: q.count } : undefined)
  for (const f of q.filters) {
    if (f[0] === 'before') {
      const [, col, val] = f
      // keyset on (col, id) newest first, in PostgREST's filter language:
      // col <= ts and (col < ts or id < lastId); the first part bounds the index range.
      b = b.lte(col, val.ts).or(`${col}.lt.${val.ts},id.lt.${val.id}`)
    } else {
      const [op, col, val] = f
      if (op === 'eq') b = b.eq(col, val)
      else if (op === 'gte') b = b.gte(col, val)
      else b = b.lt(col, val)
    }
  }
  if (q.search) {
    const quoted = `"${likePattern(q.search.text).replace(/["\\]/g, (c) => `\\${c}`)}"`
    b = b.or(q.search.columns.map((c) => `${c}.ilike.${quoted}`).join(','))
  }
  for (const [col, dir, nulls] of q.order) {
    b = b.order(
      col,
      nulls
        ? { ascending: dir === 'asc', nullsFirst: nulls === 'nullsfirst' }
        : { ascending: dir === 'asc' },
    )
  }
  // apiLimit false: the SPA asks for everything; PostgREST caps it at db-max-rows (q.limit).
  if (q.apiLimit !== false)
    b = q.offset ? b.range(q.offset, q.offset + q.limit - 1) : b.limit(q.limit)
  return b
}

const sqlOps = { eq: '=', gte: '>=', lt: '<' } as const

/** A read as SQL: the statement, its parameters and the forms EXPLAIN and the count need. */
export interface SqlRead {
  text: string
  /** The planner-count step PostgREST runs first (count planned/estimated), if any. */
  before: string | null
  explain: string
  explainCount: string | null
  params: unknown[]
  countParams: unknown[]
}

/**
 * The same read as one SQL statement, shaped like PostgREST's: the page (and, with count, the
 * total of the filtered set) aggregated to JSON in the database.
 */
export function sqlRead(q: ResolvedRead): SqlRead {
  const params: unknown[] = []
  const p = (value: unknown): string => {
    params.push(value)
    return `$${params.length}`
  }
  const conds = q.filters.map((f) => {
    if (f[0] !== 'before') return `${f[1]} ${sqlOps[f[0]]} ${p(f[2])}`
    const [, col, val] = f
    const ts = p(val.ts)
    return `${col} <= ${ts} and (${col} < ${ts} or id < ${p(val.id)})`
  })
  if (q.search) {
    const ph = p(likePattern(q.search.text))
    conds.push(`(${q.search.columns.map((c) => `${c} ilike ${ph}`).join(' or ')})`)
  }
  const where = conds.length ? ` where ${conds.join(' and ')}` : ''
  const order = q.order
    .map(
      ([col, dir, nulls]) =>
        `${col} ${dir}${nulls ? ` ${nulls === 'nullsfirst' ? 'nulls first' : 'nulls last'}` : ''}`,
    )
    .join(', ')
  const countSql = `select count(*) from public.${q.table}${where}`
  const countParams = [...params]
  // Limit and offset are parameters too, as in PostgREST's statements: with a literal offset of
  // 500,000 the planner would pick a different plan than the one the API gets.
  const page = `select ${q.select} from public.${q.table}${where} order by ${order} limit ${p(q.limit)}${q.offset ? ` offset ${p(q.offset)}` : ''}`
  // exact: count(*) in the same statement, as PostgREST does. planned/estimated: PostgREST asks
  // the planner (EXPLAIN) first; estimated counts exactly only below db-max-rows (10,000).
  const total = q.count === 'exact' ? `(${countSql})` : 'null::bigint'
  return {
    text: `with page as (${page}) select ${total} as total, coalesce(json_agg(page), '[]') as body from page`,
    before: q.count && q.count !== 'exact' ? `explain (format json) ${countSql}` : null,
    explain: page,
    explainCount: q.count ? countSql : null,
    params,
    countParams,
  }
}

// ---------- SQL sessions as an API role ------------------------------------------------------
/**
 * Runs a read built by sqlRead (with its planner-count step, if any) on a pg client, as a named
 * prepared statement: PostgREST prepares its statements too, and after five executions Postgres
 * may switch to a generic plan (one that does not look at the parameter values). The floor must
 * run into the same plans as the API, good or bad.
 */
export async function runRead(
  db: Db,
  s: Pick<SqlRead, 'text' | 'params'> & Partial<Pick<SqlRead, 'before' | 'countParams'>>,
): Promise<pg.QueryResult> {
  if (s.before)
    await db.query({ name: statementName(s.before), text: s.before, values: s.countParams })
  return db.query({ name: statementName(s.text), text: s.text, values: s.params })
}
export const statementName = (text: string): string =>
  `bench_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`

/**
 * Runs fn inside a transaction as `role` with the token's claims, the way PostgREST does
 * (role and request.jwt.claims are transaction-local settings). Commits unless rollback.
 */
export async function asRole<T>(
  db: Db,
  role: 'authenticated' | 'service_role',
  claims: string,
  fn: () => Promise<T>,
  { rollback = false }: { rollback?: boolean } = {},
): Promise<T> {
  await db.query('begin')
  try {
    await db.query(
      `select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`,
      [role, claims],
    )
    const result = await fn()
    await db.query(rollback ? 'rollback' : 'commit')
    return result
  } catch (err) {
    await db.query('rollback').catch(() => {})
    throw err
  }
}

/** The first row of a query; throws when there is none. */
export async function oneRow<T extends pg.QueryResultRow>(
  db: Db,
  text: string,
  params: unknown[] = [],
): Promise<T> {
  const row = (await db.query<T>(text, params)).rows[0]
  if (row === undefined) throw new Error(`no row from: ${text.slice(0, 80)}`)
  return row
}

// ---------- Timing -------------------------------------------------------------------------
export interface Stats {
  n: number
  p50: number
  p95: number
  p99: number
  mean: number
  min: number
  max: number
}

export function stats(samples: readonly number[]): Stats {
  const xs = [...samples].sort((a, b) => a - b)
  const q = (p: number): number =>
    xs[Math.min(xs.length - 1, Math.max(0, Math.ceil(p * xs.length) - 1))] ?? NaN
  const round = (x: number): number => Math.round(x * 100) / 100
  return {
    n: xs.length,
    p50: round(q(0.5)),
    p95: round(q(0.95)),
    p99: round(q(0.99)),
    mean: round(xs.reduce((a, b) => a + b, 0) / xs.length),
    min: round(xs[0] ?? NaN),
    max: round(xs[xs.length - 1] ?? NaN),
  }
}

export interface MeasureOptions {
  warmup: number
  iterations: number
  slowMs?: number
  slowIterations?: number
}

/**
 * Warm-up, then timed iterations of fn(i), one at a time. Slow queries (warm-up median above
 * slowMs) get fewer iterations so the machine is not held for minutes.
 */
export async function measure(
  fn: (i: number) => Promise<unknown>,
  { warmup, iterations, slowMs = 250, slowIterations = 20 }: MeasureOptions,
): Promise<Stats> {
  const warm: number[] = []
  for (let i = 0; i < warmup; i++) {
    const t0 = performance.now()
    await fn(i)
    warm.push(performance.now() - t0)
    if (i >= 2 && stats(warm).p50 > slowMs) break // slow: a few warm-up runs are enough
  }
  const n =
    warm.length && stats(warm).p50 > slowMs ? Math.min(iterations, slowIterations) : iterations
  const samples: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    await fn(warmup + i)
    samples.push(performance.now() - t0)
  }
  return stats(samples)
}

/** What supabase-js resolves to: data or an error, and the count when one was asked for. */
export interface ApiResponse<T> {
  data: T | null
  error: { code?: string; message: string } | null
  count?: number | null
}

/** Awaits a supabase-js call; throws on its error. */
export async function throwIfError<T>(
  builder: PromiseLike<ApiResponse<T>>,
): Promise<{ data: T | null; count: number | null }> {
  const { data, error, count } = await builder
  if (error) throw new Error(`${error.code ?? ''} ${error.message}`.trim())
  return { data, count: count ?? null }
}

export const fmtMs = (x: number | null | undefined): string =>
  x == null ? '—' : x >= 100 ? x.toFixed(0) : x.toFixed(1)
export const fmtRatio = (x: number | null | undefined): string =>
  x == null || !Number.isFinite(x) ? '—' : `${x.toFixed(2)}x`

/** The value of --name=value among the arguments, or undefined. */
export function argValue(args: readonly string[], name: string): string | undefined {
  const a = args.find((x) => x.startsWith(`--${name}=`))
  return a === undefined ? undefined : a.slice(name.length + 3)
}

/**
 * The Users search terms the benchmarks measure one by one (issue 26: a rotation's mean hid
 * the rare term), from one match to none, with the share of Bench Corp's members each
 * matches (load.ts prints the counts).
 */
export const SEARCHES: [id: string, term: string, label: string][] = [
  ['one', 'adm', 'one member'],
  ['few', 'noah.jones', 'a handful'],
  ['2pct', 'kow', '1-2%'],
  ['10pct', 'mar', '10%'],
  ['none', 'zz-nobody', 'nobody'],
  ['1char', 'q', 'one letter'],
  ['2char', 'li', 'two letters'],
]
