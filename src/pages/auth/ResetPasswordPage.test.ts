import { flushPromises } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as auth from '@/api/auth'
import { mountWithApp } from '@/test/mountWithApp'
import ResetPasswordPage from './ResetPasswordPage.vue'

vi.mock('@/api/auth')
vi.mock('@/api/workspaces')
vi.mock('@/api/members')

beforeEach(() => {
  vi.clearAllMocks()
})

describe('ResetPasswordPage', () => {
  it('spends a recovery token only on Continue', async () => {
    vi.mocked(auth.verifyEmailToken).mockResolvedValue({ id: 'u1', email: 'ana@x.com' } as never)
    const { wrapper } = await mountWithApp(ResetPasswordPage, {
      signedIn: false,
      initialPath: '/reset-password?token_hash=r1&type=recovery',
    })
    expect(auth.verifyEmailToken).not.toHaveBeenCalled()
    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Continue')!
      .trigger('click')
    await flushPromises()
    expect(auth.verifyEmailToken).toHaveBeenCalledWith('r1', 'recovery')
    expect(wrapper.find('#new-password').exists()).toBe(true)
  })

  it('refuses a weak password and saves a strong one', async () => {
    vi.mocked(auth.updatePassword).mockResolvedValue()
    const { wrapper } = await mountWithApp(ResetPasswordPage, { initialPath: '/reset-password' })
    await wrapper.get('#new-password').setValue('password1')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.get('[data-test="problem"]').text()).toMatch(
      /Passwords need: at least 10 characters/,
    )
    expect(wrapper.get('[data-test="strength"]').text()).toMatch(/Too short|Weak/)
    await wrapper.get('#new-password').setValue('Quiet-Harbour-Lamp-77')
    await wrapper.get('#repeat-password').setValue('Quiet-Harbour-Lamp-77')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(auth.updatePassword).toHaveBeenCalledWith('Quiet-Harbour-Lamp-77')
  })
})
