import { formatDate } from './format'
import { ROLE_LABELS, STATUS_LABELS, type MemberStatus, type WorkspaceRole } from './roles'

/** The parts of an activity row a sentence is made from. */
export interface ActivityFacts {
  action: string
  actor_id: string | null
  actor_email: string | null
  subject_user_id: string | null
  /** The subject's email when the row was written (null on rows older than the snapshot). */
  subject_email?: string | null
  entity_type: string
  before: unknown
  after: unknown
}

/** The catalogue entry for the row's action (public.activity_actions). */
export interface SentenceTemplate {
  sentence: string
  cleared_field: string | null
  sentence_if_cleared: string | null
  /** Who does this when no person did: "log retention" gives "System – log retention". */
  system_actor?: string | null
}

/** Plain text, or a person the UI may link to their member page. */
export type Segment =
  { kind: 'text'; text: string } | { kind: 'person'; text: string; userId: string }

export interface SentenceContext {
  template: SentenceTemplate | undefined
  /** The member's display name, or null when they are not (or no longer) in the workspace. */
  nameOf: (userId: string) => string | null
  /** A permission key in words, e.g. "see assets". */
  permissionText: (key: string) => string
  /** The entity type in words, e.g. "Licence seat". */
  entityTypeLabel: (key: string) => string
}

/** "member.sessions_revoked" → "Member sessions revoked": the last resort for unknown keys. */
export function humaniseKey(key: string): string {
  const words = key.replace(/[._]+/g, ' ').trim()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1)

function field(row: ActivityFacts, path: string): unknown {
  const [side, name] = path.split('.') as [string, string | undefined]
  const source = side === 'before' ? row.before : side === 'after' ? row.after : null
  if (!name || !source || typeof source !== 'object') return undefined
  return (source as Record<string, unknown>)[name]
}

const empty = (value: unknown) => value === undefined || value === null || value === ''

const USER_FIELDS = new Set(['user_id', 'assigned_to', 'invited_by', 'granted_by', 'reviewed_by'])
const DATE_FIELDS = /(_at|_until|_on|date)$/

/** A before/after value in words: role and status labels, dates, names instead of ids. */
function valueSegment(
  row: ActivityFacts,
  name: string,
  value: unknown,
  ctx: SentenceContext,
): Segment {
  if (empty(value)) return { kind: 'text', text: 'nothing' }
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  if (name === 'role' && text in ROLE_LABELS) {
    return { kind: 'text', text: ROLE_LABELS[text as WorkspaceRole] }
  }
  if (name === 'status' && text in STATUS_LABELS) {
    return { kind: 'text', text: STATUS_LABELS[text as MemberStatus] }
  }
  if (name === 'permission') return { kind: 'text', text: lowerFirst(ctx.permissionText(text)) }
  // The row kept its subject's email: a person who has left is named by it, never "a former member".
  if (USER_FIELDS.has(name))
    return person(text, text === row.subject_user_id ? (row.subject_email ?? null) : null, ctx)
  if (DATE_FIELDS.test(name) && !Number.isNaN(Date.parse(text))) {
    return { kind: 'text', text: formatDate(text) }
  }
  return { kind: 'text', text }
}

function person(userId: string | null, fallback: string | null, ctx: SentenceContext): Segment {
  const name = userId ? ctx.nameOf(userId) : null
  if (userId && name) return { kind: 'person', text: name, userId }
  return { kind: 'text', text: fallback ?? (userId ? 'a former member' : 'someone') }
}

function entityName(row: ActivityFacts, ctx: SentenceContext): string {
  for (const side of ['after', 'before'] as const) {
    for (const name of ['name', 'product', 'asset_tag']) {
      const value = field(row, `${side}.${name}`)
      if (typeof value === 'string' && value) return value
    }
  }
  const label = lowerFirst(ctx.entityTypeLabel(row.entity_type))
  return `${/^[aeiou]/.test(label) ? 'an' : 'a'} ${label}`
}

