import { describe, expect, it } from 'vitest'
import type { Seats } from '@/api/invitations'
import { mountWithApp } from '@/test/mountWithApp'
import Headcount from './Headcount.vue'

const byRole = { owner: 1, admin: 0, member: 0, viewer: 0 }
const text = async (seats: Omit<Seats, 'byRole'>) => {
  const { wrapper } = await mountWithApp(Headcount, { props: { seats: { ...seats, byRole } } })
  const words = wrapper.text().replace(/\s+/g, ' ')
  wrapper.unmount()
  return words
}

describe('Headcount', () => {
  it('says what it counts: members, invitations pending, seats of the plan', async () => {
    const words = await text({
      members: 7,
      invitationsPending: 6,
      deactivated: 0,
      inUse: 13,
      limit: 50,
    })
    expect(words).toContain('7 members')
    expect(words).toContain('6 invitations pending')
    expect(words).toContain('13 of 50 seats used')
    expect(words).not.toContain('deactivated')
  })

  it('names deactivated people apart and an unlimited plan', async () => {
    const words = await text({
      members: 1,
      invitationsPending: 0,
      deactivated: 2,
      inUse: 1,
      limit: null,
    })
    expect(words).toContain('1 member')
    expect(words).toContain('0 invitations pending')
    expect(words).toContain('2 deactivated (no seat)')
    expect(words).toContain('1 seat used (no limit)')
  })
})
