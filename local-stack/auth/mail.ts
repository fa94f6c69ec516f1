// Auth's mails: the templates of supabase/config.toml rendered with Auth's variables and sent by
// SMTP to the stack's Mailpit. Links are shaped like Auth's: <api>/auth/v1/verify?token=..&type=..&redirect_to=..
import { readFileSync } from 'node:fs'
import nodemailer from 'nodemailer'
import type { AuthConfig } from './config.ts'
import { renderTemplate } from './template.ts'

// Auth's built-in templates, used when config.toml gives no content_path.
const builtIn: Record<string, string> = {
  invite: `<h2>You have been invited</h2>\n\n<p>You have been invited to create a user on {{ .SiteURL }}. Follow this link to accept the invite:</p>\n<p><a href="{{ .ConfirmationURL }}">Accept the invite</a></p>\n<p>Alternatively, enter the code: {{ .Token }}</p>`,
  confirmation: `<h2>Confirm your email</h2>\n\n<p>Follow this link to confirm your email:</p>\n<p><a href="{{ .ConfirmationURL }}">Confirm your email address</a></p>\n<p>Alternatively, enter the code: {{ .Token }}</p>`,
  recovery: `<h2>Reset password</h2>\n\n<p>Follow this link to reset the password for your user:</p>\n<p><a href="{{ .ConfirmationURL }}">Reset password</a></p>\n<p>Alternatively, enter the code: {{ .Token }}</p>`,
  magic_link: `<h2>Magic Link</h2>\n\n<p>Follow this link to login:</p>\n<p><a href="{{ .ConfirmationURL }}">Log In</a></p>\n<p>Alternatively, enter the code: {{ .Token }}</p>`,
  reauthentication: `<h2>Confirm reauthentication</h2>\n\n<p>Enter the code: {{ .Token }}</p>`,
  email_change: `<h2>Confirm email address change</h2>\n\n<p>Follow this link to confirm the update of your email address from {{ .Email }} to {{ .NewEmail }}:</p>\n<p><a href="{{ .ConfirmationURL }}">Change email address</a></p>\n<p>Alternatively, enter the code: {{ .Token }}</p>`,
}

let transport: ReturnType<typeof nodemailer.createTransport> | null = null

/** Auth's encodeRedirectURL: escaped only when it holds &, = or #. */
function encodeRedirect(url: string): string {
  return /[&=#]/.test(url) ? encodeURIComponent(url).replace(/%20/g, '+') : url
}

export function confirmationUrl(
  cfg: AuthConfig,
  tokenHash: string,
  type: string,
  redirectTo: string,
): string {
  return `${cfg.externalUrl}/verify?token=${encodeURIComponent(tokenHash)}&type=${encodeURIComponent(type)}&redirect_to=${encodeRedirect(redirectTo)}`
}

export type MailKind =
  'invite' | 'confirmation' | 'recovery' | 'magic_link' | 'email_change' | 'reauthentication'

export async function sendMail(
  cfg: AuthConfig,
  kind: MailKind,
  to: string,
  vars: {
    token: string
    tokenHash: string
    redirectTo: string
    email: string
    data: Record<string, unknown>
    type: string
    newEmail?: string
  },
) {
  const tpl = cfg.templates[kind]!
  const source = tpl.contentPath ? readFileSync(tpl.contentPath, 'utf8') : builtIn[kind]!
  const html = renderTemplate(source, {
    SiteURL: cfg.siteUrl,
    ConfirmationURL: confirmationUrl(cfg, vars.tokenHash, vars.type, vars.redirectTo),
    Email: vars.email,
    NewEmail: vars.newEmail ?? '',
    Token: vars.token,
    TokenHash: vars.tokenHash,
    Data: vars.data,
    RedirectTo: vars.redirectTo,
    SendingTo: to,
  })
  transport ??= nodemailer.createTransport({
    host: cfg.smtp.host,
    port: cfg.smtp.port,
    secure: false,
    ignoreTLS: true,
  })
  await transport.sendMail({
    from: `"${cfg.smtp.senderName}" <${cfg.smtp.adminEmail}>`,
    to,
    subject: tpl.subject,
    html,
  })
}
