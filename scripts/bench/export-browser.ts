#!/usr/bin/env node
// Large export from the Activity page, end to end (issue 23 item 10): the bench admin clicks
// "Export CSV" on Bench Corp's 1,000,000-row log in Chromium (a production build against the
// stack), the export streams into a file (the File System Access API's writable stream; the
// file picker is answered with a file of the origin-private file system, the same writable
// stream API, since a headless browser cannot show the picker), and the script measures:
//   - total time from the click to the closed progress dialog, and rows/s;
//   - the page's JS heap (CDP Runtime.getHeapUsage) and the renderer process's resident memory
//     (/proc), sampled every 100 ms: peak against the level before the click;
//   - the file: its rows against the checkpoint it carries (rows up to the checkpoint's last id),
//     and verify_activity_log(workspace, checkpoint) as the admin (the checkpoint still verifies);
//   - Stop: a second export stopped once 50,000 rows are written leaves nothing in its file.
//
//   npm run bench:export [-- --format=csv|json] [--keep-dist]
//
// Needs Bench Corp (npm run bench:seed). Writes bench-results/export-browser.json.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { chromium, type Page } from 'playwright-core'
import { build, preview } from 'vite'
import { apiUrl, dbUrl, ports, root } from '../../local-stack/config.ts'
import { requireBenchCorp } from './context.ts'
import { argValue } from './lib.ts'

const args = process.argv.slice(2)
const format = (argValue(args, 'format') ?? 'csv') as 'csv' | 'json'
const BENCH_PASSWORD = 'Bench-password-1!'
const GOAL_SECONDS = 20

const db = new pg.Client({ connectionString: dbUrl })
await db.connect()
const ctx = await requireBenchCorp(db as never)
const activityRows = ctx.dataset.activity
if (activityRows < 1_000_000)
  console.warn(`! Bench Corp holds ${activityRows} activity rows (the goal is about 1,000,000)`)

// ---------- the SPA as it ships ------------------------------------------------------------
const dist = '/tmp/fluxera-bench-export-dist'
process.env.VITE_SUPABASE_URL = apiUrl
const configFile = join(root, 'vite.config.ts')
const b0 = performance.now()
await build({ configFile, build: { outDir: dist, emptyOutDir: true }, logLevel: 'warn' })
console.log(`built the SPA in ${((performance.now() - b0) / 1000).toFixed(1)} s`)
const port = ports.e2eApp + 1
const server = await preview({
  configFile,
  build: { outDir: dist },
  preview: { host: '127.0.0.1', port, strictPort: true },
  logLevel: 'warn',
})
const appUrl = `http://127.0.0.1:${port}`

// ---------- Chromium, and its renderer's memory ---------------------------------------------
const marker = `--fluxera-bench-export=${randomUUID()}`
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    marker,
  ],
})

/** Resident memory (MB) of the page's renderer processes: children of the browser we launched. */
function rendererRssMb(): number {
  const procs = readdirSync('/proc').filter((d) => /^\d+$/.test(d))
  const info = new Map<string, { ppid: string; cmd: string; rssKb: number }>()
  for (const pid of procs) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8')
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      info.set(pid, {
        ppid: /PPid:\s+(\d+)/.exec(status)?.[1] ?? '',
        cmd,
        rssKb: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0),
      })
    } catch {
      // the process ended meanwhile
    }
  }
  const top = [...info].find(([, p]) => p.cmd.includes(marker) && !p.cmd.includes('--type='))
  if (!top) return 0
  const ours = new Set([top[0]])
  for (let grew = true; grew;) {
    grew = false
    for (const [pid, p] of info)
      if (!ours.has(pid) && ours.has(p.ppid)) {
        ours.add(pid)
        grew = true
      }
  }
  let kb = 0
  for (const pid of ours) {
    const p = info.get(pid)
    if (p?.cmd.includes('--type=renderer')) kb += p.rssKb
  }
  return kb / 1024
}

/** The browser objects the in-page code below touches (scripts/ compile without the DOM lib). */
interface OpfsFile {
  size: number
  slice(start: number, end: number): { text(): Promise<string> }
  stream(): { getReader(): { read(): Promise<{ done: boolean; value: Uint8Array }> } }
}
interface PageGlobals {
  lastExportFile: string
  showSaveFilePicker?: unknown
  navigator: {
    storage: {
      getDirectory(): Promise<{
        getFileHandle(
          name: string,
          options?: { create: boolean },
        ): Promise<{ getFile(): Promise<OpfsFile> }>
      }>
    }
  }
  document: { querySelector(selector: string): { textContent: string | null } | null }
}

