import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import * as api from '@/api/catalogue'
import type {
  ActivityAction,
  ActivityEntityType,
  PermissionArea,
  PermissionRow,
} from '@/api/catalogue'
import { humaniseKey } from '@/lib/activitySentence'

/**
 * The database's catalogues, read once per signed-in session: permissions (with owner-only flags,
 * descriptions and areas) and the activity actions and entity types with their labels and
 * sentence templates. The SPA keeps no copy of its own; until loaded, names fall back to the key
 * in words.
 */
export const useCatalogueStore = defineStore('catalogue', () => {
  const permissions = ref<PermissionRow[]>([])
  const areas = ref<PermissionArea[]>([])
  const actions = ref<ActivityAction[]>([])
  const entityTypes = ref<ActivityEntityType[]>([])
  const loaded = ref(false)
  let inFlight: Promise<void> | null = null

  /** Loads the catalogues unless already loaded; concurrent callers share one request. */
  function ensureLoaded(): Promise<void> {
    if (loaded.value) return Promise.resolve()
    inFlight ??= api
      .loadCatalogue()
      .then((c) => {
        permissions.value = c.permissions
        areas.value = c.areas
        actions.value = c.actions
        entityTypes.value = c.entityTypes
        loaded.value = true
      })
      .finally(() => (inFlight = null))
    return inFlight
  }

  const ownerOnly = computed(
    () => new Set(permissions.value.filter((p) => p.owner_only).map((p) => p.key)),
  )
  const actionByKey = computed(() => new Map(actions.value.map((a) => [a.key, a])))
  const permissionByKey = computed(() => new Map(permissions.value.map((p) => [p.key, p])))
  const entityTypeByKey = computed(() => new Map(entityTypes.value.map((e) => [e.key, e])))

  const actionLabel = (key: string) => actionByKey.value.get(key)?.label ?? humaniseKey(key)
  const entityTypeLabel = (key: string) => entityTypeByKey.value.get(key)?.label ?? humaniseKey(key)
  const permissionDescription = (key: string) =>
    permissionByKey.value.get(key)?.description ?? humaniseKey(key)

  function reset() {
    permissions.value = []
    areas.value = []
    actions.value = []
    entityTypes.value = []
    loaded.value = false
  }

  return {
    permissions,
    areas,
    actions,
    entityTypes,
    loaded,
    ensureLoaded,
    ownerOnly,
    actionByKey,
    permissionByKey,
    actionLabel,
    entityTypeLabel,
    permissionDescription,
    reset,
  }
})
