import { describe, expect, it } from 'vitest'
import { datePickerFormat } from './format'

describe('datePickerFormat (bug 6: one date format)', () => {
  it('turns the locale medium date into a DatePicker pattern', () => {
    expect(datePickerFormat('en-US')).toBe('M d, yy')
    expect(datePickerFormat('en-GB')).toBe('d M yy')
  })
})
