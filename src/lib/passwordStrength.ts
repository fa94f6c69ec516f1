import { describePolicy, policyGaps, type PasswordPolicy } from './passwordPolicy'

declare const __PASSWORD_POLICY__: PasswordPolicy

/** The project's policy, from supabase/config.toml (vite.config.ts defines it at build time). */
export const PASSWORD_POLICY: PasswordPolicy = __PASSWORD_POLICY__

export interface PasswordStrength {
  /** 0 (empty) to 4 (strong). Below 2 means Auth would refuse it. */
  score: 0 | 1 | 2 | 3 | 4
  label: 'Too short' | 'Not accepted yet' | 'Weak' | 'Fair' | 'Good' | 'Strong'
  /** Whether Auth's policy (supabase/config.toml) accepts it. */
  meetsPolicy: boolean
  /** What would make it acceptable or stronger, in words. */
  hints: string[]
}

/** The policy as people read it, e.g. "At least 10 characters, with lower- and upper-case letters, a digit and a symbol." */
export const PASSWORD_RULE_TEXT = describePolicy(PASSWORD_POLICY)
export const MIN_PASSWORD_LENGTH = PASSWORD_POLICY.minLength

const COMMON = ['password', '123456', 'qwerty', 'letmein', 'welcome', 'admin', 'fluxera']

/**
 * A small, dependency-free estimate for the strength meter. A password Auth's policy refuses is
 * never rated above "Not accepted yet"; the hint says what is missing.
 */
export function passwordStrength(
  password: string,
  email = '',
  policy: PasswordPolicy = PASSWORD_POLICY,
): PasswordStrength {
  const gaps = policyGaps(password, policy)
  if (password.length === 0) {
    return { score: 0, label: 'Too short', meetsPolicy: false, hints: [describePolicy(policy)] }
  }
  if (gaps.length) {
    const label = password.length < policy.minLength ? 'Too short' : 'Not accepted yet'
    return { score: 1, label, meetsPolicy: false, hints: [`Still needed: ${joinWords(gaps)}.`] }
  }
  const hints: string[] = []
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length
  let points = classes - 1 + (password.length >= 14 ? 1 : 0) + (password.length >= 20 ? 1 : 0)
  const lower = password.toLowerCase()
  const local = email.split('@')[0]?.toLowerCase() ?? ''
  if (COMMON.some((word) => lower.includes(word)) || (local.length >= 3 && lower.includes(local))) {
    points -= 2
    hints.push('Avoid common words and your email address.')
  }
  if (/(.)\1{2,}/.test(password)) {
    points -= 1
    hints.push('Avoid repeated characters.')
  }
  if (password.length < 14) hints.push('Longer is stronger: try a passphrase.')
  const label = points <= 1 ? 'Weak' : points === 2 ? 'Fair' : points === 3 ? 'Good' : 'Strong'
  const score = points <= 2 ? 2 : points === 3 ? 3 : 4
  return { score, label, meetsPolicy: true, hints }
}

function joinWords(items: string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}

/** Why a new password cannot be saved, in words, or null when it can. */
export function passwordProblem(password: string, email = ''): string | null {
  const s = passwordStrength(password, email)
  if (!s.meetsPolicy)
    return `Passwords need: ${lowerFirst(PASSWORD_RULE_TEXT)} ${s.hints.join(' ')}`
  if (s.score < 3) {
    return 'This password is easy to guess. Make it longer (a passphrase works well) and avoid common words and your email address.'
  }
  return null
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1)
}
