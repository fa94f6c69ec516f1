// Settings → Directory sync in Chromium against the real stack (docs/directory-sync.md): an
// Owner connects Okta in the page, copies the token it shows once, and an identity provider
// (this test, over HTTP with that token) creates a user through the scim edge function. The
// page then lists the request, the Users page shows "Managed by Okta", rotating gives a second
// token (the old one answers 401 once revoked), and revoking the last one shuts Okta out.
// axe-core runs on the page and its dialogs; screenshots at 1280 and 390 px.
import { randomUUID } from 'node:crypto'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { apiUrl, closeSql, createUser, sql, uniqueEmail } from '../helpers/stack'
import { axe } from './a11y'
import { launch, openAs, screenshot } from './browser'

const scimBase = `${apiUrl}/functions/v1/scim/v2`
let browser: Browser
let owner: { id: string; email: string }
let workspaceId: string

/** One SCIM request as Okta sends it. */
async function scim(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${scimBase}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      Accept: 'application/scim+json',
      ...(body ? { 'Content-Type': 'application/scim+json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  })
  await res.text()
  return res.status
}

async function noViolations(page: Page, state: string) {
  const violations = await axe(page)
  expect(
    violations.map(
      (v) => `${state}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target).join(' ')}`,
    ),
  ).toEqual([])
}

/** Waits for the network and for PrimeVue's dialog and toast animations to end. */
async function settle(page: Page) {
  await page.waitForLoadState('networkidle').catch(() => undefined)
  await page.waitForFunction(
    () => document.getAnimations().every((a) => a.playState !== 'running'),
    undefined,
    { timeout: 5_000 },
  )
}

/** The token the open token dialog shows, after checking the copy button puts it on the clipboard. */
async function readTokenOnce(page: Page): Promise<string> {
  const dialog = page.getByRole('dialog', { name: /SCIM token for Okta/ })
  await dialog.waitFor()
  await expect.poll(() => dialog.innerText()).toContain("you won't see it again")
  const token = (await dialog.locator('[data-test="scim-token"]').innerText()).trim()
  expect(token).toMatch(/^fxscim_[0-9a-f]{64}$/)
  await dialog.getByRole('button', { name: 'Copy the token' }).click()
  await expect
    .poll(() => dialog.locator('[data-test="copy-status"]').innerText())
    .toBe('Token copied.')
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token)
  return token
}

async function closeTokenDialog(page: Page, token: string) {
  await page.getByRole('button', { name: 'I have copied it' }).click()
  await page.getByRole('dialog', { name: /SCIM token for Okta/ }).waitFor({ state: 'hidden' })
  // Shown once: nowhere on the page any more. Focus is back on the connection's heading.
  expect(await page.content()).not.toContain(token)
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.id ?? ''))
    .toMatch(/^directory-[0-9a-f-]{36}$/)
}

beforeAll(async () => {
  browser = await launch()
  owner = { email: uniqueEmail('e2e-dirsync-owner'), id: '' }
  owner.id = await createUser(owner.email, 'E2E Directory Owner')
  const [ws] = await sql<{ id: string }>(
    `with w as (insert into public.workspaces (name) values ($1) returning id),
          m as (insert into public.memberships (workspace_id, user_id, role, status, joined_at)
                select id, $2, 'owner', 'active', now() from w returning workspace_id)
     select workspace_id as id from m`,
    [`E2E Directory ${randomUUID().slice(0, 6)}`, owner.id],
  )
  workspaceId = ws!.id
})
afterAll(async () => {
  await browser?.close()
  await closeSql()
})

