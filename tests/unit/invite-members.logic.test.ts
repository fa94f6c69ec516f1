// Unit tests of the invite-members edge function's pure modules (supabase/functions/_shared):
// request validation, reading the bearer token, Auth error classification, and the invitation
// procedure with stand-ins for its three steps. The real steps (PostgREST, Postgres, the Auth
// gateway) are exercised by tests/integration/invite-members.test.ts.
import { describe, expect, it } from 'vitest'
import { bearerToken, unverifiedClaims } from '../../supabase/functions/_shared/caller'
import {
  classifyAuthError,
  mapLimited,
  runInvitations,
  type Delivery,
  type InviteSteps,
} from '../../supabase/functions/_shared/invite-core'
import {
  MAX_INVITES_PER_REQUEST,
  parseInviteRequest,
  splitEmails,
} from '../../supabase/functions/_shared/invite-input'

const WS = '10000000-0000-4000-a000-000000000001'

describe('splitEmails', () => {
  it('splits pasted text on commas, semicolons, spaces and new lines; trims and lower-cases', () => {
    expect(splitEmails(' Ana@X.com, ben@y.org;\ncara@z.io\r\n\n dan@w.net ')).toEqual([
      'ana@x.com',
      'ben@y.org',
      'cara@z.io',
      'dan@w.net',
    ])
  })
  it('accepts a list, splitting entries that hold several addresses, and drops empty ones', () => {
    expect(splitEmails(['a@x.com', '  ', 'B@x.com, c@x.com', ''])).toEqual([
      'a@x.com',
      'b@x.com',
      'c@x.com',
    ])
  })
  it('keeps duplicates and malformed entries for the database to report', () => {
    expect(splitEmails('a@x.com, A@x.com, nope')).toEqual(['a@x.com', 'a@x.com', 'nope'])
  })
})

describe('parseInviteRequest', () => {
  const ok = (body: unknown) => {
    const r = parseInviteRequest(body)
    if (!r.ok) throw new Error(`expected ok, got ${r.error.code}`)
    return r.value
  }
  const code = (body: unknown) => {
    const r = parseInviteRequest(body)
    return r.ok ? 'ok' : r.error.code
  }

  it('accepts an array or one text, for each invitable role', () => {
    for (const role of ['admin', 'member', 'viewer']) {
      expect(ok({ workspaceId: WS, emails: ['a@x.com'], role })).toEqual({
        workspaceId: WS,
        emails: ['a@x.com'],
        role,
      })
    }
    expect(
      ok({ workspaceId: WS.toUpperCase(), emails: 'a@x.com\nb@x.com', role: 'member' }),
    ).toEqual({
      workspaceId: WS,
      emails: ['a@x.com', 'b@x.com'],
      role: 'member',
    })
  })

  it('refuses owner with the database hint owner_via_transfer', () => {
    const r = parseInviteRequest({ workspaceId: WS, emails: ['a@x.com'], role: 'owner' })
    expect(r).toEqual({
      ok: false,
      error: {
        status: 400,
        code: 'owner_via_transfer',
        message: expect.stringMatching(/only by transfer/),
      },
    })
  })

  it('refuses unknown or missing roles', () => {
    expect(code({ workspaceId: WS, emails: ['a@x.com'], role: 'Admin' })).toBe('unknown_role')
    expect(code({ workspaceId: WS, emails: ['a@x.com'] })).toBe('unknown_role')
  })

  it('allows exactly 100 addresses and refuses 101 with too_many', () => {
    const list = (n: number) => Array.from({ length: n }, (_, i) => `p${i}@x.com`)
    expect(MAX_INVITES_PER_REQUEST).toBe(100)
    expect(ok({ workspaceId: WS, emails: list(100), role: 'member' }).emails).toHaveLength(100)
    const r = parseInviteRequest({ workspaceId: WS, emails: list(101).join(','), role: 'member' })
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('too_many')
      expect(r.error.message).toContain('At most 100 addresses per request (got 101)')
    }
  })

  it('refuses bodies of the wrong shape', () => {
    expect(code(null)).toBe('invalid_input')
    expect(code([])).toBe('invalid_input')
    expect(code('a@x.com')).toBe('invalid_input')
    expect(code({ workspaceId: 'acme', emails: ['a@x.com'], role: 'member' })).toBe('invalid_input')
    expect(code({ emails: ['a@x.com'], role: 'member' })).toBe('invalid_input')
    expect(code({ workspaceId: WS, emails: [1], role: 'member' })).toBe('invalid_input')
    expect(code({ workspaceId: WS, emails: { a: 1 }, role: 'member' })).toBe('invalid_input')
    expect(code({ workspaceId: WS, emails: [], role: 'member' })).toBe('no_invitees')
    expect(code({ workspaceId: WS, emails: ' ,\n', role: 'member' })).toBe('no_invitees')
  })

  it('never reads identity from the body', () => {
    const value = ok({
      workspaceId: WS,
      emails: ['a@x.com'],
      role: 'member',
      inviterId: 'someone',
      userId: 'x',
    })
    expect(Object.keys(value).sort()).toEqual(['emails', 'role', 'workspaceId'])
  })
})

