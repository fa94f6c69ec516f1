import type { MemberRow } from '@/api/members'
import { daysSince } from '@/lib/format'

/** What the review decided about a flagged member (complete_access_review's p_decisions). */
export type ReviewDecision = 'keep' | 'remove'

export interface ReviewRow {
  member: MemberRow
  /** Days since last activity (or since joining, for someone never active). */
  idleDays: number
  flagged: boolean
  /** Whether bulk deactivation may include this member, and why not. */
  selectable: boolean
  reason?: string
}

/**
 * The access-review view of the team. Who is flagged comes from the database's idle rule
 * (`flagged`: membership ids, from access_review_flags); here only the display: days idle,
 * order, and who may be selected for deactivation.
 */
export function reviewRows(
  members: readonly MemberRow[],
  myUserId: string | null,
  flagged: ReadonlySet<string>,
  now = Date.now(),
): ReviewRow[] {
  return members
    .filter((m) => m.effective_status !== 'pending')
    .map((member) => {
      const idleDays = daysSince(
        member.last_active_at ?? member.joined_at ?? member.created_at,
        now,
      )
      const live = member.effective_status === 'active' || member.effective_status === 'suspended'
      let reason: string | undefined
      if (member.role === 'owner') reason = 'The Owner cannot be deactivated.'
      else if (member.user_id === myUserId) reason = 'You cannot deactivate yourself.'
      else if (!live) reason = 'Already inactive.'
      return {
        member,
        idleDays,
        flagged: live && flagged.has(member.id ?? ''),
        selectable: !reason,
        reason,
      }
    })
    .sort((a, b) => b.idleDays - a.idleDays)
}
