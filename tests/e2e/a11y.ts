// Accessibility probes for the browser tests: axe-core over the page, the controls Chromium's
// accessibility tree exposes without a usable name, and where keyboard focus is (its role and
// accessible name as a screen reader gets them, and whether the fixed top bar or anything else
// hides it). Names come from Chromium's own accessibility tree (CDP), not from re-implementing
// the accessible-name algorithm in the test.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { CDPSession, Page } from 'playwright-core'

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
)

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: { target: string[]; summary: string }[]
}

/** Every axe-core violation on the page (all impacts: minor and moderate count too). */
export async function axe(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource })
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            ctx: Document,
            opts: object,
          ) => Promise<{
            violations: {
              id: string
              impact: string | null
              help: string
              nodes: { target: string[]; failureSummary?: string }[]
            }[]
          }>
        }
      }
    ).axe
    const result = await axe.run(document, {
      resultTypes: ['violations'],
      // WCAG 2.0–2.2 A and AA plus axe's best practices (landmarks, headings, region); the
      // AAA-only rules (e.g. enhanced contrast) are not the standard we target.
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
      },
    })
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, summary: n.failureSummary ?? '' })),
    }))
  })
}

/** Roles a person operates or must find by name (WAI-ARIA: name required or expected). */
const NAMED_ROLES = new Set([
  'button',
  'link',
  'textbox',
  'searchbox',
  'combobox',
  'checkbox',
  'radio',
  'switch',
  'menuitem',
  'menuitemcheckbox',
  'menuitemradio',
  'tab',
  'slider',
  'spinbutton',
  'option',
  'listbox',
  'menu',
  'dialog',
  'alertdialog',
  'table',
  'grid',
  'treegrid',
  'tree',
  'progressbar',
  'meter',
])
/**
 * Names that say nothing about which row or control they are: PrimeVue's default aria strings
 * for row expanders and row checkboxes, identical on every row.
 */
const GENERIC_NAMES = /^(row (collapsed|expanded|selected|unselected)|select row|toggle row)$/i

interface AXNode {
  nodeId: string
  ignored: boolean
  role?: { value: string }
  name?: { value: string }
  backendDOMNodeId?: number
}

export interface UnnamedControl {
  role: string
  name: string
  html: string
}

async function cdp(page: Page): Promise<CDPSession> {
  return page.context().newCDPSession(page)
}

/** Controls and containers in the accessibility tree with no name, or a name shared by every row. */
export async function unnamedControls(page: Page): Promise<UnnamedControl[]> {
  const session = await cdp(page)
  try {
    await session.send('DOM.getDocument', { depth: 0 })
    const { nodes } = (await session.send('Accessibility.getFullAXTree')) as { nodes: AXNode[] }
    const out: UnnamedControl[] = []
    for (const n of nodes) {
      const role = n.role?.value ?? ''
      if (n.ignored || !NAMED_ROLES.has(role)) continue
      const name = (n.name?.value ?? '').trim()
      if (name && !GENERIC_NAMES.test(name)) continue
      let html = ''
      if (n.backendDOMNodeId) {
        const { outerHTML } = (await session
          .send('DOM.getOuterHTML', { backendNodeId: n.backendDOMNodeId })
          .catch(() => ({ outerHTML: '' }))) as { outerHTML: string }
        html = outerHTML.slice(0, 160)
      }
      out.push({ role, name, html })
    }
    return out
  } finally {
    await session.detach()
  }
}

export interface FocusReport {
  /** Role and accessible name as Chromium exposes them to assistive technology. */
  role: string
  name: string
  tag: string
  /** The focused element's box, and the bottom of the fixed top bar (0 without one). */
  top: number
  bottom: number
  barBottom: number
  viewportHeight: number
  /** Inside a dialog, drawer or popup menu, which sits above the top bar. */
  inOverlay: boolean
  /** Part of the top bar itself, or the skip link drawn over it. */
  inBar: boolean
  /**
   * Something else is painted over the whole focused element (its centre and four corners):
   * WCAG 2.4.11 at AA asks that focus is not entirely hidden.
   */
  covered: boolean
  /** Outline or box-shadow drawn on the element or the component around it while focused. */
  indicator: boolean
}

