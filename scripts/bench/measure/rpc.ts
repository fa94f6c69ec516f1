// The RPCs the pages call on every visit: my_permissions, activity_alerts (the Activity page)
// and member_mfa_status (the member drawer), through the API and as SQL.
import { asRole, fmtMs, measure, throwIfError, type Stats } from '../lib.ts'
import type { Session } from './session.ts'

export interface RpcRow {
  id: string
  label: string
  rows: number
  api: Stats
  sql: Stats
  apiOverheadP50: number
}

interface Rpc {
  id: string
  label: string
  fn: string
  check?: (data: unknown[] | null) => boolean
}

/** `--only=rpc` */
export async function rpc(s: Session): Promise<void> {
  const { db, admin, claims, ctx, opts, log } = s
  const rpcs: Rpc[] = [
    {
      id: 'rpc.my_permissions',
      label: 'rpc my_permissions',
      fn: 'my_permissions',
      check: (data) => data?.includes('assets.edit') ?? false,
    },
    // The Activity page asks for alerts on every visit (src/components/ActivityAlerts.vue).
    { id: 'rpc.activity_alerts', label: 'rpc activity_alerts (last 24 h)', fn: 'activity_alerts' },
    // The member drawer asks for every member's 2FA state to show one (MemberDrawer.vue).
    {
      id: 'rpc.member_mfa_status',
      label: 'rpc member_mfa_status (every member)',
      fn: 'member_mfa_status',
      check: (data) => (data?.length ?? 0) >= ctx.dataset.members,
    },
  ]
  for (const r of rpcs) {
    const sqlText = `select coalesce(json_agg(t), '[]') from public.${r.fn}($1) t`
    let rows = 0
    const api = await measure(async (i) => {
      const { data } = await throwIfError<unknown[]>(
        admin.rpc(r.fn, { p_workspace_id: ctx.workspaceId }),
      )
      if (r.check && !r.check(data)) throw new Error(`${r.fn}: unexpected answer`)
      if (i === 0) rows = data?.length ?? 0
    }, opts)
    const sql = await measure(
      () =>
        asRole(db, 'authenticated', claims, () =>
          db.query({ name: `bench_${r.fn}`, text: sqlText, values: [ctx.workspaceId] }),
        ),
      opts,
    )
    s.results.rpc.push({
      id: r.id,
      label: r.label,
      rows,
      api,
      sql,
      apiOverheadP50: api.p50 - sql.p50,
    })
    log(
      `${r.label.padEnd(56)} api ${fmtMs(api.p50)}/${fmtMs(api.p95)} ms  sql ${fmtMs(sql.p50)}/${fmtMs(sql.p95)}  (${rows} rows)`,
    )
  }
}
