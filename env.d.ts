/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_SUPABASE_URL: string
  /** sb_publishable_…: preferred. */
  readonly VITE_SUPABASE_PUBLISHABLE_KEY?: string
  /** The legacy anon JWT key, still taken while a project migrates. */
  readonly VITE_SUPABASE_ANON_KEY?: string
}

interface ImportMeta {
  readonly env: ImportMetaEnv
}

/** The Aura preset with the tokens of the PrimeVue components in use (scripts/vite/auraUsed.ts). */
declare module 'virtual:aura-used' {
  const preset: typeof import('@primeuix/themes/aura').default
  export default preset
}
