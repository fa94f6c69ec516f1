import { ROLE_LABELS, type WorkspaceRole } from '@/lib/roles'
import { plural } from '@/lib/plural'

/** The parts of an onboarding record the summaries need (rows of onboarding_items / _tasks). */
export interface ItemFacts {
  state: string
}
export interface TaskFacts {
  due_on: string
  completed_at: string | null
  owner_role: WorkspaceRole | null
  owner_user_id: string | null
}

/** Today as YYYY-MM-DD in the browser's time zone (due dates are calendar days). */
export function today(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

export function isOverdue(task: TaskFacts, on = today()): boolean {
  return !task.completed_at && task.due_on < on
}

/** Steps done out of all steps: tasks completed and items handed over. */
export function progress(items: readonly ItemFacts[], tasks: readonly TaskFacts[]) {
  const done =
    items.filter((i) => i.state === 'handed_over').length +
    tasks.filter((t) => t.completed_at).length
  const total = items.length + tasks.length
  return { done, total, percent: total ? Math.round((done / total) * 100) : 100 }
}

/** Who a task waits on, in words: "Admins" or the person's name. */
export function ownerText(task: TaskFacts, nameOf: (userId: string) => string | null): string {
  if (task.owner_user_id) return nameOf(task.owner_user_id) ?? 'a former member'
  return task.owner_role ? `${ROLE_LABELS[task.owner_role]}s` : 'nobody'
}

/**
 * "Waiting on Admins (2), Mia Member (1)": open tasks grouped by owner, plus the items not yet
 * handed over, which wait on whoever hands out assets.
 */
export function waitingOn(
  items: readonly ItemFacts[],
  tasks: readonly TaskFacts[],
  nameOf: (userId: string) => string | null,
): string {
  const counts = new Map<string, number>()
  for (const t of tasks) {
    if (t.completed_at) continue
    const who = ownerText(t, nameOf)
    counts.set(who, (counts.get(who) ?? 0) + 1)
  }
  const parts = [...counts].map(([who, n]) => `${who} (${n})`)
  const toHand = items.filter((i) => i.state === 'reserved' || i.state === 'none_in_stock').length
  if (toHand) parts.push(`${plural(toHand, 'item')} to hand over`)
  return parts.length ? `Waiting on ${parts.join(', ')}` : 'Nothing waiting'
}

export const ITEM_STATE_LABELS: Record<string, string> = {
  reserved: 'Reserved',
  none_in_stock: 'None in stock',
  handed_over: 'Handed over',
  returned: 'Returned to stock',
}

export const ITEM_STATE_SEVERITY: Record<string, 'info' | 'warn' | 'success' | 'secondary'> = {
  reserved: 'info',
  none_in_stock: 'warn',
  handed_over: 'success',
  returned: 'secondary',
}

export const RECORD_STATUS_LABELS: Record<string, string> = {
  open: 'In progress',
  completed: 'Completed',
  cancelled: 'Cancelled',
}
