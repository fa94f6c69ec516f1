/**
 * The one place dates become words. Every page uses these (and date pickers use
 * `datePickerFormat`), so a date reads the same everywhere: the browser's locale, medium style
 * ("Dec 24, 2026" in American English, "24 Dec 2026" in British English).
 */
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' })
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })

export function formatDateTime(value: string | Date | null | undefined): string {
  return value ? dateTime.format(new Date(value)) : '—'
}

export function formatDate(value: string | Date | null | undefined): string {
  return value ? dateOnly.format(new Date(value)) : '—'
}

/**
 * The same medium date as a PrimeVue DatePicker pattern (d, dd, M, MM, yy and literals), built
 * from the locale's own parts so typed and shown dates match `formatDate`.
 */
export function datePickerFormat(locale?: string): string {
  const parts = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).formatToParts(
    new Date(2026, 11, 24),
  )
  return parts
    .map((p) => {
      if (p.type === 'day') return p.value.length > 1 && p.value.startsWith('0') ? 'dd' : 'd'
      if (p.type === 'month') return /^\d+$/.test(p.value) ? (p.value.length > 1 ? 'mm' : 'm') : 'M'
      if (p.type === 'year') return 'yy'
      return p.value.replace(/[a-zA-Z]+/g, (w) => `'${w}'`)
    })
    .join('')
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
