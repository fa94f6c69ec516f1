// The reads of the Users, Activity and Assets pages, each timed four ways: through supabase-js as
// the admin (RLS on) and as the service role (no RLS), and as plain SQL in Postgres as both (the
// floor under the API). The cases come from members.ts, activity.ts and spa.ts.
import {
  apiRead,
  asRole,
  fmtMs,
  fmtRatio,
  measure,
  resolve,
  runRead,
  sqlRead,
  throwIfError,
  type ReadCase,
  type Stats,
} from '../lib.ts'
import type { Session } from './session.ts'

export interface ReadRow {
  id: string
  group: string
  label: string
  goalMs: number | null
  rows: number
  jsonBytes: number | undefined
  sameRowsAsServiceRole: boolean
  api: Stats
  apiService: Stats
  sql: Stats
  sqlService: Stats
  rlsRatioApi: number
  rlsRatioSql: number
  apiOverheadP50: number
}

type Rows = Record<string, unknown>[]

/** Measures each case and adds its row to s.results.reads. */
export async function measureReads(s: Session, cases: readonly ReadCase[]): Promise<void> {
  const { db, admin, service, claims, serviceClaims, opts, log } = s
  for (const c of cases) {
    const check: { admin: Rows | null; service: Rows | null; bytes?: number } = {
      admin: null,
      service: null,
    }
    const apiAuth = await measure(async (i) => {
      const { data } = await throwIfError<Rows>(apiRead(admin, resolve(c.read, i)))
      if (i === 0) check.admin = data
      if (i === 0) check.bytes = Buffer.byteLength(JSON.stringify(data))
    }, opts)
    const apiService = await measure(async (i) => {
      const { data, error } = await apiRead(service, resolve(c.read, i))
      // member_directory shows the caller's own workspaces: the service role (no auth.uid())
      // gets no rows, so a deep page is out of range (PGRST103). Counted as no rows; the line
      // then says the rows differ.
      if (error && error.code !== 'PGRST103') throw new Error(`${error.code} ${error.message}`)
      if (i === 0) check.service = data ?? []
    }, opts)
    const sqlAuth = await measure((i) => {
      const q = sqlRead(resolve(c.read, i))
      return asRole(db, 'authenticated', claims, () => runRead(db, q))
    }, opts)
    const sqlService = await measure((i) => {
      const q = sqlRead(resolve(c.read, i))
      return asRole(db, 'service_role', serviceClaims, () => runRead(db, q))
    }, opts)
    const sameRows =
      JSON.stringify(check.admin?.map((r) => r.id)) ===
      JSON.stringify(check.service?.map((r) => r.id))
    const row: ReadRow = {
      id: c.id,
      group: c.group,
      label: c.label,
      goalMs: c.goalMs ?? null,
      rows: check.admin?.length ?? 0,
      jsonBytes: check.bytes,
      sameRowsAsServiceRole: sameRows,
      api: apiAuth,
      apiService,
      sql: sqlAuth,
      sqlService,
      rlsRatioApi: apiAuth.p50 / apiService.p50,
      rlsRatioSql: sqlAuth.p50 / sqlService.p50,
      apiOverheadP50: apiAuth.p50 - sqlAuth.p50,
    }
    s.results.reads.push(row)
    log(
      `${c.label.padEnd(56)} api ${fmtMs(apiAuth.p50)}/${fmtMs(apiAuth.p95)} ms  service ${fmtMs(apiService.p50)}  ` +
        `sql ${fmtMs(sqlAuth.p50)}/${fmtMs(sqlAuth.p95)}  sql-service ${fmtMs(sqlService.p50)}  RLS ${fmtRatio(row.rlsRatioApi)} api, ${fmtRatio(row.rlsRatioSql)} sql` +
        (row.rows > 100
          ? `  (${row.rows} rows, ${((row.jsonBytes ?? 0) / 2 ** 20).toFixed(1)} MB JSON)`
          : '') +
        (sameRows ? '' : '  (!) rows differ from the service role'),
    )
  }
}
