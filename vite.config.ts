import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath, URL } from 'node:url'
import { PrimeVueResolver } from '@primevue/auto-import-resolver'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { defineConfig } from 'vite'
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

// PrimeVue components are auto-imported (sakai-vue style); our own components are imported
// explicitly (dirs: []) so that every use can be found with grep.
export default defineConfig({
  plugins: [
    vue(),
    Components({ dirs: [], resolvers: [PrimeVueResolver()], dts: 'src/components.d.ts' }),
  ],
  optimizeDeps: { include: primeVueModules },
  define: { __PASSWORD_POLICY__: JSON.stringify(passwordPolicy) },
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
})
