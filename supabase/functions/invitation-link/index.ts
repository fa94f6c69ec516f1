// invitation-link: mails an invitee a new link for an invitation that is still valid, from the
// page their old link led to. Auth's links live `otp_expiry` (1 hour locally), far less than an
// invitation (days), and a link works once; this gives the invitee a working one again.
//
// POST { workspaceId: uuid, tokenHash?: string, email?: string }   (no sign-in needed)
//   200 { sent: true }   whatever the outcome for an unknown address (no account probing)
//   400 invalid_input   429 rate_limited   405   500
// POST { action: "state", workspaceId: uuid, tokenHash: string }
//   200 { state: pending|expired|withdrawn|unknown, workspace_name, role, invited_by_name,
//         invite_expires_at, email }   what the link leads to, read without spending it (the
//   token hash is the proof of holding the mail; public.invitation_link_state, service role)
// POST { action: "ask", workspaceId: uuid, tokenHash: string }
//   200 { asked: true, inviter_name, already_asked, mailed }   an expired or withdrawn invitee
//   asks for a new invitation: a row under the workspace's Invitations and an activity row
//   (public.request_new_invitation, service role), and a mail to the inviter
//   (_shared/notify-mail.ts, when FLUXERA_SMTP_URL is set); 400 not_expired / invalid_input, 404
// The invitation is found by the old link's token hash (kept by Auth even once expired) or by
// the invitee's address; only a pending, unexpired invitation gets a mail, sent by Auth exactly
// as invite-members sends it (the invite template for a never-used account, else a magic link).
import { apiKeyCaller } from '../_shared/supabase-context.ts'
import { appOrigin } from '../_shared/app-origin.ts'
import { createAuthDelivery } from '../_shared/auth-delivery.ts'
import { errorReply, json, preflight } from '../_shared/cors.ts'
import { sendNotifyMail } from '../_shared/notify-mail.ts'

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const HASH_RE = /^[0-9a-f]{40,64}$/

interface Recipient {
  membership_id: string
  user_id: string
  email: string
  role: string
  workspace_name: string
  invited_by_name: string | null
  expired: boolean
}

Deno.serve(async (req: Request): Promise<Response> => {
  if (req.method === 'OPTIONS') return preflight()
  if (req.method !== 'POST') {
    return errorReply(405, 'method_not_allowed', 'Use POST.', { Allow: 'POST, OPTIONS' })
  }
  const siteUrl = Deno.env.get('SITE_URL')
  // Open to people who are not signed in (the link is their credential), but only through the
  // project's own apps: with verify_jwt off, the platform no longer asks for a key.
  const checked = await apiKeyCaller(req, 'invitation-link')
  if (!siteUrl || (checked.refusal && checked.refusal !== 'unauthenticated')) {
    if (!siteUrl) console.error('invitation-link: SITE_URL must be set')
    return errorReply(500, 'misconfigured', 'Invitations are not configured on this server.')
  }
  if (!checked.ctx) {
    return errorReply(401, 'no_api_key', 'Call this with the project’s publishable key.')
  }
  const { supabaseAdmin: service, supabase: anon } = checked.ctx

  let body: { action?: unknown; workspaceId?: unknown; tokenHash?: unknown; email?: unknown }
  try {
    const text = await req.text()
    if (text.length > 4096) return errorReply(400, 'invalid_input', 'The request is too large.')
    body = JSON.parse(text)
  } catch {
    return errorReply(
      400,
      'invalid_input',
      'Send a JSON object: { workspaceId, tokenHash | email }.',
    )
  }
  const { workspaceId, tokenHash, email } = body ?? {}
  const hash = typeof tokenHash === 'string' && HASH_RE.test(tokenHash) ? tokenHash : null
  const address = typeof email === 'string' && email.trim().length <= 320 ? email.trim() : null
  if (typeof workspaceId !== 'string' || !UUID_RE.test(workspaceId) || (!hash && !address)) {
    return errorReply(
      400,
      'invalid_input',
      'Give the workspace and the old link or your email address.',
    )
  }

  if (body.action === 'state') {
    const unknown = { state: 'unknown' }
    if (!hash) return json(unknown)
    const state = await service.rpc('invitation_link_state', {
      p_workspace_id: workspaceId,
      p_token_hash: hash,
    })
    if (state.error) {
      console.error('invitation-link: invitation_link_state failed', state.error)
      return errorReply(500, 'lookup_failed', 'The invitation could not be looked up. Try again.')
    }
    return json(((state.data ?? []) as unknown[])[0] ?? unknown)
  }
  if (body.action === 'ask') {
    if (!hash) return errorReply(400, 'invalid_input', 'Open the link from your invitation email.')
    const asked = await service.rpc('request_new_invitation', {
      p_workspace_id: workspaceId,
      p_token_hash: hash,
    })
    if (asked.error) {
      const hint = asked.error.hint ?? ''
      if (hint === 'not_expired' || hint === 'invalid_input')
        return errorReply(400, hint, asked.error.message)
      if (hint === 'not_found') return errorReply(404, 'not_found', asked.error.message)
      console.error('invitation-link: request_new_invitation failed', asked.error)
      return errorReply(500, 'ask_failed', 'Your request could not be recorded. Try again.')
    }
    const row = (
      (asked.data ?? []) as {
        workspace_name: string
        email: string
        inviter_email: string | null
        inviter_name: string | null
        already_asked: boolean
      }[]
    )[0]
    // The inviter hears of it by mail once (asking again sends nothing more).
    let mailed = false
    if (row && !row.already_asked && row.inviter_email) {
      const site = appOrigin(req.headers.get('Origin'), siteUrl).replace(/\/+$/, '')
      const outcome = await sendNotifyMail({
        to: row.inviter_email,
        subject: `${row.email} asks for a new invitation to ${row.workspace_name}`,
        text: [
          `${row.email} opened their invitation to ${row.workspace_name}, which had expired or`,
          'was withdrawn, and asked for a new one.',
          '',
          `To invite them again, open Users → Invitations in Fluxera: ${site}/users`,
          'The request waits there until you resend the invitation or dismiss it.',
        ].join('\n'),
      })
      mailed = outcome.sent
      if (!outcome.sent)
        console.error('invitation-link: the inviter was not mailed', outcome.reason)
    }
    return json({
      asked: true,
      inviter_name: row?.inviter_name ?? null,
      already_asked: row?.already_asked ?? false,
      mailed,
    })
  }
  const { data, error } = await service.rpc('invitation_recipient', {
    p_workspace_id: workspaceId,
    p_email: address,
    p_token_hash: hash,
  })
  if (error) {
    console.error('invitation-link: invitation_recipient failed', error)
    return errorReply(500, 'lookup_failed', 'The invitation could not be looked up. Try again.')
  }
  const r = ((data ?? []) as Recipient[])[0]
  if (!r || r.expired) return json({ sent: true })

  const deliver = createAuthDelivery({
    admin: service,
    anon,
    siteUrl: appOrigin(req.headers.get('Origin'), siteUrl),
    workspaceId,
    role: r.role,
    templateData: {
      workspace: r.workspace_name,
      ...(r.invited_by_name ? { invited_by: r.invited_by_name } : {}),
    },
  })
  const d = await deliver(r.email)
  if (!d.ok && d.code === 'rate_limited') return errorReply(429, 'rate_limited', d.reason)
  if (!d.ok) console.error('invitation-link: delivery failed', d)
  return json({ sent: true })
})
