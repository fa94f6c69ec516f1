const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' })
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })

export function formatDateTime(value: string | null | undefined): string {
  return value ? dateTime.format(new Date(value)) : '—'
}

export function formatDate(value: string | null | undefined): string {
  return value ? dateOnly.format(new Date(value)) : '—'
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
]

/** "3 days ago", "never" — for last-active columns. */
export function formatRelative(value: string | null | undefined, now = Date.now()): string {
  if (!value) return 'Never'
  const diff = new Date(value).getTime() - now
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms) return relative.format(Math.round(diff / ms), unit)
  }
  return 'Just now'
}

/** Whole days since `value`, or Infinity when it never happened. */
export function daysSince(value: string | null | undefined, now = Date.now()): number {
  if (!value) return Number.POSITIVE_INFINITY
  return Math.floor((now - new Date(value).getTime()) / 86_400_000)
}
