// The guard's work for a signed-in visitor (or one whose session is arriving from a mailed link):
// read the session, load the workspaces, the two-factor detours, then decideAccess(). Loaded on
// first use by installGuard() (./guard.ts) so that signed-out pages do not load supabase-js.
import type { RouteLocationNormalized, RouteLocationRaw } from 'vue-router'
import * as auth from '@/api/auth'
import { isAllowed } from '@/lib/permissions'
import { useSessionStore } from '@/stores/session'
import { useWorkspaceStore } from '@/stores/workspace'
import { authRedirectHash, decideAccess } from './guard'

type Target = Pick<
  RouteLocationNormalized,
  'fullPath' | 'hash' | 'meta' | 'name' | 'path' | 'query'
>

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

/** What the guard answers for `to` once a session may exist. */
export async function checkAccess(to: Target): Promise<true | RouteLocationRaw> {
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
}
