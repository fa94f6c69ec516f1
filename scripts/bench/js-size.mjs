// Initial JavaScript of the app: a production build, then the gzip size of the entry script and
// the modules index.html preloads (what the browser fetches before the first render).
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

export function initialJs(root) {
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
  const attr = (tag, name) => tag.match(new RegExp(`${name}="([^"]+)"`))?.[1]
  const entries = [...html.matchAll(/<script\b[^>]*type="module"[^>]*>/g)]
    .map((m) => attr(m[0], 'src'))
    .filter(Boolean)
  const preloads = [...html.matchAll(/<link\b[^>]*rel="modulepreload"[^>]*>/g)]
    .map((m) => attr(m[0], 'href'))
    .filter(Boolean)
  const css = [...html.matchAll(/<link\b[^>]*rel="stylesheet"[^>]*>/g)]
    .map((m) => attr(m[0], 'href'))
    .filter(Boolean)
  const size = (p) => {
    const buf = readFileSync(join(dist, p.replace(/^\//, '')))
    return { file: p, bytes: buf.length, gzipBytes: gzipSync(buf, { level: 9 }).length }
  }
  const files = [...new Set([...entries, ...preloads])].map(size)
  const cssFiles = css.map(size)
  const kb = (xs) => xs.reduce((a, f) => a + f.gzipBytes, 0) / 1024
  return {
    buildSeconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
    files,
    totalGzipKb: kb(files),
    css: cssFiles,
    cssGzipKb: kb(cssFiles),
  }
}
