import { nextTick } from 'vue'

/** Something to focus: an element, a CSS selector, or a function that finds it when asked. */
export type FocusTarget = HTMLElement | string | (() => Element | null | undefined)

function resolve(target: FocusTarget): HTMLElement | null {
  const el =
    typeof target === 'string'
      ? document.querySelector(target)
      : typeof target === 'function'
        ? target()
        : target
  if (!(el instanceof HTMLElement) || !el.isConnected) return null
  // Not something hidden (display: none, a closed panel) or in an inert part of the page.
  if (el.closest('[inert], [aria-hidden="true"]') || el.getClientRects().length === 0) return null
  return el
}

const frame = () => new Promise<void>((done) => requestAnimationFrame(() => done()))

/**
 * Puts keyboard focus on the first of `targets` that exists, once the page has settled after an
 * action: a dialog's leave transition hands focus back to whatever opened it (often a menu item
 * that no longer exists, so focus fell to <body>), and a table that reloads may replace the row.
 * Tries for up to `timeoutMs`, after the dialog's own focus restore; resolves to the element
 * focused, or null when none of the targets appeared.
 *
 * Elements that are not focusable by nature (a heading, a results region) are given
 * tabindex="-1" so they can take focus without becoming a Tab stop.
 */
export async function focusAfter(
  targets: FocusTarget | FocusTarget[],
  { timeoutMs = 1500, holdMs = 1500 }: { timeoutMs?: number; holdMs?: number } = {},
): Promise<HTMLElement | null> {
  const list = Array.isArray(targets) ? targets : [targets]
  const el = await focusFirst(list, timeoutMs)
  if (el) void hold(el, list, holdMs)
  return el
}

/**
 * For a while after focusing, a late re-render (a list that reloads again, a row replaced by its
 * fresh copy) may remove the element and drop focus to <body>: focus the targets anew then.
 * Focus that the person moved elsewhere is left alone.
 */
async function hold(el: HTMLElement, list: FocusTarget[], holdMs: number) {
  const until = performance.now() + holdMs
  let current = el
  while (performance.now() < until) {
    await frame()
    const lost = document.activeElement === document.body || document.activeElement === null
    if (lost && !current.isConnected) {
      const again = await focusFirst(list, 0)
      if (!again) return
      current = again
    }
  }
}

async function focusFirst(list: FocusTarget[], timeoutMs: number): Promise<HTMLElement | null> {
  await nextTick()
  const until = performance.now() + timeoutMs
  // PrimeVue's dialogs restore focus when their leave transition starts; go after it.
  await frame()
  await frame()
  for (;;) {
    for (const target of list) {
      const el = resolve(target)
      if (!el) continue
      if (!el.matches('a[href], button, input, select, textarea, [tabindex]'))
        el.setAttribute('tabindex', '-1')
      el.focus()
      if (document.activeElement === el) return el
    }
    if (performance.now() > until) return null
    await frame()
  }
}

/** Selector of a member's row-menu button (MemberActions.vue), for focusing it after an action. */
export const memberActionsSelector = (membershipId: string) =>
  `[data-member-actions="${CSS.escape(membershipId)}"]`

let trigger: HTMLElement | null = null

/** Remembers the control that opened a menu or dialog, to return to once its action is done. */
export function rememberTrigger(el: HTMLElement) {
  trigger = el
}

/** The control last remembered, when it is still on the page. */
export const lastTrigger = (): HTMLElement | null => (trigger?.isConnected ? trigger : null)
