import { formatDateTime } from './format'

export interface AlertLike {
  kind: string
  actor_email: string | null
  window_start: string
  window_end: string
  event_count: number
  threshold: number
}

const TITLES: Record<string, string> = {
  deletion_burst: 'Burst of deletions',
  role_change_burst: 'Burst of role changes',
  failed_sign_in_burst: 'Repeated failed sign-ins',
}

const WHAT: Record<string, (who: string, n: number) => string> = {
  deletion_burst: (who, n) => `${who} deleted ${n} assets, licences or members`,
  role_change_burst: (who, n) => `${who} changed ${n} roles`,
  failed_sign_in_burst: (who, n) => `${n} failed sign-ins for ${who}`,
}

/** Words for one activity_alerts() row. */
export function describeAlert(alert: AlertLike): { title: string; detail: string } {
  const who = alert.actor_email || 'someone'
  const what = WHAT[alert.kind]?.(who, alert.event_count) ?? `${alert.event_count} events by ${who}`
  return {
    title: TITLES[alert.kind] ?? 'Unusual activity',
    detail: `${what} between ${formatDateTime(alert.window_start)} and ${formatDateTime(alert.window_end)} (alert threshold: ${alert.threshold}).`,
  }
}
