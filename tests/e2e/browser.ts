// Chromium from Debian, driven by playwright-core, plus signing in through the app's own sign-in
// form (Auth at /auth/v1: the stand-in, or Supabase Auth with SUPABASE_AUTH_BIN). Each person signs
// in once per test file; their browser storage (supabase-js's session in localStorage) is then
// reused for every page they open, as Playwright's storageState.
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { anonKey, passwordFor } from '../helpers/stack'

export const screenshotsDir = join(process.cwd(), 'test-results', 'screenshots')
const viewport = { width: 1280, height: 800 }

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
}

export interface DemoUser {
  id: string
  email: string
  /** Defaults to the password the helpers know for this email (tests/helpers/stack.ts). */
  password?: string
}

/** Fills the sign-in form on `page` (already at /sign-in) and submits it. */
export async function submitSignIn(page: Page, email: string, password: string) {
  await page.locator('#email').fill(email)
  await page.locator('input#password').fill(password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
}

type StorageState = Exclude<BrowserContextOptions['storageState'], string | undefined>
const signedIn = new Map<string, StorageState>()

/**
 * Opens the app at `path` signed in as `user`. The first time in this test file, the page is
 * sent to the sign-in form, where the user signs in with their password and is taken on to
 * `path`; that browser storage is kept and reused by later calls.
 */
export async function openAs(browser: Browser, appUrl: string, user: DemoUser, path = '/'): Promise<Page> {
  const key = user.email.toLowerCase()
  const state = signedIn.get(key)
  const context = await browser.newContext({ viewport, ...(state ? { storageState: state } : {}) })
  const page = await context.newPage()
  await page.goto(new URL(path, appUrl).href)
  if (state) return page

  await page.waitForURL(/\/sign-in/, { timeout: 30_000 })
  await submitSignIn(page, user.email, user.password ?? passwordFor(user.email) ?? '')
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'), { timeout: 30_000 }).catch(async () => {
    const shown = await page.locator('[data-test="error"]').allInnerTexts()
    throw new Error(`sign-in as ${user.email} through the form did not complete: ${shown.join(' ') || 'no message'}`)
  })
  signedIn.set(key, await context.storageState())
  return page
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(screenshotsDir, { recursive: true })
  await page.screenshot({ path: join(screenshotsDir, `${name}.png`), fullPage: true })
}

export { anonKey }