/** Where keyboard focus is, what it is called, and whether a sighted keyboard user can see it. */
export async function focused(page: Page): Promise<FocusReport> {
  // Judge the settled page: not a dialog mask fading out or a table's loading mask (both pass).
  await page
    .waitForFunction(
      () =>
        document.getAnimations().every((a) => a.playState !== 'running') &&
        !document.querySelector('.p-datatable-mask, .p-overlay-mask-leave-active'),
      undefined,
      { timeout: 5_000 },
    )
    .catch(() => undefined)
  const session = await cdp(page)
  try {
    const { result } = (await session.send('Runtime.evaluate', {
      expression: 'document.activeElement',
    })) as { result: { objectId?: string } }
    let role = ''
    let name = ''
    if (result.objectId) {
      const { nodes } = (await session.send('Accessibility.getPartialAXTree', {
        objectId: result.objectId,
        fetchRelatives: false,
      })) as { nodes: AXNode[] }
      role = nodes[0]?.role?.value ?? ''
      name = (nodes[0]?.name?.value ?? '').trim()
    }
    const box = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null
      const bar = document.querySelector('.app-topbar')
      const r = el?.getBoundingClientRect()
      const overlay = !!el?.closest(
        '[role="dialog"], [role="alertdialog"], .p-drawer, .p-menu-overlay, .p-select-overlay, .p-datepicker-panel, .p-popover',
      )
      const inBar = !!el?.closest('.app-topbar, .skip-link')
      let covered = false
      let indicator = false
      if (el && r && el !== document.body) {
        const inset = 2
        const points: [number, number][] = [
          [r.left + r.width / 2, r.top + r.height / 2],
          [r.left + inset, r.top + inset],
          [r.right - inset, r.top + inset],
          [r.left + inset, r.bottom - inset],
          [r.right - inset, r.bottom - inset],
        ]
        covered = points.every(([x, y]) => {
          const hit = document.elementFromPoint(x, y)
          return !!hit && !el.contains(hit) && !hit.contains(el)
        })
        // The ring may be drawn by the element or by the component box it sits in (PrimeVue's
        // checkbox and radio draw it on the box beside a transparent input).
        const candidates: Element[] = [el]
        if (el.parentElement)
          candidates.push(el.parentElement, ...Array.from(el.parentElement.children))
        indicator = candidates.some((c) => {
          const s = getComputedStyle(c)
          return (
            (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1) ||
            (s.boxShadow !== 'none' && s.boxShadow !== '')
          )
        })
      }
      return {
        tag: el?.tagName.toLowerCase() ?? '',
        top: r?.top ?? 0,
        bottom: r?.bottom ?? 0,
        barBottom: bar ? bar.getBoundingClientRect().bottom : 0,
        viewportHeight: window.innerHeight,
        inOverlay: overlay,
        inBar,
        covered,
        indicator,
      }
    })
    return { role, name, ...box }
  } finally {
    await session.detach()
  }
}

/** A one-line description for assertion messages. */
export const describeFocus = (f: FocusReport) =>
  `${f.role} "${f.name}" <${f.tag}> top ${Math.round(f.top)} (bar ends ${Math.round(f.barBottom)}), covered ${f.covered}, indicator ${f.indicator}`

/**
 * Whether focus can be seen: inside the viewport, not under the fixed top bar (WCAG 2.4.11,
 * unless it sits in an overlay drawn above the bar), not painted over, with a focus indicator.
 */
export function focusVisible(f: FocusReport): boolean {
  if (f.tag === 'body' || f.tag === '') return false
  const belowBar = f.inOverlay || f.inBar || f.top >= f.barBottom - 0.5
  // A container taller than the screen (a tab panel) counts when its top is in view.
  const tall = f.bottom - f.top > f.viewportHeight / 2
  const inView = f.top < f.viewportHeight && (tall || f.bottom <= f.viewportHeight + 0.5)
  return belowBar && inView && !f.covered && f.indicator
}
