import { computed } from 'vue'
import { useWorkspaceStore } from '@/stores/workspace'

/**
 * The current workspace id for pages behind the guard (which guarantees there is one).
 * Returns "" only in the moment a workspace is being switched.
 */
export function useCurrentWorkspace() {
  const store = useWorkspaceStore()
  const workspaceId = computed(() => store.current?.workspace_id ?? '')
  const workspaceName = computed(() => store.current?.workspace_name ?? '')
  return { workspaceId, workspaceName, role: computed(() => store.role) }
}
