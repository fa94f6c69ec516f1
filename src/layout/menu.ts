import type { PermissionKey } from '@/lib/permissions'

export interface MenuEntry {
  label: string
  icon: string
  to: string
  permission: PermissionKey
}

/** The main menu. Each entry shows only when the current workspace grants its permission. */
export const MENU: readonly MenuEntry[] = [
  { label: 'Users', icon: 'pi pi-users', to: '/users', permission: 'members.view' },
  { label: 'Activity', icon: 'pi pi-history', to: '/activity', permission: 'activity.view' },
  { label: 'Roles & Permissions', icon: 'pi pi-shield', to: '/roles', permission: 'members.view' },
  {
    label: 'Access review',
    icon: 'pi pi-check-square',
    to: '/access-review',
    permission: 'members.manage',
  },
  { label: 'Assets', icon: 'pi pi-box', to: '/assets', permission: 'assets.view' },
  { label: 'Licences', icon: 'pi pi-id-card', to: '/licenses', permission: 'licenses.view' },
  { label: 'Reports', icon: 'pi pi-chart-bar', to: '/reports', permission: 'reports.view' },
  { label: 'Settings', icon: 'pi pi-cog', to: '/settings', permission: 'settings.manage' },
  { label: 'Billing', icon: 'pi pi-credit-card', to: '/billing', permission: 'billing.manage' },
]

export function visibleMenu(can: (permission: PermissionKey) => boolean): MenuEntry[] {
  return MENU.filter((entry) => can(entry.permission))
}
