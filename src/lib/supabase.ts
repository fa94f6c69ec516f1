import { createClient } from '@supabase/supabase-js'
import type { Database } from '@/types/database.types'

/** Reads a required build-time variable, failing loudly with what to do about it. */
function requireEnv(name: 'VITE_SUPABASE_URL' | 'VITE_SUPABASE_ANON_KEY'): string {
  const value = import.meta.env[name]
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(
      `${name} is not set. Copy .env.example to .env.local (or run \`npm run stack:start\`) so the app knows which Supabase project to use.`,
    )
  }
  return value
}

/** The one Supabase client of the app. Only modules under src/api/ import it. */
export const supabase = createClient<Database>(
  requireEnv('VITE_SUPABASE_URL'),
  requireEnv('VITE_SUPABASE_ANON_KEY'),
)
