import type { PermissionKey } from '@/lib/permissions'

export interface MenuEntry {
  label: string
  icon: string
  to: string
  /** Shown only when the current workspace grants it; none = everyone (Help). */
  permission?: PermissionKey
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
  {
    label: 'Onboarding',
    icon: 'pi pi-user-plus',
    to: '/onboarding',
    permission: 'members.manage',
  },
  { label: 'Assets', icon: 'pi pi-box', to: '/assets', permission: 'assets.view' },
  { label: 'Licences', icon: 'pi pi-id-card', to: '/licenses', permission: 'licenses.view' },
  { label: 'Reports', icon: 'pi pi-chart-bar', to: '/reports', permission: 'reports.view' },
  { label: 'Settings', icon: 'pi pi-cog', to: '/settings', permission: 'settings.manage' },
  {
    label: 'Directory sync',
    icon: 'pi pi-sitemap',
    to: '/settings/directory-sync',
    permission: 'directory.manage',
  },
  {
    label: 'Single sign-on',
    icon: 'pi pi-key',
    to: '/single-sign-on',
    permission: 'directory.manage',
  },
  { label: 'Billing', icon: 'pi pi-credit-card', to: '/billing', permission: 'billing.manage' },
  { label: 'Help', icon: 'pi pi-question-circle', to: '/help' },
]

export function visibleMenu(can: (permission: PermissionKey) => boolean): MenuEntry[] {
  return MENU.filter((entry) => !entry.permission || can(entry.permission))
}
