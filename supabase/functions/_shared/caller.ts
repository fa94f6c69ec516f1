// Reading a legacy HS256 bearer token, which @supabase/server refuses (no `kid`) and the
// functions still take while the project has its legacy secret (supabase-context.ts). Pure (atob
// and TextDecoder exist in Deno and Node).
//
// The claims decoded here are NOT trusted on their own: the token is only accepted once PostgREST
// has verified its signature on a call made with it (invite-members calls check_invitees as the
// caller first). Decoding merely tells the legacy anon key from a user token up front, and gives
// the inviter's id after that verification.

export interface CallerClaims {
  sub?: string
  role?: string
  email?: string
  aal?: string
}

export function bearerToken(header: string | null | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
  return m ? (m[1] ?? null) : null
}

export function unverifiedClaims(token: string): CallerClaims | null {
  const parts = token.split('.')
  if (parts.length !== 3 || !parts[1]) return null
  try {
    const b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/')
    const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4)
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0))
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes))
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims)
      ? (claims as CallerClaims)
      : null
  } catch {
    return null
  }
}
