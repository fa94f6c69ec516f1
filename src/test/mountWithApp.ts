import type { User } from '@supabase/supabase-js'
import { mount, flushPromises, type ComponentMountingOptions } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import PrimeVue from 'primevue/config'
import { a11yPassThrough } from '@/a11yPassThrough'
import ConfirmationService from 'primevue/confirmationservice'
import ToastService from 'primevue/toastservice'
import Tooltip from 'primevue/tooltip'
import { createMemoryHistory, createRouter, type RouteRecordRaw } from 'vue-router'
import type { Component } from 'vue'
import type { WorkspaceRole } from '@/lib/roles'
import { PERMISSION_KEYS, type PermissionKey } from '@/lib/permissions'
import { useCatalogueStore } from '@/stores/catalogue'
import { useSessionStore } from '@/stores/session'
import { TEST_CATALOGUE } from './catalogue'
import { useWorkspaceStore } from '@/stores/workspace'

/** Default permissions per role, as in docs/product-rules.md (Roles and permissions). */
export const ROLE_PERMISSIONS: Record<WorkspaceRole, readonly PermissionKey[]> = {
  owner: PERMISSION_KEYS,
  admin: PERMISSION_KEYS.filter(
    (p) =>
      ![
        'billing.manage',
        'workspace.delete',
        'ownership.transfer',
        'reporting.credentials',
      ].includes(p),
  ),
  member: [
    'assets.view',
    'assets.create',
    'licenses.view',
    'licenses.create',
    'reports.view',
    'members.view',
  ],
  viewer: ['assets.view', 'licenses.view', 'reports.view', 'members.view'],
}

export const ME = { id: 'user-me', email: 'me@example.com' }
export const WORKSPACE_ID = 'ws-1'

export interface AppOptions {
  role?: WorkspaceRole
  permissions?: readonly string[]
  signedIn?: boolean
  routes?: RouteRecordRaw[]
  initialPath?: string
}

/**
 * Mounts a page the way the app runs it: PrimeVue, Toast and Confirm services, the tooltip
 * directive, a fresh Pinia with a signed-in user in a current workspace, and a memory router.
 * api/ modules are mocked by each test file with vi.mock.
 */
export async function mountWithApp<C extends Component>(
  component: C,
  options: AppOptions & ComponentMountingOptions<C> = {},
) {
  const {
    role = 'admin',
    permissions,
    signedIn = true,
    routes,
    initialPath = '/',
    ...mountOptions
  } = options
  const pinia = createPinia()
  setActivePinia(pinia)
  useCatalogueStore().$patch({ ...structuredClone(TEST_CATALOGUE), loaded: true })
  if (signedIn) {
    useSessionStore().setUser({ ...ME, user_metadata: {}, app_metadata: {} } as unknown as User)
    const workspace = useWorkspaceStore()
    workspace.memberships = [
      {
        id: 'm-me',
        workspace_id: WORKSPACE_ID,
        workspace_name: 'Acme',
        role,
        status: 'active',
        effective_status: 'active',
      },
    ]
    workspace.currentId = WORKSPACE_ID
    workspace.permissions = [...(permissions ?? ROLE_PERMISSIONS[role])]
  }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: routes ?? [{ path: '/:any(.*)*', name: 'any', component: { render: () => null } }],
  })
  await router.push(initialPath)
  await router.isReady()
  const wrapper = mount(component, {
    attachTo: document.body,
    ...mountOptions,
    global: {
      plugins: [
        pinia,
        router,
        [PrimeVue, { theme: 'none', pt: a11yPassThrough }],
        ToastService,
        ConfirmationService,
      ],
      directives: { tooltip: Tooltip },
      stubs: { teleport: true, transition: false },
    },
  } as ComponentMountingOptions<C>)
  await flushPromises()
  return { wrapper, router, pinia }
}
