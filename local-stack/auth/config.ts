// Settings of the local Auth, read from supabase/config.toml (the file `supabase start` gives the
// real Auth) plus the stack's ports and keys. Every setting config.toml has under [auth] is honoured.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { apiUrl, jwtSecret, ports, root } from '../config.ts'

type TomlValue = string | number | boolean | TomlValue[]
export type TomlTable = { [key: string]: TomlValue | TomlTable }

/** A small reader for the TOML subset config.toml uses: [a.b] tables, strings, numbers, booleans, arrays. */
export function parseToml(text: string): TomlTable {
  const rootTable: TomlTable = {}
  let current = rootTable
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = stripComment(lines[i]!).trim()
    if (!line) continue
    const header = /^\[([^\]]+)\]$/.exec(line)
    if (header) {
      current = rootTable
      for (const part of header[1]!.split('.').map((p) => p.trim().replace(/^"|"$/g, ''))) {
        if (typeof current[part] !== 'object' || Array.isArray(current[part])) current[part] = {}
        current = current[part] as TomlTable
      }
      continue
    }
    const eq = line.indexOf('=')
    if (eq < 0) throw new Error(`config.toml line ${i + 1}: expected key = value`)
    const key = line.slice(0, eq).trim().replace(/^"|"$/g, '')
    let raw = line.slice(eq + 1).trim()
    // Arrays may span lines.
    while (raw.startsWith('[') && !balanced(raw) && i + 1 < lines.length)
      raw += ' ' + stripComment(lines[++i]!).trim()
    current[key] = parseValue(raw)
  }
  return rootTable
}

function stripComment(line: string): string {
  let inString = false
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"' && line[i - 1] !== '\\') inString = !inString
    if (line[i] === '#' && !inString) return line.slice(0, i)
  }
  return line
}

function balanced(s: string): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '"' && s[i - 1] !== '\\') inString = !inString
    else if (!inString && s[i] === '[') depth++
    else if (!inString && s[i] === ']') depth--
  }
  return depth === 0
}

function parseValue(raw: string): TomlValue {
  if (raw.startsWith('"')) return JSON.parse(raw) as string
  if (raw.startsWith("'")) return raw.slice(1, raw.lastIndexOf("'"))
  if (raw === 'true' || raw === 'false') return raw === 'true'
  if (raw.startsWith('[')) {
    const inner = raw.slice(1, raw.lastIndexOf(']'))
    const items: TomlValue[] = []
    let buf = ''
    let inString = false
    for (let i = 0; i < inner.length; i++) {
      const ch = inner[i]
      if (ch === '"' && inner[i - 1] !== '\\') inString = !inString
      if (ch === ',' && !inString) {
        if (buf.trim()) items.push(parseValue(buf.trim()))
        buf = ''
      } else buf += ch
    }
    if (buf.trim()) items.push(parseValue(buf.trim()))
    return items
  }
  const n = Number(raw.replace(/_/g, ''))
  if (!Number.isNaN(n)) return n
  throw new Error(`config.toml: cannot read value ${raw}`)
}

function get(t: TomlTable, path: string): TomlValue | TomlTable | undefined {
  let cur: TomlValue | TomlTable | undefined = t
  for (const part of path.split('.')) {
    if (cur === undefined || typeof cur !== 'object' || Array.isArray(cur)) return undefined
    cur = (cur as TomlTable)[part]
  }
  return cur
}

/** Go-style durations ("1s", "1m30s", "60s") to seconds. */
export function durationSeconds(v: string | number | undefined, fallback: number): number {
  if (v === undefined) return fallback
  if (typeof v === 'number') return v
  let total = 0
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g
  let m: RegExpExecArray | null
  let matched = false
  while ((m = re.exec(v))) {
    matched = true
    const n = Number(m[1])
    total += m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : m[2] === 'ms' ? n / 1000 : n
  }
  return matched ? total : fallback
}

