export interface SkippedEntry {
  /** The entry as typed. */
  entry: string
  /** Why it will not be invited, in words. */
  reason: string
}

export interface ParsedEmails {
  /** Well-formed, lower-cased, de-duplicated, in the order given. */
  valid: string[]
  /** Entries that contain an "@" but are not well-formed addresses. */
  invalid: string[]
  /** Every entry that will not be invited, with its reason (malformed, not an address, twice). */
  skipped: SkippedEntry[]
}

const EMAIL_RE = /^[^\s@,;<>"()]+@[^\s@,;<>"()]+\.[^\s@,;<>"()]{2,}$/
const strip = (s: string) => s.replace(/^["'<(\s]+|[>)"'\s]+$/g, '').trim()

/**
 * Reads a pasted list ("a@x.com, b@y.com", one per line, "Name <a@x.com>" too). Every entry that
 * is not a well-formed address is reported with its reason, never dropped silently. With
 * `csv: true` (the text of a CSV file), cells without an "@" (names, headers, roles) are ignored.
 */
export function parseEmailList(text: string, options: { csv?: boolean } = {}): ParsedEmails {
  const seen = new Set<string>()
  const valid: string[] = []
  const invalid: string[] = []
  const skipped: SkippedEntry[] = []

  const consider = (token: string) => {
    if (!token) return
    if (!token.includes('@')) {
      if (!options.csv) skipped.push({ entry: token, reason: 'not an email address' })
      return
    }
    const email = token.toLowerCase()
    if (!EMAIL_RE.test(email) || email.length > 254) {
      invalid.push(token)
      skipped.push({ entry: token, reason: 'not a complete email address' })
    } else if (seen.has(email)) {
      skipped.push({ entry: token, reason: 'listed twice' })
    } else {
      seen.add(email)
      valid.push(email)
    }
  }

  for (const raw of text.split(/[,;\n\r]+/)) {
    const entry = raw.trim()
    if (!entry) continue
    const bracketed = /<([^>]*)>/.exec(entry)
    if (bracketed) consider(strip(bracketed[1] ?? ''))
    else if (!entry.includes('@')) consider(strip(entry))
    else for (const token of entry.split(/\s+/)) consider(strip(token))
  }
  return { valid, invalid, skipped }
}
