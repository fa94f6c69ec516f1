import { Marked, type Tokens } from 'marked'

/**
 * The user guide: the Markdown files in docs/guide/, the one source for the repository and the
 * Help pages. Each page is imported as text only when opened (Vite `?raw`), pictures are the
 * screenshots the browser tests write to docs/guide/screenshots/ (Vite `?url`).
 */
const sources = import.meta.glob<string>('/docs/guide/*.md', { query: '?raw', import: 'default' })
const pictures = import.meta.glob<string>('/docs/guide/screenshots/*.png', {
  query: '?url',
  import: 'default',
  eager: true,
})

/** The guide's pages in reading order, with their titles (the index first). */
export const GUIDE_PAGES = [
  { slug: 'index', title: 'User guide' },
  { slug: 'inviting-users', title: 'Inviting users' },
  { slug: 'roles-permissions', title: 'Roles & Permissions' },
  { slug: 'activity-tracking', title: 'Activity tracking' },
  { slug: 'onboarding', title: 'Onboarding' },
  { slug: 'security-tips', title: 'Security tips' },
] as const
export type GuideSlug = (typeof GUIDE_PAGES)[number]['slug']

export function isGuidePage(slug: string): slug is GuideSlug {
  return GUIDE_PAGES.some((p) => p.slug === slug)
}

/** "Changing roles" -> "changing-roles": the anchors the guide's links use. */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/&[a-z]+;|<[^>]+>/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
}

/** `./inviting-users.md#sending-invitations` -> `/help/inviting-users#sending-invitations`. */
export function appHref(href: string): string {
  const m = /^\.\/([a-z-]+)\.md(#[a-z0-9-]+)?$/.exec(href)
  if (!m) return href
  return `/help${m[1] === 'index' ? '' : `/${m[1]}`}${m[2] ?? ''}`
}

function pictureUrl(src: string): string | null {
  const m = /^\.?\/?screenshots\/([\w-]+\.png)$/.exec(src)
  return m ? (pictures[`/docs/guide/screenshots/${m[1]}`] ?? null) : null
}

const escapeAttr = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')

const markdown = new Marked({
  renderer: {
    heading(this: { parser: { parseInline(t: Tokens.Generic[]): string } }, token: Tokens.Heading) {
      const inner = this.parser.parseInline(token.tokens)
      return `<h${token.depth} id="${slugify(token.text)}">${inner}</h${token.depth}>\n`
    },
    link(this: { parser: { parseInline(t: Tokens.Generic[]): string } }, token: Tokens.Link) {
      const inner = this.parser.parseInline(token.tokens)
      return `<a href="${escapeAttr(appHref(token.href))}">${inner}</a>`
    },
    image(token: Tokens.Image) {
      const url = pictureUrl(token.href)
      // A picture the tests have not taken yet shows as its description.
      if (!url) return `<em>${escapeAttr(token.text)}</em>`
      return `<img src="${escapeAttr(url)}" alt="${escapeAttr(token.text)}" loading="lazy" />`
    },
  },
})

/** The page as HTML. The guide is our own Markdown from the repository, not user input. */
export async function renderGuide(slug: GuideSlug): Promise<string> {
  const load = sources[`/docs/guide/${slug}.md`]
  if (!load) throw new Error(`The guide has no page "${slug}".`)
  return markdown.parse(await load(), { async: false })
}
