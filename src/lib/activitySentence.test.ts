import { describe, expect, it } from 'vitest'
import {
  describeActivity,
  groupActivity,
  humaniseKey,
  sentenceText,
  type ActivityFacts,
} from './activitySentence'

const names: Record<string, string> = { 'u-adam': 'Adam Admin', 'u-mia': 'Mia Member' }
const ctx = (sentence: string, cleared?: [string, string]) => ({
  template: {
    sentence,
    cleared_field: cleared?.[0] ?? null,
    sentence_if_cleared: cleared?.[1] ?? null,
  },
  nameOf: (id: string) => names[id] ?? null,
  permissionText: (key: string) => (key === 'assets.view' ? 'See assets' : key),
  entityTypeLabel: (key: string) => (key === 'asset' ? 'Asset' : key),
})
const row = (patch: Partial<ActivityFacts>): ActivityFacts => ({
  action: 'member.role_changed',
  actor_id: 'u-adam',
  actor_email: 'adam@x.test',
  subject_user_id: 'u-mia',
  entity_type: 'membership',
  before: { role: 'member' },
  after: { role: 'admin' },
  ...patch,
})

describe('describeActivity', () => {
  it('fills the template with names and role labels, people as their own segments', () => {
    const segments = describeActivity(
      row({}),
      ctx("{actor} changed {subject}'s role from {before.role} to {after.role}"),
    )
    expect(sentenceText(segments)).toBe("Adam Admin changed Mia Member's role from Member to Admin")
    expect(segments.filter((s) => s.kind === 'person').map((s) => s.text)).toEqual([
      'Adam Admin',
      'Mia Member',
    ])
  })

  it('falls back to the email snapshot for a former member, and to System without an actor', () => {
    const gone = describeActivity(row({ actor_id: 'u-gone' }), ctx('{actor} did it'))
    expect(sentenceText(gone)).toBe('adam@x.test did it')
    const system = describeActivity(
      row({ actor_id: null, actor_email: null }),
      ctx('{actor} did it'),
    )
    expect(sentenceText(system)).toBe('System did it')
  })

  it('names a subject who has left by the email kept on the row, and only without it "a former member"', () => {
    const template = ctx('{actor} revoked the invitation to {subject}')
    const kept = describeActivity(
      row({ subject_user_id: 'u-gone', subject_email: 'ana@x.test' }),
      template,
    )
    expect(sentenceText(kept)).toBe('Adam Admin revoked the invitation to ana@x.test')
    const old = describeActivity(row({ subject_user_id: 'u-gone', subject_email: null }), template)
    expect(sentenceText(old)).toBe('Adam Admin revoked the invitation to a former member')
  })

  it('uses the cleared sentence when the field is empty (asset checked in)', () => {
    const template = ctx('{actor} handed {entity} to {subject}', [
      'after.assigned_to',
      '{actor} checked in {entity} from {subject}',
    ])
    const out = describeActivity(
      row({
        entity_type: 'asset',
        before: { assigned_to: 'u-mia', name: 'MacBook' },
        after: { assigned_to: null },
      }),
      template,
    )
    expect(sentenceText(out)).toBe('Adam Admin checked in MacBook from Mia Member')
  })

  it('words permissions and names unnamed entities by their type', () => {
    const out = describeActivity(
      row({ entity_type: 'asset', after: { role: 'viewer', permission: 'assets.view' } }),
      ctx('{actor} allowed the {after.role} role to {after.permission}; {entity}'),
    )
    expect(sentenceText(out)).toBe('Adam Admin allowed the Viewer role to see assets; an asset')
  })

  it('names an action missing from the catalogue in words, never a blank', () => {
    const out = describeActivity(row({ action: 'member.sessions_revoked' }), {
      ...ctx(''),
      template: undefined,
    })
    expect(sentenceText(out)).toBe('Adam Admin: member sessions revoked')
  })
})

describe('system actors and people who left', () => {
  it('names the job that made a change no person made', () => {
    const template = {
      ...ctx('{actor} removed old entries').template,
      system_actor: 'log retention',
    }
    const out = describeActivity(row({ actor_id: null, actor_email: null }), {
      ...ctx(''),
      template,
    })
    expect(sentenceText(out)).toBe('System – log retention removed old entries')
  })

  it('names an assignee who left by the email the row kept', () => {
    const out = describeActivity(
      row({
        action: 'asset.assigned',
        subject_user_id: 'u-gone',
        subject_email: 'ana@x.test',
        before: { assigned_to: 'u-gone' },
        after: { assigned_to: null },
      }),
      ctx('{actor} checked in the laptop from {before.assigned_to}'),
    )
    expect(sentenceText(out)).toBe('Adam Admin checked in the laptop from ana@x.test')
  })
})

describe('groupActivity', () => {
  const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, minutes)).toISOString()
  const r = (id: number, action: string, actor: string | null, minutes: number) => ({
    id,
    action,
    actor_id: actor,
    actor_email: null,
    occurred_at: at(minutes),
  })

  it('groups runs of the same action by the same actor, keeps the rest single', () => {
    const items = groupActivity([
      r(5, 'member.invitation_expired', null, 50),
      r(4, 'member.invitation_expired', null, 49),
      r(3, 'member.invitation_expired', null, 48),
      r(2, 'auth.sign_in', 'u-adam', 40),
      r(1, 'member.invitation_expired', null, 30),
    ])
    expect(items.map((i) => (i.kind === 'group' ? i.rows.map((x) => x.id) : i.row.id))).toEqual([
      [5, 4, 3],
      2,
      1,
    ])
  })

  it('does not group rows more than an hour apart', () => {
    const items = groupActivity([r(2, 'auth.sign_in', 'u', 59), r(1, 'auth.sign_in', 'u', -5)])
    expect(items.map((i) => i.kind)).toEqual(['row', 'row'])
  })
})

describe('humaniseKey', () => {
  it('turns keys into words', () => {
    expect(humaniseKey('license_seat.assigned')).toBe('License seat assigned')
  })
})
