import type { ActivityCheckpoint } from '@/api/activity'

/** How a CSV export carries its checkpoint: one comment line before the header. */
export const CHECKPOINT_PREFIX = '# fluxera-activity-checkpoint '

export function checkpointLine(cp: ActivityCheckpoint): string {
  return `${CHECKPOINT_PREFIX}${JSON.stringify(cp)}\r\n`
}

function isCheckpoint(value: unknown): value is ActivityCheckpoint {
  const v = value as Partial<ActivityCheckpoint> | null
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.last_id === 'number' &&
    typeof v.hash === 'string' &&
    typeof v.row_count === 'number'
  )
}

/** How much of a file is read for its checkpoint (the first line of an export). */
export const CHECKPOINT_HEAD_BYTES = 64 * 1024

/**
 * The checkpoint in a file kept earlier: a JSON export (`checkpoint` key), a bare checkpoint,
 * or a CSV export (its first line). Null when there is none.
 */
export function parseCheckpoint(text: string): ActivityCheckpoint | null {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? ''
  // A JSON export opens with `{"checkpoint": {...},` on its own line: enough to read it from the
  // file's first bytes, without the rows.
  const candidate = firstLine.startsWith(CHECKPOINT_PREFIX)
    ? firstLine.slice(CHECKPOINT_PREFIX.length)
    : /^\{"checkpoint": ?\{.*\},$/.test(firstLine)
      ? `${firstLine.slice(0, -1)}}`
      : text
  try {
    const parsed = JSON.parse(candidate) as unknown
    const inner = (parsed as { checkpoint?: unknown } | null)?.checkpoint ?? parsed
    return isCheckpoint(inner) ? inner : null
  } catch {
    return null
  }
}
