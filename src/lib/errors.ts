/**
 * The one error type the api/ layer throws. `message` is for people (Postgres `message`, or a
 * friendlier text for Auth errors); `code` is a stable machine code (Postgres `hint`, or the Auth
 * error code) that the UI may branch on.
 */
export class AppError extends Error {
  override readonly name = 'AppError'
  readonly code: string
  readonly status: number | undefined

  constructor(message: string, code = 'unknown', status?: number, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.status = status
  }
}

/** Stable codes for the SQLSTATEs the contract uses, when a function raised without a hint. */
const SQLSTATE_CODES: Record<string, string> = {
  '42501': 'not_allowed',
  '22023': 'invalid_input',
  P0002: 'not_found',
  '23505': 'duplicate',
  '23514': 'invalid_input',
  PGRST116: 'not_found',
  // PostgREST answers SQLSTATE PTxyz with HTTP xyz (the database raises these on purpose).
  PT401: 'session_revoked',
  PT404: 'not_found',
  PT405: 'read_only',
  PT429: 'rate_limited',
}

/** Friendlier text for Supabase Auth error codes that people meet on the sign-in screens. */
const AUTH_MESSAGES: Record<string, string> = {
  invalid_credentials: 'Wrong email or password.',
  email_not_confirmed:
    'Your email address is not confirmed yet. Open the link in the confirmation email, or ask for a magic link.',
  user_banned: 'This account is disabled. Ask an Admin of your workspace to reactivate it.',
  mfa_verification_failed:
    'That code did not work. Codes change every 30 seconds: enter the one your app shows now.',
  mfa_challenge_expired: 'That took too long. Enter the code your app shows now.',
  otp_expired: 'This link has expired or has already been used. Ask for a new one.',
  over_email_send_rate_limit: 'Too many emails were sent. Wait a minute and try again.',
  over_request_rate_limit: 'Too many attempts. Wait a minute and try again.',
  same_password: 'The new password must be different from the old one.',
  session_not_found: 'Your session has ended. Sign in again.',
}

type ErrorLike = {
  message?: unknown
  hint?: unknown
  code?: unknown
  status?: unknown
  name?: unknown
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** Turns whatever supabase-js returned (PostgrestError, AuthError, Error, ...) into an AppError. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error
  if (typeof error !== 'object' || error === null) {
    return new AppError(typeof error === 'string' ? error : 'Something went wrong.')
  }
  const e = error as ErrorLike
  const status = typeof e.status === 'number' ? e.status : undefined
  const message = str(e.message) ?? 'Something went wrong.'
  const hint = str(e.hint)
  if (hint) return new AppError(message, hint, status, { cause: error })

  const code = str(e.code)
  // The gateway, PostgREST or Postgres is down or restarting (502/503/504, PGRST000-002): the
  // request changed nothing (each call is one transaction), so it is safe to try again.
  if ((status && status >= 502 && status <= 504) || (code && /^PGRST00[0-2]$/.test(code))) {
    return new AppError(
      'The server is briefly unavailable. Nothing was changed; try again in a moment.',
      'unavailable',
      status,
      { cause: error },
    )
  }
  const isAuth = typeof e.name === 'string' && e.name.startsWith('Auth')
  if (isAuth) {
    const authCode = code ?? 'auth_error'
    return new AppError(AUTH_MESSAGES[authCode] ?? message, authCode, status, { cause: error })
  }
  if (code && SQLSTATE_CODES[code]) {
    return new AppError(message, SQLSTATE_CODES[code], status, { cause: error })
  }
  if (e.name === 'TypeError' || message === 'Failed to fetch') {
    return new AppError('Cannot reach the server. Check your connection.', 'network', status, {
      cause: error,
    })
  }
  return new AppError(message, code ?? 'unknown', status, { cause: error })
}

/** PostgREST errors carry no HTTP status; supabase-js gives it beside them. */
function withStatus(error: unknown, status: number | undefined): unknown {
  if (typeof error !== 'object' || error === null || typeof status !== 'number') return error
  if (typeof (error as ErrorLike).status === 'number') return error
  return Object.assign(Object.create(Object.getPrototypeOf(error) as object) as object, error, {
    status,
  })
}

/** Awaits a supabase-js builder and returns its data, throwing an AppError on failure. */
export async function unwrap<T>(
  query: PromiseLike<{ data: T | null; error: unknown }>,
): Promise<T> {
  const { data, error, status } = (await query) as {
    data: T | null
    error: unknown
    status?: number
  }
  if (error) throw toAppError(withStatus(error, status))
  return data as T
}

/** Like unwrap, for `{ count: 'exact' }` queries. */
export async function unwrapWithCount<T>(
  query: PromiseLike<{ data: T[] | null; error: unknown; count: number | null }>,
): Promise<{ rows: T[]; total: number }> {
  const { data, error, count, status } = (await query) as {
    data: T[] | null
    error: unknown
    count: number | null
    status?: number
  }
  if (error) throw toAppError(withStatus(error, status))
  return { rows: data ?? [], total: count ?? data?.length ?? 0 }
}
