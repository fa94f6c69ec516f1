// Shared pieces of the benchmark: tokens, one query description turned into both a supabase-js
// call and the equivalent SQL, timing loops and statistics. (supabase-js clients: clients.mjs.)
import { SignJWT } from 'jose'
import { createHash, randomUUID } from 'node:crypto'
import { apiUrl as stackApiUrl, jwtSecret } from '../stack/config.mjs'

export const apiUrl = process.env.BENCH_API_URL ?? stackApiUrl

// ---------- Tokens and clients ------------------------------------------------------------
/**
 * An access token shaped like Supabase Auth's, signed with the project's JWT secret. Supabase
 * Auth cannot run on this machine (README, "Supabase Auth locally"), so nobody signs in: the
 * token is minted here, as tests/helpers/stack.ts does. PostgREST verifies it like Auth's.
 */
export async function accessToken(user, { aal = 'aal1', expiresInSeconds = 3600, sessionId } = {}) {
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
 * helpers refuse a token whose session Auth no longer keeps (20261201000210). Without it every
 * read of the bench returns no row. Returns the session id, for accessToken({ sessionId }).
 */
export async function liveSession(db, user, { aal = 'aal1' } = {}) {
  const id = randomUUID()
  await db.query(
    `insert into auth.sessions (id, user_id, created_at, updated_at, aal) values ($1, $2, now(), now(), $3)`,
    [id, user.id, aal],
  )
  return id
}

/** The claims PostgREST would put in request.jwt.claims for that token. */
export function claimsOf(token) {
  return Buffer.from(token.split('.')[1], 'base64url').toString('utf8')
}

// ---------- One query, two forms -------------------------------------------------------------
// A read is { table, select, filters: [[op, column, value]] (op: eq, gte, lt, before = keyset
// on (column, id)), search: { columns, text },
// order: [[column, 'asc'|'desc', 'nullslast'?]], limit, offset, count, apiLimit }. The nulls option is
// only sent when given, as the SPA does: `id desc nulls last` would not match an index on
// `id desc`. Values may be functions of the iteration number, so repeated runs vary their
// parameters like real users do.

/** Escapes LIKE wildcards, as src/lib/postgrest.ts does. */
const escapeLike = (text) => text.replace(/[\\%_]/g, (c) => `\\${c}`)
const likePattern = (text) => `%${escapeLike(text.trim())}%`

export function resolve(q, i) {
  const v = (x) => (typeof x === 'function' ? x(i) : x)
  return {
    ...q,
    filters: (q.filters ?? []).map(([op, col, val]) => [op, col, v(val)]),
    search: q.search ? { columns: q.search.columns, text: v(q.search.text) } : null,
    offset: v(q.offset) ?? 0,
  }
}

/** The supabase-js call the SPA makes for this read (src/api/*.ts). */
export function apiRead(client, q) {
  let b = client.from(q.table).select(q.select, q.count ? { count: q.count } : undefined)
  for (const [op, col, val] of q.filters) {
    if (op === 'eq') b = b.eq(col, val)
    else if (op === 'gte') b = b.gte(col, val)
    else if (op === 'lt') b = b.lt(col, val)
    else if (op === 'before') {
      // keyset on (col, id) newest first, in PostgREST's filter language:
      // col <= ts and (col < ts or id < lastId); the first part bounds the index range.
      b = b.lte(col, val.ts).or(`${col}.lt.${val.ts},id.lt.${val.id}`)
    } else throw new Error(`unknown filter ${op}`)
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

const sqlOps = { eq: '=', gte: '>=', lt: '<' }

/**
 * The same read as one SQL statement, shaped like PostgREST's: the page (and, with count, the
 * total of the filtered set) aggregated to JSON in the database.
 */
export function sqlRead(q) {
  const params = []
  const p = (value) => {
    params.push(value)
    return `$${params.length}`
  }
  const conds = q.filters.map(([op, col, val]) => {
    if (op !== 'before') return `${col} ${sqlOps[op]} ${p(val)}`
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
export async function runRead(db, s) {
  if (s.before)
    await db.query({ name: statementName(s.before), text: s.before, values: s.countParams })
  return db.query({ name: statementName(s.text), text: s.text, values: s.params })
}
export const statementName = (text) =>
  `bench_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`

/**
 * Runs fn inside a transaction as `role` with the token's claims, the way PostgREST does
 * (role and request.jwt.claims are transaction-local settings). Commits unless rollback.
 */
export async function asRole(db, role, claims, fn, { rollback = false } = {}) {
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

// ---------- Timing -------------------------------------------------------------------------
export function stats(samples) {
  const xs = [...samples].sort((a, b) => a - b)
  const q = (p) => xs[Math.min(xs.length - 1, Math.max(0, Math.ceil(p * xs.length) - 1))]
  const round = (x) => Math.round(x * 100) / 100
  return {
    n: xs.length,
    p50: round(q(0.5)),
    p95: round(q(0.95)),
    p99: round(q(0.99)),
    mean: round(xs.reduce((a, b) => a + b, 0) / xs.length),
    min: round(xs[0]),
    max: round(xs[xs.length - 1]),
  }
}

/**
 * Warm-up, then timed iterations of fn(i), one at a time. Slow queries (warm-up median above
 * slowMs) get fewer iterations so the machine is not held for minutes.
 */
export async function measure(fn, { warmup, iterations, slowMs = 250, slowIterations = 20 }) {
  const warm = []
  for (let i = 0; i < warmup; i++) {
    const t0 = performance.now()
    await fn(i)
    warm.push(performance.now() - t0)
    if (i >= 2 && stats(warm).p50 > slowMs) break // slow: a few warm-up runs are enough
  }
  const n =
    warm.length && stats(warm).p50 > slowMs ? Math.min(iterations, slowIterations) : iterations
  const samples = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    await fn(warmup + i)
    samples.push(performance.now() - t0)
  }
  return stats(samples)
}

export async function throwIfError(builder) {
  const { data, error, count } = await builder
  if (error) throw new Error(`${error.code ?? ''} ${error.message}`.trim())
  return { data, count }
}

export const fmtMs = (x) => (x == null ? '—' : x >= 100 ? x.toFixed(0) : x.toFixed(1))
export const fmtRatio = (x) => (x == null || !Number.isFinite(x) ? '—' : `${x.toFixed(2)}x`)
