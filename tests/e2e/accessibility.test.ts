// Every page and the states people meet on them (open dialogs, menus, the drawer, error messages,
// the small-screen sidebar), opened in Chromium against the real stack and checked in light and
// dark: axe-core must find no violation of any impact (minor and moderate included), and no
// control, table or dialog may lack an accessible name in Chromium's accessibility tree (or carry
// a name shared by every row, like "Row Collapsed"). A summary per state is printed at the end;
// screenshots go to test-results/screenshots.
import { randomUUID } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { closeSql, createUser, sql } from '../helpers/stack'
import { axe, unnamedControls, type AxeViolation, type UnnamedControl } from './a11y'
import { launch, openAs, personalPages, screenshot, workspacePages } from './browser'

const acme = '10000000-0000-4000-a000-000000000001'
const owner = { id: '00000000-0000-4000-a000-000000000001', email: 'owner@fluxera.test' }
const summary: Record<string, string> = {}
/** What was found, in full, per state: written to test-results/accessibility-findings.json. */
const findings: Record<string, { axe: AxeViolation[]; unnamed: UnnamedControl[] }> = {}
let browser: Browser

beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  console.log('axe-core violations by impact, and controls without a name, per state and theme:')
  for (const [name, line] of Object.entries(summary)) console.log(`  ${name.padEnd(34)} ${line}`)
  mkdirSync('test-results', { recursive: true })
  writeFileSync('test-results/accessibility-findings.json', JSON.stringify(findings, null, 1))
  await browser?.close()
  await closeSql()
})

/** Lets transitions and overlay animations finish, so axe and screenshots see the final colours. */
async function settle(page: Page) {
  await page.waitForLoadState('networkidle').catch(() => undefined)
  await page.waitForFunction(
    () => document.getAnimations().every((a) => a.playState !== 'running'),
    undefined,
    { timeout: 5_000 },
  )
}

async function setTheme(page: Page, theme: 'light' | 'dark') {
  await page.evaluate(
    (dark) => document.documentElement.classList.toggle('app-dark', dark),
    theme === 'dark',
  )
  await settle(page)
}

/**
 * An open menu or list closes when the page scrolls or the window is resized, and axe scrolls to
 * measure contrast: before opening one, the window is made as tall as the page so that nothing
 * needs scrolling (`check` then asserts it is still open after each scan).
 */
async function tall(page: Page) {
  const width = page.viewportSize()?.width ?? 1280
  const height = await page.evaluate(() => document.documentElement.scrollHeight)
  await page.setViewportSize({ width, height: Math.max(height, 800) })
  await settle(page)
}

/**
 * Scans the page as it stands in both themes; every finding fails the test (softly, to list all).
 * `overlay`: the open menu or list the state is about, which must be open before and after axe.
 */
async function check(page: Page, state: string, overlay?: string) {
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, theme)
    if (overlay) expect(await page.locator(overlay).isVisible(), `${state}: open`).toBe(true)
    const violations = await axe(page)
    if (overlay)
      expect(await page.locator(overlay).isVisible(), `${state}: open after axe`).toBe(true)
    const unnamed = await unnamedControls(page)
    const byImpact = violations.reduce<Record<string, number>>(
      (acc, v) => ({ ...acc, [v.impact ?? 'none']: (acc[v.impact ?? 'none'] ?? 0) + 1 }),
      {},
    )
    const found = Object.entries(byImpact).map(([k, n]) => `${k} ${n}`)
    findings[`${state} (${theme})`] = { axe: violations, unnamed }
    summary[`${state} (${theme})`] =
      `${found.length ? found.join(', ') : 'no violations'}; unnamed ${unnamed.length}`
    expect
      .soft(
        violations.map((v) => `${v.impact} ${v.id}: ${v.help} — ${JSON.stringify(v.nodes)}`),
        `${state} (${theme}) axe`,
      )
      .toEqual([])
    expect.soft(unnamed, `${state} (${theme}) controls without a name`).toEqual([])
    await screenshot(page, `a11y-${state.replace(/[^a-z0-9]+/gi, '-')}-${theme}`)
  }
  await setTheme(page, 'light')
}

async function openPage(path: string, user = owner) {
  const page = await openAs(browser, inject('appUrl'), user, path)
  await page.waitForSelector('main h1', { timeout: 20_000 })
  await settle(page)
  return page
}

describe('every page (axe-core, all impacts; names)', () => {
  for (const name of [...workspacePages, ...personalPages]) {
    it(`/${name}`, async () => {
      const page = await openPage(`/${name}`)
      // Notes shown on load are plain text, not alerts read out on every visit.
      expect(await page.locator('[role="alert"]').count(), 'alerts on load').toBe(0)
      await check(page, `/${name}`)
      await page.context().close()
    })
  }

  it('/sign-in, empty and after a wrong password', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const page = await context.newPage()
    await page.goto(new URL('/sign-in', inject('appUrl')).href)
    await page.locator('#email').waitFor()
    await check(page, '/sign-in')
    await page.locator('#email').fill('admin@fluxera.test')
    await page.locator('input#password').fill('Not-the-password-1!')
    await page.keyboard.press('Enter')
    await page.locator('[data-test="error"]').waitFor({ timeout: 15_000 })
    await check(page, '/sign-in wrong password')
    await context.close()
  })
})

