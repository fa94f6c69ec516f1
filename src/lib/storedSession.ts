/**
 * Where supabase-js keeps the signed-in session (localStorage, under its default key for the
 * project's URL; src/lib/supabase.ts passes the same key). Reading it needs no Supabase code, so
 * the router can let a signed-out visitor see the sign-in or invitation page without loading
 * supabase-js first (docs/benchmarks.md, "A lighter first load").
 */
export const sessionStorageKey = `sb-${new URL(import.meta.env.VITE_SUPABASE_URL ?? 'http://localhost').hostname.split('.')[0]}-auth-token`

/** Whether a session may be stored: false means nobody is signed in in this browser. */
export function hasStoredSession(): boolean {
  try {
    return window.localStorage.getItem(sessionStorageKey) !== null
  } catch {
    // No storage (blocked): supabase-js keeps sessions in memory, so none survives a load.
    return false
  }
}
