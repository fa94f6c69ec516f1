import { fileURLToPath, URL } from 'node:url'
import { PrimeVueResolver } from '@primevue/auto-import-resolver'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { defineConfig } from 'vite'

// PrimeVue components are auto-imported (sakai-vue style); our own components are imported
// explicitly (dirs: []) so that every use can be found with grep.
export default defineConfig({
  plugins: [
    vue(),
    Components({ dirs: [], resolvers: [PrimeVueResolver()], dts: 'src/components.d.ts' }),
  ],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
})
