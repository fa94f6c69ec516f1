import { createClient } from '@supabase/supabase-js'
import type { Database } from '@/types/database.types'
import { sessionStorageKey } from './storedSession'

/** Reads a required build-time variable, failing loudly with what to do about it. */
function requireEnv(name: 'VITE_SUPABASE_URL', value = import.meta.env[name]): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(
      `${name} is not set. The committed .env holds the local stack's values (\`npm run stack:start\` prints them); for another Supabase project set it in .env.local or the build environment.`,
    )
  }
  return value
}

/**
 * The browser's key: the publishable key (`sb_publishable_…`, Supabase's current model), or the
 * legacy anon key while a project still migrates. Never a secret key: vite.config.ts refuses to build
 * with one (it would be published in the bundle), and the gateway refuses one sent by a browser.
 */
function browserKey(): string {
  const publishable = import.meta.env.VITE_SUPABASE_PUBLISHABLE_KEY
  const anon = import.meta.env.VITE_SUPABASE_ANON_KEY
  const key = publishable?.trim() ? publishable : anon
  if (!key?.trim())
    throw new Error(
      "VITE_SUPABASE_PUBLISHABLE_KEY (or the legacy VITE_SUPABASE_ANON_KEY) is not set. The committed .env holds the local stack's values; for another Supabase project set it in .env.local or the build environment.",
    )
  return key
}

/** The one Supabase client of the app. Only modules under src/api/ import it. */
export const supabase = createClient<Database>(requireEnv('VITE_SUPABASE_URL'), browserKey(), {
  auth: { storageKey: sessionStorageKey },
})
