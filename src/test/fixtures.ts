import type { MemberRow } from '@/api/members'
import { ME, WORKSPACE_ID } from './mountWithApp'

/** A member_directory row with sensible defaults. */
export function memberRow(over: Partial<MemberRow> = {}): MemberRow {
  return {
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
    ...over,
  }
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
