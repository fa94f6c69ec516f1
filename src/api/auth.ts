import type { AuthChangeEvent, EmailOtpType, Session, User } from '@supabase/supabase-js'
import { AppError, toAppError } from '@/lib/errors'
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

/** Creates an account; the database's sign-up trigger makes the person Owner of a new workspace. */
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

export async function updatePassword(password: string): Promise<void> {
  await check(supabase.auth.updateUser({ password }))
}

export async function signOut(): Promise<void> {
  await check(supabase.auth.signOut())
}

// ---- two-factor (TOTP) -----------------------------------------------------------------------

export interface TotpEnrolment {
  factorId: string
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

export async function enrolTotp(): Promise<TotpEnrolment> {
  const data = await check(
    supabase.auth.mfa.enroll({ factorType: 'totp', friendlyName: `Authenticator ${Date.now()}` }),
  )
  return { factorId: data.id, qrCode: data.totp.qr_code, secret: data.totp.secret }
}

export async function verifyTotp(factorId: string, code: string): Promise<void> {
  await check(supabase.auth.mfa.challengeAndVerify({ factorId, code }))
}

export async function removeTotp(factorId: string): Promise<void> {
  await check(supabase.auth.mfa.unenroll({ factorId }))
}
