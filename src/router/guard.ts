import type { RouteLocationNormalized, RouteLocationRaw, Router } from 'vue-router'
import type { PermissionKey } from '@/lib/permissions'
import { hasStoredSession } from '@/lib/storedSession'

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

/**
 * The app's one navigation guard. A visitor with no stored session on a public page (sign-in, an
 * invitation link) is let through at once: nothing to ask Auth, and supabase-js, the stores and
 * the API modules are not loaded for it. Everyone else goes through `checkAccess()` (./access.ts,
 * its own chunk), loaded on first use.
 */
export function installGuard(router: Router): void {
  router.beforeEach(async (to) => {
    const signedOut = !hasStoredSession() && !authRedirectHash(to.hash)
    if (signedOut && to.meta.public) return true
    if (signedOut)
      return decideAccess(to, { isSignedIn: false, hasWorkspace: false, can: () => false })
    const { checkAccess } = await import('./access')
    return checkAccess(to)
  })
  router.afterEach((to) => {
    document.title = to.meta.title ? `${to.meta.title} · Fluxera` : 'Fluxera'
  })
}