describe('caller token', () => {
  const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const token = (claims: unknown) => `${b64url({ alg: 'HS256' })}.${b64url(claims)}.sig`

  it('reads the bearer token', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi')
    expect(bearerToken('bearer abc')).toBe('abc')
    expect(bearerToken('Basic abc')).toBeNull()
    expect(bearerToken(null)).toBeNull()
    expect(bearerToken('Bearer ')).toBeNull()
  })
  it('decodes claims (unverified: PostgREST verifies the signature later)', () => {
    expect(
      unverifiedClaims(token({ sub: 'u1', role: 'authenticated', name: 'Zoë' })),
    ).toMatchObject({
      sub: 'u1',
      role: 'authenticated',
    })
    expect(unverifiedClaims('not-a-jwt')).toBeNull()
    expect(unverifiedClaims('a.%%%.c')).toBeNull()
    expect(unverifiedClaims(token([1, 2]))).toBeNull()
  })
})

describe('classifyAuthError', () => {
  it('sends an existing account to the sign-in-link path', () => {
    expect(classifyAuthError({ status: 422, code: 'email_exists', message: 'x' }).code).toBe(
      'email_exists',
    )
    expect(
      classifyAuthError({
        status: 422,
        message: 'A user with this email address has already been registered',
      }).code,
    ).toBe('email_exists')
  })
  it('names rate limits', () => {
    expect(classifyAuthError({ status: 429, code: 'over_email_send_rate_limit' }).code).toBe(
      'rate_limited',
    )
    expect(classifyAuthError({ status: 429 }).code).toBe('rate_limited')
  })
  it('names an unavailable Auth: 503 from the local gateway, 502/504, network failures', () => {
    for (const err of [
      { name: 'AuthRetryableFetchError', status: 503, message: 'Supabase Auth is not running' },
      { status: 502 },
      { status: 504 },
      { name: 'AuthRetryableFetchError', status: 0, message: 'fetch failed' },
      { code: 'auth_unavailable', status: 503 },
    ]) {
      expect(classifyAuthError(err).code).toBe('auth_unavailable')
    }
  })
  it('names other refusals', () => {
    expect(
      classifyAuthError({ status: 400, code: 'email_address_invalid', message: 'bad' }),
    ).toEqual({
      code: 'email_rejected',
      reason: 'bad',
    })
    expect(
      classifyAuthError({
        status: 500,
        code: 'unexpected_failure',
        message: 'Error sending invite email',
      }).code,
    ).toBe('email_send_failed')
    expect(
      classifyAuthError({ status: 403, code: 'not_admin', message: 'User not allowed' }),
    ).toEqual({
      code: 'auth_refused',
      reason: 'User not allowed',
    })
  })
})

describe('mapLimited', () => {
  it('keeps order and never exceeds the limit', async () => {
    let inFlight = 0
    let peak = 0
    const out = await mapLimited([5, 1, 4, 2, 3, 0], 2, async (n) => {
      inFlight++
      peak = Math.max(peak, inFlight)
      await new Promise((r) => setTimeout(r, n))
      inFlight--
      return n * 10
    })
    expect(out).toEqual([50, 10, 40, 20, 30, 0])
    expect(peak).toBe(2)
  })
})

