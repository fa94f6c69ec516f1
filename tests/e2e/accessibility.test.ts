// Every page, opened by the Owner in Chromium, scanned with axe-core: no serious or critical
// violations. Each page's screenshot is saved under test-results/screenshots as an artefact.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launch, openAs, screenshot, workspacePages } from './browser'

const owner = { id: '00000000-0000-4000-a000-000000000001', email: 'owner@fluxera.test' }
const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
)
const summary: Record<string, string> = {}

interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: { target: string[] }[]
}

async function scan(page: Page) {
  await page.addScriptTag({ content: axeSource })
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> }
      }
    ).axe
    const result = await axe.run(document, { resultTypes: ['violations'] })
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }))
  })
}

let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  console.log('axe-core results (violations by impact):')
  for (const [name, line] of Object.entries(summary)) console.log(`  ${name.padEnd(14)} ${line}`)
  await browser?.close()
})

describe('accessibility of every page (axe-core)', () => {
  for (const name of workspacePages) {
    it(`/${name} has no serious or critical violations`, async () => {
      const page = await openAs(browser, inject('appUrl'), owner, `/${name}`)
      await page.waitForSelector('main h1', { timeout: 20_000 })
      await page.waitForLoadState('networkidle')
      for (const theme of ['light', 'dark'] as const) {
        if (theme === 'dark')
          await page.evaluate(() => document.documentElement.classList.add('app-dark'))
        const violations = await scan(page)
        const byImpact = violations.reduce<Record<string, number>>(
          (acc, v) => ({ ...acc, [v.impact ?? 'none']: (acc[v.impact ?? 'none'] ?? 0) + 1 }),
          {},
        )
        summary[`${name}/${theme}`] = Object.keys(byImpact).length
          ? JSON.stringify(byImpact)
          : 'none'
        const severe = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        expect(severe, `${name} (${theme}): ${JSON.stringify(severe, null, 1)}`).toEqual([])
        await screenshot(page, `page-${name}-${theme}`)
      }
      await page.setViewportSize({ width: 390, height: 844 })
      await screenshot(page, `page-${name}-phone`)
      await page.context().close()
    })
  }
})
