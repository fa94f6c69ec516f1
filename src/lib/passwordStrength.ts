export interface PasswordStrength {
  /** 0 (empty) to 4 (strong). */
  score: 0 | 1 | 2 | 3 | 4
  label: 'Too short' | 'Weak' | 'Fair' | 'Good' | 'Strong'
  /** What would make it stronger, for people. */
  hints: string[]
}

export const MIN_PASSWORD_LENGTH = 10

const COMMON = ['password', '123456', 'qwerty', 'letmein', 'welcome', 'admin', 'fluxera']

/** A small, dependency-free estimate for the strength meter; Auth's policy is the enforcement. */
export function passwordStrength(password: string, email = ''): PasswordStrength {
  const hints: string[] = []
  if (password.length < MIN_PASSWORD_LENGTH) {
    hints.push(`Use at least ${MIN_PASSWORD_LENGTH} characters.`)
    return { score: password.length === 0 ? 0 : 1, label: 'Too short', hints }
  }
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
  if (classes < 3) hints.push('Mix upper and lower case letters, digits and symbols.')
  if (password.length < 14) hints.push('Longer is stronger: try a passphrase.')
  const score = Math.max(1, Math.min(4, points)) as 1 | 2 | 3 | 4
  const label = (['Weak', 'Weak', 'Fair', 'Good', 'Strong'] as const)[score]
  return { score, label, hints }
}
