import { describe, expect, it } from 'vitest'
import { passwordStrength } from './passwordStrength'

describe('passwordStrength', () => {
  it('scores empty and short passwords low', () => {
    expect(passwordStrength('').score).toBe(0)
    expect(passwordStrength('Ab1!').label).toBe('Too short')
  })

  it('penalises common words and the email name', () => {
    expect(passwordStrength('Password123!', 'ana@x.com').score).toBeLessThanOrEqual(2)
    expect(passwordStrength('anasmith-2024!', 'anasmith@x.com').hints.join(' ')).toMatch(/email/)
  })

  it('rates a long mixed passphrase strong', () => {
    expect(passwordStrength('Correct-Horse-Battery-9').label).toBe('Strong')
  })
})
