// The sign-in form against the local stack's Auth (the GoTrue-compatible stand-in, or Supabase Auth
// with SUPABASE_AUTH_BIN): the demo Admin signs in and reaches Users; a wrong password gets the
// friendly message for Auth's invalid_credentials (which supabase-js only sees when the gateway
// exposes X-Supabase-Api-Version) and stays signed out.
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launch, screenshot } from './browser'

let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
})

async function submit(page: import('playwright-core').Page, password: string) {
  await page.goto(new URL('/users', inject('appUrl')).href)
  await page.waitForURL(/\/sign-in\?redirect=/)
  await page.locator('#email').fill('admin@fluxera.test')
  await page.locator('#password input, input#password').first().fill(password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
}

describe('sign-in page', () => {
  it('signs the demo Admin in through the form and lands on Users', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await submit(page, 'Fluxera-demo-2026!')
    await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000 }).toBe('/users')
    await expect.poll(() => page.getByText('Adam Admin').count(), { timeout: 15_000 }).toBeGreaterThan(0)
    await screenshot(page, 'sign-in-admin-users')
    await context.close()
  })

  it('a wrong password shows “Wrong email or password.” and stays on sign-in', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await submit(page, 'Not-the-password-1!')
    const alert = page.locator('[data-test="error"]')
    await expect.poll(() => alert.count(), { timeout: 15_000 }).toBe(1)
    expect(await alert.innerText()).toMatch(/Wrong email or password\./)
    expect(page.url()).toMatch(/\/sign-in/)
    await context.close()
  })
})
