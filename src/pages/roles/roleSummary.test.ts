import { describe, expect, it } from 'vitest'
import { TEST_CATALOGUE } from '@/test/catalogue'
import { changeSentence, summariseRole } from './roleSummary'

describe('summariseRole', () => {
  it('lists what a role may do by area, in words', () => {
    const held = new Set(['assets.view', 'assets.edit', 'members.view'])
    expect(
      summariseRole((k) => held.has(k), TEST_CATALOGUE.permissions, TEST_CATALOGUE.areas),
    ).toEqual([
      { area: 'Assets', allowed: ['see assets', 'edit assets'] },
      { area: 'People', allowed: ['see the team directory'] },
    ])
  })
})

describe('changeSentence', () => {
  it('says what a change allows or takes away', () => {
    const edit = TEST_CATALOGUE.permissions.find((p) => p.key === 'assets.edit')
    expect(changeSentence('Member', edit, 'assets.edit', true)).toBe(
      'Members will be able to edit assets.',
    )
    expect(changeSentence('Viewer', edit, 'assets.edit', false)).toBe(
      'Viewers will no longer be able to edit assets.',
    )
  })
})
