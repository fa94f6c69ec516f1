// The activity export as the SPA pages it: newest first, keyset on id, `chunk` rows a request,
// as CSV (PostgREST's Accept: text/csv) or JSON (what src/api/activity.ts activityChunk() gets).
import { anonKey } from '../stack/config.mjs'
import { ACTIVITY_COLUMNS } from './cases.mjs'
import { apiUrl } from './lib.mjs'

export async function exportActivity({ workspaceId, bearer, accept, total, chunk }) {
  const columns = ACTIVITY_COLUMNS.replace(/\s+/g, '')
  let cursor = null
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
    let got
    if (accept === 'text/csv') {
      // One record per line: no field of the log contains a raw newline (jsonb and inet are single-line).
      const lines = body.split('\n').filter((l) => l.length > 0)
      got = lines.length - 1
      cursor = got > 0 ? lines[lines.length - 1].split(',', 1)[0] : null
    } else {
      const data = JSON.parse(body)
      got = data.length
      cursor = got > 0 ? String(data[data.length - 1].id) : null
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
