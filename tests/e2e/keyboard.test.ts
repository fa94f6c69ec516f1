// The main flows done with the keyboard only (no clicks), in Chromium against the real stack:
// sign in, invite, change a role, deactivate, open and close the member drawer, filter and export
// activity, enrol 2FA, switch workspace, and the small-screen sidebar. After each step the test
// asks Chromium's accessibility tree where focus is (role and accessible name, what a screen
// reader announces) and checks that it can be seen: in the viewport, not under the fixed top bar,
// not painted over, with a focus indicator. Every Tab stop on the way is checked the same way.
import { randomUUID } from 'node:crypto'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { closeSql, createUser, DEMO_PASSWORD, sql, totpCode } from '../helpers/stack'
import { describeFocus, focused, focusVisible, type FocusReport } from './a11y'
import { launch, openAs, screenshot } from './browser'

const acme = '10000000-0000-4000-a000-000000000001'
const admin = { id: '00000000-0000-4000-a000-000000000002', email: 'admin@fluxera.test' }
let browser: Browser

beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
  await closeSql()
})

type Want = { role: string | RegExp; name: string | RegExp }
const matches = (f: FocusReport, want: Want) =>
  (typeof want.role === 'string' ? f.role === want.role : want.role.test(f.role)) &&
  (typeof want.name === 'string' ? f.name === want.name : want.name.test(f.name))

/** Waits until focus is on `want`, then requires it to be visible. */
async function expectFocus(page: Page, want: Want, step: string): Promise<FocusReport> {
  const until = Date.now() + 10_000
  let last = await focused(page)
  while (!matches(last, want) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100))
    last = await focused(page)
  }
  expect(matches(last, want), `${step}: focus is on ${describeFocus(last)}`).toBe(true)
  const f = last
  expect(focusVisible(f), `${step}: focus cannot be seen: ${describeFocus(f)}`).toBe(true)
  return f
}

/**
 * Presses Tab (or Shift+Tab) until focus reaches `want`, checking at every stop that focus is on
 * something with a name and can be seen (WCAG 2.4.7, 2.4.11).
 */
async function tabTo(page: Page, want: Want, { back = false, max = 60 } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab')
    const f = await focused(page)
    expect(f.name, `Tab stop without a name: ${describeFocus(f)}`).not.toBe('')
    expect(focusVisible(f), `Tab stop cannot be seen: ${describeFocus(f)}`).toBe(true)
    if (matches(f, want)) return f
  }
  throw new Error(`no Tab stop ${String(want.role)} "${String(want.name)}" within ${max} presses`)
}

/** The highlighted item of the focused menu or list (aria-activedescendant), by its text. */
async function highlighted(page: Page): Promise<{ text: string; outline: string }> {
  return page.evaluate(() => {
    const owner = document.activeElement
    const id = owner?.getAttribute('aria-activedescendant')
    const item = id ? document.getElementById(id) : null
    const content = item?.querySelector('.p-menu-item-content') ?? item
    const s = content ? getComputedStyle(content) : null
    return {
      text: item?.textContent?.trim() ?? '',
      outline: s ? `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}` : '',
    }
  })
}

/**
 * Contrast of the highlighted menu item's ring against the menu's own background (WCAG 1.4.11
 * asks 3:1 of a focus indicator against what is next to it).
 */
async function ringContrast(page: Page): Promise<number> {
  return page.evaluate(() => {
    const id = document.activeElement?.getAttribute('aria-activedescendant')
    const item = id ? document.getElementById(id) : null
    const content = item?.querySelector('.p-menu-item-content') ?? item
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number)
    const luminance = ([r, g, b]: number[]) => {
      const lin = (v: number) => {
        const x = v / 255
        return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4
      }
      return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!)
    }
    if (!content) return 0
    const ring = rgb(getComputedStyle(content).outlineColor)
    // The first opaque background behind the item: the menu's surface.
    let el: Element | null = content.parentElement
    let back = [255, 255, 255]
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor)
      if (c.length >= 3 && (c[3] ?? 1) > 0.9) {
        back = c
        break
      }
    }
    const [hi, lo] = [luminance(ring), luminance(back)].sort((a, b) => b - a)
    return (hi! + 0.05) / (lo! + 0.05)
  })
}

