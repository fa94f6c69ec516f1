// Chromium from Debian, driven by playwright-core, plus signing in through the app's own sign-in
// form (Auth at /auth/v1: the stand-in, or Supabase Auth with SUPABASE_AUTH_BIN). Each person signs
// in once per test file; their browser storage (supabase-js's session in localStorage) is then
// reused for every page they open, as Playwright's storageState.
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { routes } from '../../src/router/routes'
import { anonKey, apiUrl, passwordFor } from '../helpers/stack'

export const screenshotsDir = join(process.cwd(), 'test-results', 'screenshots')
const viewport = { width: 1280, height: 800 }
/** Where supabase-js keeps the session in localStorage. */
export const storageKey = `sb-${new URL(apiUrl).hostname.split('.')[0]}-auth-token`

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
export async function openAs(
  browser: Browser,
  appUrl: string,
  user: DemoUser,
  path = '/',
): Promise<Page> {
  const key = user.email.toLowerCase()
  const state = signedIn.get(key)
  const context = await browser.newContext({ viewport, ...(state ? { storageState: state } : {}) })
  const page = await context.newPage()
  await page.goto(new URL(path, appUrl).href)
  if (state) return page

  // What the page itself reported, quoted when the sign-in fails.
  const reported: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') reported.push(`${m.type()}: ${m.text()}`)
  })
  page.on('pageerror', (e) => reported.push(`uncaught: ${e.message}`))
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) reported.push(`navigated: ${f.url()}`)
  })
  await page.waitForURL(/\/sign-in/, { timeout: 30_000 })
  await submitSignIn(page, user.email, user.password ?? passwordFor(user.email) ?? '')
  // Signed in once supabase-js has stored the session Auth answered with (or the form says why not);
  // the app then goes on to `path`.
  const outcome = await page
    .waitForFunction(
      (key) =>
        window.localStorage.getItem(key)
          ? 'session'
          : document.querySelector('[data-test="error"]')?.textContent?.trim() || null,
      storageKey,
      { timeout: 45_000 },
    )
    .then((h) => h.jsonValue())
    .catch(() => 'no answer from the sign-in form within 45 s')
  const why = () => (reported.length ? `\n  the page reported:\n  ${reported.join('\n  ')}` : '')
  if (outcome !== 'session')
    throw new Error(`sign-in as ${user.email} through the form failed: ${outcome}${why()}`)
  await page
    .waitForURL((url) => !url.pathname.startsWith('/sign-in'), { timeout: 45_000 })
    .catch(async (err: Error) => {
      const shown = await page
        .locator('main')
        .innerText()
        .catch(() => '')
      throw new Error(`${err.message}\n  the page shows: ${shown.replace(/\s+/g, ' ')}${why()}`)
    })
  signedIn.set(key, await context.storageState())
  return page
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(screenshotsDir, { recursive: true })
  // Transitions finished first (PrimeVue's messages fade in): the shot shows what people read.
  await page.screenshot({
    path: join(screenshotsDir, `${name}.png`),
    fullPage: true,
    animations: 'disabled',
  })
}

export { anonKey }

const layoutPages = routes.find((r) => r.path === '/')?.children ?? []
/** The workspace pages, as the router lists them: every page that asks for a permission. */
export const workspacePages = layoutPages.filter((r) => r.meta?.permission).map((r) => r.path)
/** The signed-in person's own pages (no permission needed), e.g. 'account'. */
export const personalPages = ['account'].filter((path) => layoutPages.some((r) => r.path === path))
