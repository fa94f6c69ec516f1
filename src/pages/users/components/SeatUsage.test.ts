import { describe, expect, it } from 'vitest'
import { mountWithApp } from '@/test/mountWithApp'
import SeatUsage from './SeatUsage.vue'

const text = async (seats: { members: number; inUse: number; limit: number | null }) => {
  const { wrapper } = await mountWithApp(SeatUsage, { props: { seats } })
  const words = wrapper.text().replace(/\s+/g, ' ')
  wrapper.unmount()
  return words
}

describe('SeatUsage', () => {
  it('says how many seats the open invitations hold beside the members', async () => {
    const words = await text({ members: 7, inUse: 13, limit: 50 })
    expect(words).toContain('7 members')
    expect(words).toContain('6 invited')
    expect(words).toContain('13 of 50 seats used')
  })

  it('says nothing of invitations when none is open, and names an unlimited plan', async () => {
    const words = await text({ members: 1, inUse: 1, limit: null })
    expect(words).toContain('1 member')
    expect(words).not.toContain('invited')
    expect(words).toContain('1 seat used (no limit)')
  })
})
