/** Counts of each key, in the order of `keys` (missing keys count 0). */
export function countBy<T>(
  items: readonly T[],
  key: (item: T) => string | null,
  keys: readonly string[],
): number[] {
  const counts = new Map<string, number>()
  for (const item of items) {
    const k = key(item)
    if (k !== null) counts.set(k, (counts.get(k) ?? 0) + 1)
  }
  return keys.map((k) => counts.get(k) ?? 0)
}

/** Local-day labels (YYYY-MM-DD) for the last `days` days, oldest first, ending today. */
export function lastDays(days: number, now = new Date()): string[] {
  const pad = (n: number) => String(n).padStart(2, '0')
  return Array.from({ length: days }, (_, i) => {
    const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() - (days - 1 - i))
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
  })
}

/** Activity entries per local day over the last `days` days. */
export function perDay(
  rows: readonly { occurred_at: string }[],
  days: number,
  now = new Date(),
): { labels: string[]; counts: number[] } {
  const labels = lastDays(days, now)
  const pad = (n: number) => String(n).padStart(2, '0')
  const day = (iso: string) => {
    const d = new Date(iso)
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
  }
  return { labels, counts: countBy(rows, (r) => day(r.occurred_at), labels) }
}

/** Local-day labels (YYYY-MM-DD) from `from` to `to`, both included, oldest first. */
export function daysBetween(from: Date, to: Date): string[] {
  const pad = (n: number) => String(n).padStart(2, '0')
  const out: string[] = []
  const d = new Date(from.getFullYear(), from.getMonth(), from.getDate())
  const end = new Date(to.getFullYear(), to.getMonth(), to.getDate())
  while (d <= end && out.length < 3700) {
    out.push(`${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`)
    d.setDate(d.getDate() + 1)
  }
  return out
}

/** Counts per day (as the database returns them) laid on every day of the range, with zeros. */
export function fillDays(
  counts: readonly { day: string; count: number }[],
  from: Date,
  to: Date,
): { labels: string[]; counts: number[] } {
  const labels = daysBetween(from, to)
  const byDay = new Map(counts.map((c) => [c.day, c.count]))
  return { labels, counts: labels.map((l) => byDay.get(l) ?? 0) }
}

/** Counts in `keys` order from a key → count object (missing keys count 0). */
export function countsOf(
  record: Record<string, number> | null | undefined,
  keys: readonly string[],
): number[] {
  return keys.map((k) => record?.[k] ?? 0)
}
