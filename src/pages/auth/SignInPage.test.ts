import { flushPromises } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as auth from '@/api/auth'
import * as sso from '@/api/sso'
import { AppError } from '@/lib/errors'
import { sessionStorageKey } from '@/lib/storedSession'
import { mountWithApp } from '@/test/mountWithApp'
import SignInPage from './SignInPage.vue'

vi.mock('@/api/auth')
vi.mock('@/api/workspaces')
vi.mock('@/api/members')
vi.mock('@/api/sso')

const Blank = { render: () => null }
const routes = [
  { path: '/sign-in', name: 'sign-in', component: Blank },
  { path: '/users', name: 'users', component: Blank },
  { path: '/', component: Blank },
]

beforeEach(() => {
  vi.mocked(auth.signInWithPassword).mockReset()
  vi.mocked(auth.assuranceLevel).mockResolvedValue({ current: 'aal1', next: 'aal1' })
})

async function mountSignedOut() {
  return mountWithApp(SignInPage, {
    signedIn: false,
    routes,
    initialPath: '/sign-in?redirect=/users',
  })
}

async function fillAndSubmit(wrapper: Awaited<ReturnType<typeof mountSignedOut>>['wrapper']) {
  await wrapper.get('#email').setValue('ana@example.com')
  await wrapper.get('#password').setValue('correct horse')
  await wrapper.get('form').trigger('submit')
  await flushPromises()
}

describe('SignInPage', () => {
  it('"Sign in with SSO" asks for the address only and starts SSO for it (docs/sso.md)', async () => {
    vi.mocked(sso.startSsoSignIn).mockResolvedValue()
    const { wrapper } = await mountSignedOut()
    await wrapper.get('[data-test="sso-mode"]').trigger('click')
    expect(wrapper.find('#password').exists()).toBe(false)
    await wrapper.get('#email').setValue(' ana@example.com ')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(sso.startSsoSignIn).toHaveBeenCalledWith('ana@example.com', '/users')
  })

  it('says when the address has no single sign-on', async () => {
    vi.mocked(sso.startSsoSignIn).mockRejectedValue(
      new AppError('Single sign-on is not set up for example.com.', 'sso_provider_not_found'),
    )
    const { wrapper } = await mountWithApp(SignInPage, {
      signedIn: false,
      routes,
      initialPath: '/sign-in?sso=1&email=ana@example.com',
    })
    await wrapper.get('form').trigger('submit')
    // the message component loads with the first message
    await vi.waitFor(() =>
      expect(wrapper.get('[data-test="error"]').text()).toContain('not set up for example.com'),
    )
  })

  it('signs in and goes back to the page that asked for it', async () => {
    vi.mocked(auth.signInWithPassword).mockResolvedValue({
      id: 'u1',
      email: 'ana@example.com',
    } as never)
    const { wrapper, router } = await mountSignedOut()
    await fillAndSubmit(wrapper)
    expect(auth.signInWithPassword).toHaveBeenCalledWith('ana@example.com', 'correct horse')
    expect(router.currentRoute.value.fullPath).toBe('/users')
  })

  it('says clearly when the password is wrong', async () => {
    vi.mocked(auth.signInWithPassword).mockRejectedValue(
      new AppError('Wrong email or password.', 'invalid_credentials'),
    )
    const { wrapper, router } = await mountSignedOut()
    await fillAndSubmit(wrapper)
    await vi.waitFor(() =>
      expect(wrapper.get('[data-test="error"]').text()).toBe('Wrong email or password.'),
    )
    expect(router.currentRoute.value.path).toBe('/sign-in')
  })

  it('says clearly when the email is not confirmed', async () => {
    vi.mocked(auth.signInWithPassword).mockRejectedValue(
      new AppError('Your email address is not confirmed yet.', 'email_not_confirmed'),
    )
    const { wrapper } = await mountSignedOut()
    await fillAndSubmit(wrapper)
    await vi.waitFor(() =>
      expect(wrapper.get('[data-test="error"]').text()).toMatch(/not confirmed/),
    )
  })

  it('checks the email before calling the server', async () => {
    const { wrapper } = await mountSignedOut()
    await wrapper.get('#email').setValue('not-an-email')
    await wrapper.get('form').trigger('submit')
    expect(auth.signInWithPassword).not.toHaveBeenCalled()
    // the message component loads with the first message
    await vi.waitFor(() =>
      expect(wrapper.get('[data-test="error"]').text()).toBe('Enter a valid email address.'),
    )
  })

  it('emails a magic link that returns to the requested page', async () => {
    vi.mocked(auth.sendMagicLink).mockResolvedValue()
    const { wrapper } = await mountSignedOut()
    await wrapper.get('#email').setValue('ana@example.com')
    const button = wrapper.findAll('button').find((b) => b.text() === 'Email me a magic link')!
    await button.trigger('click')
    await flushPromises()
    expect(auth.sendMagicLink).toHaveBeenCalledWith('ana@example.com', '/users')
    await vi.waitFor(() =>
      expect(wrapper.get('[data-test="notice"]').text()).toContain('ana@example.com'),
    )
  })

  it('sends a password reset link', async () => {
    vi.mocked(auth.sendPasswordReset).mockResolvedValue()
    const { wrapper } = await mountSignedOut()
    await wrapper.get('#email').setValue('ana@example.com')
    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Forgot password?')!
      .trigger('click')
    await flushPromises()
    expect(auth.sendPasswordReset).toHaveBeenCalledWith('ana@example.com')
  })

  it('shows who is signed in', async () => {
    // A signed-in browser holds supabase-js's stored session; the page loads the store for it.
    localStorage.setItem(sessionStorageKey, '{}')
    vi.mocked(auth.getSession).mockResolvedValue({
      user: { id: 'u-me', email: 'me@example.com' },
    } as Awaited<ReturnType<typeof auth.getSession>>)
    vi.mocked(auth.sessionTokenRefused).mockResolvedValue(false)
    const { wrapper } = await mountWithApp(SignInPage, { routes, initialPath: '/sign-in' })
    await flushPromises()
    localStorage.removeItem(sessionStorageKey)
    expect(wrapper.get('[data-test="signed-in-as"]').text()).toBe('Signed in as me@example.com.')
    expect(wrapper.find('form').exists()).toBe(false)
  })
})
