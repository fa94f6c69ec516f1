// The sign-in form against Auth (/auth/v1 through the gateway: the stack's stand-in, or Supabase
// Auth with SUPABASE_AUTH_BIN): an unauthenticated visitor is sent to sign in; a wrong password is
// refused in words (the friendly text for Auth's invalid_credentials, which supabase-js only sees
// when the gateway exposes X-Supabase-Api-Version) and leaves them signed out; the right one signs
// them in for real (a session Auth recorded) and takes them where they were going.
import type { Browser, Page } from 'playwright-core'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { closeSql, DEMO_PASSWORD, sql } from '../helpers/stack'
import { launch, screenshot, storageKey, submitSignIn } from './browser'

const admin = { id: '00000000-0000-4000-a000-000000000002', email: 'admin@fluxera.test' }

let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
  await closeSql()
})

/** The session supabase-js stored in the page's localStorage, if any. */
async function storedSession(
  page: Page,
): Promise<{ access_token: string; user: { id: string } } | null> {
  const raw = await page.evaluate((key) => window.localStorage.getItem(key), storageKey)
  return raw ? (JSON.parse(raw) as { access_token: string; user: { id: string } }) : null
}

describe('sign-in page', () => {
  it('refuses a wrong password in words, then signs the demo Admin in and returns to where they were going', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(new URL('/users', inject('appUrl')).href)
    await page.waitForURL(/\/sign-in\?redirect=/)

    await submitSignIn(page, admin.email, 'Not-the-password-1!')
    const alert = page.locator('[data-test="error"]')
    await expect.poll(() => alert.count(), { timeout: 15_000 }).toBe(1)
    expect(await alert.innerText()).toMatch(/Wrong email or password\./)
    expect(page.url()).toMatch(/\/sign-in/)
    expect(await storedSession(page), 'no session after a refused sign-in').toBeNull()
    await screenshot(page, 'sign-in-wrong-password')

    await submitSignIn(page, admin.email, DEMO_PASSWORD)
    await page.waitForURL(/\/users/, { timeout: 30_000 })
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).first().innerText(), { timeout: 15_000 })
      .toMatch(/Users/)
    await expect
      .poll(() => page.getByText('Adam Admin').count(), { timeout: 15_000 })
      .toBeGreaterThan(0)
    const session = await storedSession(page)
    expect(session?.user.id).toBe(admin.id)
    // A real sign-in: a token Auth issued for a session it recorded, not one made up by the test.
    const claims = decodeJwt(session!.access_token)
    expect(claims).toMatchObject({ sub: admin.id, role: 'authenticated', aal: 'aal1' })
    expect(
      await sql(`select user_id from auth.sessions where id = $1`, [claims.session_id]),
    ).toEqual([{ user_id: admin.id }])
    await screenshot(page, 'sign-in-signed-in')
    await context.close()
  })
})
