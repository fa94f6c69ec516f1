#!/usr/bin/env node
// `npm test`: every suite, starting the local stack when it is not running (and stopping it again
// afterwards if this command started it). Suites run in order; all run even when one fails, and the
// last line counts tests across them: "N passed, N failed".
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { apiUrl, dbUrl, root, stateDir } from '../local-stack/config.ts'
import { start, stop } from '../local-stack/cli.ts'
import { services } from '../local-stack/services.ts'

const only = process.argv.slice(2)
interface Result {
  name: string
  ok: boolean
  secs: number
  passed: number
  failed: number
}
interface Counts {
  passed: number
  failed: number
}
interface RunOptions {
  /** Reads the test counts from the suite's output (else the suite counts as one test). */
  count?: (stdout: string) => Counts | null
  env?: NodeJS.ProcessEnv
  /** Run even when other suites were named on the command line. */
  always?: boolean
}

const results: Result[] = []
const reports = join(stateDir, 'test-reports')
rmSync(reports, { recursive: true, force: true })
mkdirSync(reports, { recursive: true })

function run(
  name: string,
  cmd: string,
  args: string[],
  { count, env = process.env, always = false }: RunOptions = {},
) {
  if (only.length && !only.includes(name) && !always) return
  console.log(`\n━━ ${name} ━━ ${[cmd, ...args].join(' ')}`)
  const t0 = performance.now()
  const r = spawnSync(cmd, args, {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  })
  process.stdout.write(r.stdout ?? '')
  const secs = (performance.now() - t0) / 1000
  const counted = count ? count(r.stdout ?? '') : null
  const ok = r.status === 0
  results.push({
    name,
    ok,
    secs,
    passed: counted?.passed ?? (ok ? 1 : 0),
    failed: counted?.failed ?? (ok ? 0 : 1),
  })
}

const vitestCount = (project: string) => (): Counts | null => {
  try {
    const j = JSON.parse(readFileSync(join(reports, `${project}.json`), 'utf8'))
    return {
      passed: j.numPassedTests,
      failed: j.numFailedTests + (j.numRuntimeErrorTestSuites ?? 0),
    }
  } catch {
    return null
  }
}
const vitest = (project: string, { name = project, args = [] as string[] } = {}) =>
  run(
    name,
    process.execPath,
    [
      'node_modules/vitest/vitest.mjs',
      'run',
      '--project',
      project,
      ...args,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${join(reports, `${name}.json`)}`,
    ],
    { count: vitestCount(name) },
  )
const proveCount = (out: string): Counts | null => {
  const m = out.match(/Tests=(\d+)/)
  const failed = (out.match(/Failed (\d+)\/\d+ subtests/g) ?? []).reduce(
    (n, s) => n + Number(s.match(/\d+/)?.[0] ?? 0),
    0,
  )
  return m ? { passed: Number(m[1]) - failed, failed } : null
}

const denoCount = (out: string): Counts | null => {
  const m = out.match(/(\d+) passed \| (\d+) failed/)
  return m ? { passed: Number(m[1]), failed: Number(m[2]) } : null
}

const wasRunning = (await Promise.all(services.map((s) => s.running()))).every(Boolean)
if (!wasRunning && !(await start())) process.exit(1)

const node = process.execPath
try {
  run('types', node, ['scripts/db-types.ts', '--check'])
  run('typecheck', 'npm', ['run', '--silent', 'typecheck'])
  run('lint', 'npm', ['run', '--silent', 'lint'])
  vitest('unit')
  // supabase/migrations and supabase/schemas must build the same database.
  run('drift', node, ['scripts/schema-drift.ts'])
  // The edge functions' own tests, in Deno as the edge runtime runs them (e.g. that the SCIM
  // function's npm libraries load there).
  run(
    'deno',
    'node_modules/.bin/deno',
    ['test', '--quiet', '--allow-env', '--allow-read', '--allow-net', 'supabase/functions/'],
    {
      env: {
        ...process.env,
        DENO_DIR: join(stateDir, 'deno'),
        DENO_NO_UPDATE_CHECK: '1',
        NO_COLOR: '1',
      },
      count: denoCount,
    },
  )
  run('database', node, ['local-stack/cli.ts', 'test-db'], { count: proveCount })
  run('db-lint', 'npx', [
    '--no-install',
    'supabase',
    'db',
    'lint',
    '--db-url',
    `${dbUrl}?sslmode=disable`,
    '-s',
    'public,private,reporting',
    '--level',
    'warning',
    '--fail-on',
    'error',
  ])
  vitest('auth')
  vitest('integration')
  // The browser files test the SPA as it ships: one production build against this stack, served
  // by `vite preview` (tests/e2e/global-setup.ts). Each file then runs in a browser of its own.
  const e2eFiles = readdirSync(join(root, 'tests', 'e2e'))
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => ({ file: `tests/e2e/${f}`, name: `e2e:${f.replace('.test.ts', '')}` }))
  if (!only.length || e2eFiles.some((f) => only.includes(f.name))) {
    const dist = join(stateDir, 'e2e-dist')
    const env = { ...process.env, VITE_SUPABASE_URL: apiUrl }
    const vite = ['node_modules/vite/bin/vite.js', 'build', '--outDir', dist, '--emptyOutDir']
    run('e2e-build', node, [...vite, '--logLevel', 'warn'], { env, always: true })
    process.env.FLUXERA_E2E_DIST = dist
    for (const { file, name } of e2eFiles) vitest('e2e', { name, args: [file] })
  }
} finally {
  if (!wasRunning && !process.env.KEEP_STACK) await stop()
}

console.log('\n━━ summary ━━')
for (const r of results) {
  console.log(
    `  ${r.ok ? '✔' : '✖'} ${r.name.padEnd(20)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed  ${r.secs.toFixed(1)}s`,
  )
}
const passed = results.reduce((n, r) => n + r.passed, 0)
const failed = results.reduce((n, r) => n + r.failed, 0)
const allOk = results.every((r) => r.ok)
console.log(`${passed} passed, ${failed} failed`)
process.exit(allOk ? 0 : 1)
