// invite-members: invites people to a workspace by email (Supabase Auth's admin API needs the
// service role, so this cannot happen in the SPA).
//
// POST { workspaceId: uuid, emails: string[] | "a@x.com, b@y.com\nc@z.com", role: admin|member|viewer }
//   200 { invited: string[], failed: { email, reason, code }[] }   (a partly bad batch still invites the good addresses)
// POST { action: "resend", membershipIds: uuid[] }
//   200 { resent: string[], failed: { email, reason, code }[] }    renews the invitations (the database
//   checks the caller, as resend_invitations) and mails each invitee a new link; the old one stops working
//   400 invalid_input | no_invitees | too_many | unknown_role | owner_via_transfer
//   401 not_authenticated   403 not_allowed   404 not_found   405   413 too_large
//   429 invite_rate_limited (the invitation limits; logged as member.invite_rate_limited)
//   500 misconfigured | auth_unavailable (the JWKS could not be fetched) | …
// Error bodies are { code, message }. See ../README.md.
import { appOrigin } from '../_shared/app-origin.ts'
import { createAuthDelivery } from '../_shared/auth-delivery.ts'
import { errorReply, json, preflight } from '../_shared/cors.ts'
import { userCaller, type UserCaller } from '../_shared/supabase-context.ts'
import {
  runInvitations,
  type DbError,
  type Delivery,
  type InviteeCheck,
} from '../_shared/invite-core.ts'
import { parseInviteRequest } from '../_shared/invite-input.ts'

const MAX_BODY_BYTES = 64 * 1024

/** A database refusal of the caller (from check_invitees), as an HTTP reply. */
class CallerRefused extends Error {
  constructor(readonly db: DbError & { status?: number }) {
    super(db.message ?? 'refused')
  }
}

function refusalReply(db: DbError & { status?: number }): Response {
  if (db.status === 401 || db.code?.startsWith('PGRST3')) {
    return errorReply(401, 'not_authenticated', 'Your session is not valid. Sign in again.')
  }
  switch (db.code) {
    case '42501':
      return errorReply(
        403,
        db.hint || 'not_allowed',
        'You do not have permission to invite people to this workspace.',
      )
    case 'P0002':
    case 'PT404':
      return errorReply(404, db.hint || 'not_found', db.message || 'Workspace not found.')
    case 'PT429':
      return errorReply(
        429,
        db.hint || 'rate_limited',
        db.message || 'Too many invitations. Try again later.',
      )
    case '22023':
    case '22P02':
      return errorReply(400, db.hint || 'invalid_input', db.message || 'Invalid input.')
  }
  console.error('invite-members: check_invitees failed', db)
  return errorReply(500, 'database_error', 'The invitations could not be checked. Try again.')
}

const MAX_RESEND = 100
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function isResend(body: unknown): body is { action: 'resend'; membershipIds: string[] } {
  return (
    typeof body === 'object' && body !== null && (body as { action?: unknown }).action === 'resend'
  )
}

interface Recipient {
  membership_id: string
  workspace_id: string
  user_id: string
  email: string
  role: string
  workspace_name: string
  invited_by_name: string | null
}

/**
 * Resend: the database renews the invitations as the caller (permission, expiry, activity rows,
 * all or nothing), then each invitee gets a new mail from Auth. Auth replaces the user's one-time
 * token, so the previous link stops working.
 */
async function resend(
  req: Request,
  caller: UserCaller,
  membershipIds: unknown,
  siteUrl: string,
): Promise<Response> {
  if (
    !Array.isArray(membershipIds) ||
    membershipIds.length === 0 ||
    membershipIds.length > MAX_RESEND ||
    !membershipIds.every((id) => typeof id === 'string' && UUID_RE.test(id))
  ) {
    return errorReply(
      400,
      'invalid_input',
      `membershipIds must list 1 to ${MAX_RESEND} invitation ids.`,
    )
  }
  const { asCaller, admin: service } = caller
  const renewed = await asCaller.rpc('resend_invitations', { p_membership_ids: membershipIds })
  if (renewed.error) {
    const e = renewed.error as DbError & { status?: number }
    if (e.hint === 'not_pending' || e.hint === 'not_found' || e.hint === 'no_members')
      return errorReply(e.hint === 'not_found' ? 404 : 400, e.hint, e.message ?? 'Refused.')
    return refusalReply({ ...e, status: renewed.status })
  }
  const { data, error } = await service.rpc('invitation_recipients', {
    p_membership_ids: membershipIds,
  })
  if (error) {
    console.error('invite-members: invitation_recipients failed', error)
    return errorReply(500, 'resend_failed', 'The invitations could not be sent. Try again.')
  }
  const origin = appOrigin(req.headers.get('Origin'), siteUrl)
  const resent: string[] = []
  const failed: { email: string; reason: string; code: string }[] = []
  for (const r of (data ?? []) as Recipient[]) {
    const deliver = createAuthDelivery({
      admin: caller.admin,
      anon: caller.anon,
      siteUrl: origin,
      workspaceId: r.workspace_id,
      role: r.role,
      templateData: {
        workspace: r.workspace_name,
        ...(r.invited_by_name ? { invited_by: r.invited_by_name } : {}),
      },
    })
    const d = await deliver(r.email)
    if (d.ok) resent.push(r.email)
    else failed.push({ email: r.email, code: d.code, reason: d.reason })
  }
  return json({ resent, failed })
}

