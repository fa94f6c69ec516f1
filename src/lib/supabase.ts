import { createClient } from '@supabase/supabase-js'
import type { Database } from '@/types/database.types'

/** Reads a required build-time variable, failing loudly with what to do about it. */
function requireEnv(name: 'VITE_SUPABASE_URL' | 'VITE_SUPABASE_ANON_KEY'): string {
  const value = import.meta.env[name]
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(
      `${name} is not set. The committed .env holds the local stack's values (\`npm run stack:start\` prints them); for another Supabase project set it in .env.local or the build environment.`,
    )
  }
  return value
}

/** The one Supabase client of the app. Only modules under src/api/ import it. */
export const supabase = createClient<Database>(
  requireEnv('VITE_SUPABASE_URL'),
  requireEnv('VITE_SUPABASE_ANON_KEY'),
)
