import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import * as api from '@/api/workspaces'
import type { MyMembership, SsoGate, TwoFactorGate } from '@/api/workspaces'
import type { Lockout } from '@/lib/lockout'
import type { WorkspaceRole } from '@/lib/roles'

/** The last workspace used, remembered per user (one browser may serve several people). */
const storageKey = (userId: string) => `fluxera.workspace:${userId}`
const NAMES_KEY = 'fluxera.workspace-names'

/**
 * Names of workspaces seen while active. RLS hides the workspace row from a member who is no
 * longer active, so the locked-out page would otherwise not know what to call it.
 */
function rememberedNames(): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(NAMES_KEY) ?? '{}')
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {}
  } catch {
    return {}
  }
}

function withNames(rows: MyMembership[]): MyMembership[] {
  const names = rememberedNames()
  for (const row of rows) if (row.workspace_name) names[row.workspace_id] = row.workspace_name
  localStorage.setItem(NAMES_KEY, JSON.stringify(names))
  return rows.map((row) => ({
    ...row,
    workspace_name: row.workspace_name || names[row.workspace_id] || '',
  }))
}

function firstByName(rows: MyMembership[]): MyMembership | undefined {
  return [...rows].sort(
    (a, b) =>
      a.workspace_name.localeCompare(b.workspace_name) ||
      a.workspace_id.localeCompare(b.workspace_id),
  )[0]
}

