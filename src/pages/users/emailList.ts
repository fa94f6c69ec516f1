export interface ParsedEmails {
  /** Well-formed, lower-cased, de-duplicated, in the order given. */
  valid: string[]
  /** Tokens that look like an attempt at an address but are not well-formed. */
  invalid: string[]
}

const EMAIL_RE = /^[^\s@,;<>"()]+@[^\s@,;<>"()]+\.[^\s@,;<>"()]{2,}$/

/**
 * Reads a pasted list ("a@x.com, b@y.com" or one per line, "Name <a@x.com>" too) or the text of a
 * CSV file. In CSV, cells without an "@" (names, headers, roles) are ignored.
 */
export function parseEmailList(text: string): ParsedEmails {
  const seen = new Set<string>()
  const valid: string[] = []
  const invalid: string[] = []
  for (const raw of text.split(/[\s,;]+/)) {
    const token = raw.replace(/^["'<(]+|[>)"']+$/g, '').trim()
    if (!token.includes('@')) continue
    const email = token.toLowerCase()
    if (!EMAIL_RE.test(email) || email.length > 254) {
      invalid.push(token)
    } else if (!seen.has(email)) {
      seen.add(email)
      valid.push(email)
    }
  }
  return { valid, invalid }
}