describe('Settings → Directory sync', () => {
  it('connect Okta, use its token once shown, see the request and "Managed by Okta", rotate, revoke', async () => {
    const appUrl = inject('appUrl')
    const page = await openAs(browser, appUrl, owner, '/settings/directory-sync')
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: appUrl,
    })
    await page.getByRole('heading', { name: 'Directory sync', level: 1 }).waitFor()
    // The menu leads here.
    await expect
      .poll(() => page.getByRole('navigation', { name: 'Main' }).innerText())
      .toContain('Directory sync')
    await expect.poll(() => page.locator('[data-test="scim-base-url"]').innerText()).toBe(scimBase)
    await page.getByRole('button', { name: 'Connect an identity provider' }).waitFor()
    await settle(page)
    await noViolations(page, 'empty')
    await screenshot(page, 'directory-sync-empty-1280')

    // Connect: Okta, Member by default, "Fluxera Admins" -> Admin, no invitation mail.
    await page.getByRole('button', { name: 'Connect an identity provider' }).click()
    const form = page.getByRole('dialog', { name: 'Connect an identity provider' })
    await form.waitFor()
    expect(await form.getByLabel('Name', { exact: true }).inputValue()).toBe('Okta')
    await form.getByRole('button', { name: 'Add a group' }).click()
    await form.getByLabel('Group name').fill('Fluxera Admins')
    await form.locator('#directory-group-role-0').click()
    await page.getByRole('option', { name: 'Admin' }).click()
    await settle(page)
    await noViolations(page, 'connect dialog')
    await form.getByRole('button', { name: 'Connect and create a token' }).click()

    const first = await readTokenOnce(page)
    await settle(page)
    await noViolations(page, 'token dialog')
    await screenshot(page, 'directory-sync-token-1280')
    await closeTokenDialog(page, first)
    const [conn] = await sql<{ id: string; name: string }>(
      `select id, name from public.directory_connections where workspace_id = $1`,
      [workspaceId],
    )
    expect(conn!.name).toBe('Okta')
    const [mapping] = await sql<{ group_name: string; role: string }>(
      `select group_name, role from public.directory_group_roles where connection_id = $1`,
      [conn!.id],
    )
    expect(mapping).toEqual({ group_name: 'Fluxera Admins', role: 'admin' })

    // Okta uses the token: a pre-create look-up, then the user.
    const email = uniqueEmail('e2e-dirsync-synced')
    expect(
      await scim(first, 'GET', `/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}`),
    ).toBe(200)
    expect(
      await scim(first, 'POST', '/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: email,
        name: { givenName: 'Sasha', familyName: 'Synced' },
        emails: [{ type: 'work', value: email, primary: true }],
        active: true,
      }),
    ).toBe(201)

    // The page lists them, newest first, in words.
    const panel = page.locator('[data-test="directory-connection"]')
    await panel.getByRole('button', { name: 'Refresh the requests of Okta' }).click()
    const requests = panel.locator('[data-test="directory-requests"] li')
    await expect.poll(() => requests.count(), { timeout: 15_000 }).toBe(2)
    expect(await requests.nth(0).innerText()).toMatch(
      /Created a user[\s\S]*POST \/v2\/Users[\s\S]*Succeeded \(201\)/,
    )
    expect(await requests.nth(1).innerText()).toMatch(/Looked up users[\s\S]*Succeeded \(200\)/)
    await page.reload()
    await expect
      .poll(() => panel.locator('[data-test="last-request"]').innerText(), { timeout: 15_000 })
      .toMatch(/now|second|minute/)
    await settle(page)
    await noViolations(page, 'with a connection and requests')
    await screenshot(page, 'directory-sync-connected-1280')

    // The Users page: the synced member reads "Managed by Okta", and the drawer says why.
    await page.goto(new URL('/users', appUrl).href)
    const row = page.locator('tbody tr', { hasText: email })
    await row.waitFor({ timeout: 20_000 })
    expect(await row.locator('[data-test="managed-by"]').innerText()).toBe('Managed by Okta')
    // Its menu offers removal but refuses status and role, saying why (the database's guard).
    await row.getByRole('button', { name: /Actions for/ }).click()
    const deactivate = page.locator('[data-test="menu-deactivate"]')
    await deactivate.waitFor()
    expect(await deactivate.getAttribute('aria-disabled')).toBe('true')
    expect(await deactivate.innerText()).toContain('Managed by Okta: change this in Okta.')
    expect(await page.locator('[data-test="menu-role-admin"]').innerText()).toContain(
      'the role follows the groups in Okta',
    )
    expect(await page.locator('[data-test="menu-remove"]').getAttribute('aria-disabled')).toBeNull()
    await page.keyboard.press('Escape')
    await row.getByRole('button', { name: /Details of/ }).click()
    const drawer = page.locator('[data-test="member-drawer"]')
    await drawer.waitFor()
    expect(await drawer.locator('[data-test="managed-note"]').innerText()).toContain(
      'Okta manages this member through directory sync',
    )
    await settle(page)
    await screenshot(page, 'directory-sync-users-drawer-1280')
    await page.keyboard.press('Escape')

    // Rotate: a second token, shown once; both work until the old one is revoked.
    await page.goto(new URL('/settings/directory-sync', appUrl).href)
    await panel.getByRole('button', { name: 'Rotate: create a new token' }).click()
    const second = await readTokenOnce(page)
    expect(second).not.toBe(first)
    await expect
      .poll(() => page.getByRole('dialog', { name: /SCIM token for Okta/ }).innerText())
      .toContain('The previous token keeps working until you revoke it')
    await closeTokenDialog(page, second)
    expect(await scim(first, 'GET', '/Users?startIndex=1&count=2')).toBe(200)
    expect(await scim(second, 'GET', '/Users?startIndex=1&count=2')).toBe(200)

    await panel
      .getByRole('button', { name: `Revoke the token ending in ${first.slice(-4)}` })
      .click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke' }).click()
    await expect.poll(() => scim(first, 'GET', '/Users?startIndex=1&count=2')).toBe(401)
    expect(await scim(second, 'GET', '/Users?startIndex=1&count=2')).toBe(200)
    await expect
      .poll(() =>
        panel.locator('[data-test="directory-token"]', { hasText: first.slice(-4) }).innerText(),
      )
      .toContain('Revoked')

    // At 390 px: everything reachable, nothing scrolls sideways. (After the "revoked" toast has
    // gone: at this width it lies over the top bar's buttons while it shows.)
    await expect.poll(() => page.locator('.p-toast-message').count(), { timeout: 15_000 }).toBe(0)
    await page.setViewportSize({ width: 390, height: 844 })
    await settle(page)
    const sideways = await page.evaluate(
      () => document.scrollingElement!.scrollWidth > document.scrollingElement!.clientWidth,
    )
    expect(sideways).toBe(false)
    await screenshot(page, 'directory-sync-390')
    await noViolations(page, '390 px')
    await page.goto(new URL('/users', appUrl).href)
    const card = page.locator('[data-test="member-cards"] li', { hasText: email })
    await card.waitFor({ timeout: 20_000 })
    expect(await card.locator('[data-test="managed-by"]').innerText()).toBe('Managed by Okta')
    await settle(page)
    await screenshot(page, 'directory-sync-users-390')

    // Revoke the last token: Okta is shut out; each step is in the activity log.
    await page.goto(new URL('/settings/directory-sync', appUrl).href)
    await panel
      .getByRole('button', { name: `Revoke the token ending in ${second.slice(-4)}` })
      .click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke' }).click()
    await expect.poll(() => scim(second, 'GET', '/Users?startIndex=1&count=2')).toBe(401)
    const logged = await sql<{ action: string; actor_id: string }>(
      `select action, actor_id from public.activity_log
        where workspace_id = $1 and entity_type = 'directory_connection' order by id`,
      [workspaceId],
    )
    expect(logged.map((r) => r.action)).toEqual([
      'directory.connected',
      'directory.settings_changed',
      'directory.token_created',
      'directory.token_rotated',
      'directory.token_revoked',
      'directory.token_revoked',
    ])
    expect(new Set(logged.map((r) => r.actor_id))).toEqual(new Set([owner.id]))
    await page.context().close()
  })
})
