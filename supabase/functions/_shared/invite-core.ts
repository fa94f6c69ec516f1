// The invitation procedure, free of Deno, npm: imports and network code so that it can be unit
// tested with stand-ins. The edge function (invite-members/index.ts) supplies the real steps:
// the database as the caller (check), Supabase Auth (deliver, see auth-delivery.ts) and the
// service-role RPC create_invitations (record).
//
// Order, per address: the database's verdict first; then Auth (create the user and send the
// mail, or send a sign-in link to an existing user); only for addresses Auth accepted, the pending
// memberships. An address Auth refuses, or cannot be reached for, gets no membership.

export interface FailedInvite {
  email: string
  /** For people: shown as is by the SPA next to the address. */
  reason: string
  /** Stable machine code: a check_invitees status, an Auth outcome or a database hint. */
  code: string
}

export interface InviteResult {
  invited: string[]
  failed: FailedInvite[]
}

/** One row of public.check_invitees: status ok | invalid_email | duplicate_in_list | duplicate_invite | already_member. */
export interface InviteeCheck {
  email: string
  status: string
}

export type Delivery =
  | { ok: true; userId: string; via: 'invite' | 'magic_link' }
  | { ok: false; code: string; reason: string }

/** A database error as PostgREST reports it. */
export interface DbError {
  code?: string
  message?: string
  hint?: string | null
  details?: string | null
}

export interface InviteSteps {
  /** public.check_invitees as the caller: also the permission check. Throws a DbError. */
  check(emails: string[]): Promise<InviteeCheck[]>
  /** Auth: invite a new address, or send an existing user a sign-in link. Never throws. */
  deliver(email: string): Promise<Delivery>
  /** public.create_invitations (service role, all or nothing). Throws a DbError. */
  record(userIds: string[]): Promise<void>
}

export const CHECK_REASONS: Record<string, string> = {
  invalid_email: 'Not a valid email address.',
  duplicate_in_list: 'Listed more than once; only the first is used.',
  duplicate_invite: 'Already invited and not yet accepted. Resend the invitation instead.',
  already_member: 'Already a member of this workspace.',
}

/** Database hints that concern single addresses, so a batch failure is retried one by one. */
const PER_ADDRESS_HINTS = new Set([
  'duplicate_invite',
  'already_member',
  'not_found',
  'seat_limit_reached',
])

const RECORD_REASONS: Record<string, string> = {
  duplicate_invite: 'Invited by someone else a moment ago.',
  already_member: 'Joined this workspace a moment ago.',
  not_found: 'The account for this address could not be found.',
  seat_limit_reached: 'No seat left in this workspace for this person.',
  not_allowed: 'You no longer have permission to invite people here.',
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

function recordFailure(email: string, err: unknown): FailedInvite {
  const e = (err ?? {}) as DbError
  const code = e.hint || 'invite_failed'
  return {
    email,
    code,
    reason: RECORD_REASONS[code] ?? e.message ?? 'The invitation could not be recorded.',
  }
}

export async function runInvitations(
  emails: string[],
  steps: InviteSteps,
  opts: { concurrency?: number } = {},
): Promise<InviteResult> {
  // `at` is the position in the request, so the reply lists addresses in the order given.
  const failed: (FailedInvite & { at: number })[] = []
  const invited: { email: string; at: number }[] = []
  const checks = await steps.check(emails)

  const good: { email: string; at: number }[] = []
  const reportedDuplicates = new Set<string>()
  checks.forEach((row, at) => {
    if (row.status === 'ok') return void good.push({ email: row.email, at })
    if (row.status === 'duplicate_in_list') {
      if (reportedDuplicates.has(row.email)) return // one line per repeated address is enough
      reportedDuplicates.add(row.email)
    }
    failed.push({
      email: row.email,
      at,
      code: row.status,
      reason: CHECK_REASONS[row.status] ?? 'This address cannot be invited.',
    })
  })

  const deliveries = await mapLimited(good, opts.concurrency ?? 4, (g) => steps.deliver(g.email))
  const delivered: { email: string; at: number; userId: string }[] = []
  good.forEach((g, i) => {
    const d = deliveries[i] as Delivery
    if (d.ok) delivered.push({ ...g, userId: d.userId })
    else failed.push({ ...g, code: d.code, reason: d.reason })
  })

  if (delivered.length > 0) {
    try {
      await steps.record(delivered.map((d) => d.userId))
      invited.push(...delivered)
    } catch (err) {
      const hint = (err as DbError | null)?.hint ?? ''
      if (delivered.length > 1 && PER_ADDRESS_HINTS.has(hint)) {
        // All or nothing refused the batch because of some addresses: find which, keep the rest.
        for (const d of delivered) {
          try {
            await steps.record([d.userId])
            invited.push(d)
          } catch (one) {
            failed.push({ ...recordFailure(d.email, one), at: d.at })
          }
        }
      } else {
        for (const d of delivered) failed.push({ ...recordFailure(d.email, err), at: d.at })
      }
    }
  }

  invited.sort((a, b) => a.at - b.at)
  failed.sort((a, b) => a.at - b.at)
  return {
    invited: invited.map((i) => i.email),
    failed: failed.map(({ email, reason, code }) => ({ email, reason, code })),
  }
}

// ---------- Auth outcomes ---------------------------------------------------------------

/** What auth-js reports: AuthApiError / AuthRetryableFetchError / AuthUnknownError fields. */
export interface AuthErrorLike {
  name?: string
  status?: number
  code?: string
  message?: string
}

export type AuthVerdict = { code: string; reason: string }

/**
 * Maps an Auth error to a stable code and a sentence. `email_exists` is not a failure for the
 * caller: it sends the address down the existing-user path (a sign-in link).
 */
export function classifyAuthError(err: AuthErrorLike): AuthVerdict {
  const status = err.status ?? 0
  const code = err.code ?? ''
  const message = err.message ?? ''
  if (
    code === 'email_exists' ||
    code === 'user_already_exists' ||
    (status === 422 && /already (been )?registered/i.test(message))
  ) {
    return { code: 'email_exists', reason: 'An account with this address already exists.' }
  }
  if (status === 429 || code.startsWith('over_') || code === 'too_many_requests') {
    return {
      code: 'rate_limited',
      reason:
        'Too many emails were sent recently, so none went to this address. Try again in a few minutes.',
    }
  }
  if (
    code === 'auth_unavailable' ||
    err.name === 'AuthRetryableFetchError' ||
    status === 0 ||
    status === 502 ||
    status === 503 ||
    status === 504
  ) {
    return {
      code: 'auth_unavailable',
      reason: 'The sign-in service is unavailable, so no invitation was sent. Try again later.',
    }
  }
  if (
    code === 'email_address_invalid' ||
    code === 'email_address_not_authorized' ||
    code === 'validation_failed'
  ) {
    return {
      code: 'email_rejected',
      reason: message || 'The sign-in service refused this address.',
    }
  }
  if (code === 'user_banned') {
    return { code: 'user_banned', reason: 'This account is blocked from signing in.' }
  }
  if (code === 'otp_disabled' || code === 'user_not_found' || code === 'signup_disabled') {
    return {
      code: 'user_not_found',
      reason: 'No account could be found or created for this address.',
    }
  }
  if (status >= 500) {
    return {
      code: 'email_send_failed',
      reason: 'The sign-in service could not send the email. Try again later.',
    }
  }
  return { code: 'auth_refused', reason: message || 'The sign-in service refused this address.' }
}
