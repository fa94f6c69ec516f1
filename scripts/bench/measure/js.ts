// Initial JavaScript of the app: a production build, then the gzip size of the entry script and
// the modules index.html preloads (what the browser fetches before the first render).
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { root } from '../../../local-stack/config.ts'
import type { Session } from './session.ts'

export interface FileSize {
  file: string
  bytes: number
  gzipBytes: number
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
    }

export function initialJs(root: string): JsResult {
  if (!existsSync(join(root, 'src', 'main.ts'))) return { skipped: 'src/main.ts does not exist' }
  const dist = '/tmp/fluxera-bench-dist'
  const t0 = performance.now()
  const r = spawnSync(
    'npx',
    ['vite', 'build', '--outDir', dist, '--emptyOutDir', '--logLevel', 'warn'],
    { cwd: root, encoding: 'utf8' },
  )
  if (r.status !== 0)
    return {
      skipped: `vite build failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`,
    }
  const html = readFileSync(join(dist, 'index.html'), 'utf8')
  const attr = (tag: string, name: string): string | undefined =>
    tag.match(new RegExp(`${name}="([^"]+)"`))?.[1]
  const present = (x: string | undefined): x is string => Boolean(x)
  const entries = [...html.matchAll(/<script\b[^>]*type="module"[^>]*>/g)]
    .map((m) => attr(m[0], 'src'))
    .filter(present)
  const preloads = [...html.matchAll(/<link\b[^>]*rel="modulepreload"[^>]*>/g)]
    .map((m) => attr(m[0], 'href'))
    .filter(present)
  const css = [...html.matchAll(/<link\b[^>]*rel="stylesheet"[^>]*>/g)]
    .map((m) => attr(m[0], 'href'))
    .filter(present)
  const size = (p: string): FileSize => {
    const buf = readFileSync(join(dist, p.replace(/^\//, '')))
    return { file: p, bytes: buf.length, gzipBytes: gzipSync(buf, { level: 9 }).length }
  }
  const files = [...new Set([...entries, ...preloads])].map(size)
  const cssFiles = css.map(size)
  const kb = (xs: FileSize[]): number => xs.reduce((a, f) => a + f.gzipBytes, 0) / 1024
  return {
    buildSeconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
    files,
    totalGzipKb: kb(files),
    css: cssFiles,
    cssGzipKb: kb(cssFiles),
  }
}

/** `--only=js` */
export function js(s: Session): Promise<void> {
  const result = initialJs(root)
  s.results.js = result
  if (result.skipped !== undefined) s.log(`\ninitial JS: skipped (${result.skipped})`)
  else
    s.log(
      `\ninitial JS (entry + modulepreload, gzip -9): ${result.totalGzipKb.toFixed(1)} KB in ${result.files.length} files; CSS ${result.cssGzipKb.toFixed(1)} KB`,
    )
  return Promise.resolve()
}
