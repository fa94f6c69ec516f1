import { useConfirm } from 'primevue/useconfirm'
import * as assetsApi from '@/api/assets'
import * as licensesApi from '@/api/licenses'
import * as api from '@/api/members'
import type { MemberRow } from '@/api/members'
import { useCan } from '@/composables/useCan'
import { useNotify } from '@/composables/useNotify'
import type { MemberAction } from '@/lib/memberRules'
import { ROLE_LABELS, type WorkspaceRole } from '@/lib/roles'

export interface SuspendRequest {
  until: Date | null
  reason: string | null
}

/** Confirms, runs and reports one member action; calls `done` after a success. */
export function useMemberActions(done: () => unknown) {
  const confirm = useConfirm()
  const notify = useNotify()
  const { can } = useCan()

  const nameOf = (m: MemberRow) => m.full_name || m.email || 'this member'

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

  /** What a deactivated member still holds, so the admin can reclaim it. */
  async function holdings(m: MemberRow): Promise<string> {
    if (!m.workspace_id || !m.user_id || !can('assets.view')) return ''
    try {
      const [assets, seats] = await Promise.all([
        assetsApi.assetsAssignedTo(m.workspace_id, m.user_id),
        can('licenses.view') ? licensesApi.seatsHeldBy(m.workspace_id, m.user_id) : [],
      ])
      if (assets.length + seats.length === 0) return ' They hold no assets or licence seats.'
      const names = assets.map((a) => `${a.name} (${a.asset_tag})`).join(', ')
      return ` They still hold ${assets.length} asset(s)${names ? `: ${names}` : ''} and ${seats.length} licence seat(s); reclaim them on the Assets and Licenses pages.`
    } catch {
      return ''
    }
  }

  async function perform(
    action: MemberAction,
    m: MemberRow,
    extra?: { role?: WorkspaceRole; suspend?: SuspendRequest },
  ) {
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
      case 'deactivate':
        return ask({
          header: 'Deactivate member',
          message: `Deactivate ${name}? They lose access at once and, without another workspace, cannot sign in.${await holdings(m)}`,
          accept: 'Deactivate',
          danger: true,
          run: () => api.deactivateMember(id),
          success: `${name} was deactivated.`,
        })
      case 'reactivate':
        return ask({
          header: 'Reactivate member',
          message: `Reactivate ${name}? They get their ${m.role ?? ''} access back.`,
          accept: 'Reactivate',
          run: () => api.reactivateMember(id),
          success: `${name} was reactivated.`,
        })
      case 'suspend': {
        const s = extra?.suspend
        if (!s) return
        const until = s.until ? `until ${s.until.toLocaleDateString()}` : 'until you lift it'
        return ask({
          header: 'Suspend member',
          message: `Suspend ${name} ${until}? They lose access at once.`,
          accept: 'Suspend',
          danger: true,
          run: () => api.suspendMember(id, s.until, s.reason),
          success: `${name} is suspended ${until}.`,
        })
      }
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

  return { perform }
}
