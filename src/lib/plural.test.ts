import { describe, expect, it } from 'vitest'
import { plural } from './plural'

describe('plural', () => {
  it('uses the singular for one and the plural otherwise', () => {
    expect(plural(1, 'entry', 'entries')).toBe('1 entry')
    expect(plural(2, 'entry', 'entries')).toBe('2 entries')
    expect(plural(0, 'address', 'addresses')).toBe('0 addresses')
    expect(plural(3, 'item')).toBe('3 items')
  })
})
