import { describe, expect, it } from 'vitest'
import { TEAM } from '@/test/fixtures'
import { membersCsv } from './exportMembers'

describe('membersCsv', () => {
  it('has a header and one line per member, in words, with 2FA', () => {
    const csv = membersCsv(TEAM.slice(0, 2), new Map([['user-owner', true]]))
    const lines = csv.trim().split('\r\n')
    expect(lines[0]).toBe('Name,Email,Role,Status,Two-factor,Last active,Joined,Invited by')
    expect(lines[1]).toMatch(/^Olga Owner,owner@example.com,Owner,Active,Set up,/)
    expect(lines[2]).toMatch(/^Me Admin,me@example.com,Admin,Active,Not set up,/)
  })
})
