import { describe, expect, it } from 'vitest'
import { describeLockout } from './lockout'

describe('describeLockout', () => {
  it('names the workspace and who can reactivate', () => {
    const text = describeLockout({ kind: 'inactive', workspaceId: 'w', workspaceName: 'Acme Corp' })
    expect(text.lines).toEqual([
      'Your access to Acme Corp has been deactivated.',
      'Ask an admin of Acme Corp to reactivate you.',
    ])
  })

  it('gives the end of a suspension and the reason', () => {
    const text = describeLockout({
      kind: 'suspended',
      workspaceId: 'w',
      workspaceName: 'Acme Corp',
      suspendedUntil: '2030-01-01T00:00:00Z',
      reason: 'Laptop lost',
    })
    expect(text.lines[0]).toMatch(/suspended until .*2030/)
    expect(text.lines).toContain('Reason given: Laptop lost')
  })

  it('says an open-ended suspension lasts until lifted', () => {
    const text = describeLockout({ kind: 'suspended', workspaceId: 'w', workspaceName: 'Acme' })
    expect(text.lines[0]).toBe(
      'Your access to Acme is suspended until an admin lifts the suspension.',
    )
  })

  it('tells someone whose session was revoked to sign in again', () => {
    const text = describeLockout({ kind: 'signed_out', workspaceId: 'w', workspaceName: 'Acme' })
    expect(text.title).toBe('You have been signed out')
    expect(text.lines[1]).toBe(
      'Sign in again. If your account is disabled, ask an admin of Acme to reactivate you.',
    )
  })

  it('falls back to "this workspace" when the name is unknown', () => {
    const text = describeLockout({ kind: 'removed', workspaceId: 'w', workspaceName: '' })
    expect(text.lines[0]).toBe('You are no longer a member of this workspace.')
  })
})
