import type { MemberRow } from '@/api/members'
import { ME, WORKSPACE_ID } from './mountWithApp'

const MENU: Record<string, string[]> = {
  active: ['changeRole', 'suspend', 'deactivate', 'remove'],
  suspended: ['changeRole', 'lift', 'deactivate', 'remove'],
  inactive: ['changeRole', 'reactivate', 'remove'],
  pending: ['changeRole', 'resend', 'revoke'],
}

/**
 * The `actions` the database answers for the row, as seen by the signed-in test user (ME, an
 * Admin holding members.manage and members.invite): test data standing in for
 * private.member_actions, which pgTAP and the integration tests check against the real guard.
 */
export function actionsAsAdmin(row: Pick<MemberRow, 'user_id' | 'role' | 'effective_status'>) {
  const refusal =
    row.user_id === ME.id
      ? ['self_change', 'You cannot change your own role or status.']
      : row.role === 'owner'
        ? [
            'owner_protected',
            'The Owner cannot be changed, deactivated, suspended or removed. Ownership moves only by transfer, in Settings.',
          ]
        : [null, null]
  return (MENU[row.effective_status ?? ''] ?? []).map((action) => ({
    action,
    refusal: refusal[0],
    reason: refusal[1],
  }))
}

/** A member_directory row with sensible defaults. */
export function memberRow(over: Partial<MemberRow> = {}): MemberRow {
  const row: MemberRow = {
    id: 'm-x',
    workspace_id: WORKSPACE_ID,
    user_id: 'user-x',
    email: 'x@example.com',
    full_name: 'X',
    role: 'member',
    status: 'active',
    effective_status: 'active',
    suspended_until: null,
    status_reason: null,
    invited_by: null,
    invited_by_email: 'owner@example.com',
    invited_at: null,
    invite_expires_at: null,
    invitation_expired: false,
    joined_at: '2026-01-01T00:00:00Z',
    last_active_at: '2026-11-01T00:00:00Z',
    created_at: '2026-01-01T00:00:00Z',
    managed_by: null,
    ...over,
  }
  return 'actions' in over ? row : { ...row, actions: actionsAsAdmin(row) }
}

export const TEAM: MemberRow[] = [
  memberRow({
    id: 'm-owner',
    user_id: 'user-owner',
    email: 'owner@example.com',
    full_name: 'Olga Owner',
    role: 'owner',
  }),
  memberRow({ id: 'm-me', user_id: ME.id, email: ME.email, full_name: 'Me Admin', role: 'admin' }),
  memberRow({
    id: 'm-ben',
    user_id: 'user-ben',
    email: 'ben@example.com',
    full_name: 'Ben Member',
    role: 'member',
  }),
  memberRow({
    id: 'm-sue',
    user_id: 'user-sue',
    email: 'sue@example.com',
    full_name: 'Sue Suspended',
    status: 'suspended',
    effective_status: 'suspended',
    suspended_until: '2030-01-01T00:00:00Z',
  }),
]
