import type { PermissionArea, PermissionRow } from '@/api/catalogue'
import type { WorkspaceRole } from '@/lib/roles'

/** A permission description as a short verb phrase: "See assets" → "see assets". */
const phrase = (text: string) => text.charAt(0).toLowerCase() + text.slice(1)

export interface AreaSummary {
  area: string
  allowed: string[]
}

/** What a role may do, area by area, in the catalogue's words (areas with nothing are left out). */
export function summariseRole(
  holds: (key: string) => boolean,
  permissions: readonly PermissionRow[],
  areas: readonly PermissionArea[],
): AreaSummary[] {
  return areas
    .map((area) => ({
      area: area.label,
      allowed: permissions
        .filter((p) => p.resource === area.resource && holds(p.key))
        .map((p) => phrase(p.description)),
    }))
    .filter((s) => s.allowed.length > 0)
}

/** The sentence a change confirmation shows: what the role gains or loses. */
export function changeSentence(
  roleLabel: string,
  permission: PermissionRow | undefined,
  key: string,
  grant: boolean,
): string {
  const what = permission ? phrase(permission.description) : key
  return grant
    ? `${roleLabel}s will be able to ${what}.`
    : `${roleLabel}s will no longer be able to ${what}.`
}

/** What one role gains and loses with a set of collected changes, in the catalogue's words. */
export interface RoleChangePreview {
  role: WorkspaceRole
  gains: string[]
  loses: string[]
}

/** The changes grouped by role, in the matrix's role order; roles without changes are left out. */
export function previewChanges(
  changes: readonly { role: WorkspaceRole; permission: string; granted: boolean }[],
  permissionByKey: ReadonlyMap<string, PermissionRow>,
  roles: readonly WorkspaceRole[],
): RoleChangePreview[] {
  const words = (key: string) => {
    const p = permissionByKey.get(key)
    return p ? phrase(p.description) : key
  }
  return roles
    .map((role) => {
      const mine = changes.filter((c) => c.role === role)
      return {
        role,
        gains: mine.filter((c) => c.granted).map((c) => words(c.permission)),
        loses: mine.filter((c) => !c.granted).map((c) => words(c.permission)),
      }
    })
    .filter((r) => r.gains.length + r.loses.length > 0)
}
