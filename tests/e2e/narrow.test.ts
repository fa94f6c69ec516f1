// Every page at phone width (390 px) for each role: the document does not scroll sideways, and
// no table (or any other box) inside the page scrolls sideways either (issue 23, item 5). The
// failure lists each page with what overflows, so the count of pages that scroll is the figure.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launch, openAs, personalPages, workspacePages } from './browser'
import { ROLES, settle } from './narrow-helpers'

const PAGES = [...workspacePages, ...personalPages]

let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
})

/** What scrolls sideways on the page: the document itself, and every box inside <main> that does. */
function sidewaysScrollers(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = []
    const root = document.scrollingElement ?? document.documentElement
    if (root.scrollWidth > root.clientWidth) found.push(`document (${root.scrollWidth}px)`)
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('main *'))) {
      const overflowX = getComputedStyle(el).overflowX
      if (overflowX !== 'auto' && overflowX !== 'scroll') continue
      if (el.scrollWidth <= el.clientWidth + 1) continue
      const table = el.querySelector('table')
      const name =
        table?.getAttribute('aria-labelledby') ?? el.className.split(' ')[0] ?? el.tagName
      found.push(`${table ? 'table' : 'box'} ${name} (${el.scrollWidth}px in ${el.clientWidth}px)`)
    }
    return found
  })
}

describe('every page at 390 px without sideways scrolling', () => {
  for (const [role, user] of Object.entries(ROLES)) {
    it(`${role}`, { timeout: 240_000 }, async () => {
      const page = await openAs(browser, inject('appUrl'), user, '/users')
      await page.setViewportSize({ width: 390, height: 844 })
      const sideways: Record<string, string[]> = {}
      for (const name of PAGES) {
        await page.goto(new URL(`/${name}`, inject('appUrl')).href)
        await settle(page)
        const found = await sidewaysScrollers(page)
        if (found.length) sideways[name] = found
      }
      await page.context().close()
      console.info(
        `${role}: ${Object.keys(sideways).length} of ${PAGES.length} pages scroll sideways`,
      )
      expect(sideways, `pages that scroll sideways at 390 px for ${role}`).toEqual({})
    })
  }
})
