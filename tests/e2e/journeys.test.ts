// The product's front door, end to end in Chromium through Supabase Auth (the local stand-in, or
// the real Auth with SUPABASE_AUTH_BIN) and Mailpit: invitations, sign-in by password, magic link
// and reset, 2FA, offboarding and failed sign-ins. Nothing is faked: people sign in through the
// form, mails are read from Mailpit's API, their links are followed by the browser, and what each
// journey asserts is checked in the database as well. Screenshots: test-results/journeys/.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { closeSql } from '../helpers/stack'
import { launch } from './browser'
import {
  ACME,
  DEMO_PASSWORD,
  STRONG_PASSWORD,
  mailCount,
  mailLink,
  newAccount,
  newContext,
  newWorkspace,
  nthMail,
  pageAccessToken,
  passwordToken,
  rest,
  shot,
  signInWithForm,
  signedInState,
  sql,
  totpCode,
  typeCode,
  uniqueEmail,
} from './journey-helpers'

let browser: Browser
let appUrl: string
/** The demo Admin of Acme Corp, signed in once through the form (Playwright storageState). */
let adminState: string
const contexts: BrowserContext[] = []

async function open(state?: string): Promise<Page> {
  const context = await newContext(browser, state)
  contexts.push(context)
  return context.newPage()
}

const url = (path: string) => new URL(path, appUrl).href

beforeAll(async () => {
  appUrl = inject('appUrl')
  browser = await launch()
  adminState = await signedInState(browser, appUrl, 'admin@fluxera.test', DEMO_PASSWORD, 'admin.json')
})

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {})
  await browser?.close()
  await closeSql()
})

async function userId(email: string): Promise<string> {
  const [row] = await sql<{ id: string }>(`select id from public.profiles where email = $1`, [email])
  if (!row) throw new Error(`no profile for ${email}`)
  return row.id
}

async function membership(workspaceId: string, email: string) {
  const [row] = await sql<{ id: string; status: string; role: string; joined_at: Date | null }>(
    `select m.id, m.status::text, m.role::text, m.joined_at from public.memberships m
       join public.profiles p on p.id = m.user_id
      where m.workspace_id = $1 and p.email = $2`,
    [workspaceId, email],
  )
  return row ?? null
}

async function openInviteDialog(page: Page) {
  await page.goto(url('/users'))
  await page.locator('[data-test="invite-button"]').click()
  await page.locator('#invite-emails').waitFor()
}

async function inviteThroughDialog(page: Page, text: string) {
  await openInviteDialog(page)
  await page.locator('#invite-emails').fill(text)
  await page.locator('[data-test="invite-send"]').click()
  await page.locator('[role="dialog"] [role="status"]').waitFor({ timeout: 30_000 })
}

async function findMemberRow(page: Page, email: string) {
  await page.goto(url('/users'))
  await page.getByRole('searchbox', { name: 'Search name or email' }).or(
    page.getByPlaceholder('Search name or email'),
  ).first().fill(email)
  const row = page.locator('tr', { hasText: email })
  await row.first().waitFor({ timeout: 15_000 })
  return row.first()
}

async function memberAction(page: Page, email: string, action: string, accept: string) {
  const row = await findMemberRow(page, email)
  await row.locator('[data-test="member-actions"]').click()
  await page.locator(`[data-test="menu-${action}"]`).click()
  await page.getByRole('alertdialog').or(page.getByRole('dialog')).getByRole('button', { name: accept, exact: true }).click()
}

