import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launch, openAs, screenshot } from './browser'

const admin = { id: '00000000-0000-4000-a000-000000000002', email: 'admin@fluxera.test' }
const viewer = { id: '00000000-0000-4000-a000-000000000004', email: 'viewer@fluxera.test' }
let browser: Browser

beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
})

describe('Users section in Chromium', () => {
  it('the demo Admin reaches Users from the main menu and sees the team', async () => {
    const page = await openAs(browser, inject('appUrl'), admin)
    await page.getByRole('link', { name: 'Users' }).first().click()
    await page.waitForURL(/\/users/)
    // Narrow to the demo team: other browser tests add people to Acme Corp, newest first.
    await page.getByPlaceholder('Search name or email').fill('@fluxera.test')
    await expect
      .poll(() => page.getByText('member@fluxera.test').count(), { timeout: 15_000 })
      .toBeGreaterThan(0)
    expect(await page.getByRole('button', { name: /invite user/i }).count()).toBe(1)
    await screenshot(page, 'users-admin')
    await page.context().close()
  })

  it('a Viewer sees the directory but no Invite control', async () => {
    const page = await openAs(browser, inject('appUrl'), viewer, '/users')
    await page.getByPlaceholder('Search name or email').fill('@fluxera.test')
    await expect
      .poll(() => page.getByText('owner@fluxera.test').count(), { timeout: 15_000 })
      .toBeGreaterThan(0)
    expect(await page.getByRole('button', { name: /invite user/i }).count()).toBe(0)
    await screenshot(page, 'users-viewer')
    await page.context().close()
  })
})
