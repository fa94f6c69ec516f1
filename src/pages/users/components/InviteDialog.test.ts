import { flushPromises } from '@vue/test-utils'
import Select from 'primevue/select'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as invitations from '@/api/invitations'
import { MAX_INVITES_PER_REQUEST } from '../../../../supabase/functions/_shared/invite-input'
import { mountWithApp } from '@/test/mountWithApp'
import InviteDialog from './InviteDialog.vue'

vi.mock('@/api/invitations')
vi.mock('@/api/auth')
vi.mock('@/api/workspaces')

beforeEach(() => {
  vi.mocked(invitations.inviteMembers).mockReset()
})

const mountDialog = (myRole: 'owner' | 'admin' = 'admin') =>
  mountWithApp(InviteDialog, {
    role: myRole,
    props: { visible: true, workspaceId: 'ws-1', myRole },
  })

describe('InviteDialog', () => {
  it('offers only the roles the inviter may grant, never Owner', async () => {
    const { wrapper } = await mountDialog('owner')
    const options = wrapper.findComponent(Select).props('options') as { value: string }[]
    expect(options.map((o) => o.value)).toEqual(['admin', 'member', 'viewer'])
  })

  it('sends a pasted list and shows the result for each address', async () => {
    vi.mocked(invitations.inviteMembers).mockResolvedValue({
      invited: ['ana@x.com'],
      failed: [{ email: 'ben@y.org', reason: 'Already a member of this workspace.' }],
    })
    const { wrapper } = await mountDialog()
    await wrapper.get('textarea').setValue('Ana@x.com, ben@y.org\nana@x.com')
    expect(wrapper.get('[data-test="invite-send"]').text()).toBe('Send 2 invitations')
    await wrapper.get('form').trigger('submit')
    await flushPromises()

    expect(invitations.inviteMembers).toHaveBeenCalledWith(
      'ws-1',
      ['ana@x.com', 'ben@y.org'],
      'member',
    )
    expect(wrapper.get('[data-test="invited"]').text()).toContain('ana@x.com')
    expect(wrapper.get('[data-test="failed"]').text()).toContain('ben@y.org — Already a member')
    expect(wrapper.emitted('invited')).toHaveLength(1)
  })

  it('names a malformed address, sends the others and reports it among the outcomes', async () => {
    vi.mocked(invitations.inviteMembers).mockResolvedValue({ invited: ['ok@x.com'], failed: [] })
    const { wrapper } = await mountDialog()
    await wrapper.get('textarea').setValue('ok@x.com, broken@')
    expect(wrapper.get('[data-test="invite-problem"]').text()).toContain('broken@')
    expect(wrapper.get('[data-test="invite-send"]').attributes('disabled')).toBeUndefined()
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(invitations.inviteMembers).toHaveBeenCalledWith('ws-1', ['ok@x.com'], 'member')
    expect(wrapper.get('[data-test="failed"]').text()).toContain(
      'broken@ — Not a valid email address.',
    )
  })

  it('allows exactly as many addresses as the edge function takes per call', async () => {
    expect(MAX_INVITES_PER_REQUEST).toBe(100)
    const { wrapper } = await mountDialog()
    const list = (n: number) => Array.from({ length: n }, (_, i) => `p${i}@x.com`).join('\n')
    await wrapper.get('textarea').setValue(list(100))
    expect(wrapper.find('[data-test="invite-problem"]').exists()).toBe(false)
    await wrapper.get('textarea').setValue(list(101))
    expect(wrapper.get('[data-test="invite-problem"]').text()).toBe(
      'At most 100 addresses at a time.',
    )
    expect(wrapper.get('[data-test="invite-send"]').attributes('disabled')).toBeDefined()
  })

  it('reads addresses from a CSV file', async () => {
    const { wrapper } = await mountDialog()
    const input = wrapper.get('[data-test="csv-input"]')
    const file = new File(['name,email\nAna,ana@x.com\nBen,ben@y.org\n'], 'team.csv', {
      type: 'text/csv',
    })
    Object.defineProperty(input.element, 'files', { value: [file] })
    await input.trigger('change')
    await flushPromises()
    expect((wrapper.get('textarea').element as HTMLTextAreaElement).value).toBe(
      'ana@x.com\nben@y.org',
    )
  })

  it('shows the error of a failed call', async () => {
    vi.mocked(invitations.inviteMembers).mockRejectedValue(new Error('Seat limit reached.'))
    const { wrapper } = await mountDialog()
    await wrapper.get('textarea').setValue('ana@x.com')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toContain('Seat limit reached.')
  })
})