describe('dialogs, menus, the drawer and error states', () => {
  it('Users: invite dialog, its warning, row menu, confirm, offboarding, drawer, account menu', async () => {
    const page = await openPage('/users')
    await page.getByRole('button', { name: 'Invite users' }).click()
    const invite = page.getByRole('dialog', { name: 'Invite users' })
    await invite.waitFor()
    await check(page, 'invite dialog')
    await invite.getByRole('textbox', { name: 'Email addresses' }).fill('not-an-address, ana@')
    await check(page, 'invite dialog with warnings')
    await tall(page)
    await invite.getByRole('combobox', { name: 'Role' }).click()
    await page.getByRole('listbox').waitFor()
    await check(page, 'invite dialog role list', '[role="listbox"]')
    await page.keyboard.press('Escape')
    await page.getByRole('listbox').waitFor({ state: 'hidden' })
    await invite.getByRole('button', { name: 'Cancel' }).click()
    await invite.waitFor({ state: 'hidden' })

    const actions = page.getByRole('button', { name: 'Actions for Mia Member' })
    await tall(page)
    await actions.click()
    await page.getByRole('menu').waitFor()
    await check(page, 'row menu', '[role="menu"]')
    await page.keyboard.press('Escape')
    await actions.click()
    await page.getByRole('menuitem', { name: /Make Viewer/ }).click()
    await page.getByRole('alertdialog').waitFor()
    await check(page, 'change-role confirm')
    await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel' }).click()

    await actions.click()
    await page.getByRole('menuitem', { name: /^Deactivate/ }).click()
    const offboard = page.getByRole('alertdialog', { name: /^Deactivate/ })
    await offboard.waitFor()
    await settle(page)
    await check(page, 'deactivate dialog')
    await page.keyboard.press('Escape')
    await offboard.waitFor({ state: 'hidden' })

    await page
      .getByRole('button', { name: /Mia Member/ })
      .first()
      .click()
    await page.locator('[data-test="member-drawer"]').waitFor()
    await settle(page)
    await check(page, 'member drawer')
    await page.keyboard.press('Escape')

    await page.getByRole('button', { name: /Account menu/ }).click()
    await page.getByRole('menu').waitFor()
    await check(page, 'account menu', '[role="menu"]')
    await page.keyboard.press('Escape')
    await page.context().close()
  })

  it('Activity: an expanded row and the open "What happened" list', async () => {
    const page = await openPage('/activity')
    await page.locator('tbody tr').first().waitFor()
    await page.locator('tbody tr button').first().click()
    await check(page, 'activity row expanded')
    await tall(page)
    await page.locator('[data-test="action-filter"]').click()
    await page.getByRole('listbox').waitFor()
    await check(page, 'activity action list', '[role="listbox"]')
    await page.keyboard.press('Escape')
    await page.context().close()
  })

  it('Assets and Licences: the new-item dialogs', async () => {
    for (const [path, button] of [
      ['/assets', 'New asset'],
      ['/licenses', 'New licence'],
    ] as const) {
      const page = await openPage(path)
      await page.getByRole('button', { name: button }).click()
      await page.getByRole('dialog').waitFor()
      await check(page, `${path} dialog`)
      await page.context().close()
    }
  })

  it('Account: setting up 2FA, and a wrong code', async () => {
    // A person of their own: the half-made factor must not touch the demo accounts.
    const email = `a11y-2fa-${randomUUID().slice(0, 8)}@example.test`
    const id = await createUser(email, 'Ada Access')
    await sql(
      `insert into public.memberships (workspace_id, user_id, role, status, joined_at)
       values ($1, $2, 'member', 'active', now())`,
      [acme, id],
    )
    const page = await openPage('/account', { id, email })
    await page.getByRole('button', { name: 'Set up' }).click()
    await page.locator('[data-test="totp-secret"]').waitFor()
    await check(page, '2FA set up')
    await page.locator('[data-test="totp-code"] input').first().click()
    await page.keyboard.type('000000')
    await page.getByRole('button', { name: 'Verify' }).click()
    await page.locator('[data-test="totp-error"]').waitFor({ timeout: 15_000 })
    await check(page, '2FA wrong code')
    await page.context().close()
  })

  it('the sidebar opened at 800 px', async () => {
    const page = await openPage('/users')
    await page.setViewportSize({ width: 800, height: 800 })
    await page.getByRole('button', { name: 'Menu', exact: true }).click()
    await settle(page)
    await check(page, 'sidebar open at 800 px')
    await page.context().close()
  })
})
