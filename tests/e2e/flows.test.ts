// What a team admin does all day, in Chromium against the real stack: change a role, deactivate
// someone, filter and export activity, complete an access review. Each test makes its own people
// so runs do not depend on one another; outcomes are checked in the database too.
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { closeSql, createUser, sql } from '../helpers/stack'
import { axe } from './a11y'
import { launch, openAs, screenshot } from './browser'

const acme = '10000000-0000-4000-a000-000000000001'
const owner = { id: '00000000-0000-4000-a000-000000000001', email: 'owner@fluxera.test' }
const admin = { id: '00000000-0000-4000-a000-000000000002', email: 'admin@fluxera.test' }
let browser: Browser

async function newMember(role: 'member' | 'viewer', tag: string) {
  const email = `e2e-${tag}-${randomUUID().slice(0, 8)}@example.test`
  const name = `E2E ${tag} ${randomUUID().slice(0, 4)}`
  const id = await createUser(email, name)
  const [m] = await sql<{ id: string }>(
    `insert into public.memberships (workspace_id, user_id, role, status, joined_at, invited_by)
     values ($1, $2, $3::public.workspace_role, 'active', now(), $4) returning id`,
    [acme, id, role, admin.id],
  )
  return { id, email, name, membershipId: m!.id }
}

async function findInUsers(page: Page, email: string) {
  await page.getByPlaceholder('Search name or email').fill(email)
  await expect.poll(() => page.getByText(email).count(), { timeout: 15_000 }).toBe(1)
}

beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
  await closeSql()
})

describe('Users: role and status changes', () => {
  it('an Admin changes a Viewer to Member, after confirming', async () => {
    const person = await newMember('viewer', 'role')
    const page = await openAs(browser, inject('appUrl'), admin, '/users')
    await findInUsers(page, person.email)
    await page.getByRole('button', { name: `Actions for ${person.name}` }).click()
    await page.locator('[data-test="menu-role-member"]').click()
    const dialog = page.getByRole('alertdialog')
    await expect
      .poll(() => dialog.getByText(`Change ${person.name} from Viewer to Member?`).count())
      .toBe(1)
    await screenshot(page, 'flow-change-role-confirm')
    await dialog.getByRole('button', { name: 'Make Member' }).click()
    await expect
      .poll(
        async () =>
          (
            await sql<{ role: string }>(`select role from public.memberships where id = $1`, [
              person.membershipId,
            ])
          )[0]!.role,
        { timeout: 10_000 },
      )
      .toBe('member')
    const [log] = await sql<{ actor_id: string }>(
      `select actor_id from public.activity_log where workspace_id = $1 and action = 'member.role_changed' and entity_id = $2`,
      [acme, person.membershipId],
    )
    expect(log?.actor_id).toBe(admin.id)
    await page.context().close()
  })

  it('an Admin deactivates a member; the member is refused on their next request', async () => {
    const person = await newMember('member', 'deact')
    const own = await openAs(browser, inject('appUrl'), person, '/assets')
    await own.waitForSelector('main h1')

    const page = await openAs(browser, inject('appUrl'), admin, '/users')
    await findInUsers(page, person.email)
    await page.getByRole('button', { name: `Actions for ${person.name}` }).click()
    await page.locator('[data-test="menu-deactivate"]').click()
    const dialog = page.getByRole('alertdialog')
    await dialog.getByRole('button', { name: /deactivate/i }).click()
    await expect
      .poll(
        async () =>
          (
            await sql<{ status: string }>(`select status from public.memberships where id = $1`, [
              person.membershipId,
            ])
          )[0]!.status,
        { timeout: 10_000 },
      )
      .toBe('inactive')
    await expect
      .poll(() => page.getByText('Inactive').count(), { timeout: 10_000 })
      .toBeGreaterThan(0)
    await screenshot(page, 'flow-deactivated')

    // Their still-valid token now reaches nothing: deactivation revoked their sessions, so the
    // same page reloads into an explanation (not a blank page) that they were signed out,
    // naming the workspace and who can reactivate them.
    await own.reload()
    const lockedOut = own.locator('[data-test="locked-out"]')
    await expect
      .poll(() => lockedOut.getByText('You have been signed out').count(), { timeout: 15_000 })
      .toBe(1)
    expect(await lockedOut.getByText(/ask an admin of Acme Corp to reactivate you/).count()).toBe(1)
    // Already signed out: the way on is the sign-in form (issue 23), not another "Sign out".
    expect(await lockedOut.getByRole('button', { name: 'Back to sign-in' }).count()).toBe(1)
    expect(await lockedOut.getByRole('button', { name: 'Sign out' }).count()).toBe(0)
    expect(await own.locator('table').count(), 'no workspace data is shown').toBe(0)
    await screenshot(own, 'flow-deactivated-member-view')
    await own.context().close()
    await page.context().close()
  })
})

