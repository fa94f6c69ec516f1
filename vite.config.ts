import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath, URL } from 'node:url'
import { PrimeVueResolver } from '@primevue/auto-import-resolver'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { defineConfig, loadEnv } from 'vite'
import { auraUsed } from './scripts/vite/auraUsed.ts'
import { parsePasswordPolicy } from './src/lib/passwordPolicy.ts'

// Auth's password policy is written once, in supabase/config.toml; the SPA's strength meter and
// messages read it from here (src/lib/passwordPolicy.ts).
const passwordPolicy = parsePasswordPolicy(
  readFileSync(fileURLToPath(new URL('./supabase/config.toml', import.meta.url)), 'utf8'),
)

// The PrimeVue components the templates use, as unplugin-vue-components last listed them in
// src/components.d.ts. Vite's dependency scan reads <script> blocks only, so without this list the
// dev server meets each one on first render, re-optimises and reloads the page (mid-sign-in, say).
const componentsDts = fileURLToPath(new URL('./src/components.d.ts', import.meta.url))
const primeVueModules = existsSync(componentsDts)
  ? [...new Set(readFileSync(componentsDts, 'utf8').match(/primevue\/[a-z]+/g) ?? [])]
  : []

// A secret API key in a VITE_ variable would be published in the bundle, where it bypasses every
// row-level rule: the build (and the dev server) refuse before anything is written.
function refuseSecretKeys(mode: string) {
  const env = loadEnv(mode, process.cwd(), 'VITE_')
  const leaked = Object.keys(env).filter((name) => env[name]?.trim().startsWith('sb_secret_'))
  if (leaked.length)
    throw new Error(
      `${leaked.join(', ')} holds a secret API key; the SPA takes the publishable key (sb_publishable_…).`,
    )
}

// PrimeVue components are auto-imported (sakai-vue style); our own components are imported
// explicitly (dirs: []) so that every use can be found with grep.
export default defineConfig(({ mode }) => {
  refuseSecretKeys(mode)
  return {
    plugins: [
      vue(),
      Components({ dirs: [], resolvers: [PrimeVueResolver()], dts: 'src/components.d.ts' }),
      auraUsed(fileURLToPath(new URL('.', import.meta.url))),
    ],
    optimizeDeps: { include: primeVueModules },
    define: { __PASSWORD_POLICY__: JSON.stringify(passwordPolicy) },
    resolve: {
      alias: {
        '@': fileURLToPath(new URL('./src', import.meta.url)),
        // Ripples are off (PrimeVue's default): src/lib/noRipple.ts says why this saves bytes.
        'primevue/ripple': fileURLToPath(new URL('./src/lib/noRipple.ts', import.meta.url)),
      },
    },
  }
})