const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
// The save picker answers with a new file of the origin-private file system each time.
await context.addInitScript(() => {
  const w = globalThis as unknown as PageGlobals
  let n = 0
  Object.defineProperty(w, 'showSaveFilePicker', {
    value: async ({ suggestedName }: { suggestedName: string }) => {
      const dir = await w.navigator.storage.getDirectory()
      n += 1
      const name = `${n}-${suggestedName}`
      w.lastExportFile = name
      return dir.getFileHandle(name, { create: true })
    },
  })
})
const page = await context.newPage()
const cdp = await context.newCDPSession(page)

async function signIn(p: Page) {
  await p.goto(`${appUrl}/sign-in`)
  await p.locator('#email').fill(ctx.admin.email)
  await p.locator('input#password').fill(BENCH_PASSWORD)
  await p.getByRole('button', { name: 'Sign in', exact: true }).click()
  await p.waitForURL((u) => !u.pathname.startsWith('/sign-in'), { timeout: 60_000 })
}

interface Sample {
  t: number
  heapMb: number
  rssMb: number
}

async function sample(): Promise<Sample> {
  const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }
  return { t: performance.now(), heapMb: heap.usedSize / 2 ** 20, rssMb: rendererRssMb() }
}

/** What the page's file holds: size, first line, line count (read in the page, streamed). */
async function readExport(p: Page) {
  return p.evaluate(async () => {
    const w = globalThis as unknown as PageGlobals
    const name = w.lastExportFile
    const dir = await w.navigator.storage.getDirectory()
    const file = await (await dir.getFileHandle(name)).getFile()
    const head = await file.slice(0, 64 * 1024).text()
    let lines = 0
    const reader = file.stream().getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      for (let i = value.indexOf(10); i !== -1; i = value.indexOf(10, i + 1)) lines++
    }
    return { name, bytes: file.size, firstLine: head.split(/\r?\n/, 1)[0] ?? '', lines }
  })
}

