// verify_activity_log at 1M rows (the Activity page's integrity check) through the API: as the
// SPA calls it today (the whole log in one statement; role authenticated has an 8 s
// statement_timeout), then in chunks of VERIFY_CHUNK rows (p_after_id, p_limit).
import type { ApiResponse } from '../lib.ts'
import type { Session } from './session.ts'

const VERIFY_CHUNK = 250000

interface VerifyRow {
  ok: boolean
  rows_checked: number | string
  last_id: string | number | null
}

type Chunk =
  | { error: string }
  | { seconds: number; rows: number | string | undefined; ok: boolean | undefined }

export interface VerifyResult {
  whole: {
    seconds: number
    ok: boolean | null
    rowsChecked: number | string | null
    error: string | null
  }
  chunked: {
    chunkRows: number
    seconds: number
    ok: boolean
    rowsChecked: number
    slowestChunkSeconds: number
    chunks: Chunk[]
  }
}

/** `--only=verify` */
export async function verify(s: Session): Promise<void> {
  const { admin, ctx } = s
  const t0 = performance.now()
  const whole: ApiResponse<VerifyRow[]> = await admin.rpc('verify_activity_log', {
    p_workspace_id: ctx.workspaceId,
  })
  const wholeSeconds = (performance.now() - t0) / 1000
  const wholeRow = whole.data?.[0]
  const chunks: Chunk[] = []
  let after: string | number | null = null
  const t1 = performance.now()
  for (;;) {
    const c0 = performance.now()
    const res: ApiResponse<VerifyRow[]> = await admin.rpc('verify_activity_log', {
      p_workspace_id: ctx.workspaceId,
      p_after_id: after,
      p_limit: VERIFY_CHUNK,
    })
    const { data, error } = res
    if (error) {
      chunks.push({ error: `${error.code} ${error.message}` })
      break
    }
    const r = data?.[0]
    chunks.push({
      seconds: Number(((performance.now() - c0) / 1000).toFixed(2)),
      rows: r?.rows_checked,
      ok: r?.ok,
    })
    if (!r || !r.ok || !r.last_id || Number(r.rows_checked) < VERIFY_CHUNK) break
    after = r.last_id
  }
  const chunkedSeconds = (performance.now() - t1) / 1000
  const v: VerifyResult = {
    whole: {
      seconds: Number(wholeSeconds.toFixed(2)),
      ok: whole.error ? null : (wholeRow?.ok ?? null),
      rowsChecked: wholeRow?.rows_checked ?? null,
      error: whole.error ? `${whole.error.code} ${whole.error.message}` : null,
    },
    chunked: {
      chunkRows: VERIFY_CHUNK,
      seconds: Number(chunkedSeconds.toFixed(2)),
      ok: chunks.every((c) => 'ok' in c && c.ok),
      rowsChecked: chunks.reduce((a, c) => a + Number(('rows' in c ? c.rows : undefined) ?? 0), 0),
      slowestChunkSeconds: Math.max(...chunks.map((c) => ('seconds' in c ? c.seconds : Infinity))),
      chunks,
    },
  }
  s.results.verify = v
  s.log(
    `\nverify_activity_log via the API, whole log: ${v.whole.seconds.toFixed(1)} s, ` +
      (v.whole.error ? `error ${v.whole.error}` : `ok=${v.whole.ok}, ${v.whole.rowsChecked} rows`) +
      `; in ${chunks.length} chunks of ${VERIFY_CHUNK}: ${v.chunked.seconds.toFixed(1)} s, ok=${v.chunked.ok}, ` +
      `${v.chunked.rowsChecked} rows, slowest chunk ${v.chunked.slowestChunkSeconds.toFixed(1)} s`,
  )
}