// The character classes Auth requires for each `password_requirements` value.
const LOWER = 'abcdefghijklmnopqrstuvwxyz'
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
const DIGITS = '0123456789'
const SYMBOLS = '!@#$%^&*()_+-=[]{};\'\\:"|<>?,./`~'
export const passwordRequirementSets: Record<string, string[]> = {
  '': [],
  letters_digits: [LOWER + UPPER, DIGITS],
  lower_upper_letters_digits: [LOWER, UPPER, DIGITS],
  lower_upper_letters_digits_symbols: [LOWER, UPPER, DIGITS, SYMBOLS],
}

export type Template = { subject: string; contentPath: string | null }
export type Hook = { enabled: boolean; uri: string; schema: string; fn: string }

export type AuthConfig = {
  port: number
  apiUrl: string
  externalUrl: string // <apiUrl>/auth/v1
  jwtSecret: string
  jwtExp: number
  jwtAud: string
  adminRoles: string[]
  siteUrl: string
  redirectAllowList: string[]
  enableSignup: boolean
  emailEnableSignup: boolean
  enableConfirmations: boolean
  doubleConfirmChanges: boolean
  otpExpiry: number
  otpLength: number
  maxFrequency: number
  emailSentPerHour: number
  passwordMinLength: number
  passwordRequired: string[]
  refreshTokenRotation: boolean
  refreshTokenReuseInterval: number
  mfaMaxFactors: number
  totpEnroll: boolean
  totpVerify: boolean
  mfaChallengeExpiry: number
  templates: Record<string, Template>
  hooks: { customAccessToken: Hook | null; passwordVerificationAttempt: Hook | null }
  smtp: { host: string; port: number; adminEmail: string; senderName: string }
  dbUrl: string
  saml: SamlConfig
}

/**
 * SAML as Auth's GOTRUE_SAML_* variables set it. config.toml has no SAML setting (the Supabase
 * CLI's local Auth runs without SAML), so the stack turns it on with a local-only key, for the
 * stand-in and the real Auth alike (realAuthEnv); GOTRUE_SAML_ENABLED=false turns it off.
 */
export type SamlConfig = {
  enabled: boolean
  /** Base64 of a PKCS#1 DER RSA key (GOTRUE_SAML_PRIVATE_KEY). */
  privateKey: string
  /** GOTRUE_SAML_RELAY_STATE_VALIDITY_PERIOD, seconds (Auth's default 2m). */
  relayStateValidity: number
}

/** The stack's local-only SAML service-provider key (never used outside a local stack). */
export const localSamlKey = () =>
  readFileSync(join(root, 'local-stack', 'auth', 'saml-sp-key.b64'), 'utf8').trim()

function samlConfig(): SamlConfig {
  const env = process.env
  return {
    enabled: (env.GOTRUE_SAML_ENABLED ?? 'true') === 'true',
    privateKey: env.GOTRUE_SAML_PRIVATE_KEY || localSamlKey(),
    relayStateValidity: durationSeconds(env.GOTRUE_SAML_RELAY_STATE_VALIDITY_PERIOD, 120),
  }
}

function hookOf(t: TomlTable, name: string): Hook | null {
  const h = get(t, `auth.hook.${name}`) as TomlTable | undefined
  if (!h || h.enabled !== true || typeof h.uri !== 'string') return null
  const m = /^pg-functions:\/\/[^/]+\/([^/]+)\/([^/]+)$/.exec(h.uri)
  if (!m)
    throw new Error(
      `config.toml [auth.hook.${name}]: only pg-functions:// hooks are supported locally`,
    )
  return { enabled: true, uri: h.uri, schema: m[1]!, fn: m[2]! }
}

/** Shifts a URL's port by the stack's FLUXERA_PORT_OFFSET (config.toml lists the default ports). */
function shiftPort(url: string, offset: number): string {
  if (!offset) return url
  return url.replace(
    /^(https?:\/\/[^/:]+):(\d+)/,
    (_, host: string, port: string) => `${host}:${Number(port) + offset}`,
  )
}

