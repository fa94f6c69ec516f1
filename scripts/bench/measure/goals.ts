// The goals the figures are held to, and the closing table of `npm run bench`.
import { fmtMs, fmtRatio, type Stats } from '../lib.ts'
import { SEQ_SCAN_TABLES } from './explain.ts'
import type { Session } from './session.ts'

export const GOALS = {
  membersP95: 15,
  activityP95: 30,
  rlsRatio: 1.5,
  triggerRatio: 1.5,
  exportSeconds: 5,
  /** issue 26: the shell's initial JS, and what the sign-in and invitation pages load. */
  initialJsKb: 150,
  publicPageJsKb: 100,
}

export interface Goal {
  goal: string
  measured: string
  pass: boolean
}

/** The row of `rows` with the largest `key` (the first of equals). */
function worst<T extends object, K extends keyof T>(rows: readonly T[], key: K): T | undefined {
  let w: T | undefined
  for (const r of rows) if (w === undefined || Number(r[key]) > Number(w[key])) w = r
  return w
}

/** Fills s.results.goals from the figures measured. */
export function evaluateGoals(s: Session): void {
  const { results, settings } = s
  const g = results.goals
  const members = results.reads
    .filter((r) => r.group === 'members')
    .map((r) => ({ ...r, p95: r.api.p95 }))
  const activity = results.reads
    .filter((r) => r.group === 'activity')
    .map((r) => ({ ...r, p95: r.api.p95 }))
  const wm = worst(members, 'p95')
  if (wm) {
    g.push({
      goal: `members page p95 < ${GOALS.membersP95} ms`,
      measured: `${fmtMs(wm.p95)} ms (worst: ${wm.label})`,
      pass: wm.p95 < GOALS.membersP95,
    })
  }
  const wa = worst(activity, 'p95')
  if (wa) {
    g.push({
      goal: `activity page p95 < ${GOALS.activityP95} ms (incl. deep pages)`,
      measured: `${fmtMs(wa.p95)} ms (worst: ${wa.label})`,
      pass: wa.p95 < GOALS.activityP95,
    })
  }
  const reads = [...results.reads.filter((r) => r.group !== 'activity-offset'), ...results.writes]
  const wApi = worst(reads, 'rlsRatioApi')
  const wSql = worst(reads, 'rlsRatioSql')
  if (wApi && wSql) {
    g.push({
      goal: `RLS <= ${GOALS.rlsRatio}x service role (API p50)`,
      measured: `${fmtRatio(wApi.rlsRatioApi)} (worst: ${wApi.label})`,
      pass: wApi.rlsRatioApi <= GOALS.rlsRatio,
    })
    g.push({
      goal: `RLS <= ${GOALS.rlsRatio}x service role (SQL p50, no HTTP)`,
      measured: `${fmtRatio(wSql.rlsRatioSql)} (worst: ${wSql.label})`,
      pass: wSql.rlsRatioSql <= GOALS.rlsRatio,
    })
  }
  if (results.trigger) {
    const t = results.trigger
    g.push({
      goal: `activity trigger <= ${GOALS.triggerRatio}x (update as the admin, RLS on)`,
      measured: `${fmtRatio(t.ratio)} (+${t.addedPerUpdateUs.toFixed(0)} µs/update)`,
      pass: t.ratio <= GOALS.triggerRatio,
    })
    g.push({
      goal: `activity trigger <= ${GOALS.triggerRatio}x (bare update, no RLS)`,
      measured: `${fmtRatio(t.asPostgresNoRls.ratio)} (+${t.asPostgresNoRls.addedPerUpdateUs.toFixed(0)} µs/update)`,
      pass: t.asPostgresNoRls.ratio <= GOALS.triggerRatio,
    })
  }
  if (results.export)
    g.push({
      goal: `${settings.exportRows} rows CSV export < ${GOALS.exportSeconds} s`,
      measured: `${results.export.medianSeconds.toFixed(2)} s`,
      pass: results.export.medianSeconds < GOALS.exportSeconds,
    })
  if (results.js && results.js.skipped === undefined)
    g.push({
      goal: `initial JS < ${GOALS.initialJsKb} KB gzip`,
      measured: `${results.js.totalGzipKb.toFixed(1)} KB`,
      pass: results.js.totalGzipKb < GOALS.initialJsKb,
    })
  if (results.js && results.js.skipped === undefined)
    for (const page of results.js.pages?.filter((p) => !p.signedIn) ?? [])
      g.push({
        goal: `${page.path} loads < ${GOALS.publicPageJsKb} KB of JS gzip`,
        measured: `${page.gzipKb.toFixed(1)} KB`,
        pass: page.gzipKb < GOALS.publicPageJsKb,
      })
  if (s.wants('explain')) {
    const bad = results.explain.seqScans.filter((f) => f.share < 0.5)
    g.push({
      goal: `no Seq Scan on ${SEQ_SCAN_TABLES.join('/')} that filters most rows out`,
      measured: `${bad.length} such (${results.explain.seqScans.length} Seq Scans in all; ${[...new Set(bad.map((f) => f.query))].join(', ') || 'none'})`,
      pass: bad.length === 0,
    })
  }
}

/** A line of the closing table. */
interface SummaryRow {
  label: string
  api: Stats
  sql: Stats
  apiOverheadP50: number
  apiService?: Stats
  sqlService?: Stats
  rlsRatioApi?: number
  rlsRatioSql?: number
  goalMs?: number | null
}

/** The table of every read, RPC and write, then the goals. */
export function printSummary(s: Session): void {
  const { results, log } = s
  // Reads and writes have service-role and SQL figures, RPCs only API and SQL.
  const rows: SummaryRow[] = [...results.reads, ...results.rpc, ...results.writes]
  if (rows.length) {
    const head = [
      'query',
      'api p50',
      'api p95',
      'svc p50',
      'RLS api',
      'sql p50',
      'sql p95',
      'sql svc',
      'RLS sql',
      'api-sql',
      'goal',
    ]
    const body = rows.map((r) => [
      r.label,
      fmtMs(r.api.p50),
      fmtMs(r.api.p95),
      fmtMs(r.apiService?.p50),
      fmtRatio(r.rlsRatioApi),
      fmtMs(r.sql.p50),
      fmtMs(r.sql.p95),
      fmtMs(r.sqlService?.p50),
      fmtRatio(r.rlsRatioSql),
      fmtMs(r.apiOverheadP50),
      r.goalMs ? (r.api.p95 < r.goalMs ? `ok <${r.goalMs}` : `MISS <${r.goalMs}`) : '',
    ])
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)))
    const line = (cells: string[]) =>
      cells
        .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
        .join('  ')
    log(
      `\nAll times in ms, ${s.settings.iterations} iterations (fewer for slow queries); api = supabase-js through the gateway as the admin;` +
        ` svc = service role (no RLS); sql = the same statement in Postgres via pg (the floor)`,
    )
    log(line(head))
    log(widths.map((w) => '-'.repeat(w)).join('  '))
    for (const b of body) log(line(b))
  }
  log('\nGoals')
  for (const goal of results.goals)
    log(`  ${goal.pass ? 'PASS' : 'MISS'}  ${goal.goal.padEnd(52)} ${goal.measured}`)
}
