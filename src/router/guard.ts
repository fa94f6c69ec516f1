import type { RouteLocationNormalized, RouteLocationRaw, Router } from 'vue-router'
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

/** The app's one navigation guard. */
export function installGuard(router: Router): void {
  router.beforeEach(async (to) => {
    const session = useSessionStore()
    await session.init()
    const workspace = useWorkspaceStore()
    if (session.user && !to.meta.public) {
      try {
        if (workspace.loadedFor === session.user.id) void workspace.refresh().catch(() => {})
        else await workspace.ensureLoaded(session.user.id)
      } catch (err) {
        console.error('Could not load your workspaces', err)
      }
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
