// The admin's experience, second pass (issue 23, items 1–4) in Chromium against the real stack:
// one headcount everywhere, 2FA that nobody gets locked out of, refusals that say what to do
// next, and an accept page that orients the invitee. Each test makes a workspace of its own.
// Screenshots (test-results/screenshots/ux-a-*.png) are taken with animations finished, at 1280
// and 390 px, and axe runs on each page shown.
import { randomUUID } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { clientAs, closeSql, createUser, sql, TEST_PASSWORD, uniqueEmail } from '../helpers/stack'
import { axe } from './a11y'
import { launch, openAs, screenshotsDir, submitSignIn } from './browser'
import { mailLink, nthMail, totpCode, typeCode } from './journey-helpers'

let browser: Browser

/** axe-core on the page as shown: no violation of any impact. */
async function expectNoAxeViolations(page: Page, where: string) {
  const violations = await axe(page)
  expect(
    violations.map(
      (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
    ),
    where,
  ).toEqual([])
}
const appUrl = () => inject('appUrl')
const url = (path: string) => new URL(path, appUrl()).href

/** Full-page shot once transitions and animations have finished (PrimeVue's Message fades in). */
async function shot(page: Page, name: string) {
  mkdirSync(screenshotsDir, { recursive: true })
  await page.evaluate(async () => {
    await document.fonts.ready
    window.scrollTo(0, 0)
  })
  await page.screenshot({
    path: join(screenshotsDir, `ux-a-${name}.png`),
    fullPage: true,
    animations: 'disabled',
  })
}

/** The same page at phone width, shot and checked for sideways scrolling. */
async function shotNarrow(page: Page, name: string) {
  const size = page.viewportSize()
  await page.setViewportSize({ width: 390, height: 844 })
  await page.waitForTimeout(300)
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  )
  await shot(page, `${name}-390`)
  if (size) await page.setViewportSize(size)
  expect(overflow, `${name} scrolls sideways at 390 px`).toBeLessThanOrEqual(0)
}

async function newTeam(tag: string, seatLimit = 50) {
  const owner = { email: uniqueEmail(`uxa-${tag}-owner`), id: '' }
  owner.id = await createUser(owner.email, `UXA ${tag} Owner`)
  const admin = { email: uniqueEmail(`uxa-${tag}-admin`), id: '' }
  admin.id = await createUser(admin.email, `UXA ${tag} Admin`)
  const name = `UXA ${tag} ${randomUUID().slice(0, 6)}`
  const [ws] = await sql<{ id: string }>(
    `with w as (insert into public.workspaces (name, seat_limit) values ($1, $3) returning id),
          m as (insert into public.memberships (workspace_id, user_id, role, status, joined_at)
                select id, $2, 'owner', 'active', now() from w returning workspace_id)
     select workspace_id as id from m`,
    [name, owner.id, seatLimit],
  )
  await sql(
    `insert into public.memberships (workspace_id, user_id, role, status, joined_at)
     values ($1, $2, 'admin', 'active', now())`,
    [ws!.id, admin.id],
  )
  return { workspaceId: ws!.id, name, owner, admin }
}

type Team = Awaited<ReturnType<typeof newTeam>>

async function addMember(
  team: Team,
  opts: {
    role?: 'admin' | 'member' | 'viewer'
    status?: 'active' | 'pending' | 'inactive' | 'suspended'
    name?: string | null
  } = {},
) {
  const email = uniqueEmail(`uxa-${opts.status ?? 'active'}`)
  const id = await createUser(
    email,
    opts.name === null ? '' : (opts.name ?? `UXA ${email.slice(4, 12)}`),
  )
  if (opts.name === null)
    await sql(`update public.profiles set full_name = null where id = $1`, [id])
  const status = opts.status ?? 'active'
  const [m] = await sql<{ id: string }>(
    `insert into public.memberships (workspace_id, user_id, role, status, joined_at, invited_by, invited_at, invite_expires_at)
     values ($1, $2, $3::public.workspace_role, 'active', now(), $4, now(), null) returning id`,
    [team.workspaceId, id, opts.role ?? 'member', team.admin.id],
  )
  if (status === 'pending')
    await sql(
      `update public.memberships set status = 'pending', joined_at = null,
              invite_expires_at = now() + interval '7 days' where id = $1`,
      [m!.id],
    )
  else if (status !== 'active')
    await sql(`update public.memberships set status = $2::public.member_status where id = $1`, [
      m!.id,
      status,
    ])
  return { id, email, membershipId: m!.id }
}

