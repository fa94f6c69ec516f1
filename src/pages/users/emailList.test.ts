import { describe, expect, it } from 'vitest'
import { parseEmailList } from './emailList'

describe('parseEmailList', () => {
  it('splits on commas, semicolons, spaces and lines, lower-cases and de-duplicates', () => {
    expect(parseEmailList('Ana@X.com, ben@y.org;\ncat@z.io ana@x.com').valid).toEqual([
      'ana@x.com',
      'ben@y.org',
      'cat@z.io',
    ])
  })

  it("accepts 'Name <email>' forms", () => {
    expect(parseEmailList('Ana Lee <ana@x.com>').valid).toEqual(['ana@x.com'])
  })

  it('reports malformed addresses', () => {
    expect(parseEmailList('ok@x.com, bad@, @nope.com, a@b').invalid).toEqual([
      'bad@',
      '@nope.com',
      'a@b',
    ])
  })

  it('reads a CSV file, ignoring headers and other cells', () => {
    const csv = 'name,email,role\n"Lee, Ana",ana@x.com,admin\nBen,ben@y.org,member\n'
    expect(parseEmailList(csv, { csv: true })).toEqual({
      valid: ['ana@x.com', 'ben@y.org'],
      invalid: [],
      skipped: [],
    })
  })

  it('lists every entry that will not be invited, with its reason (bug 2)', () => {
    expect(parseEmailList('a@x.test, not-an-email, b@x.test, A@x.test, c@x').skipped).toEqual([
      { entry: 'not-an-email', reason: 'not an email address' },
      { entry: 'A@x.test', reason: 'listed twice' },
      { entry: 'c@x', reason: 'not a complete email address' },
    ])
  })
})