/** The signed-in person's workspaces, the current one, and their permissions in it. */
export const useWorkspaceStore = defineStore('workspace', () => {
  const memberships = ref<MyMembership[]>([])
  const currentId = ref<string | null>(null)
  /** Active workspaces that need two-factor authentication before their data opens. */
  const gates = ref<TwoFactorGate[]>([])
  /** Active workspaces that require signing in through their identity provider (docs/sso.md). */
  const ssoGates = ref<SsoGate[]>([])
  const permissions = ref<string[]>([])
  const loadedFor = ref<string | null>(null)
  /**
   * The current workspace's membership vanished mid-session: removed (invitation revoked), or
   * the session itself was revoked (offboarding signs people out), when the database hides all.
   */
  const lost = ref<{
    kind: 'removed' | 'signed_out'
    workspaceId: string
    workspaceName: string
  } | null>(null)
  let inFlight: Promise<void> | null = null

  /** The database's effective status (an ended suspension is active), read with the row. */
  const isActive = (m: MyMembership) => m.effective_status === 'active'

  /** Workspaces the person can open: only effectively active memberships reach data. */
  const available = computed(() => memberships.value.filter(isActive))
  const pending = computed(() => memberships.value.filter((m) => m.status === 'pending'))
  const current = computed(
    () => available.value.find((m) => m.workspace_id === currentId.value) ?? null,
  )
  const role = computed<WorkspaceRole | null>(() => current.value?.role ?? null)

  /** Why the current workspace cannot be used, or null when it can (or none is chosen). */
  const lockout = computed<Lockout | null>(() => {
    const id = currentId.value
    if (!id || loadedFor.value === null) return null
    if (lost.value?.workspaceId === id) return { ...lost.value }
    const row = memberships.value.find((m) => m.workspace_id === id)
    if (!row) return null
    const status = row.effective_status
    const gate = gates.value.find((g) => g.workspace_id === id)
    if (status === 'active' && gate) {
      return {
        kind: 'two_factor',
        workspaceId: id,
        workspaceName: row.workspace_name || gate.workspace_name,
        requirement: gate.require_2fa === 'admins' ? 'admins' : 'everyone',
      }
    }
    const ssoGate = ssoGates.value.find((g) => g.workspace_id === id)
    if (status === 'active' && ssoGate) {
      return {
        kind: 'sso',
        workspaceId: id,
        workspaceName: row.workspace_name || ssoGate.workspace_name,
        connectionName: ssoGate.connection_name,
        owner: ssoGate.role === 'owner',
      }
    }
    if (status === 'active') return null
    return {
      kind: status,
      workspaceId: id,
      workspaceName: row.workspace_name,
      suspendedUntil: row.suspended_until ?? null,
      reason: row.status_reason ?? null,
    }
  })

  async function loadPermissions(): Promise<void> {
    const id = current.value?.workspace_id
    permissions.value = (id ? await api.myPermissions(id) : null) ?? []
  }

  /**
   * Loads memberships and permissions for a user. The remembered workspace stays current even
   * when it is no longer active, so the layout can say why; a membership that disappears
   * mid-session is reported as such, one unknown from the start is forgotten.
   */
  async function load(userId: string): Promise<void> {
    const previous = loadedFor.value === userId ? memberships.value : []
    if (loadedFor.value !== userId) currentId.value = localStorage.getItem(storageKey(userId))
    const [listed, gated, ssoGated] = await Promise.all([
      api.listMyMemberships(),
      // The gates only explain; a failure here must not stop the workspace from loading.
      Promise.resolve()
        .then(() => api.myTwoFactorGates())
        .catch(() => [] as TwoFactorGate[]),
      Promise.resolve()
        .then(() => api.mySsoGates())
        .catch(() => [] as SsoGate[]),
    ])
    gates.value = gated ?? []
    ssoGates.value = ssoGated ?? []
    const rows = withNames(listed)
    const id = currentId.value
    if (id && !rows.some((m) => m.workspace_id === id)) {
      const had = previous.find((m) => m.workspace_id === id)
      // Nothing at all comes back for a revoked session (offboarding signs people out), also
      // right after a reload: then say so, by the workspace's remembered name.
      const revoked = rows.length === 0 && (await api.sessionAlive().catch(() => true)) === false
      if (revoked) {
        const workspaceName = had?.workspace_name ?? rememberedNames()[id] ?? ''
        lost.value = { kind: 'signed_out', workspaceId: id, workspaceName }
      } else if (had) {
        lost.value = { kind: 'removed', workspaceId: id, workspaceName: had.workspace_name }
      } else if (lost.value?.workspaceId !== id) currentId.value = null
    }
    memberships.value = rows
    // No remembered choice: the first by name, never whichever row the database returned first.
    // With nothing open, the first blocked membership (suspended, pending, …) becomes current, so
    // the layout says why instead of offering to create a workspace.
    if (!currentId.value) {
      currentId.value =
        (firstByName(available.value) ?? firstByName(memberships.value))?.workspace_id ?? null
    }
    persist(userId)
    await loadPermissions()
    loadedFor.value = userId
  }

  async function ensureLoaded(userId: string): Promise<void> {
    if (loadedFor.value !== userId) await load(userId)
  }

  /** Re-reads memberships (status changes made by an admin meanwhile); one request at a time. */
  function refresh(): Promise<void> {
    const userId = loadedFor.value
    if (!userId) return Promise.resolve()
    inFlight ??= load(userId).finally(() => (inFlight = null))
    return inFlight
  }

  async function select(workspaceId: string): Promise<void> {
    currentId.value = workspaceId
    lost.value = null
    if (loadedFor.value) persist(loadedFor.value)
    await loadPermissions()
  }

  function persist(userId: string) {
    if (currentId.value) localStorage.setItem(storageKey(userId), currentId.value)
    else localStorage.removeItem(storageKey(userId))
  }

  function reset() {
    memberships.value = []
    gates.value = []
    ssoGates.value = []
    currentId.value = null
    permissions.value = []
    loadedFor.value = null
    lost.value = null
  }

  return {
    memberships,
    gates,
    ssoGates,
    currentId,
    permissions,
    loadedFor,
    available,
    pending,
    current,
    role,
    lockout,
    load,
    ensureLoaded,
    refresh,
    loadPermissions,
    select,
    reset,
  }
})
