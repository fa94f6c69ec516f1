// A permission-gated write: PATCH one asset's notes (needs assets.edit), each writing one
// activity row as in real use, as the admin and as the service role, through the API and as SQL.
import type { SupabaseClient } from '@supabase/supabase-js'
import { asRole, fmtMs, measure, throwIfError, type Stats } from '../lib.ts'
import type { Session } from './session.ts'

export interface WriteRow {
  id: string
  label: string
  api: Stats
  apiService: Stats
  sql: Stats
  sqlService: Stats
  rlsRatioApi: number
  rlsRatioSql: number
  apiOverheadP50: number
}

/** `--only=write` */
export async function write(s: Session): Promise<void> {
  const { db, admin, service, claims, serviceClaims, ctx, log } = s
  const opts = { warmup: Math.min(s.opts.warmup, 10), iterations: Math.min(s.opts.iterations, 100) }
  const assetAt = (i: number): string => ctx.assetIds[i % ctx.assetIds.length] ?? ''
  const patch = (client: SupabaseClient, tag: string) => async (i: number) => {
    const { data } = await throwIfError(
      client
        .from('assets')
        .update({ notes: `bench ${tag} ${i}` })
        .eq('id', assetAt(i))
        .select('*')
        .single(),
    )
    if (!data) throw new Error('asset update returned nothing')
  }
  const updateSql = `with u as (update public.assets set notes = $1 where id = $2 returning *) select json_agg(u) from u`
  const update = (params: string[]) =>
    db.query({ name: 'bench_asset_patch', text: updateSql, values: params })
  const api = await measure(patch(admin, 'admin'), opts)
  const apiService = await measure(patch(service, 'service'), opts)
  const sql = await measure(
    (i) => asRole(db, 'authenticated', claims, () => update([`bench sql ${i}`, assetAt(i)])),
    opts,
  )
  const sqlService = await measure(
    (i) =>
      asRole(db, 'service_role', serviceClaims, () =>
        update([`bench sql-service ${i}`, assetAt(i)]),
      ),
    opts,
  )
  s.results.writes.push({
    id: 'write.asset_patch',
    label: 'PATCH one asset (assets.edit; writes an activity row)',
    api,
    apiService,
    sql,
    sqlService,
    rlsRatioApi: api.p50 / apiService.p50,
    rlsRatioSql: sql.p50 / sqlService.p50,
    apiOverheadP50: api.p50 - sql.p50,
  })
  log(
    `${'PATCH one asset'.padEnd(56)} api ${fmtMs(api.p50)}/${fmtMs(api.p95)} ms  service ${fmtMs(apiService.p50)}  ` +
      `sql ${fmtMs(sql.p50)}/${fmtMs(sql.p95)}  sql-service ${fmtMs(sqlService.p50)}`,
  )
}
