import { computed, ref, type Ref } from 'vue'
import { listPendingInvitations, seatUsage, type Seats } from '@/api/invitations'
import { listAllMembers, workspaceMfaStatus, type MemberRow } from '@/api/members'
import { useNotify } from '@/composables/useNotify'
import { saveFile } from '@/lib/download'
import { matchesSecurity, type SignInFilter, type TwoFactorFilter } from '@/lib/memberSecurity'
import { membersCsv } from './exportMembers'

/**
 * What the Users page shows around the directory table: seat usage, pending invitations, the
 * two-factor state of each member (members.manage), security filters and the CSV export.
 */
export function useDirectoryExtras(workspaceId: Ref<string>, canManage: () => boolean) {
  const notify = useNotify()
  const seats = ref<Seats | null>(null)
  const invitations = ref<MemberRow[]>([])
  const invitationsTotal = ref(0)
  const invitationsLoading = ref(false)
  const enrolled = ref<Map<string, boolean> | null>(null)
  const signIn = ref<SignInFilter>(null)
  const twoFactor = ref<TwoFactorFilter>(null)
  const everyone = ref<MemberRow[] | null>(null)
  const exporting = ref(false)

  const securityActive = computed(() => signIn.value !== null || twoFactor.value !== null)
  const securityRows = computed(() =>
    (everyone.value ?? []).filter((m) =>
      matchesSecurity(m, signIn.value, twoFactor.value, enrolled.value),
    ),
  )

  async function refresh() {
    const id = workspaceId.value
    if (!id) return
    invitationsLoading.value = true
    try {
      const [s, pending, mfa] = await Promise.all([
        seatUsage(id),
        listPendingInvitations(id),
        canManage() ? workspaceMfaStatus(id) : Promise.resolve(null),
      ])
      seats.value = s ?? null
      invitations.value = pending?.rows ?? []
      invitationsTotal.value = pending?.total ?? 0
      enrolled.value = mfa ?? null
      if (everyone.value) everyone.value = await listAllMembers(id)
    } catch (err) {
      notify.error(err, 'Could not load invitations and seats')
    } finally {
      invitationsLoading.value = false
    }
  }

  /** Security filters work over the whole directory (fetched once when first used). */
  async function ensureEveryone() {
    if (everyone.value || !workspaceId.value) return
    try {
      everyone.value = await listAllMembers(workspaceId.value)
    } catch (err) {
      notify.error(err, 'Could not load members')
    }
  }

  async function exportCsv() {
    exporting.value = true
    try {
      const rows = everyone.value ?? (await listAllMembers(workspaceId.value))
      const day = new Date().toISOString().slice(0, 10)
      saveFile(`members-${day}.csv`, [membersCsv(rows, enrolled.value)], 'text/csv')
    } catch (err) {
      notify.error(err, 'Could not export the user list')
    } finally {
      exporting.value = false
    }
  }

  return {
    seats,
    invitations,
    invitationsTotal,
    invitationsLoading,
    enrolled,
    signIn,
    twoFactor,
    securityActive,
    securityRows,
    exporting,
    refresh,
    ensureEveryone,
    exportCsv,
  }
}
