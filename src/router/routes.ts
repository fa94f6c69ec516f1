import type { RouteRecordRaw } from 'vue-router'
import type { PermissionKey } from '@/lib/permissions'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean
    /**
     * The page shows its messages inline and asks no confirmation: the app does not load
     * PrimeVue's Toast and ConfirmDialog for it (a lighter first load; see README.md here).
     */
    lean?: boolean
    /** The permission the current workspace must grant. */
    permission?: PermissionKey
    title?: string
    /** The user guide's section about this page ("page#anchor" under /help), for the "?" link. */
    help?: string
  }
}

export const routes: RouteRecordRaw[] = [
  {
    path: '/sign-in',
    name: 'sign-in',
    component: () => import('@/pages/auth/SignInPage.vue'),
    meta: { public: true, lean: true, title: 'Sign in' },
  },
  {
    path: '/accept-invite',
    name: 'accept-invite',
    component: () => import('@/pages/auth/AcceptInvitePage.vue'),
    meta: { public: true, lean: true, title: 'Accept invitation' },
  },
  {
    path: '/link-error',
    name: 'link-error',
    component: () => import('@/pages/auth/LinkErrorPage.vue'),
    meta: { public: true, title: 'Link no longer valid' },
  },
  {
    path: '/reset-password',
    name: 'reset-password',
    component: () => import('@/pages/auth/ResetPasswordPage.vue'),
    meta: { public: true, title: 'Choose a new password' },
  },
  {
    path: '/sso/callback',
    name: 'sso-callback',
    component: () => import('@/pages/auth/SsoCallbackPage.vue'),
    meta: { public: true, title: 'Signing in' },
  },
  {
    path: '/',
    component: () => import('@/layout/AppLayout.vue'),
    children: [
      { path: '', name: 'home', redirect: { name: 'users' } },
      {
        path: 'users',
        name: 'users',
        component: () => import('@/pages/users/UsersPage.vue'),
        meta: {
          permission: 'members.view',
          title: 'Users',
          help: 'inviting-users#sending-invitations',
        },
      },
      {
        path: 'activity',
        name: 'activity',
        component: () => import('@/pages/activity/ActivityPage.vue'),
        meta: {
          permission: 'activity.view',
          title: 'Activity',
          help: 'activity-tracking#viewing-activity',
        },
      },
      {
        path: 'roles',
        name: 'roles',
        component: () => import('@/pages/roles/RolesPage.vue'),
        meta: {
          permission: 'members.view',
          title: 'Roles & Permissions',
          help: 'roles-permissions#changing-roles',
        },
      },
      {
        path: 'access-review',
        name: 'access-review',
        component: () => import('@/pages/review/AccessReviewPage.vue'),
        meta: {
          permission: 'members.manage',
          title: 'Access review',
          help: 'security-tips#reviewing-access',
        },
      },
      {
        path: 'assets',
        name: 'assets',
        component: () => import('@/pages/assets/AssetsPage.vue'),
        meta: { permission: 'assets.view', title: 'Assets' },
      },
      {
        path: 'licenses',
        name: 'licenses',
        component: () => import('@/pages/licenses/LicensesPage.vue'),
        meta: { permission: 'licenses.view', title: 'Licences' },
      },
      {
        path: 'reports',
        name: 'reports',
        component: () => import('@/pages/reports/ReportsPage.vue'),
        meta: { permission: 'reports.view', title: 'Reports' },
      },
      {
        path: 'settings',
        name: 'settings',
        component: () => import('@/pages/settings/SettingsPage.vue'),
        meta: {
          permission: 'settings.manage',
          title: 'Settings',
          help: 'onboarding#onboarding-kits',
        },
      },
      {
        path: 'settings/directory-sync',
        name: 'directory-sync',
        component: () => import('@/pages/settings/DirectorySyncPage.vue'),
        meta: { permission: 'directory.manage', title: 'Directory sync' },
      },
      {
        path: 'single-sign-on',
        name: 'single-sign-on',
        component: () => import('@/pages/sso/SingleSignOnPage.vue'),
        meta: { permission: 'directory.manage', title: 'Single sign-on' },
      },
      {
        path: 'billing',
        name: 'billing',
        component: () => import('@/pages/billing/BillingPage.vue'),
        meta: { permission: 'billing.manage', title: 'Billing' },
      },
      {
        path: 'account',
        name: 'account',
        component: () => import('@/pages/account/AccountPage.vue'),
        meta: { title: 'Your account', help: 'security-tips#two-factor-authentication' },
      },
      {
        path: 'onboarding',
        name: 'onboarding',
        component: () => import('@/pages/onboarding/OnboardingPage.vue'),
        meta: {
          permission: 'members.manage',
          title: 'Onboarding',
          help: 'onboarding#the-onboarding-view',
        },
      },
      {
        path: 'first-day',
        name: 'first-day',
        component: () => import('@/pages/first-day/FirstDayPage.vue'),
        meta: { title: 'Your first day', help: 'onboarding#your-first-day' },
      },
      {
        // Lazy: the guide and its Markdown library load only when Help is opened.
        path: 'help/:page?',
        name: 'help',
        component: () => import('@/pages/help/HelpPage.vue'),
        meta: { title: 'Help' },
      },
      {
        path: 'welcome',
        name: 'welcome',
        component: () => import('@/pages/welcome/WelcomePage.vue'),
        meta: { title: 'Welcome' },
      },
      {
        path: 'forbidden',
        name: 'forbidden',
        component: () => import('@/pages/errors/ForbiddenPage.vue'),
        meta: { title: 'Not allowed' },
      },
      {
        path: ':pathMatch(.*)*',
        name: 'not-found',
        component: () => import('@/pages/errors/NotFoundPage.vue'),
        meta: { title: 'Not found' },
      },
    ],
  },
]
