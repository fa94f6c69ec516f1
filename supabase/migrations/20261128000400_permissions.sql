-- =====================================================================================
-- Permissions: the catalogue (owned by migrations) and the per-workspace role matrix.
-- The owner implicitly holds every permission; admin/member/viewer hold what
-- role_permissions says, seeded from the catalogue defaults when a workspace is created.
-- =====================================================================================

-- ---------- Catalogue ----------------------------------------------------------------
create table public.permissions (
  key text primary key
    constraint permissions_key_format check (key ~ '^[a-z_]+\.[a-z_]+$'),
  resource text not null,
  action text not null,
  description text not null,
  owner_only boolean not null default false,
  default_roles public.workspace_role[] not null default '{}',
  sort_order integer not null,
  constraint permissions_key_parts check (key = resource || '.' || action),
  constraint permissions_key_owner_only_key unique (key, owner_only)
);
alter table public.permissions enable row level security;

comment on table public.permissions is
  'Permission catalogue (resource.action). Read-only for everyone; changed only by migrations.';
comment on column public.permissions.key is 'Permission name, e.g. assets.view.';
comment on column public.permissions.owner_only is
  'Held by the owner alone; can never be granted to another role (billing.manage, workspace.delete, ownership.transfer).';
comment on column public.permissions.default_roles is 'Roles (besides owner) that hold the permission in a new workspace.';
comment on column public.permissions.sort_order is 'Display order in the permission matrix.';
comment on constraint permissions_key_owner_only_key on public.permissions is
  'Target of role_permissions'' composite foreign key (permission, owner_only = false).';

insert into public.permissions (key, resource, action, description, owner_only, default_roles, sort_order) values
  ('assets.view',        'assets',    'view',     'See assets',                                        false, '{admin,member,viewer}', 10),
  ('assets.create',      'assets',    'create',   'Add assets',                                        false, '{admin,member}',        20),
  ('assets.edit',        'assets',    'edit',     'Edit assets',                                       false, '{admin}',               30),
  ('assets.delete',      'assets',    'delete',   'Delete assets',                                     false, '{admin}',               40),
  ('assets.assign',      'assets',    'assign',   'Assign an asset or licence seat to a member',       false, '{admin}',               50),
  ('licenses.view',      'licenses',  'view',     'See licences',                                      false, '{admin,member,viewer}', 60),
  ('licenses.create',    'licenses',  'create',   'Add licences',                                      false, '{admin,member}',        70),
  ('licenses.edit',      'licenses',  'edit',     'Edit licences',                                     false, '{admin}',               80),
  ('licenses.delete',    'licenses',  'delete',   'Delete licences',                                   false, '{admin}',               90),
  ('reports.view',       'reports',   'view',     'See reports and dashboards',                        false, '{admin,member,viewer}', 100),
  ('members.view',       'members',   'view',     'See the team directory (name, email, role, status)', false, '{admin,member,viewer}', 110),
  ('members.invite',     'members',   'invite',   'Invite people, resend and revoke invitations',      false, '{admin}',               120),
  ('members.manage',     'members',   'manage',   'Change roles and statuses, remove members',         false, '{admin}',               130),
  ('activity.view',      'activity',  'view',     'See the workspace activity log',                    false, '{admin}',               140),
  ('activity.export',    'activity',  'export',   'Export the activity log',                           false, '{admin}',               150),
  ('settings.manage',    'settings',  'manage',   'Workspace settings and the Member/Viewer permission matrix', false, '{admin}',     160),
  ('billing.manage',     'billing',   'manage',   'Manage billing',                                    true,  '{}',                    170),
  ('workspace.delete',   'workspace', 'delete',   'Delete the workspace',                              true,  '{}',                    180),
  ('ownership.transfer', 'ownership', 'transfer', 'Transfer ownership to another member',              true,  '{}',                    190);

-- ---------- Role matrix per workspace ------------------------------------------------
create table public.role_permissions (
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  role public.workspace_role not null
    constraint role_permissions_not_owner check (role <> 'owner'),
  permission text not null,
  owner_only boolean not null default false
    constraint role_permissions_never_owner_only check (not owner_only),
  granted_by uuid references public.profiles (id) on delete set null,
  granted_at timestamptz not null default now(),
  primary key (workspace_id, role, permission),
  constraint role_permissions_permission_fkey foreign key (permission, owner_only)
    references public.permissions (key, owner_only) on update cascade on delete cascade
);
alter table public.role_permissions enable row level security;

comment on table public.role_permissions is
  'Which permissions admin, member and viewer hold in a workspace. A row means granted. Changed by set_role_permission().';
comment on column public.role_permissions.owner_only is
  'Always false. With the composite foreign key to permissions (key, owner_only) it makes owner-only permissions ungrantable, declaratively.';
comment on column public.role_permissions.granted_by is 'Who granted it (null for workspace defaults).';

create index role_permissions_permission_idx on public.role_permissions (permission);
comment on index public.role_permissions_permission_idx is 'Foreign key lookups from the catalogue.';

-- ---------- Defaults for each new workspace ------------------------------------------
create or replace function private.seed_role_permissions()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- The defaults are part of creating the workspace (logged as workspace.created), so they
  -- are not logged one permission at a time.
  perform set_config('fluxera.muted_workspace', new.id::text, true);
  insert into public.role_permissions (workspace_id, role, permission)
  select new.id, r.role, p.key
    from public.permissions p
    cross join lateral unnest(p.default_roles) as r(role)
   where not p.owner_only and r.role <> 'owner';
  perform set_config('fluxera.muted_workspace', '', true);
  return null;
end;
$$;
comment on function private.seed_role_permissions() is
  'AFTER INSERT trigger on workspaces: grants the catalogue defaults to admin, member and viewer.';

create trigger workspaces_seed_role_permissions
  after insert on public.workspaces
  for each row execute function private.seed_role_permissions();
comment on trigger workspaces_seed_role_permissions on public.workspaces is
  'Seeds role_permissions with the catalogue defaults.';
