// The admin's experience, second pass (issue 23, items 5–9 and their screenshots, item 11), in
// Chromium against the real stack. Read-only checks use the demo workspace (Acme); anything that
// changes data makes a workspace of its own. Screenshots wait for animations to settle and are
// taken light and dark: test-results/screenshots/ux23-*.png.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { closeSql } from '../helpers/stack'
import { launch, openAs, screenshot } from './browser'
import { newAccount, newWorkspace, sql } from './journey-helpers'
import { animationsDone, ROLES, settle } from './narrow-helpers'

let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
  await closeSql()
})

const app = (path: string) => new URL(path, inject('appUrl')).href
const done = (page: Page) => page.context().close()

/** The page in both themes, after animations settle. */
async function shots(page: Page, name: string) {
  // a full-page shot of a scrolled page draws the fixed top bar mid-page
  await page.evaluate(() => window.scrollTo(0, 0))
  for (const theme of ['light', 'dark'] as const) {
    await page.evaluate(
      (dark) => document.documentElement.classList.toggle('app-dark', dark),
      theme === 'dark',
    )
    await animationsDone(page)
    await screenshot(page, `ux23-${name}-${page.viewportSize()?.width}-${theme}`)
  }
  await page.evaluate(() => document.documentElement.classList.remove('app-dark'))
}

async function open(
  user: { id: string; email: string; password?: string },
  path: string,
  width = 1280,
) {
  const page = await openAs(browser, inject('appUrl'), user, path)
  await page.setViewportSize({ width, height: width === 390 ? 844 : 800 })
  await page.goto(app(path))
  await settle(page)
  return page
}

/** A workspace of its own: its Owner and an active Member. */
async function newTeam(tag: string) {
  const owner = await newAccount(`ux23-${tag}-owner`, `UX23 ${tag} Owner`)
  const member = await newAccount(`ux23-${tag}-member`, `UX23 ${tag} Member`)
  const workspaceId = await newWorkspace(`UX23 ${tag}`, owner, [{ id: member.id, role: 'member' }])
  return { owner, member, workspaceId }
}

