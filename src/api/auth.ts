import type { AuthChangeEvent, EmailOtpType, Session, User } from '@supabase/supabase-js'
import { isAuthWeakPasswordError } from '@supabase/supabase-js'
import { AppError, toAppError, unwrap } from '@/lib/errors'
import { MIN_PASSWORD_LENGTH } from '@/lib/passwordStrength'
import { qrImageSrc } from '@/lib/qrImage'
import { supabase } from '@/lib/supabase'

export type { AuthChangeEvent, EmailOtpType, Session, User }

function siteUrl(path: string): string {
  return new URL(path, window.location.origin).toString()
}

type SuccessData<R> = Extract<R, { error: null }> extends { data: infer D } ? D : undefined

/** Awaits an auth-js call and returns its success data, throwing an AppError on failure. */
async function check<R extends { error: unknown }>(promise: Promise<R>): Promise<SuccessData<R>> {
  const result = await promise
  if (result.error) throw toAppError(result.error)
  return (result as unknown as { data: SuccessData<R> }).data
}

export async function getSession(): Promise<Session | null> {
  const data = await check(supabase.auth.getSession())
  return data.session
}

/**
 * Whether the stored session's access token fails verification: supabase-js's getClaims() checks an
 * asymmetric (ES256/RS256) token locally against the project's JWKS
 * (/auth/v1/.well-known/jwks.json) and asks Auth about an HS256 one. Only a refused token counts;
 * no session or an unreachable JWKS is not a verdict on the token.
 */
export async function sessionTokenRefused(): Promise<boolean> {
  const { error } = await supabase.auth.getClaims()
  return error?.name === 'AuthInvalidJwtError'
}

export function onAuthChange(
  callback: (event: AuthChangeEvent, session: Session | null) => void,
): () => void {
  const { data } = supabase.auth.onAuthStateChange(callback)
  return () => data.subscription.unsubscribe()
}

export async function signInWithPassword(email: string, password: string): Promise<User> {
  const data = await check(supabase.auth.signInWithPassword({ email, password }))
  return data.user
}

export async function sendMagicLink(email: string, redirectPath = '/'): Promise<void> {
  await check(
    supabase.auth.signInWithOtp({
      email,
      options: { shouldCreateUser: false, emailRedirectTo: siteUrl(redirectPath) },
    }),
  )
}

export async function sendPasswordReset(email: string): Promise<void> {
  await check(
    supabase.auth.resetPasswordForEmail(email, { redirectTo: siteUrl('/reset-password') }),
  )
}

/**
 * Creates an account (Auth mails a confirmation link). No workspace_name is sent: after signing in,
 * the Welcome page creates one (create_workspace, within the per-person limits); a sign-up that does
 * send workspace_name gets that workspace only once the address is confirmed.
 */
export async function signUp(
  email: string,
  password: string,
  fullName: string,
): Promise<User | null> {
  const data = await check(
    supabase.auth.signUp({
      email,
      password,
      options: { data: { full_name: fullName }, emailRedirectTo: siteUrl('/') },
    }),
  )
  return data.user
}

/** Exchanges an emailed token hash for a session. Only call after a deliberate click. */
export async function verifyEmailToken(tokenHash: string, type: EmailOtpType): Promise<User> {
  const data = await check(supabase.auth.verifyOtp({ token_hash: tokenHash, type }))
  if (!data.user) throw new AppError('The link could not be verified.', 'otp_invalid')
  return data.user
}

/** Auth's password-policy reasons (AuthWeakPasswordError.reasons) in words. */
export function weakPasswordText(reasons: readonly string[]): string {
  const parts: string[] = []
  if (reasons.includes('length'))
    parts.push(`It must be at least ${MIN_PASSWORD_LENGTH} characters long.`)
  if (reasons.includes('characters'))
    parts.push('It must mix lower-case and upper-case letters, digits and symbols.')
  if (reasons.includes('pwned'))
    parts.push('It appears in known password leaks; choose another one.')
  return ['This password is too weak.', ...parts].join(' ')
}

