// Screenshots of every page for each role, light and dark, at 1280 px and 390 px, into
// test-results/screenshots/<role>-<page>-<width>-<theme>.png, for people to look at. One
// browser; one context per role and width, reused across pages. At 390 px it also checks that
// nothing scrolls sideways.
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launch, openAs, personalPages, screenshot, workspacePages } from './browser'
import { animationsDone, ROLES, settle } from './narrow-helpers'

const PAGES = [...workspacePages, ...personalPages]
const WIDTHS = [1280, 390] as const

let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
})

describe('screenshots of every page, per role, theme and width', () => {
  for (const [role, user] of Object.entries(ROLES)) {
    for (const width of WIDTHS) {
      it(`${role} at ${width} px`, { timeout: 240_000 }, async () => {
        const page = await openAs(browser, inject('appUrl'), user, '/users')
        await page.setViewportSize({ width, height: width === 390 ? 844 : 800 })
        const sideways: string[] = []
        for (const name of PAGES) {
          await page.goto(new URL(`/${name}`, inject('appUrl')).href)
          await settle(page)
          for (const theme of ['light', 'dark'] as const) {
            await page.evaluate(
              (dark) => document.documentElement.classList.toggle('app-dark', dark),
              theme === 'dark',
            )
            // the theme switch and any entrance animation finish before the shot
            await animationsDone(page)
            await screenshot(page, `${role}-${name}-${width}-${theme}`)
          }
          if (width === 390) {
            const wide = await page.evaluate(
              () => document.documentElement.scrollWidth > window.innerWidth + 1,
            )
            if (wide) sideways.push(name)
          }
        }
        await page.context().close()
        expect(sideways, `pages that scroll sideways at 390 px for ${role}`).toEqual([])
      })
    }
  }
})
