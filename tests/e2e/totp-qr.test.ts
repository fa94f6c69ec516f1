// The Account page's 2FA enrolment as a person with an authenticator app meets it: the QR code
// the page shows is read off the screen (a screenshot of the image, decoded by jsQR as a phone's
// camera app would), it holds Auth's otpauth:// URI, and a code made from that URI's secret
// completes the enrolment. Against the stand-in or Supabase Auth (SUPABASE_AUTH_BIN) alike.
import jsQR from 'jsqr'
import type { Browser } from 'playwright-core'
import { PNG } from 'pngjs'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { closeSql } from '../helpers/stack'
import { launch, screenshotsDir } from './browser'
import { newAccount, signInWithForm, sql, totpCode, typeCode } from './journey-helpers'

let browser: Browser
let userId: string | undefined

beforeAll(async () => {
  browser = await launch()
})

afterAll(async () => {
  await browser?.close()
  if (userId) await sql(`delete from auth.users where id = $1`, [userId]).catch(() => {})
  await closeSql()
})

describe('2FA enrolment QR code', () => {
  it('shows a QR code that scans to Auth’s otpauth:// URI, whose secret completes the enrolment', async () => {
    const person = await newAccount('qr-scan', 'Quinn Scanner')
    userId = person.id
    const appUrl = inject('appUrl')
    const page = await (
      await browser.newContext({ viewport: { width: 1280, height: 800 } })
    ).newPage()
    await signInWithForm(page, appUrl, person.email, person.password)
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'), { timeout: 30_000 })
    await page.goto(new URL('/account', appUrl).href)
    await page.getByRole('button', { name: 'Set up' }).click()

    const img = page.getByRole('img', { name: 'QR code for your authenticator app' })
    await img.waitFor()
    // The image must have loaded (a broken data: URL leaves naturalWidth at 0).
    await expect
      .poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth), { timeout: 10_000 })
      .toBeGreaterThan(0)

    const png = await img.screenshot()
    mkdirSync(screenshotsDir, { recursive: true })
    writeFileSync(join(screenshotsDir, 'totp-qr.png'), png)
    const { width, height, data } = PNG.sync.read(png)
    const scanned = jsQR(new Uint8ClampedArray(data), width, height)
    expect(scanned, 'the QR code on the page could not be read').not.toBeNull()
    const uri = scanned!.data
    expect(uri).toMatch(/^otpauth:\/\/totp\//)
    expect(decodeURIComponent(new URL(uri).pathname)).toContain(person.email)

    // The key shown for typing by hand is the one in the code.
    const secret = new URL(uri).searchParams.get('secret')!
    expect((await page.locator('[data-test="totp-secret"]').innerText()).trim()).toBe(secret)

    await typeCode(page, '[data-test="totp-code"]', totpCode(secret))
    await page.getByRole('button', { name: 'Verify' }).click()
    await page.getByText('On: sign-ins ask for a code').waitFor()
    expect(
      await sql(`select 1 from auth.mfa_factors where user_id = $1 and status::text = 'verified'`, [
        person.id,
      ]),
    ).toHaveLength(1)
  })
})