describe('runInvitations', () => {
  /** Stand-ins for the database and Auth: deliveries by address, a record() that can refuse. */
  function steps(opts: {
    statuses?: Record<string, string>
    deliveries?: Record<string, Delivery>
    record?: (ids: string[]) => void
  }) {
    const log = { delivered: [] as string[], recorded: [] as string[][] }
    const s: InviteSteps = {
      async check(emails) {
        const seen = new Set<string>()
        return emails.map((email) => {
          const status = seen.has(email) ? 'duplicate_in_list' : (opts.statuses?.[email] ?? 'ok')
          seen.add(email)
          return { email, status }
        })
      },
      async deliver(email) {
        log.delivered.push(email)
        return opts.deliveries?.[email] ?? { ok: true, userId: `id-${email}`, via: 'invite' }
      },
      async record(ids) {
        opts.record?.(ids)
        log.recorded.push(ids)
      },
    }
    return { s, log }
  }

  it('invites the good addresses and reports the rest, in the order given', async () => {
    const { s, log } = steps({
      statuses: {
        bad: 'invalid_email',
        'm@x.com': 'already_member',
        'p@x.com': 'duplicate_invite',
      },
      deliveries: { 'old@x.com': { ok: true, userId: 'id-old', via: 'magic_link' } },
    })
    const r = await runInvitations(
      ['a@x.com', 'bad', 'm@x.com', 'old@x.com', 'a@x.com', 'p@x.com', 'a@x.com'],
      s,
    )
    expect(r.invited).toEqual(['a@x.com', 'old@x.com'])
    expect(r.failed.map((f) => [f.email, f.code])).toEqual([
      ['bad', 'invalid_email'],
      ['m@x.com', 'already_member'],
      ['a@x.com', 'duplicate_in_list'], // once, though listed three times
      ['p@x.com', 'duplicate_invite'],
    ])
    expect(r.failed.every((f) => f.reason.length > 0)).toBe(true)
    expect(log.delivered).toEqual(['a@x.com', 'old@x.com'])
    expect(log.recorded).toEqual([['id-a@x.com', 'id-old']])
  })

  it('records no membership for an address Auth refused or could not be reached for', async () => {
    const { s, log } = steps({
      deliveries: {
        'down@x.com': { ok: false, code: 'auth_unavailable', reason: 'unavailable' },
        'slow@x.com': { ok: false, code: 'rate_limited', reason: 'later' },
      },
    })
    const r = await runInvitations(['down@x.com', 'ok@x.com', 'slow@x.com'], s)
    expect(r).toEqual({
      invited: ['ok@x.com'],
      failed: [
        { email: 'down@x.com', code: 'auth_unavailable', reason: 'unavailable' },
        { email: 'slow@x.com', code: 'rate_limited', reason: 'later' },
      ],
    })
    expect(log.recorded).toEqual([['id-ok@x.com']])
  })

  it('records nothing at all when Auth accepted nobody', async () => {
    const { s, log } = steps({
      deliveries: { 'a@x.com': { ok: false, code: 'auth_unavailable', reason: 'u' } },
    })
    const r = await runInvitations(['a@x.com', 'nope'], {
      ...s,
      check: async () => [
        { email: 'a@x.com', status: 'ok' },
        { email: 'nope', status: 'invalid_email' },
      ],
    })
    expect(r.invited).toEqual([])
    expect(log.recorded).toEqual([])
  })

  it('when the batch insert is refused over some addresses, retries one by one and keeps the rest', async () => {
    const { s, log } = steps({
      record(ids) {
        if (ids.includes('id-raced@x.com'))
          throw {
            code: '23505',
            hint: 'duplicate_invite',
            message: 'Already invited: raced@x.com.',
          }
      },
    })
    const r = await runInvitations(['a@x.com', 'raced@x.com', 'b@x.com'], s)
    expect(r.invited).toEqual(['a@x.com', 'b@x.com'])
    expect(r.failed).toEqual([
      {
        email: 'raced@x.com',
        code: 'duplicate_invite',
        reason: 'Invited by someone else a moment ago.',
      },
    ])
    expect(log.recorded).toEqual([['id-a@x.com'], ['id-b@x.com']])
  })

  it('when the inviter lost the right meanwhile, every delivered address fails with not_allowed', async () => {
    const { s } = steps({
      record() {
        throw {
          code: '42501',
          hint: 'not_allowed',
          message: 'You do not have permission to invite people here.',
        }
      },
    })
    const r = await runInvitations(['a@x.com', 'b@x.com'], s)
    expect(r.invited).toEqual([])
    expect(r.failed.map((f) => f.code)).toEqual(['not_allowed', 'not_allowed'])
  })

  it('lets a refusal of the caller (check) through, before any mail is sent', async () => {
    const { s, log } = steps({})
    const refused = { code: '42501', hint: 'not_allowed' }
    await expect(
      runInvitations(['a@x.com'], {
        ...s,
        check: async () => {
          throw refused
        },
      }),
    ).rejects.toBe(refused)
    expect(log.delivered).toEqual([])
  })
})
