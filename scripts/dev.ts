#!/usr/bin/env node
// `npm run dev`: bring up the local Supabase stack (migrations and demo data included), then serve
// the SPA with Vite. Ctrl-C stops Vite and the stack this command started.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { apiUrl, ports, publishableKey, root } from '../local-stack/config.ts'
import { start, stop } from '../local-stack/cli.ts'

const t0 = performance.now()
if (!(await start())) process.exit(1)

console.log(`
Demo accounts (password Fluxera-demo-2026!), workspace "Acme Corp":
  owner@fluxera.test   Owner        admin@fluxera.test   Admin
  member@fluxera.test  Member       viewer@fluxera.test  Viewer
The app uses the publishable key (${publishableKey}, VITE_SUPABASE_PUBLISHABLE_KEY in .env);
the secret key stays with the edge functions (SUPABASE_SECRET_KEYS).
`)

const vite = spawn(
  process.execPath,
  [
    join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
    '--host',
    '127.0.0.1',
    '--port',
    String(ports.app),
    '--strictPort',
  ],
  {
    cwd: root,
    env: { ...process.env, VITE_SUPABASE_URL: apiUrl },
    stdio: ['inherit', 'pipe', 'inherit'],
  },
)
let announced = false
vite.stdout.on('data', (chunk) => {
  process.stdout.write(chunk)
  if (!announced && String(chunk).includes('Local')) {
    announced = true
    console.log(`  npm run dev ready in ${((performance.now() - t0) / 1000).toFixed(1)}s`)
  }
})

let stopping = false
async function shutdown(code: number) {
  if (stopping) return
  stopping = true
  vite.kill('SIGTERM')
  await stop()
  process.exit(code)
}
process.on('SIGINT', () => shutdown(0))
process.on('SIGTERM', () => shutdown(0))
vite.on('exit', (code) => shutdown(code ?? 0))
