// The user guide (docs/guide/*.md) names the product's buttons, pages and headings in bold. This test
// fails when a bold name is nowhere in the app: not a literal of a component or module under src/
// (a label, a heading, a menu entry, a route title), nor the fixed part of a template such as
// `Make ${role}`. It also checks the links (guide pages and their anchors, app paths against the
// route table) and that every picture is a screenshot the browser tests wrote.
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { routes } from '@/router/routes'
import { GUIDE_PAGES, appHref, renderGuide, slugify } from '@/pages/help/guide'

const GUIDE = join(process.cwd(), 'docs', 'guide')
const pages = readdirSync(GUIDE)
  .filter((f) => f.endsWith('.md'))
  .map((f) => ({ slug: f.replace(/\.md$/, ''), text: readFileSync(join(GUIDE, f), 'utf8') }))

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.(vue|ts)$/.test(name) && !/\.test\.ts$|\.d\.ts$/.test(name) ? [path] : []
  })
}

/** Every string the app can show: quoted literals, template text between tags, route titles. */
function appStrings() {
  const exact = new Set<string>()
  const patterns: RegExp[] = []
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  for (const file of sourceFiles(join(process.cwd(), 'src'))) {
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/'([^'\n]{1,120})'|"([^"\n]{1,120})"|>([^<>{}]{1,120})</g)) {
      exact.add((m[1] ?? m[2] ?? m[3] ?? '').trim().replace(/\s+/g, ' '))
    }
    for (const m of text.matchAll(/`([^`]{1,120})`/g)) {
      const parts = m[1]!.split(/\$\{[^}]*\}/)
      if (parts.length === 1) exact.add(m[1]!.trim())
      else if (parts.join('').trim().length >= 4)
        patterns.push(new RegExp(`^${parts.map(escape).join('.+')}$`))
    }
  }
  return { exact, patterns }
}

function anchorsOf(text: string): Set<string> {
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slugify(m[1]!)))
}

describe('the user guide', () => {
  it('has the pages the Help menu lists, and the anchors the customer page links to', () => {
    expect(pages.map((p) => p.slug).sort()).toEqual(GUIDE_PAGES.map((p) => p.slug).sort())
    const anchors = (slug: string) => anchorsOf(pages.find((p) => p.slug === slug)!.text)
    expect(anchors('inviting-users')).toContain('sending-invitations')
    expect(anchors('inviting-users')).toContain('deactivating-users')
    expect(anchors('roles-permissions')).toContain('changing-roles')
    expect(anchors('activity-tracking')).toContain('viewing-activity')
    expect(anchors('activity-tracking')).toContain('exporting-logs')
  })

  it('names only buttons, pages and headings that exist in the app', () => {
    const { exact, patterns } = appStrings()
    const missing: string[] = []
    for (const page of pages) {
      for (const m of page.text.matchAll(/\*\*([^*]+)\*\*/g)) {
        const name = m[1]!.replace(/\s+/g, ' ').trim()
        if (!exact.has(name) && !patterns.some((p) => p.test(name)))
          missing.push(`${page.slug}: ${name}`)
      }
    }
    expect(missing).toEqual([])
  })

  it('links to guide pages and anchors that exist, and to app paths the router knows', () => {
    const byslug = new Map(pages.map((p) => [p.slug, anchorsOf(p.text)]))
    const layout = routes.find((r) => r.path === '/')?.children ?? []
    const paths = new Set([
      ...layout.map((r) => `/${r.path.split('/')[0]}`),
      ...routes.map((r) => r.path),
    ])
    const broken: string[] = []
    for (const page of pages) {
      for (const m of page.text.matchAll(/\]\(([^)]+)\)/g)) {
        const href = m[1]!
        const guide = /^\.\/([a-z-]+)\.md(?:#([a-z0-9-]+))?$/.exec(href)
        const shot = /^screenshots\/[\w-]+\.png$/.test(href)
        if (guide) {
          const anchors = byslug.get(guide[1]!)
          if (!anchors || (guide[2] && !anchors.has(guide[2]))) broken.push(`${page.slug}: ${href}`)
        } else if (href.startsWith('/')) {
          if (!paths.has(`/${href.slice(1).split(/[/#?]/)[0]}`))
            broken.push(`${page.slug}: ${href}`)
        } else if (!shot) broken.push(`${page.slug}: ${href}`)
      }
    }
    expect(broken).toEqual([])
  })

  it("every route's help link points at a guide page and anchor", () => {
    const layout = routes.find((r) => r.path === '/')?.children ?? []
    const bad = layout
      .map((r) => r.meta?.help)
      .filter((h): h is string => !!h)
      .filter((h) => {
        const [slug, anchor] = h.split('#')
        const page = pages.find((p) => p.slug === slug)
        return !page || (anchor && !anchorsOf(page.text).has(anchor))
      })
    expect(bad).toEqual([])
  })

  it('shows pictures that the browser tests took (docs/guide/screenshots)', () => {
    const pictures = pages.flatMap((p) =>
      [...p.text.matchAll(/!\[[^\]]+\]\((screenshots\/[\w-]+\.png)\)/g)].map((m) => m[1]!),
    )
    expect(pictures.length).toBeGreaterThan(0)
    // Written by tests/e2e/onboarding.test.ts; missing ones mean that test has not run since the
    // guide named them.
    expect(pictures.filter((p) => !existsSync(join(GUIDE, p)))).toEqual([])
  })

  it('renders in the app with the same anchors, links inside the app, and the screenshots', async () => {
    expect(appHref('./inviting-users.md#sending-invitations')).toBe(
      '/help/inviting-users#sending-invitations',
    )
    expect(appHref('./index.md')).toBe('/help')
    const html = await renderGuide('index')
    const doc = new DOMParser().parseFromString(html, 'text/html')
    const hrefs = Array.from(doc.querySelectorAll('a')).map((a) => a.getAttribute('href'))
    expect(hrefs).toContain('/help/roles-permissions#changing-roles')
    expect(hrefs).toContain('/help/activity-tracking#exporting-logs')
    expect(hrefs.filter((h) => h?.includes('.md'))).toEqual([])
    const invite = new DOMParser().parseFromString(await renderGuide('inviting-users'), 'text/html')
    expect(invite.getElementById('sending-invitations')?.tagName).toBe('H2')
    expect(invite.getElementById('deactivating-users')?.tagName).toBe('H2')
    expect(invite.querySelector('img')?.getAttribute('alt')).toMatch(/Invite users dialog/)
  })
})
