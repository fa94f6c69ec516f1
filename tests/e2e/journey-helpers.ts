// Helpers for the browser journeys (journeys*.test.ts): Mailpit's API, the real sign-in form with
// one stored signed-in state per role, fresh people and workspaces, screenshots per step, and a
// TOTP code from a secret. Nothing here fakes Auth: people are made through Auth's admin API, sign
// in through the form, and mails are read from Mailpit.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { TOTP } from 'otpauth'
import { randomUUID } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'vitest'
import { mailUrl } from '../../local-stack/config.ts'
import { anonKey, apiUrl, serviceRoleKey, sql } from '../helpers/stack'

export { anonKey, apiUrl, serviceRoleKey, sql }
export const DEMO_PASSWORD = 'Fluxera-demo-2026!'
export const STRONG_PASSWORD = 'Violet-Harbor-Lamp-73!'
export const ACME = '10000000-0000-4000-a000-000000000001'
export const shotsDir = join(process.cwd(), 'test-results', 'journeys')

// ---------- screenshots -----------------------------------------------------------------
let step = 0
/** A full-page screenshot named after the journey and the step, in order of capture. */
export async function shot(page: Page, journey: string, name: string) {
  mkdirSync(shotsDir, { recursive: true })
  step++
  await page.screenshot({
    path: join(shotsDir, `${journey}-${String(step).padStart(2, '0')}-${name}.png`),
    fullPage: true,
    animations: 'disabled',
  })
}

// ---------- Mailpit ---------------------------------------------------------------------
export interface Mail {
  ID: string
  Subject: string
  To: { Address: string }[]
  HTML: string
  Text: string
  Created: string
}
interface Summary {
  ID: string
  Subject: string
  Created: string
  To: { Address: string }[]
}

async function search(to: string): Promise<Summary[]> {
  const q = encodeURIComponent(`to:"${to}"`)
  const res = await fetch(`${mailUrl}/api/v1/search?query=${q}&limit=50`)
  expect(res.ok, `Mailpit search ${res.status}`).toBe(true)
  return ((await res.json()) as { messages: Summary[] }).messages
}

/** How many mails went to `to`. */
export async function mailCount(to: string): Promise<number> {
  return (await search(to)).length
}

