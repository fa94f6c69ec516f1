// Export of 100k activity rows by PostgREST paging: newest first, keyset on id, `chunk` rows a
// request, as CSV (PostgREST's Accept: text/csv) or JSON (how the SPA exported before issue 23
// item 10; its streamed export of a million rows is measured by scripts/bench/export-browser.ts);
// as the admin (three runs, the median) and as the service role.
import { anonKey, serviceRoleKey } from '../../../local-stack/config.ts'
import { ACTIVITY_COLUMNS, apiUrl } from '../lib.ts'
import type { Session } from './session.ts'

export interface ExportRun {
  format: string
  rows: number
  requests: number
  bytes: number
  seconds: number
  rowsPerSecond: number
}

export interface ExportResult {
  rows: number
  chunk: number
  runs: ExportRun[]
  medianSeconds: number
  rowsPerSecond: number
  serviceRole: ExportRun
  rlsRatio: number
  jsonChunks: ExportRun
}

export async function exportActivity({
  workspaceId,
  bearer,
  accept,
  total,
  chunk,
}: {
  workspaceId: string
  bearer: string
  accept: 'text/csv' | 'application/json'
  total: number
  chunk: number
}): Promise<ExportRun> {
  const columns = ACTIVITY_COLUMNS.replace(/\s+/g, '')
  let cursor: string | null = null
  let rows = 0
  let bytes = 0
  let requests = 0
  const t0 = performance.now()
  while (rows < total) {
    const limit = Math.min(chunk, total - rows)
    const url =
      `${apiUrl}/rest/v1/activity_log?select=${columns}&workspace_id=eq.${workspaceId}&order=id.desc&limit=${limit}` +
      (cursor ? `&id=lt.${cursor}` : '')
    const res = await fetch(url, {
      headers: { apikey: anonKey, Authorization: `Bearer ${bearer}`, Accept: accept },
    })
    const body = await res.text()
    if (!res.ok) throw new Error(`export: HTTP ${res.status} ${body.slice(0, 200)}`)
    requests++
    bytes += Buffer.byteLength(body)
    let got: number
    if (accept === 'text/csv') {
      // One record per line: no field of the log contains a raw newline (jsonb and inet are single-line).
      const lines = body.split('\n').filter((l) => l.length > 0)
      got = lines.length - 1
      cursor = got > 0 ? (lines[lines.length - 1]?.split(',', 1)[0] ?? null) : null
    } else {
      const data = JSON.parse(body) as { id: number | string }[]
      got = data.length
      const last = data[data.length - 1]
      cursor = got > 0 && last ? String(last.id) : null
    }
    if (got !== limit) throw new Error(`export: asked for ${limit} rows, got ${got}`)
    rows += got
  }
  const seconds = (performance.now() - t0) / 1000
  return {
    format: accept,
    rows,
    requests,
    bytes,
    seconds: Number(seconds.toFixed(3)),
    rowsPerSecond: Math.round(rows / seconds),
  }
}

/** `--only=export` */
export async function exportRows(s: Session): Promise<void> {
  const { exportRows: total, exportChunk: chunk, quick } = s.settings
  const runs = quick ? 1 : 3
  const csvAdmin: ExportRun[] = []
  const exp = (bearer: string, accept: 'text/csv' | 'application/json') =>
    exportActivity({ workspaceId: s.ctx.workspaceId, bearer, accept, total, chunk })
  for (let r = 0; r < runs; r++) csvAdmin.push(await exp(s.token, 'text/csv'))
  const csvService = await exp(serviceRoleKey, 'text/csv')
  const jsonAdmin = await exp(s.token, 'application/json')
  const best = csvAdmin.map((x) => x.seconds).sort((a, b) => a - b)
  const median = best[Math.floor(best.length / 2)] ?? NaN
  const result: ExportResult = {
    rows: total,
    chunk,
    runs: csvAdmin,
    medianSeconds: median,
    rowsPerSecond: Math.round(total / median),
    serviceRole: csvService,
    rlsRatio: median / csvService.seconds,
    jsonChunks: jsonAdmin,
  }
  s.results.export = result
  s.log(
    `\nexport ${total} activity rows as CSV (${chunk}/request, keyset): median ${median.toFixed(2)} s, ` +
      `${result.rowsPerSecond} rows/s, ${((csvAdmin[0]?.bytes ?? 0) / 2 ** 20).toFixed(1)} MB; service role ${csvService.seconds.toFixed(2)} s; ` +
      `JSON chunks (the SPA's activityChunk) ${jsonAdmin.seconds.toFixed(2)} s`,
  )
}