Deno.serve(async (req: Request): Promise<Response> => {
  if (req.method === 'OPTIONS') return preflight()
  if (req.method !== 'POST') {
    return errorReply(405, 'method_not_allowed', 'Use POST.', { Allow: 'POST, OPTIONS' })
  }

  const siteUrl = Deno.env.get('SITE_URL')
  if (!siteUrl) {
    console.error('invite-members: SITE_URL must be set')
    return errorReply(500, 'misconfigured', 'Invitations are not configured on this server.')
  }

  // Identity comes from the bearer token only, never from the body: a user's access token,
  // verified by @supabase/server against the project's JWKS (a legacy HS256 one by PostgREST on
  // the first call with it).
  const checked = await userCaller(req, 'invite-members')
  if (checked.refusal === 'unauthenticated') {
    return errorReply(401, 'not_authenticated', 'Sign in to invite people.')
  }
  if (checked.refusal === 'auth_unavailable') {
    return errorReply(500, 'auth_unavailable', 'Your sign-in could not be checked. Try again.')
  }
  if (checked.refusal) {
    return errorReply(500, 'misconfigured', 'Invitations are not configured on this server.')
  }
  const caller = checked.caller

  const text = await req.text()
  if (new TextEncoder().encode(text).length > MAX_BODY_BYTES) {
    return errorReply(413, 'too_large', 'The request is too large.')
  }
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return errorReply(400, 'invalid_input', 'Send a JSON object: { workspaceId, emails, role }.')
  }
  if (isResend(body)) {
    return resend(req, caller, body.membershipIds, siteUrl)
  }

  const parsed = parseInviteRequest(body)
  if (!parsed.ok) return errorReply(parsed.error.status, parsed.error.code, parsed.error.message)
  const { workspaceId, emails, role } = parsed.value

  // As the caller: PostgREST verifies the token, RLS and the functions' own checks apply.
  const { asCaller, admin: service } = caller
  const inviterId = caller.userId

  let deliver: ((email: string) => Promise<Delivery>) | undefined
  const prepareDelivery = async () => {
    // For the mail templates ({{ .Data.workspace }}, {{ .Data.invited_by }}), read as the caller.
    const [ws, me] = await Promise.all([
      asCaller.from('workspaces').select('name').eq('id', workspaceId).maybeSingle(),
      asCaller.from('profiles').select('full_name, email').eq('id', inviterId).maybeSingle(),
    ])
    const templateData: Record<string, string> = {}
    if (ws.data?.name) templateData.workspace = ws.data.name
    const inviter = me.data?.full_name || me.data?.email
    if (inviter) templateData.invited_by = inviter
    return createAuthDelivery({
      admin: caller.admin,
      anon: caller.anon,
      siteUrl: appOrigin(req.headers.get('Origin'), siteUrl),
      workspaceId,
      role,
      templateData,
    })
  }
  let preparing: Promise<(email: string) => Promise<Delivery>> | undefined

  try {
    const result = await runInvitations(emails, {
      async check(list) {
        const { data, error, status } = await asCaller.rpc('check_invitees', {
          p_workspace_id: workspaceId,
          p_emails: list,
        })
        if (error) throw new CallerRefused({ ...error, status })
        return (data ?? []) as InviteeCheck[]
      },
      async deliver(email) {
        preparing ??= prepareDelivery()
        deliver ??= await preparing
        return deliver(email)
      },
      async record(userIds) {
        const { error } = await service.rpc('create_invitations', {
          p_workspace_id: workspaceId,
          p_inviter: inviterId,
          p_user_ids: userIds,
          p_role: role,
        })
        if (error) {
          if (!error.hint) console.error('invite-members: create_invitations failed', error)
          throw error
        }
      },
    })
    return json(result)
  } catch (err) {
    if (err instanceof CallerRefused) {
      // A refused transaction rolls back, so the limit refusal is logged by a second call.
      if (err.db.code === 'PT429') {
        await asCaller
          .rpc('log_invite_rate_limited', { p_workspace_id: workspaceId, p_emails: emails })
          .then(
            ({ error }) =>
              error && console.error('invite-members: logging the refusal failed', error),
          )
      }
      return refusalReply(err.db)
    }
    console.error('invite-members: unexpected failure', err)
    return errorReply(500, 'invite_failed', 'The invitations could not be sent. Try again.')
  }
})