/** Waits for the `n`-th mail (1-based, oldest first) to `to` and returns it in full. */
export async function nthMail(to: string, n = 1, timeoutMs = 20_000): Promise<Mail> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const list = (await search(to)).sort((a, b) => a.Created.localeCompare(b.Created))
    const hit = list[n - 1]
    if (hit) {
      const res = await fetch(`${mailUrl}/api/v1/message/${hit.ID}`)
      return (await res.json()) as Mail
    }
    if (Date.now() > until) throw new Error(`no mail #${n} to ${to} within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

/** The link of the mail's button (the first href). */
export function mailLink(mail: Mail): string {
  const m = /href="([^"]+)"/.exec(mail.HTML)
  if (!m) throw new Error(`no link in mail "${mail.Subject}"`)
  return m[1]!.replace(/&amp;/g, '&')
}

export async function deleteAllMail() {
  await fetch(`${mailUrl}/api/v1/messages`, { method: 'DELETE' })
}

// ---------- Auth's admin API (service role) --------------------------------------------
async function authAdmin(path: string, init: { method?: string; body?: unknown } = {}) {
  const res = await fetch(`${apiUrl}/auth/v1${path}`, {
    method: init.method ?? (init.body ? 'POST' : 'GET'),
    headers: {
      apikey: serviceRoleKey,
      authorization: `Bearer ${serviceRoleKey}`,
      'content-type': 'application/json',
    },
    body: init.body ? JSON.stringify(init.body) : undefined,
  })
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>
  return { status: res.status, body }
}

export const uniqueEmail = (tag: string) => `${tag}-${randomUUID().slice(0, 8)}@journeys.test`

/** A confirmed account with a password, created by Auth itself. */
export async function newAccount(tag: string, fullName = tag) {
  const email = uniqueEmail(tag)
  const r = await authAdmin('/admin/users', {
    body: {
      email,
      password: STRONG_PASSWORD,
      email_confirm: true,
      user_metadata: { full_name: fullName },
    },
  })
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  return { id: r.body.id as string, email, password: STRONG_PASSWORD }
}

/** A workspace of its own for a journey (owner + optional members), so journeys never disturb Acme. */
export async function newWorkspace(
  name: string,
  owner: { id: string },
  members: { id: string; role: 'admin' | 'member' | 'viewer' }[] = [],
): Promise<string> {
  // One statement: a workspace must have its owner by the end of the transaction.
  const [ws] = await sql<{ id: string }>(
    `with w as (insert into public.workspaces (name) values ($1) returning id),
          o as (insert into public.memberships (workspace_id, user_id, role, status, joined_at)
                select w.id, $2, 'owner', 'active', now() from w)
     select id from w`,
    [name, owner.id],
  )
  const id = ws!.id
  for (const m of members) {
    await sql(
      `insert into public.memberships (workspace_id, user_id, role, status, joined_at)
       values ($1, $2, $3, 'active', now())`,
      [id, m.id, m.role],
    )
  }
  return id
}

// ---------- the browser ---------------------------------------------------------------
export async function newContext(browser: Browser, state?: string): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: 1280, height: 800 },
    ...(state ? { storageState: state } : {}),
  })
}

/** Signs in through the real form; returns when the app has left the sign-in page. */
export async function signInWithForm(page: Page, appUrl: string, email: string, password: string) {
  await page.goto(new URL('/sign-in', appUrl).href)
  await page.locator('#email').fill(email)
  await page.locator('#password input, input#password').first().fill(password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
}

/**
 * The signed-in state of `email` after one real sign-in through the form, kept as Playwright
 * storageState (supabase-js keeps its session in localStorage), for later contexts to reuse.
 */
export async function signedInState(
  browser: Browser,
  appUrl: string,
  email: string,
  password: string,
  file: string,
): Promise<string> {
  const context = await newContext(browser)
  const page = await context.newPage()
  await signInWithForm(page, appUrl, email, password)
  try {
    // The sign-in page may settle on "Signed in as … Continue" instead of moving on by itself.
    const cont = page.getByRole('button', { name: 'Continue' })
    await Promise.race([
      page.waitForURL((u) => !u.pathname.startsWith('/sign-in'), { timeout: 30_000 }),
      cont.waitFor({ timeout: 30_000 }).then(() => cont.click()),
    ])
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'), { timeout: 30_000 })
  } catch (err) {
    await shot(page, 'sign-in-failed', email.replace(/[^a-z0-9]+/gi, '-'))
    const alert = await page.locator('[role="alert"]').allInnerTexts()
    throw new Error(
      `sign-in of ${email} did not leave /sign-in: ${alert.join(' | ') || String(err)}`,
    )
  }
  mkdirSync(join(process.cwd(), 'test-results', 'journeys', '.state'), { recursive: true })
  const path = join(process.cwd(), 'test-results', 'journeys', '.state', file)
  await context.storageState({ path })
  await context.close()
  return path
}

/** The access token supabase-js holds in this page (from its localStorage session). */
export async function pageAccessToken(page: Page): Promise<string> {
  return page.evaluate(() => {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i)!
      if (/^sb-.*-auth-token$/.test(key)) {
        return (JSON.parse(localStorage.getItem(key)!) as { access_token: string }).access_token
      }
    }
    throw new Error('no Supabase session in localStorage')
  })
}

/** A TOTP code for the secret Auth gave at enrolment (the authenticator app's job). */
export function totpCode(secret: string, offsetSteps = 0): string {
  const totp = new TOTP({ secret, digits: 6, period: 30, algorithm: 'SHA1' })
  return totp.generate({ timestamp: Date.now() + offsetSteps * 30_000 })
}

/** Types a 6-digit code into PrimeVue's InputOtp (one box per digit), box by box. */
export async function typeCode(page: Page, scope: string, code: string) {
  const boxes = page.locator(`${scope} input`)
  await boxes.nth(5).waitFor()
  for (let i = 0; i < code.length; i++) {
    const box = boxes.nth(i)
    await box.fill('')
    await box.pressSequentially(code[i]!)
  }
  await expect
    .poll(async () =>
      (await boxes.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).join(''),
    )
    .toBe(code)
}

/** REST as a given token, straight to PostgREST through the gateway. */
export async function rest(path: string, token: string, init: RequestInit = {}) {
  const res = await fetch(`${apiUrl}/rest/v1/${path}`, {
    ...init,
    headers: {
      apikey: anonKey,
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...(init.headers ?? {}),
    },
  })
  const text = await res.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    /* keep text */
  }
  return { status: res.status, body }
}

/** Password sign-in through Auth's API (not the form): for checks on the database's side. */
export async function passwordToken(email: string, password: string) {
  const res = await fetch(`${apiUrl}/auth/v1/token?grant_type=password`, {
    method: 'POST',
    headers: { apikey: anonKey, 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}
