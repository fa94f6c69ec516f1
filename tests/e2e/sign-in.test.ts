// The sign-in form against this local stack, where Supabase Auth cannot run (README): the person
// gets a clear, specific message instead of a silent failure, and stays signed out.
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

describe('sign-in page', () => {
  it('sends an unauthenticated visitor to sign-in and explains that Auth is unavailable here', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(new URL('/users', inject('appUrl')).href)
    await page.waitForURL(/\/sign-in\?redirect=/)
    await page.locator('#email').fill('admin@fluxera.test')
    await page.locator('#password input, input#password').first().fill('Fluxera-demo-2026!')
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    const alert = page.locator('[data-test="error"]')
    await expect.poll(() => alert.count(), { timeout: 15_000 }).toBe(1)
    expect(await alert.innerText()).toMatch(/Supabase Auth is not running in this local stack/)
    expect(page.url()).toMatch(/\/sign-in/)
    await screenshot(page, 'sign-in-auth-unavailable')
    await context.close()
  })
})
