// Single sign-on in Chromium, end to end (docs/sso.md): the Owner connects the test identity
// provider (SimpleSAMLphp from Debian) on Settings → Single sign-on, verifies the domain through a
// real DNS server (dnsmasq on loopback); people then sign in through the sign-in form's "Sign in
// with SSO" and SimpleSAMLphp's own login page. Journeys: the first SSO sign-in joins the
// workspace; "Require SSO" sends a password session to SSO; a person removed from the IdP's
// users can no longer sign in; the Owner's break-glass (password + two-factor code) still works;
// an unverified domain never routes. Screenshots: test-results/journeys/sso-*.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import {
  defaultIdpUsers,
  idpMetadataUrl,
  setIdpUsers,
  setTxtRecords,
  startDns,
  startIdp,
  type IdpUser,
} from '../../local-stack/idp'
import { admin, type Json } from '../auth/helpers'
import { idpMetadataXml } from '../auth/saml-helpers'
import { closeSql } from '../helpers/stack'
import { axe } from './a11y'
import { launch } from './browser'
import {
  STRONG_PASSWORD,
  anonKey,
  apiUrl,
  newContext,
  passwordToken,
  shot,
  signInWithForm,
  sql,
  totpCode,
  typeCode,
} from './journey-helpers'

const tag = randomUUID().slice(0, 8)
const domain = `sso-${tag}.test`
const idpUser = (name: string): IdpUser => ({
  username: `${name}-${tag}`,
  password: `${name}-idp-pass`,
  uid: `${name}-${tag}`,
  email: `${name}@${domain}`,
  name: `${name[0]!.toUpperCase()}${name.slice(1)} Example`,
})
const ann = idpUser('ann')
const pam = idpUser('pam')

let browser: Browser
let appUrl: string
const contexts: BrowserContext[] = []
let owner: { id: string; email: string }
let ws: string
let totpSecret = ''

async function open(): Promise<Page> {
  const context = await newContext(browser)
  contexts.push(context)
  return context.newPage()
}
const url = (path: string) => new URL(path, appUrl).href

async function authApi(path: string, token: string, body: unknown) {
  const res = await fetch(`${apiUrl}/auth/v1${path}`, {
    method: 'POST',
    headers: {
      apikey: anonKey,
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  })
  return (await res.json()) as Json
}

/** A password account of the stack's Auth (not an SSO one), with its email. */
async function passwordAccount(email: string, fullName: string) {
  const r = await admin('/admin/users', {
    body: {
      email,
      password: STRONG_PASSWORD,
      email_confirm: true,
      user_metadata: { full_name: fullName },
    },
  })
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  return { id: r.body.id as string, email }
}

/** The sign-in page's "Sign in with SSO", then SimpleSAMLphp's login page; back in the app. */
async function signInWithSso(page: Page, user: IdpUser, journey: string) {
  await page.goto(url('/sign-in'))
  await page.locator('[data-test="sso-mode"]').click()
  await page.locator('#email').fill(user.email)
  await page.locator('[data-test="sso-continue"]').click()
  // SimpleSAMLphp's login page (after Auth's redirect to the IdP).
  await page.locator('input[name="username"]').waitFor({ timeout: 30_000 })
  await page.locator('input[name="username"]').fill(user.username)
  await page.locator('input[name="password"]').fill(user.password)
  await shot(page, journey, 'idp-login')
  await page.locator('#submit_button, button[type="submit"]').first().click()
}

async function membershipOf(email: string) {
  const [row] = await sql<{ role: string; status: string; is_sso_user: boolean }>(
    `select m.role, m.status, u.is_sso_user from public.memberships m join auth.users u on u.id = m.user_id
      where m.workspace_id = $1 and lower(u.email) = $2 order by u.is_sso_user desc limit 1`,
    [ws, email],
  )
  return row ?? null
}

beforeAll(async () => {
  appUrl = inject('appUrl')
  await Promise.all([startIdp(), startDns()])
  setIdpUsers([...defaultIdpUsers(), ann, pam])
  const list = await admin('/admin/sso/providers')
  for (const p of list.body.items ?? [])
    if (p.saml?.entity_id === idpMetadataUrl)
      await admin(`/admin/sso/providers/${p.id}`, { method: 'DELETE' })
  await sql(`delete from public.sso_connections where entity_id = $1`, [idpMetadataUrl])
  await sql(`delete from public.workspaces w where w.name like 'SSO journeys %'`)

  owner = await passwordAccount(`owner-${tag}@owners-${tag}.test`, 'Olive Owner')
  const [row] = await sql<{ id: string }>(
    `with w as (insert into public.workspaces (name) values ($1) returning id),
          o as (insert into public.memberships (workspace_id, user_id, role, status, joined_at)
                select w.id, $2, 'owner', 'active', now() from w)
     select id from w`,
    [`SSO journeys ${tag}`, owner.id],
  )
  ws = row!.id
  // Pam has a password account and a membership already (made before SSO, e.g. invited).
  const pamAccount = await passwordAccount(pam.email, 'Pam Example')
  await sql(
    `insert into public.memberships (workspace_id, user_id, role, status, joined_at) values ($1, $2, 'member', 'active', now())`,
    [ws, pamAccount.id],
  )
  browser = await launch()
}, 180_000)

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {})
  await browser?.close()
  const conns = await sql<{ auth_provider_id: string }>(
    `select auth_provider_id from public.sso_connections where workspace_id = $1`,
    [ws],
  )
  for (const c of conns)
    await admin(`/admin/sso/providers/${c.auth_provider_id}`, { method: 'DELETE' })
  await closeSql()
})

