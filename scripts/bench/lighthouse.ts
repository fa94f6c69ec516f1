// `npm run bench:lighthouse`: Lighthouse's performance audit of every entry page of the production
// build (scripts/bench/app-preview.ts), desktop and mobile, signed in for the workspace pages.
// Prints CLS, TBT and LCP per page × form factor; writes bench-results/lighthouse.json.
//
// Lighthouse (npm `lighthouse`, a devDependency, run through npx) drives Debian's Chromium
// (CHROME_PATH, default /usr/bin/chromium), started here with --headless=new --no-sandbox and a
// debugging port. The session goes into that browser's localStorage (where supabase-js looks)
// before the signed-in pages, and Lighthouse is told to keep storage (--disable-storage-reset).
// Mobile is Lighthouse's default (Moto G Power, simulated slow 4G and 4× CPU slowdown); desktop
// is its desktop preset. Simulated throttling scales what this machine measured: on a busy shared
// machine TBT is higher than on a quiet one, so the load average is printed beside the table.
//
//   npm run bench:lighthouse                    # every page, both form factors, 1 run each
//   npm run bench:lighthouse -- --runs=3        # median of 3 runs per cell
//   npm run bench:lighthouse -- --only=/users,/sign-in --form=mobile --no-build
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { root } from '../../local-stack/config.ts'
import {
  appUrl,
  buildApp,
  entryPages,
  previewPort,
  signInSession,
  startPreview,
  stopPreview,
  storageKey,
} from './app-preview.ts'

const args = process.argv.slice(2)
const flag = (name: string): string | undefined =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
const runs = Number(flag('runs') ?? 1)
const only = flag('only')?.split(',')
const forms = (flag('form')?.split(',') ?? ['desktop', 'mobile']) as ('desktop' | 'mobile')[]
const chromePath = process.env.CHROME_PATH ?? '/usr/bin/chromium'
const debugPort = 9300 + Number(process.env.FLUXERA_PORT_OFFSET ?? 0) + (previewPort % 10)
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>
}
const lighthouseSpec = `lighthouse@${pkg.devDependencies['lighthouse'] ?? 'latest'}`

interface Cell {
  path: string
  form: 'desktop' | 'mobile'
  signedIn: boolean
  cls: number
  tbt: number
  lcp: number
  fcp: number
  score: number
  /** What moved, from the layout-shift audit of the median run. */
  shifts: string[]
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** One Lighthouse run (asynchronous: vite preview answers from this same process meanwhile). */
function lighthouse(url: string, form: 'desktop' | 'mobile', out: string): Promise<void> {
  const child = spawn(
    'npx',
    [
      '--yes',
      lighthouseSpec,
      url,
      `--port=${debugPort}`,
      '--only-categories=performance',
      '--disable-storage-reset',
      '--output=json',
      `--output-path=${out}`,
      '--quiet',
      '--max-wait-for-load=60000',
      ...(form === 'desktop' ? ['--preset=desktop'] : []),
    ],
    {
      cwd: root,
      env: { ...process.env, CHROME_PATH: chromePath },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  )
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  return new Promise((resolve, reject) =>
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`lighthouse ${url} (${form}): ${stderr.slice(-600)}`)),
    ),
  )
}

interface Lhr {
  finalDisplayedUrl: string
  categories: { performance: { score: number } }
  audits: Record<
    string,
    {
      numericValue?: number
      details?: { items?: { node?: { selector?: string }; score?: number }[] }
    }
  >
}

function read(out: string): Lhr {
  return JSON.parse(readFileSync(out, 'utf8')) as Lhr
}

