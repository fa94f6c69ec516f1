// Initial JavaScript of the app, from a production build (scripts/bench/app-preview.ts):
// - the shell: the entry script and the modules index.html preloads, gzip -9 (what every URL
//   fetches before the router runs);
// - per entry page: every script Chromium actually fetched for that URL, from the first request
//   until the network has been idle (lazy route chunks, their imports, anything loaded after the
//   first render), signed out for the public pages and signed in as the demo owner for the others.
//   `vite preview` does not compress, so each script is gzipped (-9) here, as a server would send it.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { chromium } from 'playwright-core'
import { root } from '../../../local-stack/config.ts'
import {
  appUrl,
  buildApp,
  distDir,
  entryPages,
  signInSession,
  startPreview,
  stopPreview,
  storageKey,
} from '../app-preview.ts'
import type { Session } from './session.ts'

export interface FileSize {
  file: string
  bytes: number
  gzipBytes: number
}

export interface PageJs {
  path: string
  signedIn: boolean
  scripts: number
  gzipKb: number
  rawKb: number
}

export type JsResult =
  | { skipped: string }
  | {
      skipped?: undefined
      buildSeconds: number
      files: FileSize[]
      totalGzipKb: number
      css: FileSize[]
      cssGzipKb: number
      pages?: PageJs[]
      pagesSkipped?: string
    }

const gzipKb = (buf: Buffer): number => gzipSync(buf, { level: 9 }).length / 1024

/** The entry script and its modulepreloads, as index.html lists them. */
export function shellJs(
  dist = distDir,
): Pick<Extract<JsResult, { files: FileSize[] }>, 'files' | 'totalGzipKb' | 'css' | 'cssGzipKb'> {
  const html = readFileSync(join(dist, 'index.html'), 'utf8')
  const attr = (tag: string, name: string): string | undefined =>
    tag.match(new RegExp(`${name}="([^"]+)"`))?.[1]
  const present = (x: string | undefined): x is string => Boolean(x)
  const tags = (re: RegExp, name: string) =>
    [...html.matchAll(re)].map((m) => attr(m[0], name)).filter(present)
  const entries = tags(/<script\b[^>]*type="module"[^>]*>/g, 'src')
  const preloads = tags(/<link\b[^>]*rel="modulepreload"[^>]*>/g, 'href')
  const css = tags(/<link\b[^>]*rel="stylesheet"[^>]*>/g, 'href')
  const size = (p: string): FileSize => {
    const buf = readFileSync(join(dist, p.replace(/^\//, '')))
    return { file: p, bytes: buf.length, gzipBytes: gzipSync(buf, { level: 9 }).length }
  }
  const files = [...new Set([...entries, ...preloads])].map(size)
  const cssFiles = css.map(size)
  const kb = (xs: FileSize[]): number => xs.reduce((a, f) => a + f.gzipBytes, 0) / 1024
  return { files, totalGzipKb: kb(files), css: cssFiles, cssGzipKb: kb(cssFiles) }
}

/** Loads each entry page in Chromium and sums the scripts it fetched. Needs the stack (sign-in). */
export async function pagesJs(): Promise<PageJs[]> {
  const session = await signInSession()
  const server = await startPreview()
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  })
  try {
    const out: PageJs[] = []
    for (const entry of entryPages()) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
      if (entry.signedIn)
        await context.addInitScript({
          content: `localStorage.setItem(${JSON.stringify(storageKey)}, ${JSON.stringify(session)})`,
        })
      const page = await context.newPage()
      const bodies: Promise<Buffer | null>[] = []
      page.on('response', (res) => {
        if (res.request().resourceType() === 'script') bodies.push(res.body().catch(() => null))
      })
      await page.goto(appUrl + entry.path, { waitUntil: 'networkidle' })
      // Whatever the page starts after the first data arrives (a chart, a dialog's chunk).
      await page.waitForTimeout(1000)
      await page.waitForLoadState('networkidle')
      const path = new URL(page.url()).pathname
      if (entry.signedIn && path !== entry.path)
        throw new Error(`${entry.path} went to ${path}: is the demo owner signed in?`)
      const scripts = (await Promise.all(bodies)).filter((b): b is Buffer => b !== null)
      out.push({
        path: entry.path.split('?')[0]!,
        signedIn: entry.signedIn,
        scripts: scripts.length,
        gzipKb: scripts.reduce((a, b) => a + gzipKb(b), 0),
        rawKb: scripts.reduce((a, b) => a + b.length, 0) / 1024,
      })
      await context.close()
    }
    return out
  } finally {
    await browser.close()
    await stopPreview(server)
  }
}

export async function initialJs(opts: { pages: boolean }): Promise<JsResult> {
  if (!existsSync(join(root, 'src', 'main.ts'))) return { skipped: 'src/main.ts does not exist' }
  const built = buildApp()
  if ('error' in built) return { skipped: built.error }
  const result: JsResult = { buildSeconds: built.seconds, ...shellJs() }
  if (opts.pages) {
    try {
      result.pages = await pagesJs()
    } catch (err) {
      result.pagesSkipped = (err as Error).message
    }
  }
  return result
}

export function formatJs(result: JsResult): string {
  if (result.skipped !== undefined) return `initial JS: skipped (${result.skipped})`
  const lines = [
    `initial JS of the shell (entry + modulepreload, gzip -9): ${result.totalGzipKb.toFixed(1)} KB in ${result.files.length} files; CSS ${result.cssGzipKb.toFixed(1)} KB`,
  ]
  if (result.pagesSkipped) lines.push(`per page: skipped (${result.pagesSkipped})`)
  if (result.pages) {
    lines.push('JS Chromium fetched per entry page (gzip -9 of each script, until network idle):')
    lines.push('| page | signed in | scripts | KB gzip | KB raw |', '|---|---|---|---|---|')
    for (const p of result.pages)
      lines.push(
        `| ${p.path} | ${p.signedIn ? 'yes' : 'no'} | ${p.scripts} | ${p.gzipKb.toFixed(1)} | ${p.rawKb.toFixed(1)} |`,
      )
  }
  return lines.join('\n')
}

/** `--only=js` */
export async function js(s: Session): Promise<void> {
  const result = await initialJs({ pages: true })
  s.results.js = result
  s.log('\n' + formatJs(result))
}

// `npx node scripts/bench/measure/js.ts` on its own: the table, without the rest of the bench.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(formatJs(await initialJs({ pages: !process.argv.includes('--shell-only') })))
}
