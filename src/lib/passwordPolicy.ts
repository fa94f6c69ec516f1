/**
 * Supabase Auth's password policy, as `supabase/config.toml` sets it (`[auth]`
 * minimum_password_length and password_requirements). vite.config.ts parses the file at build
 * time and defines __PASSWORD_POLICY__, so the policy is written once, in config.toml.
 */
export interface PasswordPolicy {
  minLength: number
  /** Auth's values: "", letters_digits, lower_upper_letters_digits, lower_upper_letters_digits_symbols. */
  requirements: string
}

export interface CharacterRule {
  test: RegExp
  /** What is missing, for the hint ("an upper-case letter"). */
  missing: string
}

/** Reads the [auth] policy keys from the text of config.toml (no TOML library needed for two keys). */
export function parsePasswordPolicy(toml: string): PasswordPolicy {
  const auth = /^\[auth\]\s*$([\s\S]*?)(?=^\[)/m.exec(toml)?.[1] ?? ''
  const min = /^\s*minimum_password_length\s*=\s*(\d+)/m.exec(auth)?.[1]
  const req = /^\s*password_requirements\s*=\s*"([a-z_]*)"/m.exec(auth)?.[1]
  return { minLength: min ? Number(min) : 6, requirements: req ?? '' }
}

/** The character classes a policy demands, in Auth's terms. */
export function characterRules(policy: PasswordPolicy): CharacterRule[] {
  const r = policy.requirements
  const rules: CharacterRule[] = []
  if (r === 'letters_digits') rules.push({ test: /[A-Za-z]/, missing: 'a letter' })
  if (r.startsWith('lower_upper')) {
    rules.push({ test: /[a-z]/, missing: 'a lower-case letter' })
    rules.push({ test: /[A-Z]/, missing: 'an upper-case letter' })
  }
  if (r.includes('digits')) rules.push({ test: /\d/, missing: 'a digit' })
  if (r.includes('symbols'))
    rules.push({ test: /[^A-Za-z0-9]/, missing: 'a symbol such as ! or #' })
  return rules
}

function list(items: string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}

/** The policy in one sentence: "At least 10 characters, with lower- and upper-case letters, a digit and a symbol." */
export function describePolicy(policy: PasswordPolicy): string {
  const r = policy.requirements
  const parts: string[] = []
  if (r === 'letters_digits') parts.push('a letter')
  if (r.startsWith('lower_upper')) parts.push('lower- and upper-case letters')
  if (r.includes('digits')) parts.push('a digit')
  if (r.includes('symbols')) parts.push('a symbol')
  const base = `At least ${policy.minLength} characters`
  return parts.length ? `${base}, with ${list(parts)}.` : `${base}.`
}

/** What a password still lacks under the policy, in words; empty when Auth will accept it. */
export function policyGaps(password: string, policy: PasswordPolicy): string[] {
  const gaps: string[] = []
  if (password.length < policy.minLength) {
    gaps.push(
      `${policy.minLength - password.length} more characters`.replace(
        /^1 more characters/,
        '1 more character',
      ),
    )
  }
  for (const rule of characterRules(policy)) if (!rule.test.test(password)) gaps.push(rule.missing)
  return gaps
}
