import type { ActivityCheckpoint } from '@/api/activity'
import { csvLine } from '@/lib/csv'
import type { FileSink } from '@/lib/download'
import { checkpointLine } from './checkpoint'

/**
 * Ids per page request. The database writes each page as file text (activity_export_page, at
 * most 100,000 ids); 50,000 keeps one page near 20 MB of CSV and well inside the API role's 8 s
 * statement timeout on a busy server (docs/benchmarks.md, "Large export").
 */
export const EXPORT_WINDOW = 50000
/** Pages asked for ahead of the one being written: the database builds them meanwhile. */
export const EXPORT_PARALLEL = 4
/**
 * Bytes gathered before one write to the file: each write is a round trip to the browser's file
 * writer, and network chunks are ~64 KB (6,000 writes for a million rows); 2 MB makes it ~200.
 */
export const EXPORT_WRITE_BYTES = 2 * 1024 * 1024

/** The columns of an export, in file order (activity_export_page writes the same). */
export const EXPORT_COLUMNS = [
  'id',
  'occurred_at',
  'actor_id',
  'actor_email',
  'action',
  'entity_type',
  'entity_id',
  'subject_user_id',
  'subject_email',
  'before',
  'after',
  'ip',
  'user_agent',
] as const

export type ExportFormat = 'csv' | 'json'

/** Where the file goes: a file on disk (File System Access API) or the download fallback. */
export type ExportSink = Pick<FileSink, 'write' | 'close' | 'abort'>

export interface ExportProgress {
  rows: number
  bytes: number
  /** Share of the id range done (0-1): the bar when the filtered total is not known. */
  fraction: number
}

export interface ExportOptions {
  format: ExportFormat
  /** The chain head when the export started: the file carries it and holds the rows up to it. */
  checkpoint: ActivityCheckpoint | null
  /** The workspace's first activity id: pages go down to it. */
  lowestId: number | null
  /** The text of the rows with aboveId < id <= upToId matching the filters, newest first. */
  fetchPage: (
    upToId: number,
    aboveId: number,
    signal: AbortSignal,
  ) => Promise<ReadableStream<Uint8Array> | null>
  sink: ExportSink
  onProgress?: (progress: ExportProgress) => void
  signal?: AbortSignal
  window?: number
  parallel?: number
}

const NEWLINE = 10

function newlines(chunk: Uint8Array): number {
  let n = 0
  for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) n++
  return n
}

/** The file's opening: the checkpoint and the CSV header, or the JSON object's start. */
export function exportHead(format: ExportFormat, cp: ActivityCheckpoint | null): string {
  if (format === 'csv') return `${cp ? checkpointLine(cp) : ''}${csvLine(EXPORT_COLUMNS)}`
  return cp ? `{"checkpoint": ${JSON.stringify(cp)},\n"rows": [\n` : '[\n'
}

export function exportTail(format: ExportFormat, cp: ActivityCheckpoint | null): string {
  if (format === 'csv') return ''
  return cp ? '\n]}\n' : '\n]\n'
}

/**
 * Streams the filtered log into `sink`, newest first, page by page over id windows from the
 * checkpoint's last id down to the first id (so rows appended meanwhile are not in the file, and
 * the file holds exactly the rows the checkpoint counts when nothing is filtered). Each page's
 * text goes into the file as it arrives, never parsed and never held whole: the memory used is
 * a few network chunks, whatever the size of the export. `parallel` pages are requested ahead,
 * and written in order. On Stop (`signal`) or a failure the sink is aborted and the error thrown.
 * Returns the number of rows written.
 */
export async function streamActivityExport(options: ExportOptions): Promise<number> {
  const { format, checkpoint: cp, sink } = options
  const window = options.window ?? EXPORT_WINDOW
  const parallel = Math.max(1, options.parallel ?? EXPORT_PARALLEL)
  const inner = new AbortController()
  const stop = () => inner.abort(options.signal?.reason)
  options.signal?.addEventListener('abort', stop)
  const top = cp?.last_id ?? 0
  const bottom = cp && options.lowestId !== null ? options.lowestId - 1 : top
  const span = Math.max(1, top - bottom)
  let rows = 0
  let bytes = 0
  let nextUpTo = top
  const encoder = new TextEncoder()
  let held: Uint8Array[] = []
  let heldBytes = 0
  const flush = async () => {
    if (heldBytes === 0) return
    const out = new Uint8Array(heldBytes)
    let at = 0
    for (const c of held) {
      out.set(c, at)
      at += c.length
    }
    held = []
    heldBytes = 0
    await sink.write(out)
  }
  const put = async (chunk: Uint8Array | string) => {
    const data = typeof chunk === 'string' ? encoder.encode(chunk) : chunk
    held.push(data)
    heldBytes += data.length
    if (heldBytes >= EXPORT_WRITE_BYTES) await flush()
  }
  const pending: {
    upTo: number
    above: number
    body: Promise<ReadableStream<Uint8Array> | null>
  }[] = []
  const request = () => {
    while (pending.length < parallel && nextUpTo > bottom) {
      const upTo = nextUpTo
      const above = Math.max(bottom, upTo - window)
      nextUpTo = above
      const body = options.fetchPage(upTo, above, inner.signal)
      body.catch(() => undefined) // read in order below; a later page's failure waits its turn
      pending.push({ upTo, above, body })
    }
  }
  try {
    options.signal?.throwIfAborted()
    await put(exportHead(format, cp))
    let wroteRows = false
    request()
    for (let page = pending.shift(); page; page = pending.shift()) {
      request()
      const body = await page.body
      if (body) {
        const reader = body.getReader()
        let first = true
        for (;;) {
          const { done, value } = await reader.read()
          if (done) break
          if (value.length === 0) continue
          if (first && format === 'json') {
            if (wroteRows) await put(',\n')
            rows += 1 // objects are separated by ",\n": one more than the line breaks
          }
          first = false
          wroteRows = true
          rows += newlines(value)
          bytes += value.length
          await put(value)
          options.onProgress?.({ rows, bytes, fraction: (top - page.upTo) / span })
        }
      }
      inner.signal.throwIfAborted()
      options.onProgress?.({ rows, bytes, fraction: (top - page.above) / span })
    }
    await put(exportTail(format, cp))
    await flush()
    await sink.close()
    return rows
  } catch (err) {
    inner.abort(err)
    held = []
    await sink.abort().catch(() => undefined)
    throw err
  } finally {
    options.signal?.removeEventListener('abort', stop)
  }
}
