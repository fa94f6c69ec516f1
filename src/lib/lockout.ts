import { formatDate, formatDateTime } from './format'

/** Why the signed-in person cannot use the current workspace. */
export interface Lockout {
  kind: 'inactive' | 'suspended' | 'pending' | 'removed' | 'signed_out' | 'two_factor' | 'sso'
  workspaceId: string
  /** Empty when unknown (RLS hides the workspace row from members who are not active). */
  workspaceName: string
  suspendedUntil?: string | null
  reason?: string | null
  /** For two_factor: whom the workspace requires it of. */
  requirement?: 'admins' | 'everyone'
  /** For sso: the identity provider's name, and whether the Owner's break-glass applies. */
  connectionName?: string
  owner?: boolean
}

export interface LockoutText {
  /** The workspace, in words ("Acme Corp", or "this workspace" when unknown). */
  name: string
  title: string
  lines: string[]
}

/** The words of the locked-out page. */
export function describeLockout(lockout: Lockout): LockoutText {
  const name = lockout.workspaceName || 'this workspace'
  const admin = `Ask an admin of ${name}`
  const reason = lockout.reason ? [`Reason given: ${lockout.reason}`] : []
  return { name, ...words(lockout, name, admin, reason) }
}

function words(
  lockout: Lockout,
  name: string,
  admin: string,
  reason: string[],
): Omit<LockoutText, 'name'> {
  switch (lockout.kind) {
    case 'inactive':
      return {
        title: 'Your access has been deactivated',
        lines: [
          `Your access to ${name} has been deactivated.`,
          ...reason,
          `${admin} to reactivate you.`,
        ],
      }
    case 'suspended':
      return {
        title: lockout.suspendedUntil
          ? `Your access is suspended until ${formatDate(lockout.suspendedUntil)}`
          : 'Your access is suspended',
        lines: [
          lockout.suspendedUntil
            ? `Your access to ${name} is suspended until ${formatDateTime(lockout.suspendedUntil)}. It comes back by itself then.`
            : `Your access to ${name} is suspended until an admin lifts the suspension.`,
          ...reason,
          `${admin} if you need it back sooner.`,
        ],
      }
    case 'pending':
      return {
        title: 'Your invitation is waiting',
        lines: [
          `You have been invited to ${name} but have not accepted yet.`,
          'Accept it here to open the workspace, or decline it.',
        ],
      }
    case 'two_factor':
      return {
        title: 'Set up two-factor authentication to continue',
        lines: [
          lockout.requirement === 'admins'
            ? `${name} requires two-factor authentication for the Owner and Admins.`
            : `${name} requires two-factor authentication for everyone.`,
          'Add an authenticator app below (or enter its code if you already have one); the workspace opens as soon as it is verified.',
        ],
      }
    case 'sso':
      return {
        title: 'Sign in with single sign-on to continue',
        lines: [
          `${name} requires signing in through ${lockout.connectionName || 'its identity provider'}; this session used a password or a link.`,
          lockout.owner
            ? 'As the Owner you can also open it with your two-factor code (the break-glass sign-in).'
            : 'Sign in with SSO and the workspace opens.',
        ],
      }
    case 'signed_out':
      return {
        title: 'You have been signed out',
        lines: [
          `Your session has ended, for example because your access to ${name} was deactivated or suspended.`,
          `Sign in again. If your account is disabled, ask an admin of ${name} to reactivate you.`,
        ],
      }
    case 'removed':
      return {
        title: 'You are no longer a member',
        lines: [
          `You are no longer a member of ${name}.`,
          `${admin} to invite you again if you still need access.`,
        ],
      }
  }
}
