import { isAllowed, type PermissionKey } from '@/lib/permissions'
import { useWorkspaceStore } from '@/stores/workspace'

/** `can('members.invite')` against the current workspace's permissions. Reactive in templates. */
export function useCan() {
  const workspace = useWorkspaceStore()
  const can = (permission: PermissionKey): boolean => isAllowed(workspace.permissions, permission)
  return { can }
}
