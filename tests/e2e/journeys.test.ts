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

/** Removes what earlier journeys made: their workspaces, then their accounts (Acme's seats back). */
async function cleanUp() {
  await sql(
    `delete from public.workspaces w where exists (
       select 1 from public.memberships m join public.profiles p on p.id = m.user_id
        where m.workspace_id = w.id and m.role = 'owner' and p.email like '%@journeys.test')`,
  )
  await sql(`delete from auth.users where email like '%@journeys.test'`)
}

beforeAll(async () => {
  await cleanUp()
  appUrl = inject('appUrl')
  browser = await launch()
  adminState = await signedInState(
    browser,
    appUrl,
    'admin@fluxera.test',
    DEMO_PASSWORD,
    'admin.json',
  )
})

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {})
  await browser?.close()
  await cleanUp().catch((err) => console.error('journeys: clean-up failed', err))
  await closeSql()
})

async function userId(email: string): Promise<string> {
  const [row] = await sql<{ id: string }>(`select id from public.profiles where email = $1`, [
    email,
  ])
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
  await page
    .getByRole('searchbox', { name: 'Search name or email' })
    .or(page.getByPlaceholder('Search name or email'))
    .first()
    .fill(email)
  const row = page.locator('tr', { hasText: email })
  await row.first().waitFor({ timeout: 15_000 })
  return row.first()
}

/** The accept page asks the invitee's name (issue 23): give one when the field is empty. */
async function nameIfAsked(page: Page) {
  const field = page.locator('[data-test="invitee-name"]')
  if ((await field.count()) && !(await field.inputValue()).trim())
    await field.fill('Journey Invitee')
}

/** Resend or revoke a pending invitation from the Invitations tab (issue 23: not under Members). */
async function invitationAction(
  page: Page,
  email: string,
  action: 'resend' | 'revoke',
  accept: string,
) {
  await page.goto(url('/users'))
  await page.locator('[data-test="tab-invitations"]').click()
  await page.locator(`[data-test="${action}-${email}"]`).click()
  await page
    .getByRole('alertdialog')
    .or(page.getByRole('dialog'))
    .getByRole('button', { name: accept, exact: true })
    .click()
}

async function memberAction(page: Page, email: string, action: string, accept: string) {
  const row = await findMemberRow(page, email)
  await row.locator('[data-test="member-actions"]').click()
  await page.locator(`[data-test="menu-${action}"]`).click()
  await page
    .getByRole('alertdialog')
    .or(page.getByRole('dialog'))
    .getByRole('button', { name: accept, exact: true })
    .click()
}