/** Puts focus on the last control of the page's main content, scrolled to the bottom. */
async function focusLastInMain(page: Page) {
  await page.evaluate(() => {
    window.scrollTo(0, document.body.scrollHeight)
    const all = Array.from(
      document.querySelectorAll<HTMLElement>(
        'main a[href], main button:not([disabled]), main input:not([disabled]):not([type="hidden"]), main [tabindex="0"]',
      ),
    ).filter((e) => e.offsetParent !== null)
    all.at(-1)?.focus()
  })
}

async function newMember(tag: string) {
  const email = `kbd-${tag}-${randomUUID().slice(0, 8)}@example.test`
  const name = `Kbd ${tag} ${randomUUID().slice(0, 4)}`
  const id = await createUser(email, name)
  const [m] = await sql<{ id: string }>(
    `insert into public.memberships (workspace_id, user_id, role, status, joined_at, invited_by)
     values ($1, $2, 'member', 'active', now(), $3) returning id`,
    [acme, id, admin.id],
  )
  return { id, email, name, membershipId: m!.id }
}

const dbRow = async (membershipId: string) =>
  (
    await sql<{ role: string; status: string }>(
      `select role::text, status::text from public.memberships where id = $1`,
      [membershipId],
    )
  )[0]!

/** Opens /users signed in as the Admin and finds `email` with the search box, by keyboard. */
async function usersWith(email: string): Promise<Page> {
  const page = await openAs(browser, inject('appUrl'), admin, '/users')
  await page.waitForSelector('main h1')
  await tabTo(page, { role: 'textbox', name: 'Search name or email' })
  await page.keyboard.type(email)
  await expect.poll(() => page.getByText(email).count(), { timeout: 15_000 }).toBe(1)
  return page
}