/** A change no person made, named after the job that made it when the catalogue knows it. */
export function systemActor(template: SentenceTemplate | undefined): string {
  return template?.system_actor ? `System – ${template.system_actor}` : 'System'
}

/**
 * The row as a sentence ("Adam Admin changed Mia Member's role from Member to Admin"), from the
 * catalogue's template. People come back as their own segments so the UI can link them.
 */
export function describeActivity(row: ActivityFacts, ctx: SentenceContext): Segment[] {
  const t = ctx.template
  const actor = row.actor_id
    ? person(row.actor_id, row.actor_email, ctx)
    : ({ kind: 'text', text: row.actor_email ?? systemActor(t) } as Segment)
  if (!t) return [actor, { kind: 'text', text: `: ${lowerFirst(humaniseKey(row.action))}` }]
  const cleared = t.cleared_field && t.sentence_if_cleared && empty(field(row, t.cleared_field))
  const template = cleared ? (t.sentence_if_cleared as string) : t.sentence

  const out: Segment[] = []
  const push = (segment: Segment) => {
    const last = out[out.length - 1]
    if (segment.kind === 'text' && last?.kind === 'text') last.text += segment.text
    else out.push({ ...segment })
  }
  for (const part of template.split(/(\{[^}]+\})/)) {
    if (!part) continue
    const placeholder = /^\{(.+)\}$/.exec(part)?.[1]
    if (!placeholder) push({ kind: 'text', text: part })
    else if (placeholder === 'actor') push(actor)
    else if (placeholder === 'subject')
      push(person(row.subject_user_id, row.subject_email ?? null, ctx))
    else if (placeholder === 'entity') push({ kind: 'text', text: entityName(row, ctx) })
    else push(valueSegment(row, placeholder.split('.')[1] ?? '', field(row, placeholder), ctx))
  }
  return out
}

/** The sentence as plain text (exports, aria labels, tests). */
export function sentenceText(segments: Segment[]): string {
  return segments.map((s) => s.text).join('')
}

/** The user ids a page of rows mentions (actors and subjects), for loading their names. */
export function peopleIn(
  rows: readonly Pick<ActivityFacts, 'actor_id' | 'subject_user_id'>[],
): string[] {
  const ids = new Set<string>()
  for (const r of rows) {
    if (r.actor_id) ids.add(r.actor_id)
    if (r.subject_user_id) ids.add(r.subject_user_id)
  }
  return [...ids]
}

/** The parts of a row that make two rows "the same" for grouping: action and who did it. */
type GroupFacts = Pick<ActivityFacts, 'action' | 'actor_id' | 'actor_email'> & {
  occurred_at: string
}

/** A run of identical rows ("Seat given 7 times"), or one row on its own. */
export type ActivityItem<Row> = { kind: 'row'; row: Row } | { kind: 'group'; rows: Row[] }

/**
 * Groups runs of consecutive rows with the same action by the same actor, within an hour of the
 * run's first row (newest first), so that a burst reads as one line ("5 invitations expired")
 * and opens to its entries. Single rows stay as they are.
 */
export function groupActivity<Row extends GroupFacts>(rows: readonly Row[]): ActivityItem<Row>[] {
  const out: ActivityItem<Row>[] = []
  let run: Row[] = []
  const flush = () => {
    if (run.length > 1) out.push({ kind: 'group', rows: run })
    else if (run.length === 1) out.push({ kind: 'row', row: run[0]! })
    run = []
  }
  for (const row of rows) {
    const first = run[0]
    const same =
      first &&
      first.action === row.action &&
      first.actor_id === row.actor_id &&
      first.actor_email === row.actor_email &&
      Math.abs(Date.parse(first.occurred_at) - Date.parse(row.occurred_at)) <= 3_600_000
    if (!same) flush()
    run.push(row)
  }
  flush()
  return out
}
