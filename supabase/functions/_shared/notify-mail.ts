// A plain-text notification mail that is not one of Auth's own (Auth sends only its templates:
// invite, magic link, recovery…): "X asked for a new invitation" to the inviter (issue 23).
// Sent over SMTP straight from the function when FLUXERA_SMTP_URL names a server:
//   smtp://host:port            plain (the local stack's Mailpit)
//   smtps://user:pass@host:465  TLS from the start, AUTH PLAIN (hosted Supabase blocks ports
//                               25 and 587 for functions; 465 is open)
// Without it nothing is sent and the caller says so; the request is still recorded in the
// database (public.invitation_requests), which is what the Invitations tab shows.

export interface NotifyMail {
  to: string
  subject: string
  text: string
}

export type MailOutcome = { sent: true } | { sent: false; reason: string }

const enc = new TextEncoder()
const dec = new TextDecoder()

/** Reads one SMTP reply (possibly several lines, "250-…" then "250 …") and returns its code. */
async function reply(conn: Deno.Conn, buffer: { text: string }): Promise<number> {
  const chunk = new Uint8Array(4096)
  for (;;) {
    const lines = buffer.text.split('\r\n')
    const done = lines.findIndex((l) => /^\d{3} /.test(l))
    if (done >= 0) {
      buffer.text = lines.slice(done + 1).join('\r\n')
      return Number(lines[done]!.slice(0, 3))
    }
    const n = await conn.read(chunk)
    if (n === null) throw new Error('the mail server closed the connection')
    buffer.text += dec.decode(chunk.subarray(0, n))
  }
}

async function step(conn: Deno.Conn, buffer: { text: string }, line: string | null, want: number) {
  if (line !== null) await conn.write(enc.encode(`${line}\r\n`))
  const code = await reply(conn, buffer)
  if (code !== want)
    throw new Error(`the mail server answered ${code} to ${line ?? 'the greeting'}`)
}

/** Header-safe text: no line breaks (no header injection), non-ASCII as RFC 2047 words. */
function header(value: string): string {
  const flat = value.replace(/[\r\n]+/g, ' ')
  // deno-lint-ignore no-control-regex
  if (/^[\x20-\x7e]*$/.test(flat)) return flat
  const b64 = btoa(String.fromCharCode(...enc.encode(flat)))
  return `=?UTF-8?B?${b64}?=`
}

export async function sendNotifyMail(mail: NotifyMail): Promise<MailOutcome> {
  const raw = Deno.env.get('FLUXERA_SMTP_URL')
  if (!raw) return { sent: false, reason: 'no mail server configured (FLUXERA_SMTP_URL)' }
  if (!/^[^\s<>@]+@[^\s<>@]+$/.test(mail.to)) return { sent: false, reason: 'bad address' }
  const from = Deno.env.get('FLUXERA_MAIL_FROM') ?? 'no-reply@fluxera.test'
  let conn: Deno.Conn | undefined
  try {
    const url = new URL(raw)
    const tls = url.protocol === 'smtps:'
    const port = Number(url.port || (tls ? 465 : 25))
    conn = tls
      ? await Deno.connectTls({ hostname: url.hostname, port })
      : await Deno.connect({ hostname: url.hostname, port })
    const buffer = { text: '' }
    await step(conn, buffer, null, 220)
    await step(conn, buffer, 'EHLO fluxera', 250)
    if (url.username) {
      const plain = `\0${decodeURIComponent(url.username)}\0${decodeURIComponent(url.password)}`
      await step(conn, buffer, `AUTH PLAIN ${btoa(plain)}`, 235)
    }
    await step(conn, buffer, `MAIL FROM:<${from}>`, 250)
    await step(conn, buffer, `RCPT TO:<${mail.to}>`, 250)
    await step(conn, buffer, 'DATA', 354)
    const body = mail.text
      .replace(/\r?\n/g, '\r\n')
      .split('\r\n')
      .map((l) => (l.startsWith('.') ? `.${l}` : l)) // dot-stuffing
      .join('\r\n')
    const message = [
      `From: Fluxera <${from}>`,
      `To: <${mail.to}>`,
      `Subject: ${header(mail.subject)}`,
      `Date: ${new Date().toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      body,
      '.',
    ].join('\r\n')
    await step(conn, buffer, message, 250)
    await conn.write(enc.encode('QUIT\r\n')).catch(() => 0)
    return { sent: true }
  } catch (err) {
    return { sent: false, reason: err instanceof Error ? err.message : String(err) }
  } finally {
    try {
      conn?.close()
    } catch {
      /* already closed */
    }
  }
}
