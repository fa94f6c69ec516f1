import { createClient, type SupabaseClient } from '@supabase/supabase-js'
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
/** The project's API URL, without a trailing slash (streamed exports fetch below it; single
 * sign-on shows Auth's SAML addresses below it). */
export const supabaseUrl = requireEnv('VITE_SUPABASE_URL').replace(/\/+$/, '')
/** The browser's key (apikey header), for the few requests made with fetch (streamed bodies). */
export const supabaseKey = browserKey()
export const supabase = createClient<Database>(supabaseUrl, supabaseKey, {
  auth: { storageKey: sessionStorageKey },
})

let ssoClient: SupabaseClient<Database> | null = null
/**
 * A second auth client used only to start and finish an SSO sign-in with PKCE (docs/sso.md): its
 * code verifier must survive the trip to the identity provider, so it keeps its own storage key;
 * the session it obtains is handed to `supabase` (setSession) and its copy dropped. The app's
 * client keeps the implicit flow its mail links use.
 */
export function pkceClient(): SupabaseClient<Database> {
  ssoClient ??= createClient<Database>(supabaseUrl, supabaseKey, {
    auth: {
      flowType: 'pkce',
      storageKey: PKCE_STORAGE_KEY,
      detectSessionInUrl: false,
      autoRefreshToken: false,
      persistSession: true,
    },
  })
  return ssoClient
}
export const PKCE_STORAGE_KEY = 'fluxera-sso-pkce'