/** Opens the app as `user` with `workspaceId` remembered as their last workspace. */
async function openIn(user: { id: string; email: string }, workspaceId: string, path: string) {
  const page = await openAs(browser, appUrl(), user, '/sign-in')
  await page.evaluate(([key, id]) => localStorage.setItem(key, id), [
    `fluxera.workspace:${user.id}`,
    workspaceId,
  ] as const)
  await page.goto(url(path))
  return page
}

/** A mailed link, opened on the app these tests serve (mails name the configured site). */
const onApp = (link: string) => {
  const u = new URL(link)
  return url(u.pathname + u.search)
}

const text = async (page: Page, selector: string) =>
  (await page.locator(selector).first().innerText()).replace(/\s+/g, ' ').trim()

beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
  await closeSql()
})

describe('issue 23, items 1–4', { timeout: 180_000 }, () => {
  it('1. one headcount: Members lists who joined, Invitations who is pending, and every page counts alike', async () => {
    const team = await newTeam('count', 50)
    await addMember(team, { role: 'member' })
    await addMember(team, { role: 'viewer', status: 'suspended' })
    await addMember(team, { role: 'member', status: 'inactive' })
    const pendingNoName = await addMember(team, { role: 'member', status: 'pending', name: null })
    const pendingNamed = await addMember(team, { role: 'viewer', status: 'pending' })
    // owner, admin, member, suspended viewer = 4 members; 2 pending; 1 deactivated; 6 seats
    const expected =
      '4 members · 2 invitations pending · 1 deactivated (no seat) · 6 of 50 seats used'

    const page = await openIn(team.admin, team.workspaceId, '/users')
    await page.locator('[data-test="seat-usage"]').waitFor({ timeout: 30_000 })
    await expect.poll(() => text(page, '[data-test="seat-usage"]')).toBe(expected)
    const list = page.locator('main table, main [data-test="member-cards"]').first()
    await list.waitFor()
    await expect.poll(() => page.locator('main tbody tr').count()).toBe(5)
    const members = await page.locator('main tbody').innerText()
    expect(members).not.toContain(pendingNoName.email)
    expect(members).not.toContain(pendingNamed.email)
    await shot(page, 'headcount-users')
    await expectNoAxeViolations(page, 'Users (headcount)')
    await shotNarrow(page, 'headcount-users')

    await page.locator('[data-test="tab-invitations"]').click()
    const invites = page.locator('[data-test="pending-invitations"]')
    await invites.getByText(pendingNoName.email).waitFor()
    const invitesText = await invites.innerText()
    expect(invitesText).toContain(pendingNamed.email)
    // the address once per row
    expect(invitesText.split(pendingNoName.email).length - 1).toBe(1)
    await shot(page, 'headcount-invitations')

    await page.goto(url('/roles'))
    await expect.poll(() => text(page, '[data-test="seat-usage"]')).toBe(expected)
    expect(await text(page, '[data-test="role-owner"]')).toContain('1 member')
    expect(await text(page, '[data-test="role-admin"]')).toContain('1 member')
    expect(await text(page, '[data-test="role-member"]')).toContain('1 member')
    expect(await text(page, '[data-test="role-viewer"]')).toContain('1 member')
    await shot(page, 'headcount-roles')

    await page.goto(url('/reports'))
    await expect.poll(() => text(page, '[data-test="report-headcount"]')).toBe(expected)
    await shot(page, 'headcount-reports')
    await page.context().close()

    const owner = await openIn(team.owner, team.workspaceId, '/billing')
    await expect
      .poll(() => text(owner, '[data-test="billing-headcount"]'), { timeout: 30_000 })
      .toBe(expected)
    await shot(owner, 'headcount-billing')
    await owner.context().close()

    // The database's own answer, as every page reads it.
    const [h] = await sql<{ members: string; pending: string; seats: string }>(
      `select sum(members) as members, sum(invitations_pending) as pending,
              sum(members + invitations_pending) as seats
         from public.workspace_headcount($1)`,
      [team.workspaceId],
    )
    expect(h).toEqual({ members: '4', pending: '2', seats: '6' })
  })

  it('2a. enrolment: a wrong code is refused in words on the step, then a backup is offered', async () => {
    const email = uniqueEmail('uxa-2fa')
    const id = await createUser(email, 'UXA Twofa Person')
    const team = await newTeam('2fa')
    await sql(
      `insert into public.memberships (workspace_id, user_id, role, status, joined_at)
       values ($1, $2, 'member', 'active', now())`,
      [team.workspaceId, id],
    )
    const page = await openIn({ id, email }, team.workspaceId, '/account')
    await page.getByRole('button', { name: 'Set up' }).click()
    const img = page.getByRole('img', { name: 'QR code for your authenticator app' })
    await img.waitFor()
    await expect
      .poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth))
      .toBeGreaterThan(0)
    const secret = (await page.locator('[data-test="totp-secret"]').innerText()).trim()

    // wrong code: an inline, readable error; the boxes are marked invalid; still on the step
    const wrong = totpCode(secret) === '000000' ? '111111' : '000000'
    await typeCode(page, '[data-test="totp-code"]', wrong)
    await page.getByRole('button', { name: 'Verify' }).click()
    const error = page.locator('[data-test="totp-error"]')
    await error.waitFor()
    expect(await error.innerText()).toContain('That code did not work')
    expect(
      await page.locator('[data-test="totp-code"] input').first().getAttribute('aria-invalid'),
    ).toBe('true')
    await expect(img.isVisible()).resolves.toBe(true)
    await shot(page, '2fa-wrong-code')
    await expectNoAxeViolations(page, 'Account (wrong 2FA code)')
    await shotNarrow(page, '2fa-wrong-code')

    await typeCode(page, '[data-test="totp-code"]', totpCode(secret))
    await page.getByRole('button', { name: 'Verify' }).click()
    const offer = page.locator('[data-test="tfa-backup-offer"]')
    await offer.waitFor()
    expect(await offer.innerText()).toContain('no recovery codes')
    await shot(page, '2fa-backup-offer')

    // the backup: a second factor, whose codes the sign-in challenge takes too
    await page.locator('[data-test="tfa-add-backup"]').click()
    await img.waitFor()
    const backup = (await page.locator('[data-test="totp-secret"]').innerText()).trim()
    expect(backup).not.toBe(secret)
    await typeCode(page, '[data-test="totp-code"]', totpCode(backup))
    await page.getByRole('button', { name: 'Verify' }).click()
    await page.locator('[data-test="tfa-backup"]').waitFor()
    expect(
      await sql(`select 1 from auth.mfa_factors where user_id = $1 and status::text = 'verified'`, [
        id,
      ]),
    ).toHaveLength(2)
    await shot(page, '2fa-backup-set')
    await page.context().close()

    // 2b. the challenge: "Lost your device?" says what to do and offers Sign out; the backup's
    // code opens the session.
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const challenge = await ctx.newPage()
    await challenge.goto(url('/sign-in'))
    await submitSignIn(challenge, email, TEST_PASSWORD)
    await challenge.locator('[data-test="mfa-lost"]').click()
    const help = challenge.locator('[data-test="mfa-lost-help"]')
    await help.waitFor()
    expect(await help.innerText()).toMatch(/ask an Admin of your workspace to reset/i)
    await shot(challenge, '2fa-lost-device')
    await expectNoAxeViolations(challenge, 'Sign-in challenge (lost device)')
    await shotNarrow(challenge, '2fa-lost-device')
    await challenge.locator('[data-test="mfa-sign-out"]').click()
    await challenge.locator('#email').waitFor()
    await submitSignIn(challenge, email, TEST_PASSWORD)
    await typeCode(challenge, '#mfa-code', totpCode(backup))
    await challenge.getByRole('button', { name: 'Verify' }).click()
    await challenge.waitForURL((u) => !u.pathname.startsWith('/sign-in'), { timeout: 30_000 })
    await ctx.close()

    // 2c. an Admin resets it from the drawer; logged; the member is asked to enrol again where
    // the workspace requires 2FA.
    const [m] = await sql<{ id: string }>(
      `select id from public.memberships where workspace_id = $1 and user_id = $2`,
      [team.workspaceId, id],
    )
    const admin = await openIn(team.admin, team.workspaceId, `/users?member=${m!.id}`)
    const status = admin.locator('[data-test="member-2fa"]')
    await expect.poll(() => status.innerText(), { timeout: 30_000 }).toContain('2FA set up')
    await shot(admin, '2fa-drawer-before-reset')
    await admin.locator('[data-test="reset-2fa"]').click()
    await admin
      .getByRole('alertdialog')
      .or(admin.getByRole('dialog', { name: /Reset .*2FA/ }))
      .getByRole('button', { name: 'Reset 2FA', exact: true })
      .click()
    await expect.poll(() => status.innerText()).toContain('2FA not set up')
    await shot(admin, '2fa-drawer-after-reset')
    await admin.context().close()
    expect(await sql(`select 1 from auth.mfa_factors where user_id = $1`, [id])).toHaveLength(0)
    const log = await sql<{ actor_id: string }>(
      `select actor_id from public.activity_log
        where workspace_id = $1 and action = 'member.two_factor_reset' and subject_user_id = $2`,
      [team.workspaceId, id],
    )
    expect(log).toEqual([{ actor_id: team.admin.id }])

    await sql(`update public.workspaces set require_2fa = 'everyone' where id = $1`, [
      team.workspaceId,
    ])
    const again = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const p2 = await again.newPage()
    await p2.goto(url('/sign-in'))
    await p2.evaluate(([key, ws]) => localStorage.setItem(key, ws), [
      `fluxera.workspace:${id}`,
      team.workspaceId,
    ] as const)
    await submitSignIn(p2, email, TEST_PASSWORD)
    const gate = p2.locator('[data-test="two-factor-gate"], [data-test="enrol-required"]').first()
    await gate.waitFor({ timeout: 30_000 })
    await p2.getByRole('button', { name: 'Set up' }).waitFor()
    await shot(p2, '2fa-enrol-again')
    await again.close()
  })

  it('2d. a reset respects rank: refused on the Owner, on a higher rank, and to non-managers', async () => {
    const team = await newTeam('2fa-rank')
    const member = await addMember(team, { role: 'member' })
    const [owner] = await sql<{ id: string }>(
      `select id from public.memberships where workspace_id = $1 and role = 'owner'`,
      [team.workspaceId],
    )
    const [adminM] = await sql<{ id: string }>(
      `select id from public.memberships where workspace_id = $1 and role = 'admin'`,
      [team.workspaceId],
    )
    // the Owner and the Admin with a factor each (enrolled through Auth, stepping up)
    await clientAs(team.owner.email, { aal: 'aal2' })
    await clientAs(member.email, { aal: 'aal2' })
    const asAdmin = await clientAs(team.admin.email)
    const onOwner = await asAdmin.rpc('reset_member_two_factor', { p_membership_id: owner!.id })
    expect(onOwner.error?.hint).toBe('owner_protected')
    const asMember = await clientAs(member.email, { aal: 'aal2' })
    const byMember = await asMember.rpc('reset_member_two_factor', {
      p_membership_id: adminM!.id,
    })
    expect(byMember.error?.hint).toMatch(/not_allowed|higher_rank_member/)
    expect(
      await sql(`select 1 from auth.mfa_factors where user_id = $1`, [team.owner.id]),
    ).not.toHaveLength(0)
    const ok = await asAdmin.rpc('reset_member_two_factor', {
      p_membership_id: member.membershipId,
    })
    expect(ok.error).toBeNull()
    expect(ok.data).toBeGreaterThan(0)
  })

  it('3a. sign-in refusals are visible: a wrong password, and a suspension with its end and reason', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    await page.goto(url('/sign-in'))
    await submitSignIn(page, 'viewer@fluxera.test', 'not-the-password-1!')
    const error = page.locator('[data-test="error"]')
    await error.waitFor({ timeout: 30_000 })
    expect(await error.innerText()).toContain('Wrong email or password.')
    // It fades in: visible means fully opaque once the transition ends (not an empty strip).
    await expect
      .poll(() => error.evaluate((el) => getComputedStyle(el).opacity), { timeout: 5_000 })
      .toBe('1')
    await shot(page, 'sign-in-wrong-password')
    await shotNarrow(page, 'sign-in-wrong-password')

    // suspended in their only workspace: Auth bans the account; the form says until when and why
    const team = await newTeam('susp')
    const sara = await addMember(team, { role: 'member' })
    await sql(
      `update public.memberships set status = 'suspended', suspended_until = now() + interval '9 days',
              status_reason = 'Laptop under security review' where id = $1`,
      [sara.membershipId],
    )
    await page.goto(url('/sign-in'))
    await submitSignIn(page, sara.email, TEST_PASSWORD)
    await expect
      .poll(() => error.innerText(), { timeout: 30_000 })
      .toMatch(/suspended until .+ Reason given: Laptop under security review/)
    expect(await error.innerText()).not.toContain('This account is disabled')
    expect(await error.innerText()).toContain(team.name)
    await shot(page, 'sign-in-suspended')
    await expectNoAxeViolations(page, 'Sign-in (suspended)')
    await shotNarrow(page, 'sign-in-suspended')

    // the wrong password for a suspended account says nothing more than Auth did
    await page.goto(url('/sign-in'))
    await submitSignIn(page, sara.email, 'Wrong-password-99!')
    await error.waitFor()
    await expect.poll(() => error.innerText()).toContain('disabled')
    expect(await error.innerText()).not.toContain('security review')
    await page.context().close()
  })

  it('3b/4. the accept page orients; expired asks again; replaced and used links are told apart', async () => {
    const team = await newTeam('invite')
    const inviter = await clientAs(team.admin.email)
    const invite = async (email: string) => {
      const { error } = await inviter.functions.invoke('invite-members', {
        body: { workspaceId: team.workspaceId, emails: [email], role: 'member' },
      })
      expect(error).toBeNull()
    }
    // A link replaced by a resend: the old one says a newer invitation waits in the inbox.
    const newcomer = uniqueEmail('uxa-new')
    await invite(newcomer)
    const first = onApp(mailLink(await nthMail(newcomer, 1)))
    const [pm] = await sql<{ id: string }>(
      `select m.id from public.memberships m join public.profiles p on p.id = m.user_id
        where m.workspace_id = $1 and p.email = $2`,
      [team.workspaceId, newcomer],
    )
    const { error: resendError } = await inviter.functions.invoke('invite-members', {
      body: { action: 'resend', membershipIds: [pm!.id] },
    })
    expect(resendError).toBeNull()
    const second = onApp(mailLink(await nthMail(newcomer, 2)))
    expect(second).not.toBe(first)

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    await page.goto(first)
    const state = page.locator('[data-test="link-state"]')
    await expect
      .poll(() => state.innerText(), { timeout: 30_000 })
      .toBe('A newer invitation is waiting in your inbox')
    await shot(page, 'link-replaced')
    await expectNoAxeViolations(page, 'Accept (replaced link)')

    // 4. the accept page: product, role in one line, the person's name asked and saved
    await page.goto(second)
    await page.locator('[data-test="join-title"]').waitFor({ timeout: 30_000 })
    expect(await page.locator('[data-test="brand"]').innerText()).toContain('Fluxera')
    expect(await page.locator('[data-test="role-line"]').innerText()).toMatch(/^Members /)
    await shot(page, 'accept-page')
    await expectNoAxeViolations(page, 'Accept page')
    await shotNarrow(page, 'accept-page')
    await page.locator('[data-test="invitee-name"]').fill('Nora Newcomer')
    await page.locator('#new-password').fill('Violet-Harbor-Lamp-73!')
    await page
      .locator('#repeat-password input, input#repeat-password')
      .first()
      .fill('Violet-Harbor-Lamp-73!')
    await page.locator('[data-test="accept"]').click()
    await page.waitForURL((u) => !u.pathname.startsWith('/accept-invite'), { timeout: 30_000 })
    const [profile] = await sql<{ full_name: string; status: string }>(
      `select p.full_name, m.status from public.profiles p
         join public.memberships m on m.user_id = p.id and m.workspace_id = $2
        where p.email = $1`,
      [newcomer, team.workspaceId],
    )
    expect(profile).toEqual({ full_name: 'Nora Newcomer', status: 'active' })

    // signed in: the accept page names the account ("not you?"); the used link says so
    await page.goto(second)
    await state.waitFor({ timeout: 30_000 })
    expect(await state.innerText()).toBe('This invitation was already used')
    expect(await page.locator('[data-test="signed-in-as"]').innerText()).toContain(newcomer)
    await shot(page, 'link-used')
    await page.context().close()

    // an expired invitation: "Ask for a new invitation" leaves a row under Invitations, logged
    const late = uniqueEmail('uxa-late')
    await invite(late)
    const lateLink = onApp(mailLink(await nthMail(late, 1)))
    await sql(
      `update public.memberships m set invite_expires_at = now() - interval '1 day'
         from public.profiles p where p.id = m.user_id and p.email = $1 and m.workspace_id = $2`,
      [late, team.workspaceId],
    )
    const lp = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    await lp.goto(lateLink)
    await expect
      .poll(() => lp.locator('[data-test="link-state"]').innerText(), { timeout: 30_000 })
      .toBe('This invitation has expired')
    await lp.locator('[data-test="ask-again"]').click()
    await lp.locator('[data-test="asked"]').waitFor()
    expect(await lp.locator('[data-test="asked"]').innerText()).toContain(`UXA invite Admin`)
    await shot(lp, 'expired-asked')
    await expectNoAxeViolations(lp, 'Accept (expired, asked again)')
    await shotNarrow(lp, 'expired-asked')
    await lp.context().close()
    expect(
      await sql(
        `select 1 from public.activity_log where workspace_id = $1 and action = 'member.invitation_requested'
            and after ->> 'email' = $2`,
        [team.workspaceId, late],
      ),
    ).toHaveLength(1)

    // ... and a mail to the inviter (not one of Auth's: the function's own, into Mailpit)
    const note = await nthMail(team.admin.email, 1)
    expect(note.Subject).toBe(`${late} asks for a new invitation to ${team.name}`)
    expect(note.Text).toContain('Users → Invitations')

    const admin = await openIn(team.admin, team.workspaceId, '/users')
    await admin.locator('[data-test="tab-invitations"]').click()
    const requests = admin.locator('[data-test="invitation-requests"]')
    await requests.waitFor({ timeout: 30_000 })
    expect(await requests.innerText()).toContain(late)
    await shot(admin, 'invitation-requests')
    await admin.context().close()
  })
})
