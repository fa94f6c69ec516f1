import type { RouteLocationNormalized, RouteLocationRaw, Router } from 'vue-router'
import * as auth from '@/api/auth'
import { isAllowed, type PermissionKey } from '@/lib/permissions'
import { useSessionStore } from '@/stores/session'
import { useWorkspaceStore } from '@/stores/workspace'

export interface AccessContext {
  isSignedIn: boolean
  hasWorkspace: boolean
  /** The current workspace's membership is not active: the layout explains instead of the page. */
  lockedOut?: boolean
  can: (permission: PermissionKey) => boolean
}

type Target = Pick<RouteLocationNormalized, 'fullPath' | 'meta' | 'name'>

/** The guard's decision, as a pure function: go on (true) or where to go instead. */
export function decideAccess(to: Target, ctx: AccessContext): true | RouteLocationRaw {
  if (to.meta.public) return true
  if (!ctx.isSignedIn) return { name: 'sign-in', query: { redirect: to.fullPath } }
  const permission = to.meta.permission
  if (!permission) return true
  if (ctx.lockedOut) return true
  if (!ctx.hasWorkspace) return { name: 'welcome' }
  if (!ctx.can(permission)) {
    return { name: 'forbidden', query: { permission, from: to.fullPath } }
  }
  return true
}

/** Only same-origin paths are followed after sign-in (no open redirects). */
export function safeRedirect(value: unknown, fallback = '/'): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//')
    ? value
    : fallback
}

/**
 * What Supabase Auth appended to a page it redirected to after a mailed link: a session
 * (`#access_token=…`) or an error (`#error=…&error_code=otp_expired…`). Null for any other hash.
 */
export function authRedirectHash(
  hash: string,
): { kind: 'session' } | { kind: 'error'; code: string; description: string } | null {
  if (!hash.startsWith('#')) return null
  const params = new URLSearchParams(hash.slice(1))
  if (params.has('access_token') || params.has('refresh_token')) return { kind: 'session' }
  if (params.has('error') || params.has('error_code')) {
    return {
      kind: 'error',
      code: params.get('error_code') ?? params.get('error') ?? 'unknown',
      description: params.get('error_description') ?? '',
    }
  }
  return null
}

/** The value of an Auth read, or null when it fails (the database still enforces the rule). */
async function safely<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return (await read()) ?? null
  } catch {
    return null
  }
}

/**
 * Two-factor rules before any workspace data: a person with a verified factor who signed in
 * with a password or a link answers the code first; one whose workspace requires 2FA and who has
 * no factor sets one up (the database refuses their data at aal1 anyway).
 */
async function twoFactorDetour(
  to: Target,
  userId: string,
  workspaceId: string | null,
): Promise<RouteLocationRaw | null> {
  if (to.name === 'account') return null
  const level = await safely(() => auth.assuranceLevel())
  if (!level || level.current === 'aal2') return null
  if (level.next === 'aal2') return { name: 'sign-in', query: { redirect: to.fullPath } }
  if (!workspaceId) return null
  const required = (await safely(() => auth.workspacesRequiringTwoFactor(userId))) ?? []
  if (required.includes(workspaceId)) return { name: 'account', query: { enrol: 'required' } }
  return null
}

/** The app's one navigation guard. */
export function installGuard(router: Router): void {
  router.beforeEach(async (to) => {
    const session = useSessionStore()
    // Also lets supabase-js read a session from the address bar before anything rewrites it.
    await session.init()
    const fromMail = authRedirectHash(to.hash)
    if (fromMail?.kind === 'error') {
      return {
        name: 'link-error',
        query: { code: fromMail.code, next: to.path },
        replace: true,
      }
    }
    if (fromMail?.kind === 'session') {
      // The tokens must not stay in the address bar (history, screenshots, shared URLs).
      return { path: to.path, query: to.query, hash: '', replace: true }
    }
    const workspace = useWorkspaceStore()
    if (session.user && !to.meta.public) {
      try {
        if (workspace.loadedFor === session.user.id) void workspace.refresh().catch(() => {})
        else await workspace.ensureLoaded(session.user.id)
      } catch (err) {
        console.error('Could not load your workspaces', err)
      }
    }
    if (session.user && !to.meta.public) {
      const detour = await twoFactorDetour(to, session.user.id, workspace.currentId)
      if (detour) return detour
    }
    return decideAccess(to, {
      isSignedIn: session.isSignedIn,
      hasWorkspace: workspace.current !== null,
      lockedOut: workspace.lockout !== null,
      can: (permission) => isAllowed(workspace.permissions, permission),
    })
  })
  router.afterEach((to) => {
    document.title = to.meta.title ? `${to.meta.title} · Fluxera` : 'Fluxera'
  })
}
