import type { ActivityCheckpoint, ActivityRow } from '@/api/activity'
import { csvLine } from '@/lib/csv'
import { checkpointLine } from './checkpoint'

export const EXPORT_PAGE_SIZE = 5000

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
] as const satisfies readonly (keyof ActivityRow)[]

export type ExportFormat = 'csv' | 'json'

export interface ExportOptions {
  format: ExportFormat
  /** Fetches the next page, newest first, of rows with an id below `beforeId`. */
  fetchPage: (beforeId: number | null, size: number) => Promise<ActivityRow[]>
  onProgress?: (done: number) => void
  signal?: AbortSignal
  pageSize?: number
  /** The chain head when the export started: written into the file (see checkpoint.ts). */
  checkpoint?: ActivityCheckpoint | null
}

function pick(row: ActivityRow) {
  return Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, row[c]]))
}

/**
 * Pulls the whole filtered set page by page (keyset on id, so rows appended meanwhile do not
 * shift pages) and returns it as file parts: CSV with a header line, or a JSON array. With a
 * checkpoint, the CSV starts with a `# fluxera-activity-checkpoint {...}` line and the JSON is
 * `{ "checkpoint": {...}, "rows": [...] }`.
 */
export async function exportActivity(options: ExportOptions): Promise<BlobPart[]> {
  const size = options.pageSize ?? EXPORT_PAGE_SIZE
  const cp = options.checkpoint
  const parts: BlobPart[] =
    options.format === 'csv'
      ? [...(cp ? [checkpointLine(cp)] : []), csvLine(EXPORT_COLUMNS)]
      : [cp ? `{"checkpoint": ${JSON.stringify(cp)},\n"rows": [\n` : '[\n']
  let beforeId: number | null = null
  let done = 0
  for (;;) {
    if (options.signal?.aborted) throw new DOMException('Export cancelled', 'AbortError')
    const page = await options.fetchPage(beforeId, size)
    if (page.length === 0) break
    for (const row of page) {
      if (options.format === 'csv') parts.push(csvLine(EXPORT_COLUMNS.map((c) => row[c])))
      else parts.push(`${done > 0 ? ',\n' : ''}${JSON.stringify(pick(row))}`)
      done += 1
    }
    beforeId = page[page.length - 1]!.id
    options.onProgress?.(done)
  }
  if (options.format === 'json') parts.push(cp ? '\n]}\n' : '\n]\n')
  return parts
}
