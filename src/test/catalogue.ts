import type { Catalogue } from '@/api/catalogue'

const permission = (key: string, description: string, ownerOnly = false, sort = 0) => {
  const [resource = '', action = ''] = key.split('.')
  return {
    key,
    resource,
    action,
    description,
    owner_only: ownerOnly,
    default_roles: [],
    sort_order: sort,
  }
}

const action = (key: string, entity_type: string, label: string, sentence: string, sort = 0) => ({
  key,
  entity_type,
  label,
  description: `${label}.`,
  sentence,
  cleared_field: null,
  sentence_if_cleared: null,
  system_actor: null,
  sort_order: sort,
})

/**
 * A small catalogue for component tests (the app loads the real one from the database; the
 * pgTAP suite checks that one). Loaded into the catalogue store by mountWithApp.
 */
export const TEST_CATALOGUE: Catalogue = {
  areas: [
    { resource: 'assets', label: 'Assets', description: 'Equipment.', sort_order: 10 },
    { resource: 'members', label: 'People', description: 'The team.', sort_order: 40 },
    { resource: 'activity', label: 'Activity log', description: 'The log.', sort_order: 50 },
    { resource: 'settings', label: 'Settings', description: 'Settings.', sort_order: 60 },
    { resource: 'billing', label: 'Billing', description: 'Billing. Owner only.', sort_order: 70 },
  ],
  permissions: [
    permission('assets.view', 'See assets', false, 10),
    permission('assets.edit', 'Edit assets', false, 30),
    permission('members.view', 'See the team directory', false, 110),
    permission('members.invite', 'Invite people', false, 120),
    permission('activity.view', 'See the workspace activity log', false, 140),
    permission('settings.manage', 'Workspace settings', false, 160),
    permission('billing.manage', 'Manage billing', true, 170),
    permission('workspace.delete', 'Delete the workspace', true, 180),
    permission('ownership.transfer', 'Transfer ownership', true, 190),
  ],
  entityTypes: [
    { key: 'membership', label: 'Member', sort_order: 20 },
    { key: 'user', label: 'Account', sort_order: 30 },
    { key: 'asset', label: 'Asset', sort_order: 50 },
  ],
  actions: [
    action(
      'member.invited',
      'membership',
      'Invited',
      '{actor} invited {subject} as {after.role}',
      1,
    ),
    action(
      'member.role_changed',
      'membership',
      'Role changed',
      "{actor} changed {subject}'s role from {before.role} to {after.role}",
      2,
    ),
    action('member.suspended', 'membership', 'Suspended', '{actor} suspended {subject}', 3),
    action(
      'member.sessions_revoked',
      'user',
      'Signed out everywhere',
      '{subject} was signed out of every device',
      4,
    ),
    action('asset.created', 'asset', 'Asset added', '{actor} added the asset {entity}', 5),
  ],
}
