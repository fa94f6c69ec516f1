// Validation of an `invite-members` request body. Pure TypeScript with no imports, so it runs
// unchanged in Deno (the edge function) and in Node (vitest). Identity never comes from the body:
// the caller is whoever the Authorization bearer says, checked by the database.

/** Most addresses accepted in one call; a longer list is refused whole (the SPA says so before sending). */
export const MAX_INVITES_PER_REQUEST = 100
/** Longest accepted address (the database's `private.is_valid_email` limit). */
export const MAX_EMAIL_LENGTH = 320

export const INVITABLE_ROLES = ['admin', 'member', 'viewer'] as const
export type InvitableRole = (typeof INVITABLE_ROLES)[number]

export interface InviteRequest {
  workspaceId: string
  /** Trimmed, lower-cased, in the order given; duplicates kept (the database reports them). */
  emails: string[]
  role: InvitableRole
}

export interface InputError {
  status: 400
  /** Stable machine code, in the database's vocabulary where one exists. */
  code: 'invalid_input' | 'no_invitees' | 'too_many' | 'unknown_role' | 'owner_via_transfer'
  message: string
}

export type ParseResult = { ok: true; value: InviteRequest } | { ok: false; error: InputError }

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const fail = (code: InputError['code'], message: string): ParseResult => ({
  ok: false,
  error: { status: 400, code, message },
})

/**
 * Splits what a person pasted: commas, semicolons, whitespace and newlines separate addresses.
 * Each entry is trimmed and lower-cased; empty entries are dropped.
 */
export function splitEmails(input: string | readonly string[]): string[] {
  const parts = typeof input === 'string' ? [input] : input
  const out: string[] = []
  for (const part of parts) {
    for (const piece of part.split(/[,;\s]+/)) {
      const email = piece.trim().toLowerCase()
      if (email) out.push(email)
    }
  }
  return out
}

/** Checks the shape of the body; the database then judges each address and the caller's rights. */
export function parseInviteRequest(body: unknown): ParseResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail('invalid_input', 'Send a JSON object: { workspaceId, emails, role }.')
  }
  const { workspaceId, emails, role } = body as Record<string, unknown>

  if (typeof workspaceId !== 'string' || !UUID_RE.test(workspaceId)) {
    return fail('invalid_input', 'workspaceId must be the id (a UUID) of a workspace.')
  }

  if (role === 'owner') {
    return fail(
      'owner_via_transfer',
      'Nobody can be invited as owner; ownership moves only by transfer.',
    )
  }
  if (typeof role !== 'string' || !(INVITABLE_ROLES as readonly string[]).includes(role)) {
    return fail('unknown_role', 'Choose a role: admin, member or viewer.')
  }

  let list: string[]
  if (typeof emails === 'string') {
    list = splitEmails(emails)
  } else if (Array.isArray(emails) && emails.every((e): e is string => typeof e === 'string')) {
    list = splitEmails(emails)
  } else {
    return fail(
      'invalid_input',
      'emails must be a list of addresses, or one text with addresses separated by commas or new lines.',
    )
  }

  if (list.length === 0) return fail('no_invitees', 'Give at least one email address to invite.')
  if (list.length > MAX_INVITES_PER_REQUEST) {
    return fail(
      'too_many',
      `At most ${MAX_INVITES_PER_REQUEST} addresses per request (got ${list.length}); send the rest in another batch.`,
    )
  }

  return {
    ok: true,
    value: { workspaceId: workspaceId.toLowerCase(), emails: list, role: role as InvitableRole },
  }
}