describe('Activity: filter and export', () => {
  it('filters by actor and exports exactly the filtered rows as CSV', async () => {
    const page = await openAs(browser, inject('appUrl'), owner, '/activity')
    await page.waitForSelector('main h1')
    const [{ n }] = (await sql<{ n: string }>(
      `select count(*) n from public.activity_log where workspace_id = $1 and actor_email = $2`,
      [acme, admin.email],
    )) as [{ n: string }]
    await page.locator('#f-actor').fill(admin.email)
    // Filters apply as you type: wait until the pager reports the filtered total.
    await expect
      .poll(() => page.locator('[data-test="activity-range"]').innerText(), { timeout: 20_000 })
      .toMatch(new RegExp(`of ${Number(n).toLocaleString('en-US')}$`))
    await page.waitForLoadState('networkidle')
    await screenshot(page, 'flow-activity-filtered')
    // Without the File System Access API (Firefox, Safari) the export ends in a download: the
    // fallback path (the streamed path is in keyboard.test.ts and npm run bench:export).
    await page.evaluate(() =>
      Object.defineProperty(window, 'showSaveFilePicker', { value: undefined, configurable: true }),
    )
    const download = page.waitForEvent('download', { timeout: 30_000 })
    await page.getByRole('button', { name: 'Export CSV' }).click()
    const file = await (await download).path()
    const [checkpoint, ...lines] = readFileSync(file!, 'utf8').trim().split(/\r?\n/)
    expect(checkpoint, 'the export starts with a checkpoint of the chain').toMatch(
      /^# fluxera-activity-checkpoint \{/,
    )
    expect(lines[0]).toMatch(/action/)
    expect(lines.length - 1, 'one CSV line per filtered activity row').toBe(Number(n))
    expect(lines.slice(1).every((l) => l.includes(admin.email))).toBe(true)
    await page.context().close()
  })
})

