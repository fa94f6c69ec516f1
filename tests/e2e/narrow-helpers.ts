// Shared by the browser tests that walk every page: the four demo roles and a page's settling.
import type { Page } from 'playwright-core'

export const ROLES = {
  owner: { id: '00000000-0000-4000-a000-000000000001', email: 'owner@fluxera.test' },
  admin: { id: '00000000-0000-4000-a000-000000000002', email: 'admin@fluxera.test' },
  member: { id: '00000000-0000-4000-a000-000000000003', email: 'member@fluxera.test' },
  viewer: { id: '00000000-0000-4000-a000-000000000004', email: 'viewer@fluxera.test' },
} as const

/** Waits for the page's heading, the network and lazy tables/charts, then for animations. */
export async function settle(page: Page) {
  await page.waitForSelector('main h1', { timeout: 20_000 })
  await page.waitForLoadState('networkidle')
  await page
    .waitForFunction(() => !document.querySelector('.p-progressbar-indeterminate'), null, {
      timeout: 10_000,
    })
    .catch(() => undefined)
  await animationsDone(page)
}

/** Waits until every running animation and transition has finished (theme switch, entrances). */
export async function animationsDone(page: Page) {
  await page.evaluate(() =>
    Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))),
  )
}