try {
  await signIn(page)
  await page.goto(`${appUrl}/activity`)
  await page.locator('main h1').waitFor({ timeout: 60_000 })
  await page.locator('tbody tr').first().waitFor({ timeout: 60_000 })
  await cdp.send('HeapProfiler.collectGarbage')
  const before = await sample()

  // ---------- the export --------------------------------------------------------------------
  const samples: Sample[] = []
  let sampling = true
  const sampler = (async () => {
    while (sampling) {
      samples.push(await sample())
      await new Promise((r) => setTimeout(r, 100))
    }
  })()
  const button = page.getByRole('button', { name: format === 'csv' ? 'Export CSV' : 'Export JSON' })
  const t0 = performance.now()
  await button.click()
  const dialog = page.getByRole('dialog', { name: 'Exporting activity' })
  await dialog.waitFor({ timeout: 30_000 })
  const progress: string[] = []
  const watch = setInterval(() => {
    void page
      .locator('[data-test="export-count"]')
      .innerText()
      .then((t) => progress.push(t.replace(/\s+/g, ' ')))
      .catch(() => undefined)
  }, 2000)
  await dialog.waitFor({ state: 'hidden', timeout: 300_000 })
  const seconds = (performance.now() - t0) / 1000
  clearInterval(watch)
  sampling = false
  await sampler
  const toast = await page
    .locator('.p-toast-message')
    .last()
    .innerText()
    .catch(() => '')
  const file = await readExport(page)

  // ---------- the file against its checkpoint -------------------------------------------------
  const prefix = '# fluxera-activity-checkpoint '
  const cp = (
    format === 'csv'
      ? JSON.parse(file.firstLine.slice(prefix.length))
      : (JSON.parse(`${file.firstLine.slice(0, -1)}}`) as { checkpoint: unknown }).checkpoint
  ) as { last_id: number; row_count: number; hash: string; workspace_id: string }
  // CSV: checkpoint line, header, one line a row; JSON: the checkpoint line, "rows": [, a row a
  // line, and the closing "]}".
  const rowsInFile = format === 'csv' ? file.lines - 2 : file.lines - 3
  await db.query('begin')
  await db.query(`select set_config('request.jwt.claims', $1, true)`, [
    JSON.stringify({ sub: ctx.admin.id, role: 'authenticated', email: ctx.admin.email }),
  ])
  await db.query(`set local statement_timeout = 0`)
  const v0 = performance.now()
  const verified = (
    await db.query<{
      ok: boolean
      checkpoint_ok: boolean
      problem: string | null
      rows_checked: string
    }>(
      `select ok, checkpoint_ok, problem, rows_checked from public.verify_activity_log($1, $2::jsonb)`,
      [ctx.workspaceId, JSON.stringify(cp)],
    )
  ).rows[0]
  const verifySeconds = (performance.now() - v0) / 1000
  await db.query('rollback')

  // ---------- Stop ----------------------------------------------------------------------------
  await button.click()
  await dialog.waitFor({ timeout: 30_000 })
  // Stop once rows are being written (the file has some), as a person would part-way.
  await page.waitForFunction(
    () =>
      Number(
        (
          (globalThis as unknown as PageGlobals).document.querySelector(
            '[data-test="export-count"]',
          )?.textContent ?? '0'
        )
          .trim()
          .split(' ')[0]!
          .replace(/[^0-9]/g, ''),
      ) >= 50000,
    undefined,
    { timeout: 120_000, polling: 100 },
  )
  const stoppedAt = await page.locator('[data-test="export-count"]').innerText()
  await page.getByRole('button', { name: 'Stop' }).click()
  await dialog.waitFor({ state: 'hidden', timeout: 30_000 })
  const stopToast = await page
    .locator('.p-toast-message')
    .last()
    .innerText()
    .catch(() => '')
  const stopped = await readExport(page)

  const peak = (k: 'heapMb' | 'rssMb') => Math.max(...samples.map((s) => s[k]))
  const result = {
    date: new Date().toISOString(),
    loadAvg: (await import('node:os')).loadavg(),
    format,
    rows: rowsInFile,
    checkpointRows: cp.row_count,
    bytes: file.bytes,
    seconds: Number(seconds.toFixed(2)),
    rowsPerSecond: Math.round(rowsInFile / seconds),
    goalSeconds: GOAL_SECONDS,
    heapMb: {
      before: Number(before.heapMb.toFixed(1)),
      peak: Number(peak('heapMb').toFixed(1)),
    },
    rendererRssMb: { before: Math.round(before.rssMb), peak: Math.round(peak('rssMb')) },
    samples: samples.length,
    /** Heap and renderer memory at each tenth of the export (flat = no growth with the file). */
    byTenth: Array.from({ length: 11 }, (_, i) => {
      const s = samples[Math.min(samples.length - 1, Math.round((i / 10) * (samples.length - 1)))]
      return s ? { heapMb: Number(s.heapMb.toFixed(1)), rssMb: Math.round(s.rssMb) } : null
    }),
    progressSeen: progress,
    toast: toast.replace(/\s+/g, ' '),
    checkpoint: { ...verified, verifySeconds: Number(verifySeconds.toFixed(1)) },
    stop: {
      after: stoppedAt.replace(/\s+/g, ' '),
      toast: stopToast.replace(/\s+/g, ' '),
      bytesLeftInFile: stopped.bytes,
    },
  }
  mkdirSync(join(root, 'bench-results'), { recursive: true })
  writeFileSync(join(root, 'bench-results', 'export-browser.json'), JSON.stringify(result, null, 2))
  const ok =
    rowsInFile === cp.row_count &&
    verified?.ok === true &&
    seconds < GOAL_SECONDS &&
    stopped.bytes === 0
  console.log(
    [
      `export of ${rowsInFile.toLocaleString()} activity rows as ${format.toUpperCase()} from the Activity page (Chromium, file streamed to disk):`,
      `  total ${seconds.toFixed(1)} s (goal < ${GOAL_SECONDS} s), ${result.rowsPerSecond.toLocaleString()} rows/s, ${(file.bytes / 2 ** 20).toFixed(0)} MB`,
      `  JS heap: ${result.heapMb.before} MB before, peak ${result.heapMb.peak} MB during (${samples.length} samples)`,
      `  renderer resident memory: ${result.rendererRssMb.before} MB before, peak ${result.rendererRssMb.peak} MB`,
      `  by tenth of the export (heap MB / renderer MB): ${result.byTenth.map((x) => (x ? `${x.heapMb}/${x.rssMb}` : '-')).join('  ')}`,
      `  progress seen: ${progress.join(' | ')}`,
      `  file rows ${rowsInFile} vs checkpoint row_count ${cp.row_count}: ${rowsInFile === cp.row_count ? 'equal' : 'DIFFERENT'}`,
      `  verify_activity_log(workspace, checkpoint of the file): ok=${verified?.ok} checkpoint_ok=${verified?.checkpoint_ok} problem=${verified?.problem ?? 'none'} (${verifySeconds.toFixed(1)} s, ${verified?.rows_checked} rows)`,
      `  Stop part-way (${result.stop.after}): "${result.stop.toast}", ${stopped.bytes} bytes left in its file`,
      `  load average ${result.loadAvg.map((x) => x.toFixed(1)).join(' ')}`,
      ok ? '✔ all checks hold' : '✖ a check failed (see above)',
    ].join('\n'),
  )
  if (!ok) process.exitCode = 1
} finally {
  await browser.close()
  await new Promise<void>((done) => server.httpServer.close(() => done()))
  await db.end()
}