describe('issue 23, items 5–9', () => {
  it('item 5: at 390 px the Activity filters sit behind one button and the first entry is on the first screen', async () => {
    const page = await open(ROLES.owner, '/activity', 390)
    const toggle = page.locator('[data-test="filters-toggle"]')
    expect(await toggle.getAttribute('aria-expanded')).toBe('false')
    expect(await page.locator('#activity-filters').isVisible()).toBe(false)
    const first = page.locator('[data-test="activity-cards"] li').first()
    const box = await first.boundingBox()
    expect(box, 'the first entry is laid out').not.toBeNull()
    expect(box!.y + 20).toBeLessThan(844)
    await shots(page, 'activity-phone')
    await toggle.click()
    await page.locator('#f-actor').waitFor()
    expect(await toggle.getAttribute('aria-expanded')).toBe('true')
    await shots(page, 'activity-phone-filters')
    for (const path of ['/assets', '/licenses', '/access-review', '/roles']) {
      await page.goto(app(path))
      await settle(page)
      await shots(page, `phone${path.replace('/', '-')}`)
    }
    await done(page)
  })

  it('item 6: rows say who, what, where and when; repeats are grouped; retention is stated and set', async () => {
    const page = await open(ROLES.owner, '/activity')
    const group = page.locator('[data-test="activity-group"]').first()
    await group.waitFor({ timeout: 20_000 })
    expect(await group.innerText()).toMatch(/^.+: .+, \d+ times$/)
    const when = page.locator('td time[title]').first()
    expect(await when.getAttribute('title')).toMatch(/\d{4}|\d{1,2}:\d{2}/)
    expect(await page.locator('[data-test="retention"]').innerText()).toMatch(/kept for/i)
    // a sign-in opened: its method in words
    const signIn = page.locator('tr', { hasText: 'signed in' }).first()
    await signIn.locator('[data-test="activity-expand"]').click()
    expect(await page.locator('[data-test="sign-in-method"]').first().innerText()).toMatch(
      /password/,
    )
    await shots(page, 'activity-details')
    // a group opened: its entries, each with its exact time
    const groupRow = page
      .locator('tr', { has: page.locator('[data-test="activity-group"]') })
      .first()
    await groupRow.locator('[data-test="activity-expand"]').click()
    await page.locator('.group-rows li').first().waitFor()
    expect(await page.locator('.group-rows li').count()).toBeGreaterThan(1)
    await shots(page, 'activity-group')
    await done(page)

    // Your account uses the same sentences, never raw keys
    const account = await open(ROLES.owner, '/account')
    const mine = account.locator('[data-test="my-activity"] li').first()
    await mine.waitFor({ timeout: 20_000 })
    expect(await mine.locator('[data-test="sentence"]').innerText()).toMatch(/signed in|Olivia/)
    expect(await account.locator('[data-test="my-activity"] code').count()).toBe(0)
    await shots(account, 'account-activity')
    await done(account)

    // the Owner sets the retention in Settings; the database holds it
    const team = await newTeam('retention')
    const settings = await open(team.owner, '/settings')
    await settings.locator('#retention-days').click()
    await settings.getByRole('option', { name: '1 year' }).click()
    await settings.locator('[data-test="save-retention"]').click()
    await settings
      .getByRole('alertdialog')
      .getByRole('button', { name: 'Shorten retention' })
      .click()
    await expect
      .poll(
        async () =>
          (
            await sql<{ d: number }>(
              `select activity_retention_days as d from public.workspaces where id = $1`,
              [team.workspaceId],
            )
          )[0]?.d,
        { timeout: 15_000 },
      )
      .toBe(365)
    // item 9: the toast opens below the top bar
    const toast = settings.locator('.p-toast-message').first()
    await toast.waitFor()
    const bar = await settings.locator('.app-topbar').boundingBox()
    expect((await toast.boundingBox())!.y).toBeGreaterThanOrEqual(bar!.y + bar!.height)
    await shots(settings, 'settings-retention-toast')
    await done(settings)
  })

  it('item 7: assets and seats held by a suspended member are flagged and can be filtered', async () => {
    const team = await newTeam('risk')
    await sql(
      `insert into public.assets (workspace_id, name, asset_tag, status, assigned_to) values
         ($1, 'Risky laptop', 'R-1', 'assigned', $2), ($1, 'Spare monitor', 'R-2', 'in_stock', null)`,
      [team.workspaceId, team.member.id],
    )
    const [lic] = await sql<{ id: string }>(
      `insert into public.licenses (workspace_id, product, seats) values ($1, 'Risky Suite', 3) returning id`,
      [team.workspaceId],
    )
    await sql(
      `insert into public.license_seats (workspace_id, license_id, user_id) values ($1, $2, $3)`,
      [team.workspaceId, lic!.id, team.member.id],
    )
    await sql(
      `update public.memberships set status = 'suspended', suspended_until = now() + interval '7 days', status_reason = 'Leave'
        where workspace_id = $1 and user_id = $2`,
      [team.workspaceId, team.member.id],
    )
    const page = await open(team.owner, '/assets')
    const flag = page.locator('[data-test="holder-risk"]')
    await flag.waitFor({ timeout: 20_000 })
    expect(await flag.innerText()).toContain('Holder suspended')
    await page.locator('#holder-status').click()
    await page.getByRole('option', { name: 'A suspended member' }).click()
    await expect.poll(() => page.locator('tbody tr').count(), { timeout: 15_000 }).toBe(1)
    expect(await page.locator('tbody').innerText()).toContain('Risky laptop')
    await shots(page, 'assets-risk')
    await page.goto(app('/licenses'))
    await settle(page)
    await page.locator('[data-test="seat-risk"]').waitFor({ timeout: 20_000 })
    expect(await page.locator('[data-test="seat-risk"]').innerText()).toContain(
      '1 held by suspended',
    )
    await shots(page, 'licences-risk')
    await done(page)
  })

  it('item 8: the Roles matrix collects ticks, previews gains and losses, and saves on Save only', async () => {
    const team = await newTeam('roles')
    const page = await open(team.owner, '/roles')
    await page.locator('#perm-member-assets-edit').click()
    await page.locator('#perm-viewer-assets-view').click()
    expect(await page.locator('[data-test="pending-count"]').innerText()).toBe('2 unsaved changes')
    const granted = () =>
      sql(
        `select role::text, permission from public.role_permissions
          where workspace_id = $1 and ((role = 'member' and permission = 'assets.edit') or (role = 'viewer' and permission = 'assets.view'))`,
        [team.workspaceId],
      )
    expect(await granted()).toEqual([{ role: 'viewer', permission: 'assets.view' }])
    expect(await page.locator('[data-test="owner-only-lock"]').count()).toBeGreaterThan(3)
    await shots(page, 'roles-pending')
    await page.locator('[data-test="review-changes"]').click()
    const dialog = page.getByRole('dialog')
    await dialog.waitFor()
    const text = await dialog.innerText()
    expect(text).toContain('affects 1 person')
    expect(text).toContain('Gains: edit assets')
    expect(text).toContain('Loses: see assets')
    await shots(page, 'roles-preview')
    await dialog.locator('[data-test="save-changes"]').click()
    await page.locator('[data-test="role-change-done"]').waitFor()
    expect(await granted()).toEqual([{ role: 'member', permission: 'assets.edit' }])
    await done(page)
  })

  it('item 9: one spelling, readable charts with one date control, disabled look, Contact sales link', async () => {
    const page = await open(ROLES.owner, '/licenses')
    expect(await page.locator('main h1').innerText()).toBe('Licences')
    expect(await page.getByRole('link', { name: 'Licences', exact: true }).count()).toBeGreaterThan(
      0,
    )
    expect(await page.locator('body').innerText()).not.toMatch(/Licenses/)
    await page.goto(app('/reports'))
    await settle(page)
    expect(await page.locator('main .p-datepicker').count()).toBe(1)
    expect(await page.locator('main .p-select').count()).toBe(0) // no second (preset) control
    await page.locator('#report-range').click()
    await page.getByRole('button', { name: 'Last 7 days' }).click()
    await expect
      .poll(() => page.locator('[data-test="report-range-words"]').innerText())
      .toMatch(/Last 7 days/)
    await page.keyboard.press('Escape')
    await shots(page, 'reports')
    await page.setViewportSize({ width: 390, height: 844 })
    await shots(page, 'reports')
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.goto(app('/billing'))
    await settle(page)
    const sales = page.getByRole('link', { name: 'Contact sales' })
    expect(await sales.getAttribute('href')).toMatch(/^mailto:/)
    await page.goto(app('/settings'))
    await settle(page)
    const del = page.locator('[data-test="delete-workspace"]')
    expect(await del.isDisabled()).toBe(true)
    const look = await del.evaluate((b) => {
      const s = getComputedStyle(b)
      return { background: s.backgroundColor, color: s.color }
    })
    expect(look.background).toBe('rgba(0, 0, 0, 0)')
    expect(look.color).not.toMatch(/^rgb\(2[0-5]\d, [0-9]{1,2}, [0-9]{1,2}\)$/) // not red text
    await shots(page, 'settings-disabled-delete')
    await done(page)
  })
})