export async function updatePassword(password: string): Promise<void> {
  const { error } = await supabase.auth.updateUser({ password })
  if (!error) return
  if (isAuthWeakPasswordError(error))
    throw new AppError(weakPasswordText(error.reasons), 'weak_password', error.status)
  throw toAppError(error)
}

export async function signOut(): Promise<void> {
  await check(supabase.auth.signOut())
}

// ---- two-factor (TOTP) -----------------------------------------------------------------------

export interface TotpEnrolment {
  factorId: string
  /** An <img> source for the QR code (a percent-encoded SVG data: URL). */
  qrCode: string
  secret: string
}

export async function assuranceLevel(): Promise<{ current: string | null; next: string | null }> {
  const data = await check(supabase.auth.mfa.getAuthenticatorAssuranceLevel())
  return { current: data.currentLevel, next: data.nextLevel }
}

export async function listTotpFactors(): Promise<
  { id: string; friendly_name?: string; status: string }[]
> {
  const data = await check(supabase.auth.mfa.listFactors())
  return data.totp
}

export async function enrolTotp(
  friendlyName = `Authenticator ${Date.now()}`,
): Promise<TotpEnrolment> {
  const data = await check(supabase.auth.mfa.enroll({ factorType: 'totp', friendlyName }))
  return { factorId: data.id, qrCode: qrImageSrc(data.totp.qr_code), secret: data.totp.secret }
}

export async function verifyTotp(factorId: string, code: string): Promise<void> {
  await check(supabase.auth.mfa.challengeAndVerify({ factorId, code }))
}

/**
 * The sign-in challenge with a backup authenticator (issue 23): the code may come from any of the
 * person's verified factors, so each is tried in turn until one takes it; the last refusal is
 * what the person sees.
 */
export async function verifyAnyTotp(factorIds: string[], code: string): Promise<void> {
  let last: unknown = new Error('No authenticator is set up for this account.')
  for (const id of factorIds) {
    try {
      return await verifyTotp(id, code)
    } catch (err) {
      last = err
    }
  }
  throw last
}

export async function removeTotp(factorId: string): Promise<void> {
  await check(supabase.auth.mfa.unenroll({ factorId }))
}

/** Signed in with a password or link while a verified factor asks for a code (aal1 → aal2). */
export async function needsSecondFactor(): Promise<boolean> {
  const level = await assuranceLevel()
  return level.next === 'aal2' && level.current !== 'aal2'
}

/**
 * Workspaces where the signed-in person's role must use two-factor authentication
 * (`workspaces.require_2fa`; the workspace row stays readable without it so the app can say so).
 */
export async function workspacesRequiringTwoFactor(userId: string): Promise<string[]> {
  const rows = await unwrap(
    supabase
      .from('memberships')
      .select('workspace_id, role, workspaces(require_2fa)')
      .eq('user_id', userId),
  )
  return rows
    .filter((r) => {
      const rule = r.workspaces?.require_2fa
      return (
        rule === 'everyone' || (rule === 'admins' && (r.role === 'owner' || r.role === 'admin'))
      )
    })
    .map((r) => r.workspace_id)
}

export interface SignInRefusal {
  kind: 'suspended' | 'deactivated'
  workspaceName: string
  suspendedUntil: string | null
  reason: string | null
}

/**
 * After Auth refused a sign-in with user_banned: why, when the ban is Fluxera's and the password
 * is right (the sign-in-help edge function → `sign_in_refusal`): the workspaces the person is suspended (until when, why) or
 * deactivated in. Empty when there is nothing more to say.
 */
export async function signInRefusal(email: string, password: string): Promise<SignInRefusal[]> {
  const { data, error } = await supabase.functions.invoke<{
    refusals: {
      kind: string
      workspace_name: string
      suspended_until: string | null
      reason: string | null
    }[]
  }>('sign-in-help', { body: { email, password } })
  if (error) throw toAppError(error)
  return (data?.refusals ?? []).map((r) => ({
    kind: r.kind === 'suspended' ? 'suspended' : 'deactivated',
    workspaceName: r.workspace_name,
    suspendedUntil: r.suspended_until ?? null,
    reason: r.reason ?? null,
  }))
}
