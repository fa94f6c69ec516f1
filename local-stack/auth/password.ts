// Passwords: bcrypt ($2a$, cost 10, like Auth; pgcrypto's crypt() hashes verify too) and the policy.
import bcrypt from 'bcryptjs'
import { randomInt } from 'node:crypto'
import type { AuthConfig } from './config.ts'
import { badRequest, weakPassword } from './errors.ts'

export async function hashPassword(password: string): Promise<string> {
  const salt = await bcrypt.genSalt(10)
  return (await bcrypt.hash(password, salt)).replace(/^\$2b\$/, '$2a$')
}

export async function verifyPassword(password: string, hash: string | null): Promise<boolean> {
  if (!hash || !hash.startsWith('$2')) return false
  return bcrypt.compare(password, hash.replace(/^\$2[xy]\$/, '$2a$'))
}

/** Auth's checkPasswordStrength: too long is 400, weak is 422 weak_password with reasons. */
export function checkPasswordStrength(cfg: AuthConfig, password: string) {
  if (password.length > 72)
    throw badRequest('validation_failed', 'Password cannot be longer than 72 characters')
  const reasons: string[] = []
  const messages: string[] = []
  if (password.length < cfg.passwordMinLength) {
    reasons.push('length')
    messages.push(`Password should be at least ${cfg.passwordMinLength} characters.`)
  }
  for (const set of cfg.passwordRequired) {
    if (set && ![...password].some((ch) => set.includes(ch))) {
      reasons.push('characters')
      messages.push(
        `Password should contain at least one character of each: ${cfg.passwordRequired.join(', ')}.`,
      )
      break
    }
  }
  if (reasons.length) throw weakPassword(messages.join(' '), reasons)
}

/** A random password meeting the policy (for users Auth creates without one). */
export function randomPassword(cfg: AuthConfig, length = 33): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
  let out = cfg.passwordRequired.map((set) => set[randomInt(set.length)]).join('')
  while (out.length < length) out += alphabet[randomInt(alphabet.length)]
  return out
}