// ---------------------------------------------------------------------------------------------
describe('journeys', { timeout: 240_000 }, () => {
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
    await expect
      .poll(() => page.locator('[data-test="join-title"]').innerText())
      .toBe('Join Acme Corp as Member')
    await shot(page, J, 'accept-page')

    // A weak password: refused with the policy's reasons in words. The page checks Auth's policy
    // (read from supabase/config.toml at build time) before asking Auth; Auth's own refusal of the
    // same password is covered in tests/auth.
    await page.locator('#new-password').fill('password1234')
    await page.locator('#repeat-password input, input#repeat-password').first().fill('password1234')
    await nameIfAsked(page)
    await page.locator('[data-test="accept"]').click()
    const error = page.locator('[data-test="problem"], [data-test="error"]').first()
    await error.waitFor({ timeout: 15_000 })
    expect(await error.innerText()).toMatch(
      /(upper-case letters.*a symbol|lower-case and upper-case letters, digits and symbols)/s,
    )
    await shot(page, J, 'weak-password')
    expect((await membership(ACME, invitee))?.status).toBe('pending')

    await page.locator('#new-password').fill(STRONG_PASSWORD)
    await page
      .locator('#repeat-password input, input#repeat-password')
      .first()
      .fill(STRONG_PASSWORD)
    await nameIfAsked(page)
    await page.locator('[data-test="accept"]').click()
    await page.waitForURL(/\/first-day/, { timeout: 30_000 })
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
    const log = await sql<{
      action: string
      actor_id: string
      subject_user_id: string
      occurred_at: Date
    }>(
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
    const ownerState = await signedInState(
      browser,
      appUrl,
      owner.email,
      owner.password,
      'ws2-owner.json',
    )
    const ownerPage = await open(ownerState)
    await inviteThroughDialog(ownerPage, 'member@fluxera.test')
    await expect
      .poll(() => ownerPage.locator('[data-test="invited"]').innerText())
      .toContain('member@fluxera.test')
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
    await nameIfAsked(page)
    await page.locator('[data-test="accept"]').click() // the one click
    await page.waitForURL(/\/first-day/, { timeout: 30_000 })
    expect((await membership(ws2, 'member@fluxera.test'))?.status).toBe('active')
    const switcher = page.getByRole('combobox', { name: 'Current workspace' })
    await switcher.click()
    const options = page.getByRole('option')
    await expect
      .poll(() => options.allInnerTexts())
      .toEqual(expect.arrayContaining(['Acme Corp', expect.stringMatching(/^Second /)]))
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

  it('5. Resend, revoke, expire: old links stop, withdrawn and expired say so, a new link on request', async () => {
    const J = 'resend-revoke-expire'
    const admin = await open(adminState)
    const [resent, revoked, expired, stale] = ['resent', 'revoked', 'expired', 'stale'].map((t) =>
      uniqueEmail(t),
    ) as [string, string, string, string]
    await inviteThroughDialog(admin, [resent, revoked, expired, stale].join('\n'))
    await expect.poll(() => admin.locator('[data-test="invited"]').innerText()).toContain(stale)

    // Resend: a new mail with a working link; the first link no longer works.
    const first = mailLink(await nthMail(resent, 1))
    const [{ before }] = (await sql<{ before: Date }>(
      `select invite_expires_at as before from public.memberships m join public.profiles p on p.id = m.user_id
        where m.workspace_id = $1 and p.email = $2`,
      [ACME, resent],
    )) as [{ before: Date }]
    await invitationAction(admin, resent, 'resend', 'Resend')
    const second = mailLink(await nthMail(resent, 2))
    expect(second).not.toBe(first)
    await shot(admin, J, 'resent')
    const [{ after }] = (await sql<{ after: Date }>(
      `select invite_expires_at as after from public.memberships m join public.profiles p on p.id = m.user_id
        where m.workspace_id = $1 and p.email = $2`,
      [ACME, resent],
    )) as [{ after: Date }]
    expect(after.getTime()).toBeGreaterThan(before.getTime())
    const resentId = await userId(resent)
    expect(
      await sql(
        `select 1 from public.activity_log where subject_user_id = $1 and action = 'member.invitation_resent'`,
        [resentId],
      ),
    ).toHaveLength(1)

    const old = await open()
    await old.goto(first)
    await expect
      .poll(() => old.locator('[data-test="link-state"]').innerText())
      .toBe('A newer invitation is waiting in your inbox')
    await shot(old, J, 'old-link')
    const fresh = await open()
    await fresh.goto(second)
    await expect
      .poll(() => fresh.locator('[data-test="join-title"]').innerText())
      .toBe('Join Acme Corp as Member')

    // Revoke: the link leads to "withdrawn", and the never-used account is gone.
    const revokedLink = mailLink(await nthMail(revoked, 1))
    const revokedId = await userId(revoked)
    await invitationAction(admin, revoked, 'revoke', 'Revoke')
    await expect
      .poll(async () => (await sql(`select 1 from auth.users where id = $1`, [revokedId])).length)
      .toBe(0)
    expect(await membership(ACME, revoked)).toBeNull()
    const withdrawn = await open()
    await withdrawn.goto(revokedLink)
    await expect
      .poll(() => withdrawn.locator('[data-test="link-state"]').innerText())
      .toBe('This invitation was withdrawn')
    expect(await withdrawn.locator('main').innerText()).toContain('Adam Admin')
    await shot(withdrawn, J, 'withdrawn')
    expect((await passwordToken(revoked, STRONG_PASSWORD)).status).toBe(400)

    // Past the workspace's expiry: "expired, ask <inviter> for a new one".
    const expiredLink = mailLink(await nthMail(expired, 1))
    await sql(
      `update public.memberships set invite_expires_at = now() - interval '1 day'
        where workspace_id = $1 and user_id = (select id from public.profiles where email = $2)`,
      [ACME, expired],
    )
    const late = await open()
    await late.goto(expiredLink)
    await expect
      .poll(() => late.locator('[data-test="link-state"]').innerText())
      .toBe('This invitation has expired')
    expect(await late.locator('main').innerText()).toMatch(/Ask Adam Admin for a new invitation/)
    await shot(late, J, 'expired')

    // Auth's link lifetime (otp_expiry) passed while the invitation is still valid: the page
    // offers a new link, which works.
    const staleLink = mailLink(await nthMail(stale, 1))
    await sql(
      `update auth.users set confirmation_sent_at = now() - interval '2 hours' where email = $1`,
      [stale],
    )
    const next = await open()
    await next.goto(staleLink)
    await next.locator('[data-test="join-title"]').waitFor()
    await next.locator('#new-password').fill(STRONG_PASSWORD)
    await next
      .locator('#repeat-password input, input#repeat-password')
      .first()
      .fill(STRONG_PASSWORD)
    await nameIfAsked(next)
    await next.locator('[data-test="accept"]').click()
    await expect
      .poll(() => next.locator('[data-test="link-state"]').innerText())
      .toBe('This link no longer works')
    await shot(next, J, 'auth-link-expired')
    await next.locator('[data-test="new-link"]').click()
    await next.locator('[data-test="new-link-sent"]').waitFor()
    const renewed = mailLink(await nthMail(stale, 2))
    await next.goto(renewed)
    await next.locator('[data-test="join-title"]').waitFor()
    await next.locator('#new-password').fill(STRONG_PASSWORD)
    await next
      .locator('#repeat-password input, input#repeat-password')
      .first()
      .fill(STRONG_PASSWORD)
    await nameIfAsked(next)
    await next.locator('[data-test="accept"]').click()
    await next.waitForURL(/\/first-day/, { timeout: 30_000 })
    expect((await membership(ACME, stale))?.status).toBe('active')
    await shot(next, J, 'joined-with-new-link')
  })

  it('6. 2FA: enrol on the Account page, sign-in asks for the code, Owner requires it for everyone', async () => {
    const J = '2fa'
    // Tess owns the workspace: an Owner without a factor may not require 2FA for everyone (the
    // Settings page refuses a rule that would shut out the person saving it), so she enrols first.
    const enrolled = await newAccount('tfa-owner', 'Tess Totp')
    const without = await newAccount('tfa-nofactor', 'Nick Nofactor')
    const ws = await newWorkspace(`J 2FA ${Date.now()}`, enrolled, [
      { id: without.id, role: 'member' },
    ])
    await sql(`insert into public.assets (workspace_id, name) values ($1, 'Laptop 2FA-1')`, [ws])

    // Enrol: the code is computed from the secret Auth gave (as an authenticator app would).
    const page = await open()
    await signInWithForm(page, appUrl, enrolled.email, enrolled.password)
    await page.waitForURL(/\/users/, { timeout: 30_000 })
    await page.goto(url('/account'))
    await page.getByRole('button', { name: 'Set up' }).click()
    const secret = (await page.locator('[data-test="totp-secret"]').innerText()).trim()
    await shot(page, J, 'enrol')
    await typeCode(page, '[data-test="totp-code"]', totpCode(secret))
    await page.getByRole('button', { name: 'Verify' }).click()
    await page.getByText('On: sign-ins ask for a code').waitFor()
    await shot(page, J, 'enrolled')
    expect(
      await sql(`select 1 from auth.mfa_factors where user_id = $1 and status::text = 'verified'`, [
        enrolled.id,
      ]),
    ).toHaveLength(1)

    // A new sign-in asks for the code; a wrong one is refused.
    const again = await open()
    await signInWithForm(again, appUrl, enrolled.email, enrolled.password)
    await again.locator('#mfa-code').waitFor()
    const right = totpCode(secret)
    const wrong = right === '000000' ? '111111' : '000000'
    await typeCode(again, '#mfa-code', wrong)
    await again.getByRole('button', { name: 'Verify' }).click()
    await again.locator('[role="alert"]').waitFor()
    await shot(again, J, 'wrong-code')
    expect(again.url()).toMatch(/\/sign-in/)
    await typeCode(again, '#mfa-code', totpCode(secret))
    await again.getByRole('button', { name: 'Verify' }).click()
    await again.waitForURL(/\/users/, { timeout: 30_000 })
    const aal2 = await pageAccessToken(again)
    expect(JSON.parse(Buffer.from(aal2.split('.')[1]!, 'base64url').toString()).aal).toBe('aal2')

    // The Owner, now at aal2, requires 2FA for everyone; the page names who has not enrolled.
    const ownerPage = again
    await ownerPage.goto(url('/settings'))
    await ownerPage.getByText('Everyone', { exact: true }).click()
    await ownerPage.locator('[data-test="save-settings"]').click()
    const ask = ownerPage.locator('[data-test="require-2fa-dialog"]')
    await ask.waitFor()
    expect(await ask.locator('[data-test="not-enrolled"]').innerText()).toContain('Nick Nofactor')
    await ownerPage.locator('[data-test="require-2fa-confirm"]').click()
    await expect
      .poll(
        async () =>
          (
            await sql<{ r: string }>(
              `select require_2fa as r from public.workspaces where id = $1`,
              [ws],
            )
          )[0]?.r,
      )
      .toBe('everyone')
    await shot(ownerPage, J, 'owner-requires')

    // A member without a factor is sent to enrol before any workspace data...
    const nf = await open()
    await signInWithForm(nf, appUrl, without.email, without.password)
    await nf.waitForURL(/\/account\?enrol=required/, { timeout: 30_000 })
    await nf.locator('[data-test="enrol-required"]').waitFor()
    await shot(nf, J, 'sent-to-enrol')
    await nf.goto(url('/assets'))
    await nf.waitForURL(/\/account\?enrol=required/, { timeout: 30_000 })
    // ...and the database refuses their aal1 token (through the API, not only the UI).
    const aal1 = await pageAccessToken(nf)
    expect(JSON.parse(Buffer.from(aal1.split('.')[1]!, 'base64url').toString()).aal).toBe('aal1')
    const assets = await rest(`assets?workspace_id=eq.${ws}&select=name`, aal1)
    expect(assets.status).toBe(200)
    expect(assets.body).toEqual([])
    const perms = await rest('rpc/my_permissions', aal1, {
      method: 'POST',
      body: JSON.stringify({ p_workspace_id: ws }),
    })
    expect(
      perms.body === null ||
        (Array.isArray(perms.body) && perms.body.length === 0) ||
        perms.status >= 400,
    ).toBe(true)

    // Enrolling lifts it: the session is aal2 and the data is there.
    await nf.getByRole('button', { name: 'Set up' }).click()
    const secret2 = (await nf.locator('[data-test="totp-secret"]').innerText()).trim()
    await typeCode(nf, '[data-test="totp-code"]', totpCode(secret2))
    await nf.getByRole('button', { name: 'Verify' }).click()
    await nf.waitForURL(/\/users/, { timeout: 30_000 })
    const upgraded = await pageAccessToken(nf)
    const visible = await rest(`assets?workspace_id=eq.${ws}&select=name`, upgraded)
    expect(visible.body).toEqual([{ name: 'Laptop 2FA-1' }])
    await shot(nf, J, 'enrolled-sees-data')
  })

  it('7. Offboarding: a deactivated member is locked out at once, cannot sign in, and comes back', async () => {
    const J = 'offboarding'
    const owner = await newAccount('off-owner', 'Olga Owner')
    const admin = await newAccount('off-admin', 'Abe Admin')
    const member = await newAccount('off-member', 'Mo Member')
    const ws = await newWorkspace(`J Off ${Date.now()}`, owner, [
      { id: admin.id, role: 'admin' },
      { id: member.id, role: 'member' },
    ])
    const memberPage = await open()
    await signInWithForm(memberPage, appUrl, member.email, member.password)
    await memberPage.waitForURL(/\/users/, { timeout: 30_000 })
    const adminPage = await open()
    await signInWithForm(adminPage, appUrl, admin.email, admin.password)
    await adminPage.waitForURL(/\/users/, { timeout: 30_000 })

    await memberAction(adminPage, member.email, 'deactivate', 'Deactivate')
    await expect.poll(async () => (await membership(ws, member.email))?.status).toBe('inactive')
    await shot(adminPage, J, 'deactivated')
    const [ban] = await sql<{ banned_until: Date | null }>(
      `select banned_until from auth.users where id = $1`,
      [member.id],
    )
    expect(ban?.banned_until).toBeTruthy()

    // The member's next action is refused: the locked-out page.
    const nav = memberPage.locator('a[href="/users"], a[href="/assets"]').first()
    if (await nav.isVisible().catch(() => false)) await nav.click()
    else await memberPage.goto(url('/assets'))
    await memberPage.locator('[data-test="locked-out"]').waitFor({ timeout: 30_000 })
    // Deactivated, or signed out where deactivation also ends the member's sessions.
    expect(await memberPage.locator('[data-test="locked-out"]').innerText()).toMatch(
      /Your access has been deactivated|You have been signed out/,
    )
    await shot(memberPage, J, 'locked-out')

    // A new password sign-in is refused with a clear message.
    const retry = await open()
    await signInWithForm(retry, appUrl, member.email, member.password)
    await retry.locator('[data-test="error"]').waitFor()
    expect(await retry.locator('[data-test="error"]').innerText()).toMatch(/disabled|deactivated/i)
    await shot(retry, J, 'sign-in-refused')

    // Reactivated: they sign in again.
    await memberAction(adminPage, member.email, 'reactivate', 'Reactivate')
    await expect.poll(async () => (await membership(ws, member.email))?.status).toBe('active')
    const back = await open()
    await signInWithForm(back, appUrl, member.email, member.password)
    await back.waitForURL(/\/users/, { timeout: 30_000 })
    await shot(back, J, 'back')

    // A suspension with an end date: refused while it lasts, back once the date has passed.
    const adminToken = await pageAccessToken(adminPage)
    const m = await membership(ws, member.email)
    const until = new Date(Date.now() + 3600_000).toISOString()
    const suspended = await rest('rpc/suspend_member', adminToken, {
      method: 'POST',
      body: JSON.stringify({ p_membership_id: m!.id, p_until: until, p_reason: 'Audit' }),
    })
    expect(suspended.status, JSON.stringify(suspended.body)).toBeLessThan(300)
    const during = await open()
    await signInWithForm(during, appUrl, member.email, member.password)
    await during.locator('[data-test="error"]').waitFor()
    await shot(during, J, 'suspended-refused')
    // Time passes: the end date is behind us (the membership's and Auth's ban, which ends with it).
    await sql(
      `update public.memberships set suspended_until = now() - interval '1 minute' where id = $1`,
      [m!.id],
    )
    await sql(
      `update auth.users set banned_until = now() - interval '1 minute' where id = $1 and banned_until > now()`,
      [member.id],
    )
    const after = await open()
    await signInWithForm(after, appUrl, member.email, member.password)
    await after.waitForURL(/\/users/, { timeout: 30_000 })
    await shot(after, J, 'suspension-over')
  })

  it("8. Failed sign-ins: five wrong passwords are logged by Auth's hook and raise the alert", async () => {
    const J = 'failed-sign-ins'
    const owner = await newAccount('fail-owner', 'Fay Owner')
    const target = await newAccount('fail-target', 'Tim Target')
    const ws = await newWorkspace(`J Fail ${Date.now()}`, owner, [
      { id: target.id, role: 'member' },
    ])
    const page = await open()
    for (let i = 1; i <= 5; i++) {
      await signInWithForm(page, appUrl, target.email, `Wrong-password-${i}!`)
      await expect
        .poll(() =>
          page
            .locator('[data-test="error"]')
            .innerText()
            .catch(() => ''),
        )
        .toMatch(/Wrong email or password/)
      // The fifth refusal as the person reads it (the message removed afterwards, so that each
      // attempt's own message is waited for; removed before the shot, it left an empty page).
      if (i === 5) await shot(page, J, 'fifth-refusal')
      await page.locator('[data-test="error"]').evaluate((el) => el.remove())
    }
    const rows = await sql(
      `select 1 from public.activity_log where workspace_id = $1 and action = 'auth.sign_in_failed' and subject_user_id = $2`,
      [ws, target.id],
    )
    expect(rows).toHaveLength(5)

    const ownerPage = await open()
    await signInWithForm(ownerPage, appUrl, owner.email, owner.password)
    await ownerPage.waitForURL(/\/users/, { timeout: 30_000 })
    await ownerPage.goto(url('/activity'))
    const alert = ownerPage.locator('[data-test="alert-failed_sign_in_burst"]')
    await alert.waitFor({ timeout: 30_000 })
    expect(await alert.innerText()).toContain(`5 failed sign-ins for ${target.email}`)
    await shot(ownerPage, J, 'alert')
  })
})
