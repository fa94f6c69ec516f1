import { useConfirm } from 'primevue/useconfirm'
import * as invitations from '@/api/invitations'
import * as api from '@/api/members'
import type { MemberRow } from '@/api/members'
import {
  focusAfter,
  lastTrigger,
  memberActionsSelector,
  type FocusTarget,
} from '@/composables/useFocusAfter'
import { useNotify } from '@/composables/useNotify'
import { AppError } from '@/lib/errors'
import { splitForBulk, type MemberAction } from '@/lib/memberActions'
import { plural } from '@/lib/plural'
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
    /** Where focus goes when the dialog is done with (the menu item that opened it is gone). */
    returnTo: FocusTarget[]
  }) {
    const back = () => void focusAfter([...opts.returnTo, '#users-title'])
    confirm.require({
      header: opts.header,
      message: opts.message,
      icon: opts.danger ? 'pi pi-exclamation-triangle' : 'pi pi-question-circle',
      acceptProps: { label: opts.accept, severity: opts.danger ? 'danger' : 'primary' },
      rejectProps: { label: 'Cancel', severity: 'secondary', outlined: true },
      accept: async () => {
        if (await notify.attempt(opts.run, { success: opts.success })) await done()
        back()
      },
      reject: back,
      onHide: back,
    })
  }

  async function perform(action: MemberAction, m: MemberRow, extra?: { role?: WorkspaceRole }) {
    const id = m.id
    if (!id) return
    const name = nameOf(m)
    // The row's own menu button (found anew, as the table may re-render after the change).
    const trigger = lastTrigger()
    const returnTo: FocusTarget[] = [
      ...(trigger ? [trigger] : []),
      () => document.querySelector(memberActionsSelector(id)),
    ]
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
          returnTo,
        })
      }
      case 'reactivate':
        return ask({
          header: 'Reactivate member',
          message: `Reactivate ${name}? They get their ${m.role ?? ''} access back.`,
          accept: 'Reactivate',
          run: () => api.reactivateMember(id),
          success: `${name} was reactivated.`,
          returnTo,
        })
      case 'lift':
        return ask({
          header: 'Lift suspension',
          message: `Lift the suspension of ${name} now?`,
          accept: 'Lift suspension',
          run: () => api.liftSuspension(id),
          success: `${name} is active again.`,
          returnTo,
        })
      case 'remove':
        return ask({
          header: 'Remove member',
          message: `Remove ${name} from this workspace? Their assets are unassigned and their licence seats freed; their activity history is kept.`,
          accept: 'Remove',
          danger: true,
          run: () => api.removeMember(id),
          success: `${name} was removed.`,
          returnTo,
        })
      case 'resend':
        return ask({
          header: 'Resend invitation',
          message: `Mail ${name} a new invitation link, valid for another full period? The old link stops working.`,
          accept: 'Resend',
          run: () => invitations.resendInvitation(id),
          success: `A new invitation was sent to ${name}.`,
          returnTo,
        })
      case 'revoke':
        return ask({
          header: 'Revoke invitation',
          message: `Revoke the invitation sent to ${name}? The link stops working.`,
          accept: 'Revoke',
          danger: true,
          run: () => invitations.revokeInvitation(id),
          success: `The invitation to ${name} was revoked.`,
          returnTo,
        })
    }
  }

  const count = (n: number) => plural(n, 'member')

  /** Who a bulk action leaves out, in words, for the confirmation. */
  const skippedText = (skip: { member: MemberRow; reason: string }[]) =>
    skip.length
      ? ` Skipped: ${skip.map((s) => `${nameOf(s.member)} (${s.reason.replace(/\.$/, '')})`).join('; ')}.`
      : ''

  /**
   * Splits the selection first (yourself, the Owner, members already in that state are skipped,
   * and the confirmation says so), then acts on the rest in one call.
   */
  function bulk(
    action: MemberAction,
    selected: MemberRow[],
    opts: { role?: WorkspaceRole; header: string; question: (n: string) => string; accept: string },
    run: (members: MemberRow[]) => Promise<unknown>,
    success: (n: number) => string,
  ) {
    const { act, skip } = splitForBulk(action, selected, opts.role)
    if (act.length === 0) {
      notify.info(`Nothing to do for ${count(selected.length)}`, skippedText(skip).trim())
      return
    }
    return ask({
      header: opts.header,
      message: `${opts.question(count(act.length))} ${act.map(nameOf).join(', ')}.${skippedText(skip)}`,
      accept: opts.accept,
      run: () => run(act),
      success: success(act.length),
      // The bulk bar goes once the change clears the selection; the page heading stays.
      returnTo: ['[data-test="bulk-role"]'],
    })
  }

  function changeRoles(members: MemberRow[], role: WorkspaceRole) {
    const label = ROLE_LABELS[role]
    return bulk(
      'changeRole',
      members,
      {
        role,
        header: 'Change role',
        question: (n) => `Change the role of ${n} to ${label}?`,
        accept: `Make ${label}`,
      },
      (act) => api.changeMembersRole(ids(act), role),
      (n) => `${count(n)} now ${n === 1 ? 'is' : 'are'} ${label}.`,
    )
  }

  function resendAll(members: MemberRow[]) {
    return bulk(
      'resend',
      members,
      {
        header: 'Resend invitations',
        question: (n) =>
          `Mail ${n} a new invitation link, valid for another full period? Old links stop working.`,
        accept: 'Resend',
      },
      async (act) => {
        const { failed } = await invitations.resendInvitations(ids(act))
        // The renewal held for everyone; say whose mail did not go out.
        if (failed.length)
          notify.error(
            new AppError(failed.map((f) => `${f.email}: ${f.reason}`).join('; '), 'resend_failed'),
            `No new mail could be sent to ${plural(failed.length, 'invitee')}`,
          )
      },
      (n) => `${plural(n, 'invitation')} renewed.`,
    )
  }

  /** The members a bulk deactivation applies to; tells who is skipped and why. */
  function deactivatable(members: MemberRow[]): MemberRow[] {
    const split = splitForBulk('deactivate', members)
    if (split.skip.length) {
      notify.info(`${count(split.skip.length)} left out`, skippedText(split.skip).trim())
    }
    return split.act
  }

  return { perform, changeRoles, resendAll, deactivatable }
}