describe('Access review', () => {
  it('the Owner completes a review and it is recorded with date and reviewer', async () => {
    const before = Number(
      (
        await sql<{ n: string }>(
          `select count(*) n from public.access_reviews where workspace_id = $1`,
          [acme],
        )
      )[0]!.n,
    )
    const page = await openAs(browser, inject('appUrl'), owner, '/access-review')
    await page.waitForSelector('[data-test="last-review"]', { timeout: 20_000 })
    await page.locator('#review-notes').fill('Quarterly review (e2e)')
    await page.locator('[data-test="complete-review"]').click()
    await expect
      .poll(
        async () =>
          Number(
            (
              await sql<{ n: string }>(
                `select count(*) n from public.access_reviews where workspace_id = $1`,
                [acme],
              )
            )[0]!.n,
          ),
        { timeout: 10_000 },
      )
      .toBe(before + 1)
    const [review] = await sql<{ reviewer_id: string; notes: string }>(
      `select reviewer_id, notes from public.access_reviews where workspace_id = $1 order by completed_at desc limit 1`,
      [acme],
    )
    expect(review).toEqual({ reviewer_id: owner.id, notes: 'Quarterly review (e2e)' })
    await expect
      .poll(() => page.locator('[data-test="last-review"]').innerText())
      .toMatch(/Last review/)
    await screenshot(page, 'flow-access-review')
    await page.context().close()
  })

  it('idle presets re-flag the team, and a keep or remove decision per flagged person is recorded with the review (1280 and 390 px, axe clean)', async () => {
    const idleFor = async (role: 'member' | 'viewer', tag: string, days: number) => {
      const p = await newMember(role, tag)
      await sql(
        `update public.memberships set joined_at = now() - interval '1 year',
                last_active_at = now() - make_interval(days => $2) where id = $1`,
        [p.membershipId, days],
      )
      return p
    }
    const keepP = await idleFor('member', 'keep', 100)
    const removeP = await idleFor('viewer', 'remove', 100)
    const midP = await idleFor('member', 'mid', 45)
    const decision = (page: Page, email: string) => page.locator(`[data-test="decision-${email}"]`)

    const page = await openAs(browser, inject('appUrl'), owner, '/access-review')
    await page.waitForSelector(`[data-test="decision-${keepP.email}"]`, { timeout: 20_000 })
    expect(await page.locator('main').innerText()).toContain(
      'Members not active for 90 days or more are flagged.',
    )
    // 45 days idle: not flagged at 90 days, flagged at 30.
    expect(await decision(page, midP.email).count()).toBe(0)
    const presets = page.locator('[data-test="idle-presets"]')
    await presets.getByRole('button', { name: '30 days' }).click()
    await expect.poll(() => decision(page, midP.email).count(), { timeout: 10_000 }).toBe(1)
    expect(await page.locator('main').innerText()).toContain('not active for 30 days or more')
    await presets.getByRole('button', { name: '90 days' }).click()
    await expect.poll(() => decision(page, midP.email).count(), { timeout: 10_000 }).toBe(0)

    await decision(page, keepP.email).getByRole('button', { name: 'Keep' }).click()
    await decision(page, removeP.email).getByRole('button', { name: 'Remove' }).click()
    await expect
      .poll(() => page.locator('[data-test="decision-summary"]').innerText())
      .toContain('1 to keep, 1 to remove')
    expect(
      (await axe(page)).map(
        (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
      ),
      'axe at 1280 px',
    ).toEqual([])
    await screenshot(page, 'flow-access-review-decisions')

    await page.setViewportSize({ width: 390, height: 844 })
    await page.waitForTimeout(300)
    expect(
      await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      ),
      'the Access review scrolls sideways at 390 px',
    ).toBeLessThanOrEqual(0)
    expect(
      (await axe(page)).map(
        (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
      ),
      'axe at 390 px',
    ).toEqual([])
    await screenshot(page, 'flow-access-review-decisions-390')
    await page.setViewportSize({ width: 1280, height: 800 })

    await page.locator('[data-test="complete-review"]').click()
    await expect
      .poll(
        async () =>
          (
            await sql<{ d: string }>(
              `select string_agg(d.decision, ',' order by d.decision) d
                 from public.access_review_decisions d where d.membership_id = any($1)`,
              [[keepP.membershipId, removeP.membershipId]],
            )
          )[0]!.d,
        { timeout: 10_000 },
      )
      .toBe('keep,remove')
    const states = await sql<{ id: string; status: string }>(
      `select id, status::text from public.memberships where id = any($1) order by status`,
      [[keepP.membershipId, removeP.membershipId]],
    )
    expect(states).toEqual([
      { id: keepP.membershipId, status: 'active' },
      { id: removeP.membershipId, status: 'inactive' },
    ])
    const logged = await sql<{ action: string }>(
      `select action from public.activity_log
        where workspace_id = $1 and subject_user_id = any($2) and action like 'access_review.%'
        order by id`,
      [acme, [keepP.id, removeP.id]],
    )
    expect(logged.map((r) => r.action)).toEqual([
      'access_review.member_kept',
      'access_review.member_removed',
    ])
    await expect
      .poll(() => page.locator('[data-test="last-review-decisions"]').innerText())
      .toBe('1 kept, 1 removed.')
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-test')))
      .toBe('last-review')
    await screenshot(page, 'flow-access-review-recorded')
    await page.context().close()
  })
})
