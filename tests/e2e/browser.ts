// Chromium from Debian, driven by playwright-core, plus the signed-in state for a demo user.
import { chromium, type Browser, type Page } from 'playwright-core'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { accessToken, anonKey, apiUrl } from '../helpers/stack'

export const screenshotsDir = join(process.cwd(), 'test-results', 'screenshots')

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
}

/**
 * Opens the app signed in as `user`. Supabase Auth cannot run here (README), so instead of the
 * sign-in form the test stores the session supabase-js would have stored after signing in, with
 * an access token signed by the stack's JWT secret.
 */
export async function openAs(browser: Browser, appUrl: string, user: DemoUser, path = '/'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const token = await accessToken(user.id, { email: user.email })
  const now = Math.floor(Date.now() / 1000)
  const session = {
    access_token: token,
    token_type: 'bearer',
    expires_in: 3600,
    expires_at: now + 3600,
    refresh_token: 'local-test-refresh-token',
    user: {
      id: user.id,
      aud: 'authenticated',
      role: 'authenticated',
      email: user.email,
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: {},
      created_at: new Date().toISOString(),
    },
  }
  const storageKey = `sb-${new URL(apiUrl).hostname.split('.')[0]}-auth-token`
  await context.addInitScript(
    ([key, value]) => window.localStorage.setItem(key, value),
    [storageKey, JSON.stringify(session)] as const,
  )
  const page = await context.newPage()
  await page.goto(new URL(path, appUrl).href)
  return page
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(screenshotsDir, { recursive: true })
  await page.screenshot({ path: join(screenshotsDir, `${name}.png`), fullPage: true })
}

export { anonKey }
