import { describe, expect, it } from 'vitest'
import { escapeLike, orIlike } from './postgrest'

describe('orIlike', () => {
  it('matches a substring in each column', () => {
    expect(orIlike(['full_name', 'email'], 'ana')).toBe(
      'full_name.ilike."%ana%",email.ilike."%ana%"',
    )
  })

  it('keeps PostgREST syntax characters literal', () => {
    expect(orIlike(['email'], 'a,b).c"d')).toBe('email.ilike."%a,b).c\\"d%"')
  })

  it('escapes LIKE wildcards typed by the user', () => {
    expect(escapeLike('100%_done')).toBe('100\\%\\_done')
    expect(orIlike(['email'], 'a_b')).toBe('email.ilike."%a\\\\_b%"')
  })
})
