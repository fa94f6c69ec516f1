import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import * as api from '@/api/workspaces'
import type { MyMembership } from '@/api/workspaces'
import type { WorkspaceRole } from '@/lib/roles'

const STORAGE_KEY = 'fluxera.workspace'

/** The signed-in person's workspaces, the current one, and their permissions in it. */
export const useWorkspaceStore = defineStore('workspace', () => {
  const memberships = ref<MyMembership[]>([])
  const currentId = ref<string | null>(localStorage.getItem(STORAGE_KEY))
  const permissions = ref<string[]>([])
  const loadedFor = ref<string | null>(null)

  /** Workspaces the person can open: only active memberships reach data. */
  const available = computed(() => memberships.value.filter((m) => m.status === 'active'))
  const pending = computed(() => memberships.value.filter((m) => m.status === 'pending'))
  const current = computed(
    () => available.value.find((m) => m.workspace_id === currentId.value) ?? null,
  )
  const role = computed<WorkspaceRole | null>(() => current.value?.role ?? null)

  async function loadPermissions(): Promise<void> {
    const id = current.value?.workspace_id
    permissions.value = (id ? await api.myPermissions(id) : null) ?? []
  }

  /** Loads memberships and permissions for a user; keeps the remembered workspace if still open. */
  async function load(userId: string): Promise<void> {
    memberships.value = await api.listMyMemberships(userId)
    if (!current.value) currentId.value = available.value[0]?.workspace_id ?? null
    persist()
    await loadPermissions()
    loadedFor.value = userId
  }

  async function ensureLoaded(userId: string): Promise<void> {
    if (loadedFor.value !== userId) await load(userId)
  }

  async function select(workspaceId: string): Promise<void> {
    currentId.value = workspaceId
    persist()
    await loadPermissions()
  }

  function persist() {
    if (currentId.value) localStorage.setItem(STORAGE_KEY, currentId.value)
    else localStorage.removeItem(STORAGE_KEY)
  }

  function reset() {
    memberships.value = []
    permissions.value = []
    loadedFor.value = null
  }

  return {
    memberships,
    currentId,
    permissions,
    available,
    pending,
    current,
    role,
    load,
    ensureLoaded,
    loadPermissions,
    select,
    reset,
  }
})