async function main() {
  if (!args.includes('--no-build')) {
    const built = buildApp()
    if ('error' in built) throw new Error(built.error)
    console.log(`built in ${built.seconds} s`)
  }
  const session = await signInSession()
  const server = await startPreview()
  const profile = mkdtempSync(join(tmpdir(), 'fluxera-lh-'))
  const chrome = spawn(
    chromePath,
    [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      `--remote-debugging-port=${debugPort}`,
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    { stdio: 'ignore' },
  )
  const cells: Cell[] = []
  const load = [loadavg()[0]!]
  try {
    await new Promise((done) => setTimeout(done, 1500))
    // Connected only while writing: Lighthouse drives the browser alone during its runs.
    const setStorage = async (value: string | null) => {
      const cdp = await chromium.connectOverCDP(`http://127.0.0.1:${debugPort}`)
      const page = await cdp.contexts()[0]!.newPage()
      await page.goto(`${appUrl}/favicon.svg`)
      const key = JSON.stringify(storageKey)
      await page.evaluate(
        value === null
          ? `localStorage.removeItem(${key})`
          : `localStorage.setItem(${key}, ${JSON.stringify(value)})`,
      )
      await page.close()
      await cdp.close()
    }
    const pages = entryPages().filter((p) => !only || only.includes(p.path.split('?')[0]!))
    const dir = mkdtempSync(join(tmpdir(), 'fluxera-lh-out-'))
    for (const entry of pages) {
      await setStorage(entry.signedIn ? session : null)
      for (const form of forms) {
        const lhrs: Lhr[] = []
        for (let i = 0; i < runs; i++) {
          const out = join(dir, `run.json`)
          await lighthouse(appUrl + entry.path, form, out)
          const lhr = read(out)
          const landed = new URL(lhr.finalDisplayedUrl).pathname
          if (landed !== entry.path.split('?')[0])
            throw new Error(`${entry.path} ended on ${landed} (signed in: ${entry.signedIn})`)
          lhrs.push(lhr)
        }
        const num = (l: Lhr, id: string) => l.audits[id]?.numericValue ?? NaN
        const byCls = [...lhrs].sort(
          (a, b) => num(a, 'cumulative-layout-shift') - num(b, 'cumulative-layout-shift'),
        )
        const mid = byCls[Math.floor(byCls.length / 2)]!
        const cell: Cell = {
          path: entry.path.split('?')[0]!,
          form,
          signedIn: entry.signedIn,
          cls: median(lhrs.map((l) => num(l, 'cumulative-layout-shift'))),
          tbt: median(lhrs.map((l) => num(l, 'total-blocking-time'))),
          lcp: median(lhrs.map((l) => num(l, 'largest-contentful-paint'))),
          fcp: median(lhrs.map((l) => num(l, 'first-contentful-paint'))),
          score: median(lhrs.map((l) => l.categories.performance.score)),
          shifts: (mid.audits['layout-shifts']?.details?.items ?? [])
            .filter((x) => (x.score ?? 0) >= 0.005)
            .map((x) => `${x.node?.selector ?? '?'} ${(x.score ?? 0).toFixed(3)}`),
        }
        cells.push(cell)
        console.log(
          `${cell.path} ${form}: CLS ${cell.cls.toFixed(3)} TBT ${cell.tbt.toFixed(0)} ms LCP ${(cell.lcp / 1000).toFixed(2)} s` +
            (cell.shifts.length ? `  shifts: ${cell.shifts.join('; ')}` : ''),
        )
      }
    }
    rmSync(dir, { recursive: true, force: true })
  } finally {
    chrome.kill()
    await stopPreview(server)
    rmSync(profile, { recursive: true, force: true })
  }
  load.push(loadavg()[0]!)

  const ok = (c: Cell) => (c.cls < 0.1 && c.tbt < 200 ? '' : ' ✗')
  console.log(
    `\nLighthouse ${lighthouseSpec.split('@')[1]}, ${runs} run(s) per cell (median), load average ${load.map((x) => x.toFixed(1)).join(' → ')}; goal CLS < 0.1, TBT < 200 ms`,
  )
  console.log('| page | form | CLS | TBT ms | LCP s | FCP s | score |')
  console.log('|---|---|---|---|---|---|---|')
  for (const c of cells)
    console.log(
      `| ${c.path} | ${c.form} | ${c.cls.toFixed(3)} | ${c.tbt.toFixed(0)} | ${(c.lcp / 1000).toFixed(2)} | ${(c.fcp / 1000).toFixed(2)} | ${Math.round(c.score * 100)}${ok(c)} |`,
    )
  mkdirSync(join(root, 'bench-results'), { recursive: true })
  writeFileSync(
    join(root, 'bench-results', 'lighthouse.json'),
    JSON.stringify({ date: new Date().toISOString(), runs, loadAvg: load, cells }, null, 2) + '\n',
  )
  if (cells.some((c) => ok(c))) process.exitCode = 1
}

await main()
