#!/usr/bin/env node
// Directory sync at scale (issue 21): N users (10,000 unless N is set) pushed into an empty
// workspace the way an identity provider's first sync does (a filter look-up by userName,
// then POST, 4 requests at a time), through the gateway and the scim edge function; then
// 1,000 look-ups by filter against the full workspace. Prints req/s, p50/p95, errors and the
// total time, and JSON. Goal (this 2-core machine): 10,000 users in under 5 minutes with 0
// errors, a filter look-up p95 under 50 ms. The bench connection's rate limit is raised to
// 100,000 per minute (an operator setting): the default (6,000 per minute per token) is what
// a production identity provider gets.
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import pg from 'pg'
import { apiUrl, dbUrl } from '../../local-stack/config.ts'

const N = Number(process.env.N ?? 10_000)
const LOOKUPS = Number(process.env.LOOKUPS ?? 1_000)
const WIDTH = 4
const base = `${apiUrl}/functions/v1/scim/v2`

const pct = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? NaN
const round = (x: number) => Math.round(x * 10) / 10

/** An empty workspace with an Owner, a connection and a token (fixtures as postgres). */
async function setUp(): Promise<{ token: string; workspaceId: string; tag: string }> {
  const db = new pg.Client({ connectionString: dbUrl })
  await db.connect()
  const tag = randomUUID().slice(0, 8)
  const token = `fxscim_${randomBytes(32).toString('hex')}`
  const hash = createHash('sha256').update(token).digest('hex')
  const ownerId = randomUUID()
  await db.query('begin')
  await db.query(
    `insert into auth.users (id, aud, role, email, email_confirmed_at, raw_user_meta_data, created_at, updated_at,
                             confirmation_token, recovery_token, email_change_token_new, email_change)
     values ($1, 'authenticated', 'authenticated', $2, now(), '{}', now(), now(), '', '', '', '')`,
    [ownerId, `scim-bench-owner-${tag}@example.test`],
  )
  const { rows } = await db.query<{ id: string }>(
    `with w as (insert into public.workspaces (name) values ($1) returning id),
          m as (insert into public.memberships (workspace_id, user_id, role, status, joined_at)
                select id, $2, 'owner', 'active', now() from w returning workspace_id),
          c as (insert into public.directory_connections (workspace_id, name, rate_limit_per_minute)
                select workspace_id, 'Bench IdP', 100000 from m returning id, workspace_id)
     insert into public.directory_tokens (connection_id, workspace_id, token_hash, token_hint)
     select id, workspace_id, $3, right($4, 4) from c returning workspace_id as id`,
    [`SCIM Bench ${tag}`, ownerId, hash, token],
  )
  await db.query('commit')
  await db.end()
  return { token, workspaceId: rows[0]!.id, tag }
}

async function call(token: string, method: string, path: string, body?: unknown) {
  const t0 = performance.now()
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body ? { 'Content-Type': 'application/scim+json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  })
  const json = (await res.json().catch(() => ({}))) as { totalResults?: number }
  return { ms: performance.now() - t0, status: res.status, json }
}

const { token, workspaceId, tag } = await setUp()
const userName = (i: number) => `user${i}-${tag}@bench.example.test`
const lookupMs: number[] = []
const postMs: number[] = []
const errors: string[] = []

const t0 = performance.now()
let next = 0
async function worker() {
  for (let i = next++; i < N; i = next++) {
    const filter = encodeURIComponent(`userName eq "${userName(i)}"`)
    const look = await call(token, 'GET', `/Users?filter=${filter}&startIndex=1&count=100`)
    lookupMs.push(look.ms)
    if (look.status !== 200 || look.json.totalResults !== 0) {
      errors.push(`lookup ${i}: ${look.status}`)
      continue
    }
    const made = await call(token, 'POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: userName(i),
      name: { givenName: `User${i}`, familyName: 'Bench' },
      emails: [{ primary: true, type: 'work', value: userName(i) }],
      externalId: `ext-${i}`,
      active: true,
    })
    postMs.push(made.ms)
    if (made.status !== 201) errors.push(`post ${i}: ${made.status} ${JSON.stringify(made.json)}`)
    if ((i + 1) % 1000 === 0)
      console.log(`  ${i + 1} users, ${round((performance.now() - t0) / 1000)} s`)
  }
}
await Promise.all(Array.from({ length: WIDTH }, worker))
const syncSecs = (performance.now() - t0) / 1000

// Look-ups by filter against the full workspace (userName, then the work email).
const filterMs: number[] = []
const t1 = performance.now()
for (let k = 0; k < LOOKUPS; k++) {
  const i = Math.floor(Math.random() * N)
  const f =
    k % 2 === 0
      ? `userName eq "${userName(i)}"`
      : `emails[type eq "work"].value eq "${userName(i)}"`
  const r = await call(token, 'GET', `/Users?filter=${encodeURIComponent(f)}`)
  filterMs.push(r.ms)
  if (r.status !== 200 || r.json.totalResults !== 1) errors.push(`filter ${i}: ${r.status}`)
}
const filterSecs = (performance.now() - t1) / 1000

const result = {
  users: N,
  workspaceId,
  sync: {
    seconds: round(syncSecs),
    requests: lookupMs.length + postMs.length,
    reqPerSec: round((lookupMs.length + postMs.length) / syncSecs),
    lookupP50: round(pct(lookupMs, 50)),
    lookupP95: round(pct(lookupMs, 95)),
    postP50: round(pct(postMs, 50)),
    postP95: round(pct(postMs, 95)),
  },
  filterAfter: {
    lookups: LOOKUPS,
    reqPerSec: round(LOOKUPS / filterSecs),
    p50: round(pct(filterMs, 50)),
    p95: round(pct(filterMs, 95)),
  },
  errors: errors.length,
  totalSeconds: round((performance.now() - t0) / 1000),
}
console.log(
  `SCIM first sync of ${N} users: ${result.sync.seconds} s, ${result.sync.reqPerSec} req/s ` +
    `(look-up p50 ${result.sync.lookupP50} ms p95 ${result.sync.lookupP95} ms; POST p50 ${result.sync.postP50} ms p95 ${result.sync.postP95} ms); ` +
    `filter on ${N} members: p50 ${result.filterAfter.p50} ms p95 ${result.filterAfter.p95} ms; errors ${result.errors}; total ${result.totalSeconds} s`,
)
console.log(JSON.stringify(result))
if (errors.length) console.log(errors.slice(0, 10).join('\n'))
process.exit(errors.length ? 1 : 0)
