// The one place an edge function reads the key that acts as the service role, so the switch
// from the legacy JWT key (SUPABASE_SERVICE_ROLE_KEY) to the new secret keys
// (SUPABASE_SECRET_KEYS) is a change of this file only. Functions that call Auth's admin API
// or service-role RPCs build their client here.
// deno-lint-ignore no-import-prefix -- npm: specifiers, as Supabase's edge runtime resolves them
import { createClient, type SupabaseClient } from 'npm:@supabase/supabase-js@2'

export interface ServiceRole {
  url: string
  client: SupabaseClient
}

/** A service-role client, or null when the function's environment lacks the URL or key. */
export function serviceRole(): ServiceRole | null {
  const url = Deno.env.get('SUPABASE_URL')
  const key = Deno.env.get('SUPABASE_SERVICE_ROLE_KEY')
  if (!url || !key) return null
  const client = createClient(url, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  })
  return { url, client }
}