describe('single sign-on journeys', () => {
  let ownerPage: Page

  it('the Owner connects the identity provider and verifies the domain on Settings → Single sign-on', async () => {
    ownerPage = await open()
    await signInWithForm(ownerPage, appUrl, owner.email, STRONG_PASSWORD)
    await ownerPage.waitForURL((u) => !u.pathname.startsWith('/sign-in'), { timeout: 30_000 })
    await ownerPage.goto(url('/single-sign-on'))
    await ownerPage.getByRole('heading', { name: 'Single sign-on', level: 1 }).waitFor()
    await expect
      .poll(() => ownerPage.locator('#sp-acs-url').inputValue())
      .toBe(`${apiUrl}/auth/v1/sso/saml/acs`)
    await ownerPage.locator('#sso-metadata-xml').fill(await idpMetadataXml())
    await ownerPage.locator('[data-test="sso-connect"]').click()
    await ownerPage.locator('[data-test="sso-connection"]').waitFor({ timeout: 30_000 })

    await ownerPage.locator('#sso-domain').fill(domain)
    await ownerPage.locator('[data-test="domain-add"]').click()
    const item = ownerPage.locator(`[data-test="domain-${domain}"]`)
    await item.waitFor()
    const value = await item.locator('input[id^="txt-value-"]').inputValue()
    expect(value).toMatch(/^fluxera-verification=[0-9a-f]{32}$/)
    await shot(ownerPage, 'sso-settings', 'domain-waiting')

    // Unverified: the sign-in page cannot route an address there.
    const probe = await open()
    await probe.goto(url('/sign-in?sso=1'))
    await probe.locator('#email').fill(ann.email)
    await probe.locator('[data-test="sso-continue"]').click()
    await expect
      .poll(() => probe.locator('[data-test="error"]').innerText())
      .toContain('not set up')

    await setTxtRecords({ [domain]: [value] })
    await item.locator('[data-test="domain-verify"]').click()
    await item.getByText(/^Verified/).waitFor({ timeout: 30_000 })
    await shot(ownerPage, 'sso-settings', 'connected-and-verified')
    const [log] = await sql<{ n: number }>(
      `select count(*)::int as n from public.activity_log where workspace_id = $1 and action in ('sso.connected', 'sso.domain_verified')`,
      [ws],
    )
    expect(log!.n).toBe(2)
  })

  it('a first SSO sign-in joins the workspace with the default role', async () => {
    const page = await open()
    const t0 = Date.now()
    await signInWithSso(page, ann, 'sso-first-sign-in')
    await page.waitForURL(
      (u) => u.port === new URL(appUrl).port && !u.pathname.startsWith('/sso'),
      {
        timeout: 30_000,
      },
    )
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor({ timeout: 30_000 })
    console.log(`browser SSO sign-in (form → IdP → app): ${Date.now() - t0} ms`)
    await shot(page, 'sso-first-sign-in', 'in-the-workspace')
    expect(await membershipOf(ann.email)).toEqual({
      role: 'member',
      status: 'active',
      is_sso_user: true,
    })
    const [row] = await sql<{ sentence_connection: string }>(
      `select l.after ->> 'connection' as sentence_connection from public.activity_log l join auth.users u on u.id = l.subject_user_id
        where l.workspace_id = $1 and l.action = 'auth.sso_sign_in' and u.email = $2`,
      [ws, ann.email],
    )
    expect(row!.sentence_connection).toBe('Okta')
  })

  it('"Require SSO" names who it stops, and the Owner needs two-factor for the break-glass', async () => {
    await ownerPage.goto(url('/single-sign-on'))
    await ownerPage.locator('[data-test="require-sso"]').click()
    const dialog = ownerPage.locator('[data-test="require-sso-dialog"]')
    await dialog.waitFor()
    await expect.poll(() => dialog.innerText()).toContain('Pam Example')
    await expect.poll(() => dialog.locator('[data-test="require-sso-refused"]').count()).toBe(1)
    await expect.poll(() => dialog.locator('[data-test="require-sso-confirm"]').count()).toBe(0)
    await shot(ownerPage, 'sso-require', 'refused-without-2fa')
    await dialog.getByRole('button', { name: 'Cancel' }).click()

    // The Owner sets up an authenticator (through Auth's API, as the Account page would).
    const token = (await passwordToken(owner.email, STRONG_PASSWORD)).body.access_token as string
    const factor = await authApi('/factors', token, { factor_type: 'totp', friendly_name: 'Phone' })
    totpSecret = factor.totp.secret as string
    const challenge = await authApi(`/factors/${factor.id}/challenge`, token, {})
    await authApi(`/factors/${factor.id}/verify`, token, {
      challenge_id: challenge.id,
      code: totpCode(totpSecret),
    })

    // Verifying a factor ends the account's aal1 sessions (as Auth does): sign in again, with the code.
    ownerPage = await open()
    await signInWithForm(ownerPage, appUrl, owner.email, STRONG_PASSWORD)
    await ownerPage.locator('#mfa-code').waitFor({ timeout: 30_000 })
    await typeCode(ownerPage, '#mfa-code', totpCode(totpSecret))
    await ownerPage.getByRole('button', { name: 'Verify' }).click()
    await ownerPage.waitForURL((u) => !u.pathname.startsWith('/sign-in'), { timeout: 30_000 })
    await ownerPage.goto(url('/single-sign-on'))
    await ownerPage.locator('[data-test="require-sso"]').click()
    const preview = ownerPage.locator('[data-test="require-sso-dialog"]')
    await expect.poll(() => preview.innerText()).toContain('Pam Example')
    expect(await preview.innerText()).not.toContain('Olive Owner')
    await shot(ownerPage, 'sso-require', 'who-it-stops')
    await preview.locator('[data-test="require-sso-confirm"]').click()
    await ownerPage
      .locator('[data-test="require-sso-state"]', { hasText: 'Required' })
      .waitFor({ timeout: 30_000 })
  })

  it('a password session is sent to SSO, and comes back with the membership', async () => {
    const page = await open()
    await signInWithForm(page, appUrl, pam.email, STRONG_PASSWORD)
    await page.locator('[data-test="sso-gate"]').waitFor({ timeout: 30_000 })
    await shot(page, 'sso-require', 'password-session-gated')
    expect(await page.locator('[data-test="sso-gate"]').innerText()).toContain('Okta')
    await page.locator('[data-test="sso-gate-continue"]').click()
    await page.locator('input[name="username"]').waitFor({ timeout: 30_000 })
    await page.locator('input[name="username"]').fill(pam.username)
    await page.locator('input[name="password"]').fill(pam.password)
    await page.locator('#submit_button, button[type="submit"]').first().click()
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor({ timeout: 30_000 })
    // The SSO account took the membership made for Pam's address.
    expect(await membershipOf(pam.email)).toEqual({
      role: 'member',
      status: 'active',
      is_sso_user: true,
    })
  })

  it('a person removed from the IdP’s users can no longer sign in', async () => {
    // Ann signed in before; the IdP's admin removes her (a leaver).
    setIdpUsers([...defaultIdpUsers(), pam])
    const page = await open()
    await signInWithSso(page, ann, 'sso-leaver')
    await page.locator('input[name="password"]').waitFor({ timeout: 30_000 })
    await page.waitForTimeout(1000)
    expect(new URL(page.url()).port).not.toBe(new URL(appUrl).port)
    await shot(page, 'sso-leaver', 'idp-refuses')
    setIdpUsers([...defaultIdpUsers(), ann, pam])
  })

  it('the Owner’s break-glass: password and two-factor code open the workspace', async () => {
    const page = await open()
    await signInWithForm(page, appUrl, owner.email, STRONG_PASSWORD)
    // A verified factor: the sign-in page asks for the code (aal2), and the workspace opens.
    await page.locator('#mfa-code').waitFor({ timeout: 30_000 })
    await typeCode(page, '#mfa-code', totpCode(totpSecret))
    await page.getByRole('button', { name: 'Verify' }).click()
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor({ timeout: 30_000 })
    await shot(page, 'sso-break-glass', 'owner-in')
  })
  it('the settings page and the SSO sign-in pass axe, and fit 390 px without sideways scroll', async () => {
    const wide = await axe(ownerPage)
    expect(wide, JSON.stringify(wide, null, 1)).toEqual([])
    await ownerPage.setViewportSize({ width: 390, height: 844 })
    await ownerPage.goto(url('/single-sign-on'))
    await ownerPage.locator('[data-test="sso-connection"]').waitFor()
    expect(
      await ownerPage.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1),
    ).toBe(true)
    await shot(ownerPage, 'sso-settings', 'phone')
    const signIn = await open()
    await signIn.goto(url('/sign-in?sso=1'))
    await signIn.locator('[data-test="sso-continue"]').waitFor()
    const v = await axe(signIn)
    expect(v, JSON.stringify(v, null, 1)).toEqual([])
  })
})