export function loadConfig(file = join(root, 'supabase', 'config.toml')): AuthConfig {
  const t = parseToml(readFileSync(file, 'utf8'))
  const offset = Number(process.env.FLUXERA_PORT_OFFSET ?? 0)
  const str = (p: string, d: string) => (typeof get(t, p) === 'string' ? (get(t, p) as string) : d)
  const num = (p: string, d: number) => (typeof get(t, p) === 'number' ? (get(t, p) as number) : d)
  const bool = (p: string, d: boolean) =>
    typeof get(t, p) === 'boolean' ? (get(t, p) as boolean) : d

  const siteUrl = shiftPort(str('auth.site_url', 'http://127.0.0.1:3000'), offset)
  const listed = ((get(t, 'auth.additional_redirect_urls') as string[] | undefined) ?? []).map(
    String,
  )
  const allow = new Set<string>()
  for (const u of listed) {
    allow.add(u)
    allow.add(shiftPort(u, offset))
  }
  for (const host of ['127.0.0.1', 'localhost']) allow.add(`http://${host}:${ports.e2eApp}/**`)

  const templates: Record<string, Template> = {}
  const defaults: Record<string, string> = {
    invite: 'You have been invited',
    confirmation: 'Confirm Your Email',
    recovery: 'Reset Your Password',
    magic_link: 'Your Magic Link',
    email_change: 'Confirm Email Change',
    reauthentication: 'Confirm reauthentication',
  }
  for (const [name, subject] of Object.entries(defaults)) {
    const tt = get(t, `auth.email.template.${name}`) as TomlTable | undefined
    const contentPath = typeof tt?.content_path === 'string' ? join(root, tt.content_path) : null
    templates[name] = {
      subject: typeof tt?.subject === 'string' ? tt.subject : subject,
      contentPath,
    }
  }

  return {
    port: Number(process.env.AUTH_PORT ?? ports.auth),
    apiUrl,
    externalUrl: `${apiUrl}/auth/v1`,
    jwtSecret,
    jwtExp: num('auth.jwt_expiry', 3600),
    jwtAud: 'authenticated',
    adminRoles: ['service_role', 'supabase_admin'],
    siteUrl,
    redirectAllowList: [...allow],
    enableSignup: bool('auth.enable_signup', true),
    emailEnableSignup: bool('auth.email.enable_signup', true),
    // GOTRUE_MAILER_AUTOCONFIRM, the real Auth's variable, overrides config.toml: the contract
    // tests start a second Auth with autoconfirm on (tests/auth/second-auth.ts).
    enableConfirmations:
      process.env.GOTRUE_MAILER_AUTOCONFIRM !== undefined
        ? process.env.GOTRUE_MAILER_AUTOCONFIRM !== 'true'
        : bool('auth.email.enable_confirmations', false),
    doubleConfirmChanges: bool('auth.email.double_confirm_changes', true),
    otpExpiry: num('auth.email.otp_expiry', 86400),
    otpLength: num('auth.email.otp_length', 6),
    maxFrequency: durationSeconds(get(t, 'auth.email.max_frequency') as string | undefined, 60),
    emailSentPerHour: num('auth.rate_limit.email_sent', 2),
    passwordMinLength: Math.max(6, num('auth.minimum_password_length', 6)),
    passwordRequired: passwordRequirementSets[str('auth.password_requirements', '')] ?? [],
    refreshTokenRotation: bool('auth.enable_refresh_token_rotation', true),
    refreshTokenReuseInterval: num('auth.refresh_token_reuse_interval', 10),
    mfaMaxFactors: num('auth.mfa.max_enrolled_factors', 10),
    totpEnroll: bool('auth.mfa.totp.enroll_enabled', false),
    totpVerify: bool('auth.mfa.totp.verify_enabled', false),
    mfaChallengeExpiry: num('auth.mfa.challenge_expiry_duration', 300),
    templates,
    hooks: {
      customAccessToken: hookOf(t, 'custom_access_token'),
      passwordVerificationAttempt: hookOf(t, 'password_verification_attempt'),
    },
    smtp: {
      host: '127.0.0.1',
      port: ports.smtp,
      adminEmail: 'admin@email.com',
      senderName: 'Admin',
    },
    dbUrl:
      process.env.AUTH_DB_URL ??
      `postgresql://supabase_auth_admin:postgres@127.0.0.1:${ports.db}/postgres`,
    saml: samlConfig(),
  }
}
