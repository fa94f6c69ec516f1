// supabase-js clients for the benchmark (Node 20 needs a WebSocket for realtime, see STACK.md).
import { createClient } from '@supabase/supabase-js'
import ws from 'ws'
import { anonKey } from '../stack/config.mjs'
import { apiUrl } from './lib.mjs'

export function supabaseClient(key, bearer) {
  return createClient(apiUrl, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: bearer ? { headers: { Authorization: `Bearer ${bearer}` } } : {},
    realtime: { transport: ws },
  })
}
export const userClient = (token) => supabaseClient(anonKey, token)
