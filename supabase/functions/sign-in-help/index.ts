// sign-in-help: why Auth refused a sign-in with user_banned, for the sign-in page (issue 23).
// Auth says "banned" to anyone who knows the address; what the ban is from (a suspension here,
// until when and why, or a deactivation) is told only to someone who also knows the password
// (public.sign_in_refusal, service role only: the database grants anon no function).
//
// POST { email: string, password: string }   (no sign-in: the caller has just been refused one)
//   200 { refusals: [{ kind: suspended|deactivated, workspace_name, suspended_until, reason }] }
//       (empty for a wrong password, an account that is not banned, or a ban that is not ours)
//   400 invalid_input   401 no_api_key   405   429 rate_limited   500
import { apiKeyCaller } from '../_shared/supabase-context.ts'
import { errorReply, json, preflight } from '../_shared/cors.ts'

Deno.serve(async (req: Request): Promise<Response> => {
  if (req.method === 'OPTIONS') return preflight()
  if (req.method !== 'POST') {
    return errorReply(405, 'method_not_allowed', 'Use POST.', { Allow: 'POST, OPTIONS' })
  }
  // Only through the project's own apps (its keys), as invitation-link.
  const checked = await apiKeyCaller(req, 'sign-in-help')
  if (checked.refusal && checked.refusal !== 'unauthenticated') {
    return errorReply(500, 'misconfigured', 'Sign-in help is not configured on this server.')
  }
  if (!checked.ctx) {
    return errorReply(401, 'no_api_key', 'Call this with the project’s publishable key.')
  }
  let body: { email?: unknown; password?: unknown }
  try {
    const text = await req.text()
    if (text.length > 2048) return errorReply(400, 'invalid_input', 'The request is too large.')
    body = JSON.parse(text)
  } catch {
    return errorReply(400, 'invalid_input', 'Send a JSON object: { email, password }.')
  }
  const email = typeof body?.email === 'string' ? body.email.trim() : ''
  const password = typeof body?.password === 'string' ? body.password : ''
  if (!email || email.length > 320 || !password || password.length > 200) {
    return errorReply(
      400,
      'invalid_input',
      'Give the email address and password you signed in with.',
    )
  }
  const { data, error } = await checked.ctx.supabaseAdmin.rpc('sign_in_refusal', {
    p_email: email,
    p_password: password,
  })
  if (error) {
    if (error.hint === 'rate_limited') return errorReply(429, 'rate_limited', error.message)
    console.error('sign-in-help: sign_in_refusal failed', error)
    return errorReply(500, 'lookup_failed', 'Could not look this up. Try again.')
  }
  return json({ refusals: data ?? [] })
})
