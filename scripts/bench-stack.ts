#!/usr/bin/env node
// Stack start-up figures: cold (new database: initdb, bootstrap, migrations, seed) and warm
// (existing data), each the median of a few runs, in a scratch state folder so the developer's
// database is untouched. Stops a running stack first (same ports). Prints a table and JSON.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { root } from '../local-stack/config.ts'

const runs = Number(process.env.RUNS ?? 3)
const stack = (cmd: string, env: Record<string, string>) => {
  const t0 = performance.now()
  const r = spawnSync(process.execPath, [join(root, 'local-stack', 'cli.ts'), cmd], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  })
  if (r.status !== 0) throw new Error(`stack ${cmd} failed:\n${r.stdout}\n${r.stderr}`)
  return (performance.now() - t0) / 1000
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

stack('stop', {})
const cold: number[] = []
const warm: number[] = []
for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'fluxera-stack-'))
  if (process.getuid?.() === 0) spawnSync('chmod', ['755', dir])
  const env = { FLUXERA_STACK_DIR: dir }
  cold.push(stack('start', env))
  stack('stop', env)
  warm.push(stack('start', env))
  stack('stop', env)
  rmSync(dir, { recursive: true, force: true })
}
const result = { runs, coldStartSeconds: median(cold), warmStartSeconds: median(warm), cold, warm }
console.log(
  `stack start, median of ${runs}:  cold ${result.coldStartSeconds.toFixed(2)} s   warm ${result.warmStartSeconds.toFixed(2)} s`,
)
console.log(JSON.stringify(result))
