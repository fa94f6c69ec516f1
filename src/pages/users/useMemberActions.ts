import { useConfirm } from 'primevue/useconfirm'
import * as api from '@/api/members'
import type { MemberRow } from '@/api/members'
import { useNotify } from '@/composables/useNotify'
import type { MemberAction } from '@/lib/memberRules'
import { ROLE_LABELS, type WorkspaceRole } from '@/lib/roles'

export type { SuspendRequest } from '@/api/members'

/**
 * Confirms, runs and reports one member action; calls `done` after a success. Deactivating and
 * suspending go through the offboarding dialog instead (components/OffboardDialog.vue).
 */
export function useMemberActions(done: () => unknown) {
  const confirm = useConfirm()
  const notify = useNotify()

  const nameOf = (m: MemberRow) => m.full_name || m.email || 'this member'
  const ids = (members: MemberRow[]) => members.map((m) => m.id!)

  function ask(opts: {
    header: string
    message: string
    accept: string
    danger?: boolean
    run: () => Promise<unknown>
    success: string
  }) {
    confirm.require({
      header: opts.header,
      message: opts.message,
      icon: opts.danger ? 'pi pi-exclamation-triangle' : 'pi pi-question-circle',
      acceptProps: { label: opts.accept, severity: opts.danger ? 'danger' : 'primary' },
      rejectProps: { label: 'Cancel', severity: 'secondary', outlined: true },
      accept: async () => {
        if (await notify.attempt(opts.run, { success: opts.success })) await done()
      },
    })
  }

  async function perform(action: MemberAction, m: MemberRow, extra?: { role?: WorkspaceRole }) {
    const id = m.id
    if (!id) return
    const name = nameOf(m)
    switch (action) {
      case 'changeRole': {
        const role = extra?.role
        if (!role) return
        const from = m.role ? ROLE_LABELS[m.role] : 'their role'
        return ask({
          header: 'Change role',
          message: `Change ${name} from ${from} to ${ROLE_LABELS[role]}?`,
          accept: `Make ${ROLE_LABELS[role]}`,
          run: () => api.changeMemberRole(id, role),
          success: `${name} is now ${ROLE_LABELS[role]}.`,
        })
      }
      case 'reactivate':
        return ask({
          header: 'Reactivate member',
          message: `Reactivate ${name}? They get their ${m.role ?? ''} access back.`,
          accept: 'Reactivate',
          run: () => api.reactivateMember(id),
          success: `${name} was reactivated.`,
        })
      case 'lift':
        return ask({
          header: 'Lift suspension',
          message: `Lift the suspension of ${name} now?`,
          accept: 'Lift suspension',
          run: () => api.liftSuspension(id),
          success: `${name} is active again.`,
        })
      case 'remove':
        return ask({
          header: 'Remove member',
          message: `Remove ${name} from this workspace? Their assets are unassigned and their licence seats freed; their activity history is kept.`,
          accept: 'Remove',
          danger: true,
          run: () => api.removeMember(id),
          success: `${name} was removed.`,
        })
      case 'resend':
        return ask({
          header: 'Resend invitation',
          message: `Renew the invitation to ${name} for another full period?`,
          accept: 'Resend',
          run: () => api.resendInvitation(id),
          success: `The invitation to ${name} was renewed.`,
        })
      case 'revoke':
        return ask({
          header: 'Revoke invitation',
          message: `Revoke the invitation sent to ${name}? The link stops working.`,
          accept: 'Revoke',
          danger: true,
          run: () => api.revokeInvitation(id),
          success: `The invitation to ${name} was revoked.`,
        })
    }
  }

  const count = (n: number) => (n === 1 ? '1 member' : `${n} members`)

  /** Bulk role change: all or nothing; a refusal names the first member it is about. */
  function changeRoles(members: MemberRow[], role: WorkspaceRole) {
    const label = ROLE_LABELS[role]
    return ask({
      header: 'Change role',
      message: `Change the role of ${count(members.length)} to ${label}? ${members.map(nameOf).join(', ')}.`,
      accept: `Make ${label}`,
      run: () => api.changeMembersRole(ids(members), role),
      success: `${count(members.length)} now ${members.length === 1 ? 'is' : 'are'} ${label}.`,
    })
  }

  function resendAll(members: MemberRow[]) {
    return ask({
      header: 'Resend invitations',
      message: `Renew the invitations of ${count(members.length)} for another full period? ${members.map(nameOf).join(', ')}.`,
      accept: 'Resend',
      run: () => api.resendInvitations(ids(members)),
      success: `${count(members.length)}: invitation renewed.`,
    })
  }

  return { perform, changeRoles, resendAll }
}
