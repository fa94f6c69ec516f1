import { describe, expect, it } from 'vitest'
import { parsePasswordPolicy, describePolicy } from './passwordPolicy'
import { PASSWORD_RULE_TEXT, passwordStrength } from './passwordStrength'

describe('passwordStrength', () => {
  it('scores empty and short passwords low', () => {
    expect(passwordStrength('').score).toBe(0)
    expect(passwordStrength('Ab1!').label).toBe('Too short')
    expect(passwordStrength('Ab1!').hints[0]).toBe('Still needed: 6 more characters.')
  })

  it('never rates a password Auth refuses above "Not accepted yet" (bug 6)', () => {
    const refused = passwordStrength('correcthorsebattery9staple')
    expect(refused.meetsPolicy).toBe(false)
    expect(refused.label).toBe('Not accepted yet')
    expect(refused.score).toBe(1)
    expect(refused.hints[0]).toBe('Still needed: an upper-case letter and a symbol such as ! or #.')
  })

  it('penalises common words and the email name', () => {
    expect(passwordStrength('Password123!', 'ana@x.com').score).toBeLessThanOrEqual(2)
    expect(passwordStrength('Anasmith-2024!', 'anasmith@x.com').hints.join(' ')).toMatch(/email/)
  })

  it('rates a long mixed passphrase strong', () => {
    expect(passwordStrength('Correct-Horse-Battery-9').label).toBe('Strong')
  })
})

describe('the password policy comes from supabase/config.toml', () => {
  it('is read from the [auth] section, in words', async () => {
    const toml = (await import('../../supabase/config.toml?raw')).default
    const policy = parsePasswordPolicy(toml)
    expect(policy.minLength).toBeGreaterThan(0)
    expect(PASSWORD_RULE_TEXT).toBe(describePolicy(policy))
    expect(
      describePolicy({ minLength: 10, requirements: 'lower_upper_letters_digits_symbols' }),
    ).toBe('At least 10 characters, with lower- and upper-case letters, a digit and a symbol.')
  })
})
