// The only place that talks to Supabase Auth for invitations. Kept small so the procedure in
// invite-core.ts can be tested with a stand-in for it.
//
//   new address            -> auth.admin.inviteUserByEmail (service role): creates the user, stores
//                             `data` in user_metadata, sends the "invite" mail
//   existing, unconfirmed  -> the same call re-sends the invite mail to the same user
//   existing, confirmed    -> Auth answers 422 email_exists: signInWithOtp(shouldCreateUser: false)
//                             sends the "magic link" mail instead
// Both mails carry a token_hash link to /accept-invite (supabase/templates), which the SPA only
// spends on a click, so mail scanners that prefetch links do not consume it.
import type { Client as SupabaseClient } from './supabase-context.ts'
import { classifyAuthError, type AuthErrorLike, type Delivery } from './invite-core.ts'

export interface AuthDeliveryOptions {
  /** The secret-key client (Auth's admin API, profiles). */
  admin: SupabaseClient
  /** The publishable-key client without a user's token (signInWithOtp). */
  anon: SupabaseClient
  siteUrl: string
  workspaceId: string
  role: string
  /** Extra user_metadata for the invite mail's template (never workspace_name / full_name). */
  templateData?: Record<string, string>
}

export function acceptInviteUrl(siteUrl: string, workspaceId: string): string {
  return `${siteUrl.replace(/\/+$/, '')}/accept-invite?workspace=${encodeURIComponent(workspaceId)}`
}

function failure(err: AuthErrorLike): Delivery {
  const v = classifyAuthError(err)
  return { ok: false, code: v.code, reason: v.reason }
}

/** The id of the profile (= auth user) with this address, via the service role. */
async function findUserId(admin: SupabaseClient, email: string): Promise<string | null> {
  const escaped = email.replace(/[\\%_]/g, (c) => `\\${c}`)
  const { data, error } = await admin.from('profiles').select('id').ilike('email', escaped).limit(1)
  if (error) throw error
  return (data?.[0] as { id: string } | undefined)?.id ?? null
}

export function createAuthDelivery(
  opts: AuthDeliveryOptions,
): (email: string) => Promise<Delivery> {
  const { admin, anon } = opts
  const redirectTo = acceptInviteUrl(opts.siteUrl, opts.workspaceId)

  return async (email: string): Promise<Delivery> => {
    try {
      const { data, error } = await admin.auth.admin.inviteUserByEmail(email, {
        redirectTo,
        data: { ...opts.templateData, invited_to: opts.workspaceId, role: opts.role },
      })
      if (!error && data.user) return { ok: true, userId: data.user.id, via: 'invite' }
      const verdict = error ? classifyAuthError(error) : { code: 'auth_refused', reason: '' }
      if (verdict.code !== 'email_exists')
        return failure(error ?? { message: 'No user was returned.' })

      // A confirmed account already exists: look it up first, so no mail goes out for an
      // address the database cannot attach a membership to.
      let userId: string | null
      try {
        userId = await findUserId(admin, email)
      } catch {
        return {
          ok: false,
          code: 'lookup_failed',
          reason: 'The account for this address could not be looked up.',
        }
      }
      if (!userId) {
        return {
          ok: false,
          code: 'user_not_found',
          reason: 'The account for this address could not be found.',
        }
      }
      const otp = await anon.auth.signInWithOtp({
        email,
        options: { shouldCreateUser: false, emailRedirectTo: redirectTo },
      })
      if (otp.error) return failure(otp.error)
      return { ok: true, userId, via: 'magic_link' }
    } catch (err) {
      // fetch failures (Auth unreachable) and anything unexpected: nothing was recorded.
      const e = err as AuthErrorLike
      return failure({ name: e?.name, status: e?.status ?? 0, code: e?.code, message: e?.message })
    }
  }
}
