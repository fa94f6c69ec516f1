import { onBeforeUnmount, onMounted } from 'vue'
import { useWorkspaceStore } from '@/stores/workspace'

const EVERY_MS = 30_000

/**
 * Keeps the signed-in person's memberships fresh while the app is open, so a deactivation,
 * suspension or removal made by an admin shows as an explanation instead of pages that quietly
 * turn empty (RLS answers a locked-out member with no rows, not with an error). Re-reads on an
 * interval, when the tab regains focus, and (through the router guard) on every navigation.
 */
export function useMembershipWatch() {
  const workspace = useWorkspaceStore()
  let timer: ReturnType<typeof setInterval> | undefined

  const refresh = () => {
    workspace.refresh().catch((err) => console.error('Could not refresh your workspaces', err))
  }
  const onVisible = () => {
    if (document.visibilityState === 'visible') refresh()
  }

  onMounted(() => {
    timer = setInterval(refresh, EVERY_MS)
    window.addEventListener('focus', refresh)
    document.addEventListener('visibilitychange', onVisible)
  })
  onBeforeUnmount(() => {
    clearInterval(timer)
    window.removeEventListener('focus', refresh)
    document.removeEventListener('visibilitychange', onVisible)
  })
}