describe('keyboard only', () => {
  it('signs in: fields named, the error tied to them, then focus on the new page heading', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const page = await context.newPage()
    await page.goto(new URL('/sign-in', inject('appUrl')).href)
    await expectFocus(page, { role: 'textbox', name: 'Email' }, 'sign-in opens')
    await page.keyboard.type(admin.email)
    await page.keyboard.press('Tab')
    const pw = await expectFocus(page, { role: 'textbox', name: 'Password' }, 'Tab to password')
    expect(pw.tag).toBe('input')
    expect(await page.locator('input#password').getAttribute('aria-expanded')).toBeNull()
    // The show-password toggle is a named Tab stop that works with Enter.
    await page.keyboard.press('Tab')
    await expectFocus(page, { role: 'button', name: 'Show password' }, 'Tab to the toggle')
    await page.keyboard.press('Enter')
    await expectFocus(page, { role: 'button', name: 'Hide password' }, 'toggle pressed')
    expect(await page.locator('input#password').getAttribute('type')).toBe('text')
    await page.keyboard.press('Enter')
    // The toggle re-renders with its new name: wait for it before moving on, or Shift+Tab can
    // land while the old button is being replaced (seen once in a full run).
    await expectFocus(page, { role: 'button', name: 'Show password' }, 'toggle pressed again')
    await page.keyboard.press('Shift+Tab')
    await expectFocus(page, { role: 'textbox', name: 'Password' }, 'back to password')

    await page.keyboard.type('Not-the-password-1!')
    await page.keyboard.press('Enter')
    await page.locator('[data-test="error"]').waitFor({ timeout: 15_000 })
    // Focus stays in the field; the error is its description and the field is marked invalid.
    await expectFocus(page, { role: 'textbox', name: 'Password' }, 'after a wrong password')
    const described = await page.evaluate(() => {
      const input = document.activeElement as HTMLInputElement
      const ids = input.getAttribute('aria-describedby') ?? ''
      return {
        invalid: input.getAttribute('aria-invalid'),
        text: ids
          .split(' ')
          .map((id) => document.getElementById(id)?.textContent?.trim())
          .join(' '),
      }
    })
    expect(described).toEqual({
      invalid: 'true',
      text: expect.stringMatching(/Wrong email or password/),
    })
    await screenshot(page, 'keyboard-sign-in-error')

    await page.keyboard.press('Control+A')
    await page.keyboard.type(DEMO_PASSWORD)
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/users/, { timeout: 30_000 })
    await expectFocus(page, { role: 'heading', name: 'Users' }, 'signed in')
    await context.close()
  })

  it('invites: first field focused, Role named by its label, no alerts while typing, focus on the results', async () => {
    const page = await openAs(browser, inject('appUrl'), admin, '/users')
    await page.waitForSelector('main h1')
    await tabTo(page, { role: 'button', name: 'Invite users' })
    await page.keyboard.press('Enter')
    await expectFocus(page, { role: 'textbox', name: 'Email addresses' }, 'dialog opens')
    // Count alerts as they appear: typing must not fire one per keystroke.
    await page.evaluate(() => {
      const w = window as unknown as { alerts: number }
      w.alerts = 0
      new MutationObserver((records) => {
        for (const r of records)
          for (const n of Array.from(r.addedNodes))
            if (
              n instanceof Element &&
              (n.matches('[role="alert"]') || n.querySelector('[role="alert"]'))
            )
              w.alerts++
      }).observe(document.body, { childList: true, subtree: true })
    })
    const email = `kbd-invite-${randomUUID().slice(0, 8)}@example.test`
    await page.keyboard.type(`not-an-address, ${email}`, { delay: 5 })
    expect(await page.evaluate(() => (window as unknown as { alerts: number }).alerts)).toBe(0)
    expect(await page.locator('[role="dialog"] [role="status"]').count()).toBe(1)

    // One lap of the dialog's Tab stops: the hidden file input behind "load a CSV file" is none.
    const stops: string[] = []
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab')
      stops.push(
        await page.evaluate(() => {
          const e = document.activeElement as HTMLInputElement | null
          return `${e?.tagName.toLowerCase()}${e?.type ? `[${e.type}]` : ''}`
        }),
      )
      const f = await focused(page)
      expect(focusVisible(f), `invite dialog stop: ${describeFocus(f)}`).toBe(true)
      if (f.role === 'textbox' && f.name === 'Email addresses') break
    }
    expect(stops).not.toContain('input[file]')
    expect(stops.at(-1), `the dialog's Tab stops: ${stops.join(', ')}`).toBe('textarea[textarea]')
    await tabTo(page, { role: 'combobox', name: 'Role' })
    await tabTo(page, { role: 'button', name: 'Send invitation' })
    await page.keyboard.press('Enter')
    const results = await expectFocus(
      page,
      { role: 'group', name: 'Invitation results' },
      'after Send',
    )
    expect(results.inOverlay).toBe(true)
    // The status region was there before; now it says what happened.
    await expect
      .poll(() => page.locator('[data-test="invite-status"]').innerText())
      .toBe('Invited 1 address.')
    await screenshot(page, 'keyboard-invite-results')
    await page.keyboard.press('Escape')
    await expectFocus(page, { role: 'button', name: 'Invite users' }, 'dialog closed')
    await page.context().close()
  })

  it('changes a role and deactivates from the row menu, focus back on the row each time', async () => {
    const person = await newMember('role')
    const page = await usersWith(person.email)
    const actions = { role: 'button', name: `Actions for ${person.name}` }
    await tabTo(page, actions)
    expect(
      await page
        .locator(`[data-member-actions="${person.membershipId}"]`)
        .getAttribute('aria-expanded'),
    ).toBe('false')

    // The menu opens with its first item highlighted, ringed; Tab closes it back to the button.
    await page.keyboard.press('Enter')
    await expectFocus(page, { role: 'menu', name: `Actions for ${person.name}` }, 'menu open')
    const first = await highlighted(page)
    expect(first.text).toBe('Make Admin')
    expect(first.outline).toMatch(/^solid 2px/)
    expect(await ringContrast(page), 'ring on the highlighted item (light)').toBeGreaterThanOrEqual(
      3,
    )
    await page.evaluate(() => document.documentElement.classList.add('app-dark'))
    expect(await ringContrast(page), 'ring on the highlighted item (dark)').toBeGreaterThanOrEqual(
      3,
    )
    await page.evaluate(() => document.documentElement.classList.remove('app-dark'))
    const button = page.locator(`[data-member-actions="${person.membershipId}"]`)
    expect(await button.getAttribute('aria-expanded')).toBe('true')
    expect(await button.getAttribute('aria-controls')).toBe(
      `member-menu-${person.membershipId}_list`,
    )
    await screenshot(page, 'keyboard-row-menu')
    await page.keyboard.press('Tab')
    await expectFocus(page, actions, 'Tab in the menu')

    // Make Viewer, confirmed: the dialog is described by its question.
    await page.keyboard.press('Enter')
    await expectFocus(page, { role: 'menu', name: `Actions for ${person.name}` }, 'menu again')
    while ((await highlighted(page)).text !== 'Make Viewer') await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    const confirm = page.getByRole('alertdialog', { name: 'Change role' })
    await confirm.waitFor()
    expect(
      await page.evaluate(() => {
        const d = document.querySelector('[role="alertdialog"]')
        return document.getElementById(d?.getAttribute('aria-describedby') ?? '')?.textContent
      }),
    ).toBe(`Change ${person.name} from Member to Viewer?`)
    await expectFocus(page, { role: 'button', name: 'Make Viewer' }, 'confirm opens')
    await page.keyboard.press('Enter')
    await expect
      .poll(async () => (await dbRow(person.membershipId)).role, { timeout: 10_000 })
      .toBe('viewer')
    await expectFocus(page, actions, 'after the role change')

    // Deactivate: the dialog starts on Cancel; Tab to the action; focus back on the row.
    await page.keyboard.press('Enter')
    while (!/^Deactivate/.test((await highlighted(page)).text))
      await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    await expectFocus(page, { role: 'button', name: 'Cancel' }, 'deactivate dialog opens')
    await page.locator('[data-test="offboard-dialog"]').waitFor()
    // Described by what deactivating does, like every confirmation.
    expect(
      await page.evaluate(() => {
        const d = document.querySelector('[role="alertdialog"]')
        return document.getElementById(d?.getAttribute('aria-describedby') ?? '')?.textContent
      }),
    ).toMatch(new RegExp(person.name))
    await tabTo(page, { role: 'button', name: /^Deactivate/ })
    await page.keyboard.press('Enter')
    await expect
      .poll(async () => (await dbRow(person.membershipId)).status, { timeout: 15_000 })
      .toBe('inactive')
    await expectFocus(page, actions, 'after deactivating')
    await screenshot(page, 'keyboard-after-deactivate')
    await page.context().close()
  })

  it('opens the member drawer, named after the member, and Escape returns to the row', async () => {
    const person = await newMember('drawer')
    const page = await usersWith(person.email)
    const open = { role: 'button', name: new RegExp(`^Details of ${person.name}`) }
    await tabTo(page, open)
    await page.keyboard.press('Enter')
    await page.getByRole('dialog', { name: person.name }).waitFor()
    await expectFocus(page, { role: 'button', name: /close/i }, 'drawer opens')
    await tabTo(page, { role: 'button', name: `Actions for ${person.name}` })
    await page.keyboard.press('Escape')
    await page.getByRole('dialog', { name: person.name }).waitFor({ state: 'hidden' })
    await expectFocus(page, open, 'drawer closed with Escape')
    await page.context().close()
  })

  it('filters and exports activity; Shift+Tab through the filters never hides focus under the bar', async () => {
    const page = await openAs(browser, inject('appUrl'), admin, '/activity')
    await page.waitForSelector('main h1')
    await tabTo(page, { role: 'textbox', name: 'Who did it (name or email)' })
    await page.keyboard.type('admin@')
    await tabTo(page, { role: 'combobox', name: 'What happened' })
    await tabTo(page, { role: 'combobox', name: 'About' })
    await tabTo(page, { role: 'combobox', name: 'Dates' })
    // The page has scrolled; walking back up must keep each control below the top bar.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight))
    const button = await tabTo(page, { role: 'button', name: 'Export CSV' }, { back: true })
    expect(button.top).toBeGreaterThanOrEqual(button.barBottom)
    // The export streams into a file the person picks (File System Access API); a headless
    // browser cannot show the picker, so it answers with a file of the origin-private file system.
    await page.evaluate(() => {
      Object.defineProperty(window, 'showSaveFilePicker', {
        configurable: true,
        value: async ({ suggestedName }: { suggestedName: string }) => {
          ;(window as unknown as { exportFile: string }).exportFile = suggestedName
          return (await navigator.storage.getDirectory()).getFileHandle(suggestedName, {
            create: true,
          })
        },
      })
    })
    await page.keyboard.press('Enter')
    await page.getByText('Export ready').waitFor({ timeout: 30_000 })
    const file = await page.evaluate(async () => {
      const name = (window as unknown as { exportFile: string }).exportFile
      const handle = await (await navigator.storage.getDirectory()).getFileHandle(name)
      return { name, head: (await (await handle.getFile()).text()).split('\r\n', 2) }
    })
    expect(file.name).toMatch(/\.csv$/)
    expect(file.head[0]).toMatch(/^# fluxera-activity-checkpoint \{/)
    expect(file.head[1]).toMatch(/^id,occurred_at,/)
    await expectFocus(page, { role: 'button', name: 'Export CSV' }, 'after export')
    await page.context().close()
  })

  it('enrols 2FA: code boxes named, a wrong code is an inline error on the field, then on', async () => {
    const email = `kbd-2fa-${randomUUID().slice(0, 8)}@example.test`
    const id = await createUser(email, 'Kira Keys')
    await sql(
      `insert into public.memberships (workspace_id, user_id, role, status, joined_at)
       values ($1, $2, 'member', 'active', now())`,
      [acme, id],
    )
    const page = await openAs(browser, inject('appUrl'), { id, email }, '/account')
    await page.waitForSelector('main h1')
    await tabTo(page, { role: 'button', name: 'Set up' })
    await page.keyboard.press('Enter')
    const digit1 = { role: 'textbox', name: 'Code from your app, digit 1 of 6' }
    await expectFocus(page, digit1, 'after Set up')
    expect(await page.locator('#totp-code-1').getAttribute('autocomplete')).toBe('one-time-code')
    const secret = (await page.locator('[data-test="totp-secret"]').innerText()).trim()
    const right = totpCode(secret)
    await page.keyboard.type(right === '000000' ? '111111' : '000000')
    await expectFocus(page, { role: 'textbox', name: /digit 6 of 6/ }, 'typed six digits')
    await page.keyboard.press('Enter')
    await page.locator('[data-test="totp-error"]').waitFor({ timeout: 15_000 })
    await expectFocus(page, digit1, 'after a wrong code')
    const field = page.locator('#totp-code-1')
    expect(await field.getAttribute('aria-invalid')).toBe('true')
    expect(await field.getAttribute('aria-describedby')).toBe('totp-error')
    await screenshot(page, 'keyboard-2fa-wrong-code')
    await page.keyboard.type(totpCode(secret))
    await page.keyboard.press('Enter')
    await page.getByText('On: sign-ins ask for a code').waitFor({ timeout: 15_000 })
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('tfa-status')
    await page.context().close()
  })

  it('opens the account menu: expanded state, first item highlighted, Tab back to its button', async () => {
    const page = await openAs(browser, inject('appUrl'), admin, '/users')
    await page.waitForSelector('main h1')
    const button = { role: 'button', name: /^Account menu/ }
    await tabTo(page, button, { back: true })
    const trigger = page.getByRole('button', { name: /^Account menu/ })
    expect(await trigger.getAttribute('aria-expanded')).toBe('false')
    await page.keyboard.press('Enter')
    await expectFocus(page, { role: 'menu', name: 'Account menu' }, 'account menu open')
    expect(await trigger.getAttribute('aria-expanded')).toBe('true')
    expect(await trigger.getAttribute('aria-controls')).toBe('user-menu_list')
    expect((await highlighted(page)).text).not.toBe('')
    expect(await ringContrast(page), 'ring in the account menu').toBeGreaterThanOrEqual(3)
    await page.keyboard.press('Tab')
    await expectFocus(page, button, 'Tab in the account menu')
    expect(await trigger.getAttribute('aria-expanded')).toBe('false')
    await page.context().close()
  })

  it('Shift+Tab up through the Users filters and the Roles matrix never hides focus under the bar', async () => {
    const page = await openAs(browser, inject('appUrl'), admin, '/users')
    await page.waitForSelector('main h1')
    await page.locator('tbody tr').first().waitFor()
    await focusLastInMain(page)
    // tabTo checks every stop on the way: named, in view, below the top bar, with a ring.
    for (const name of [/2FA/, /last active/i, /status/i, /role/i])
      await tabTo(page, { role: 'combobox', name }, { back: true })
    const search = await tabTo(
      page,
      { role: 'textbox', name: 'Search name or email' },
      { back: true },
    )
    expect(search.top).toBeGreaterThanOrEqual(search.barBottom)

    await page.goto(new URL('/roles', inject('appUrl')).href)
    await page.waitForSelector('main h1')
    await page.locator('table.matrix').waitFor()
    await focusLastInMain(page)
    const firstBox = await page
      .locator('table.matrix input[type="checkbox"]:not([disabled])')
      .first()
      .getAttribute('aria-label')
    const top = await tabTo(
      page,
      { role: 'checkbox', name: firstBox ?? '' },
      { back: true, max: 200 },
    )
    expect(top.top).toBeGreaterThanOrEqual(top.barBottom)
    await page.context().close()
  })

  it('switches workspace with the arrow keys; focus stays on the switcher', async () => {
    const page = await openAs(browser, inject('appUrl'), admin, '/users')
    await page.waitForSelector('main h1')
    const switcher = { role: 'combobox', name: 'Current workspace' }
    // The switcher is in the top bar, before the page: Shift+Tab up from the heading.
    await tabTo(page, switcher, { back: true })
    await page.keyboard.press('ArrowDown')
    await page.getByRole('listbox').waitFor()
    await page.keyboard.press('End')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.locator('.workspace-switcher').innerText()).toBe('Globex')
    await expectFocus(page, switcher, 'after switching')
    await page.context().close()
  })

  it('at 991 and 800 px the closed sidebar is out of the Tab order; Escape closes it; at 640 px the search box is not under the bar', async () => {
    const page = await openAs(browser, inject('appUrl'), admin, '/users')
    await page.waitForSelector('main h1')
    // 991 px is the widest overlay width: the closed sidebar is inert there too.
    await page.setViewportSize({ width: 991, height: 700 })
    expect(await page.locator('#app-sidebar').getAttribute('inert')).not.toBeNull()
    await page.setViewportSize({ width: 800, height: 700 })
    expect(await page.locator('#app-sidebar').getAttribute('inert')).not.toBeNull()
    const menu = { role: 'button', name: 'Menu' }
    // Up from the heading: the closed sidebar's links are skipped on the way to the top bar.
    await tabTo(page, menu, { back: true, max: 8 })
    // The next stop is the logo link, named at this width, not a hidden sidebar link.
    await page.keyboard.press('Tab')
    await expectFocus(page, { role: 'link', name: 'Fluxera' }, 'after Menu')
    await page.keyboard.press('Shift+Tab')
    await page.keyboard.press('Enter')
    await expectFocus(page, { role: 'link', name: 'Users' }, 'sidebar opened')
    await page.keyboard.press('Escape')
    await expectFocus(page, menu, 'sidebar closed with Escape')
    expect(await page.locator('#app-sidebar').getAttribute('inert')).not.toBeNull()

    for (const width of [640, 320]) {
      await page.setViewportSize({ width, height: 640 })
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight))
      await page.locator('main h1').focus()
      await tabTo(page, { role: 'textbox', name: 'Search name or email' })
    }
    await page.context().close()
  })
})
