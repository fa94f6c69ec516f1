import { describe, expect, it } from 'vitest'
import { csvField, csvLine, toCsv } from './csv'

describe('csvField', () => {
  it('leaves plain values alone', () => {
    expect(csvField('member.invited')).toBe('member.invited')
    expect(csvField(42)).toBe('42')
    expect(csvField(null)).toBe('')
  })

  it('quotes commas, quotes and line breaks, doubling inner quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('line1\nline2')).toBe('"line1\nline2"')
  })

  it('writes objects as JSON, quoted', () => {
    expect(csvField({ role: 'admin', n: 1 })).toBe('"{""role"":""admin"",""n"":1}"')
  })

  it('defuses spreadsheet formulas', () => {
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"')
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvField(-5)).toBe('-5')
  })
})

describe('toCsv', () => {
  it('writes CRLF-terminated lines in column order', () => {
    const rows = [
      { a: 1, b: 'x,y' },
      { a: 2, b: null },
    ]
    expect(csvLine(['a', 'b']) + toCsv(rows, ['a', 'b'])).toBe('a,b\r\n1,"x,y"\r\n2,\r\n')
  })
})
