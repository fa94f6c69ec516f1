import { daysSince } from './format'

export type SignInFilter = 'never' | '30' | '90' | null
export type TwoFactorFilter = 'enrolled' | 'not_enrolled' | null

/**
 * The one wording of memberships.last_active_at, which the database keeps as the latest of
 * sign-in and any activity the member authored (private.touch_member_last_active): Users table,
 * phone cards, drawer, filter, export and the Access review.
 */
export const LAST_ACTIVE_WORDS = { label: 'Last active', never: 'Never active' } as const

export const SIGN_IN_OPTIONS = [
  { value: '30', label: 'Not active for 30 days' },
  { value: '90', label: 'Not active for 90 days' },
  { value: 'never', label: LAST_ACTIVE_WORDS.never },
] as const

/** The one wording of a member's 2FA status: Users table, phone cards, drawer, filter (issue 23). */
export const TWO_FACTOR_WORDS = { on: '2FA set up', off: '2FA not set up' } as const

export const TWO_FACTOR_OPTIONS = [
  { value: 'not_enrolled', label: TWO_FACTOR_WORDS.off },
  { value: 'enrolled', label: TWO_FACTOR_WORDS.on },
] as const

interface Row {
  user_id: string | null
  last_active_at: string | null
  effective_status: string | null
}

/** Members matching the security filters (last active age, two-factor enrolment). */
export function matchesSecurity(
  row: Row,
  signIn: SignInFilter,
  twoFactor: TwoFactorFilter,
  enrolled: ReadonlyMap<string, boolean> | null,
  now = Date.now(),
): boolean {
  if (signIn === 'never' && row.last_active_at) return false
  if (signIn === '30' || signIn === '90') {
    if (row.effective_status === 'pending') return false
    if (daysSince(row.last_active_at, now) < Number(signIn)) return false
  }
  if (twoFactor && enrolled) {
    const has = !!(row.user_id && enrolled.get(row.user_id))
    if (twoFactor === 'enrolled' ? !has : has) return false
  }
  return true
}
