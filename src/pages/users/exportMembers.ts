import type { MemberRow } from '@/api/members'
import { csvLine } from '@/lib/csv'
import { ROLE_LABELS, STATUS_LABELS } from '@/lib/roles'
import { LAST_ACTIVE_WORDS } from '@/lib/memberSecurity'

/** The user list as CSV (as GitHub's People export): name, 2FA and last active included. */
export function membersCsv(
  rows: readonly MemberRow[],
  enrolled: ReadonlyMap<string, boolean> | null,
): string {
  const header = [
    'Name',
    'Email',
    'Role',
    'Status',
    'Two-factor',
    LAST_ACTIVE_WORDS.label,
    'Joined',
    'Invited by',
  ]
  const lines = rows.map((m) =>
    csvLine([
      m.full_name ?? '',
      m.email ?? '',
      m.role ? ROLE_LABELS[m.role] : '',
      m.effective_status ? STATUS_LABELS[m.effective_status] : '',
      enrolled ? (m.user_id && enrolled.get(m.user_id) ? 'Set up' : 'Not set up') : '',
      m.last_active_at ?? '',
      m.joined_at ?? '',
      m.invited_by_email ?? '',
    ]),
  )
  return csvLine(header) + lines.join('')
}
