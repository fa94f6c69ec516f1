import { describe, expect, it } from 'vitest'
import { outcomeWords, readablePath, requestWords } from './scimRequest'

describe('requestWords', () => {
  it('names what the identity provider did', () => {
    expect(requestWords('POST', '/Users')).toBe('Created a user')
    expect(requestWords('POST', '/v2/Users')).toBe('Created a user')
    expect(requestWords('GET', '/v2/Groups/7')).toBe('Read a group')
    expect(requestWords('PATCH', '/Users/1f0c')).toBe('Updated a user')
    expect(requestWords('PUT', '/Groups/9')).toBe('Replaced a group')
    expect(requestWords('DELETE', '/Users/1f0c')).toBe('Deleted a user')
    expect(requestWords('GET', '/Users/1f0c')).toBe('Read a user')
    expect(requestWords('GET', '/Users?filter=userName%20eq%20%22a%22')).toBe('Looked up users')
    expect(requestWords('GET', '/Users?startIndex=1&count=2')).toBe('Listed users')
    expect(requestWords('GET', '/Groups?excludedAttributes=members')).toBe('Listed groups')
    expect(requestWords('GET', '/ServiceProviderConfig')).toBe("Read the service's capabilities")
    expect(requestWords('GET', '/Bulk')).toBe('Other request')
  })
})

describe('outcomeWords', () => {
  it('says whether it worked, with the status', () => {
    expect(outcomeWords(201)).toEqual({ text: 'Succeeded (201)', ok: true })
    expect(outcomeWords(409)).toEqual({ text: 'Refused: conflict (409)', ok: false })
    expect(outcomeWords(401)).toEqual({ text: 'Refused: token not accepted (401)', ok: false })
    expect(outcomeWords(503)).toEqual({ text: 'Failed on our side (503)', ok: false })
    expect(outcomeWords(418)).toEqual({ text: 'Refused (418)', ok: false })
  })
})

describe('readablePath', () => {
  it('decodes a filter, and leaves a broken escape as it came', () => {
    expect(readablePath('/v2/Users?filter=userName%20eq%20%22a%40b.test%22')).toBe(
      '/v2/Users?filter=userName eq "a@b.test"',
    )
    expect(readablePath('/v2/Users?filter=%E0%A4%A')).toBe('/v2/Users?filter=%E0%A4%A')
  })
})