// ---------------------------------------------------------------------------------------------
describe('journeys', () => {
  it('1. Quick Start: the Admin invites a Member, who joins through the mailed link', async () => {
    const J = 'quickstart'
    const invitee = uniqueEmail('quick')
    const admin = await open(adminState)
    await inviteThroughDialog(admin, invitee)
    await expect.poll(() => admin.locator('[data-test="invited"]').innerText()).toContain(invitee)
    await shot(admin, J, 'invited')

    const mail = await nthMail(invitee)
    expect(mail.Subject).toBe('You have been invited to Fluxera')
    expect(mail.HTML).toContain('Acme Corp')
    expect(mail.HTML).toContain('Adam Admin')
    const link = mailLink(mail)
    expect(link.startsWith(url('/accept-invite?workspace=' + ACME))).toBe(true)
    const pending = await membership(ACME, invitee)
    expect(pending).toMatchObject({ status: 'pending', role: 'member' })

    const page = await open()
    await page.goto(link)
    await expect.poll(() => page.locator('[data-test="join-title"]').innerText()).toBe(
      'Join Acme Corp as Member',
    )
    await shot(page, J, 'accept-page')

    // A weak password: Auth's policy refuses it, and its reasons are shown in words.
    await page.locator('#new-password').fill('password1234')
    await page.locator('#repeat-password input, input#repeat-password').first().fill('password1234')
    await page.locator('[data-test="accept"]').click()
    const error = page.locator('[data-test="error"]')
    await error.waitFor({ timeout: 15_000 })
    expect(await error.innerText()).toMatch(/too weak.*lower-case and upper-case letters, digits and symbols/s)
    await shot(page, J, 'weak-password')
    expect((await membership(ACME, invitee))?.status).toBe('pending')

    await page.locator('#new-password').fill(STRONG_PASSWORD)
    await page.locator('#repeat-password input, input#repeat-password').first().fill(STRONG_PASSWORD)
    await page.locator('[data-test="accept"]').click()
    await page.waitForURL(/\/users/, { timeout: 30_000 })
    await shot(page, J, 'joined')
    const joined = await membership(ACME, invitee)
    expect(joined).toMatchObject({ status: 'active', role: 'member' })
    expect(joined?.joined_at).toBeTruthy()
    // The new password works for Auth.
    expect((await passwordToken(invitee, STRONG_PASSWORD)).status).toBe(200)

    const row = await findMemberRow(admin, invitee)
    await expect.poll(() => row.innerText()).toMatch(/Active/)
    await shot(admin, J, 'users-active')

    const adminId = await userId('admin@fluxera.test')
    const inviteeId = await userId(invitee)
    const log = await sql<{ action: string; actor_id: string; subject_user_id: string; occurred_at: Date }>(
      `select action, actor_id, subject_user_id, occurred_at from public.activity_log
        where workspace_id = $1 and subject_user_id = $2 and action in ('member.invited', 'member.joined')
        order by id`,
      [ACME, inviteeId],
    )
    expect(log.map((l) => [l.action, l.actor_id])).toEqual([
      ['member.invited', adminId],
      ['member.joined', inviteeId],
    ])
    for (const l of log) expect(l.occurred_at).toBeInstanceOf(Date)
  })

  it('2. Several at once: five addresses, an outcome for each, exactly three mails', async () => {
    const J = 'several'
    const fresh = [uniqueEmail('five-a'), uniqueEmail('five-b'), uniqueEmail('five-c')]
    const malformed = 'not-an-address@'
    const list = [fresh[0], malformed, 'member@fluxera.test', fresh[1], fresh[2]].join('\n')
    const admin = await open(adminState)
    await inviteThroughDialog(admin, list)
    const invited = admin.locator('[data-test="invited"]')
    const failed = admin.locator('[data-test="failed"]')
    for (const e of fresh) await expect.poll(() => invited.innerText()).toContain(e)
    expect(await failed.innerText()).toContain(`${malformed} — Not a valid email address.`)
    expect(await failed.innerText()).toContain('member@fluxera.test — Already a member')
    await shot(admin, J, 'outcomes')

    for (const e of fresh) {
      await nthMail(e)
      expect((await membership(ACME, e))?.status).toBe('pending')
    }
    // Exactly three: one each for the new addresses, none for the others.
    for (const e of fresh) expect(await mailCount(e)).toBe(1)
    expect(await mailCount(malformed)).toBe(0)
    const [{ n }] = (await sql<{ n: string }>(
      `select count(*) as n from public.profiles where email = any($1)`,
      [[malformed]],
    )) as [{ n: string }]
    expect(Number(n)).toBe(0)
  })

  it('3. An existing account invited to a second workspace accepts with one click', async () => {
    const J = 'second-workspace'
    const owner = await newAccount('ws2-owner', 'Wanda Second')
    const ws2 = await newWorkspace(`Second ${Date.now()}`, owner)
    const ownerState = await signedInState(browser, appUrl, owner.email, owner.password, 'ws2-owner.json')
    const ownerPage = await open(ownerState)
    await inviteThroughDialog(ownerPage, 'member@fluxera.test')
    await expect.poll(() => ownerPage.locator('[data-test="invited"]').innerText()).toContain(
      'member@fluxera.test',
    )
    const before = await mailCount('member@fluxera.test')
    const mail = await nthMail('member@fluxera.test', before)
    const link = mailLink(mail)
    expect(link).toContain(`/accept-invite?workspace=${ws2}`)
    expect(link).toContain('type=magiclink')

    const page = await open()
    await page.goto(link)
    await page.locator('[data-test="join-title"]').waitFor()
    expect(await page.locator('#new-password').count()).toBe(0)
    await shot(page, J, 'accept')
    await page.locator('[data-test="accept"]').click() // the one click
    await page.waitForURL(/\/users/, { timeout: 30_000 })
    expect((await membership(ws2, 'member@fluxera.test'))?.status).toBe('active')
    const switcher = page.getByRole('combobox', { name: 'Current workspace' })
    await switcher.click()
    const options = page.getByRole('option')
    await expect.poll(() => options.allInnerTexts()).toEqual(
      expect.arrayContaining(['Acme Corp', expect.stringMatching(/^Second /)]),
    )
    await shot(page, J, 'switcher')
    await page.keyboard.press('Escape')
  })

  it('4. Magic link and password reset from the form; a used link gets a clear page with a new one', async () => {
    const J = 'links'
    const person = await newAccount('links', 'Lina Links')
    const ws = await newWorkspace(`Links ${Date.now()}`, person)
    void ws
    const page = await open()
    await page.goto(url('/sign-in'))
    await page.locator('#email').fill(person.email)
    await page.getByRole('button', { name: 'Email me a magic link' }).click()
    await page.locator('[data-test="notice"]').waitFor()
    await shot(page, J, 'magic-link-sent')
    const magic = mailLink(await nthMail(person.email, 1))
    await page.goto(magic)
    await page.waitForURL(/\/users/, { timeout: 30_000 })
    // Signed in, and no token left in the address bar.
    await expect.poll(() => page.url()).not.toMatch(/access_token|refresh_token/)
    expect(await page.evaluate(() => window.location.hash)).toBe('')
    await shot(page, J, 'signed-in-by-link')

    // The same link again: used. A clear page that offers a new link, not a stack trace.
    const again = await open()
    await again.goto(magic)
    await again.waitForURL(/\/link-error/, { timeout: 30_000 })
    expect(await again.locator('[data-test="link-error-title"]').innerText()).toBe(
      'This link no longer works',
    )
    await again.locator('#link-email').fill(person.email)
    await again.locator('[data-test="new-link"]').click()
    await again.locator('[data-test="notice"]').waitFor()
    await shot(again, J, 'used-link')
    const fresh = mailLink(await nthMail(person.email, 2))
    expect(fresh).not.toBe(magic)

    // Password reset by mail.
    await new Promise((r) => setTimeout(r, 1100)) // Auth's max_frequency between mails to one person
    const reset = await open()
    await reset.goto(url('/sign-in'))
    await reset.locator('#email').fill(person.email)
    await reset.getByRole('button', { name: 'Forgot password?' }).click()
    await reset.locator('[data-test="notice"]').waitFor()
    const resetMail = await nthMail(person.email, 3)
    expect(resetMail.Subject).toBe('Reset your Fluxera password')
    await reset.goto(mailLink(resetMail))
    await reset.waitForURL(/\/reset-password/, { timeout: 30_000 })
    await reset.locator('#new-password').waitFor()
    await expect.poll(() => reset.url()).not.toMatch(/access_token|refresh_token/)
    const newPassword = 'Amber-Canyon-Frost-58!'
    await reset.locator('#new-password').fill(newPassword)
    await reset.locator('#repeat-password input, input#repeat-password').first().fill(newPassword)
    await shot(reset, J, 'reset-form')
    await reset.getByRole('button', { name: 'Save password' }).click()
    await reset.waitForURL((u) => !u.pathname.startsWith('/reset-password'), { timeout: 30_000 })
    expect((await passwordToken(person.email, newPassword)).status).toBe(200)
    expect((await passwordToken(person.email, person.password)).status).toBe(400)
  })
})
