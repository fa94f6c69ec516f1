-- =====================================================================================
-- Permissions: the catalogue (areas, keys, defaults) and the per-workspace role matrix.
-- The owner implicitly holds every permission; admin/member/viewer hold what role_permissions
-- says, seeded from the catalogue defaults when a workspace is created. The two-factor gate
-- (which roles of a workspace need an aal2 session) is read here too.
-- =====================================================================================

set local check_function_bodies = off;

-- ---------- Types ------------------------------------------------------------------

create type public.permission_key as enum (
  'assets.view',
  'assets.create',
  'assets.edit',
  'assets.delete',
  'assets.assign',
  'licenses.view',
  'licenses.create',
  'licenses.edit',
  'licenses.delete',
  'reports.view',
  'members.view',
  'members.invite',
  'members.manage',
  'activity.view',
  'activity.export',
  'settings.manage',
  'reporting.credentials',
  'directory.manage',
  'billing.manage',
  'workspace.delete',
  'ownership.transfer'
);
comment on type public.permission_key is
  'The keys of public.permissions, as an enum so that generated types name them (PermissionKey in the SPA). Kept equal to the table by 16-catalogues.test.sql.';

-- ---------- Functions --------------------------------------------------------------

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

create or replace function public.my_permissions(p_workspace_id uuid)
returns setof text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_role public.workspace_role := private.accessible_role(p_workspace_id);
begin
  if v_role is null then
    return;
  elsif v_role = 'owner' then
    return query select p.key from public.permissions p order by p.sort_order;
  else
    return query
      select p.key
        from public.role_permissions rp
        join public.permissions p on p.key = rp.permission
       where rp.workspace_id = p_workspace_id and rp.role = v_role
       order by p.sort_order;
  end if;
end;
$$;
comment on function public.my_permissions(p_workspace_id uuid) is
  'Permissions the caller holds in the workspace right now (empty when not effectively active or when 2FA is required but missing).';
grant execute on function public.my_permissions(p_workspace_id uuid) to authenticated;

create or replace function public.set_role_permission(
  p_workspace_id uuid, p_role public.workspace_role, p_permission text, p_granted boolean)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_caller_role public.workspace_role;
  v_owner_only boolean;
begin
  perform private.require_workspace(p_workspace_id);
  perform 1 from public.workspaces w where w.id = p_workspace_id for no key update;
  perform private.require_permission(p_workspace_id, 'settings.manage');
  v_caller_role := private.accessible_role(p_workspace_id);

  if p_role is null then
    raise exception 'Choose a role: admin, member or viewer.' using errcode = '22023', hint = 'unknown_role';
  end if;
  if p_granted is null then
    raise exception 'Say whether the permission is granted.' using errcode = '22023', hint = 'invalid_input';
  end if;
  select p.owner_only into v_owner_only from public.permissions p where p.key = p_permission;
  if not found then
    raise exception 'Unknown permission "%".', p_permission using errcode = '22023', hint = 'unknown_permission';
  end if;
  if p_role = 'owner' then
    raise exception 'The owner always holds every permission.' using errcode = '42501', hint = 'owner_protected';
  end if;
  if v_owner_only then
    raise exception '% stays with the owner and cannot be granted.', p_permission
      using errcode = '42501', hint = 'owner_only_permission';
  end if;
  if p_role = 'admin' and v_caller_role <> 'owner' then
    raise exception 'Only the owner can change what admins may do.' using errcode = '42501', hint = 'not_allowed';
  end if;

  if p_granted then
    insert into public.role_permissions (workspace_id, role, permission, granted_by)
    values (p_workspace_id, p_role, p_permission, auth.uid())
    on conflict do nothing;
  else
    delete from public.role_permissions rp
     where rp.workspace_id = p_workspace_id and rp.role = p_role and rp.permission = p_permission;
  end if;
end;
$$;
comment on function public.set_role_permission(p_workspace_id uuid, p_role public.workspace_role, p_permission text, p_granted boolean) is
  'Grants or revokes a permission for admin/member/viewer (settings.manage; admins may edit member and viewer only; owner-only permissions never). No-op when already so. Errors: 42501 not_allowed/owner_protected/owner_only_permission, 22023 unknown_role/unknown_permission.';
grant execute on function public.set_role_permission(p_workspace_id uuid, p_role public.workspace_role, p_permission text, p_granted boolean) to authenticated;

create or replace function public.set_role_permissions(p_workspace_id uuid, p_changes jsonb)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_change jsonb;
  v_n integer := 0;
begin
  if jsonb_typeof(p_changes) is distinct from 'array' or jsonb_array_length(p_changes) = 0 then
    raise exception 'Send the changes as a list of { role, permission, granted }.'
      using errcode = '22023', hint = 'invalid_input';
  end if;
  if jsonb_array_length(p_changes) > 200 then
    raise exception 'At most 200 changes at a time.' using errcode = '22023', hint = 'too_many_changes';
  end if;
  for v_change in select * from jsonb_array_elements(p_changes) loop
    if jsonb_typeof(v_change) is distinct from 'object'
       or jsonb_typeof(v_change -> 'granted') is distinct from 'boolean' then
      raise exception 'Each change needs a role, a permission and granted (true or false).'
        using errcode = '22023', hint = 'invalid_input';
    end if;
    begin
      perform public.set_role_permission(p_workspace_id, (v_change ->> 'role')::public.workspace_role,
                                         v_change ->> 'permission', (v_change ->> 'granted')::boolean);
    exception when invalid_text_representation then
      raise exception 'Unknown role "%": choose admin, member or viewer.', v_change ->> 'role'
        using errcode = '22023', hint = 'unknown_role';
    end;
    v_n := v_n + 1;
  end loop;
  return v_n;
end;
$$;
comment on function public.set_role_permissions(p_workspace_id uuid, p_changes jsonb) is
  'The Roles matrix''s Save: applies a list of changes [{ role, permission, granted }] (1 to 200) in one transaction, each as set_role_permission (same checks, same activity rows), all or none. Returns how many were applied. Errors: those of set_role_permission, 22023 invalid_input/too_many_changes/unknown_role.';
grant execute on function public.set_role_permissions(p_workspace_id uuid, p_changes jsonb) to authenticated;

create or replace function public.my_two_factor_gates()
returns table (workspace_id uuid, workspace_name text, require_2fa text, role public.workspace_role)
language sql
stable
security definer
set search_path = ''
as $$
  select w.id, w.name, w.require_2fa, m.role
    from public.memberships m
    join public.workspaces w on w.id = m.workspace_id
   where m.user_id = (select auth.uid())
     and private.is_effectively_active(m.status, m.suspended_until)
     and not private.two_factor_satisfied(w.require_2fa, m.role, (select auth.jwt() ->> 'aal'))
   order by w.name, w.id
$$;
comment on function public.my_two_factor_gates() is
  'The caller''s effectively active workspaces that require two-factor authentication of the caller''s role while the session is not aal2 (so their data is hidden): workspace id and name, the rule (admins | everyone) and the caller''s role. Reveals only the caller''s own memberships. Empty for anonymous callers.';
grant execute on function public.my_two_factor_gates() to authenticated;

create or replace function public.two_factor_rule_applies_to(p_workspace_id uuid, p_require_2fa text)
returns table (user_id uuid)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_workspace_permission(p_workspace_id, 'members.view');
  if p_require_2fa is null or p_require_2fa not in ('off', 'admins', 'everyone') then
    raise exception 'Choose off, admins or everyone.' using errcode = '22023', hint = 'invalid_input';
  end if;
  return query
    select m.user_id
      from public.memberships m
     where m.workspace_id = p_workspace_id
       and not private.two_factor_satisfied(p_require_2fa, m.role, null)
     order by m.created_at, m.user_id;
end;
$$;
comment on function public.two_factor_rule_applies_to(p_workspace_id uuid, p_require_2fa text) is
  'The members (user ids, any status) whom require_2fa = p_require_2fa (off | admins | everyone) would ask for a second factor: private.two_factor_satisfied for a session without one. The Settings page previews a stricter rule with it. Needs members.view; PT404 not_found, 42501 not_allowed, 22023 invalid_input.';
grant execute on function public.two_factor_rule_applies_to(p_workspace_id uuid, p_require_2fa text) to authenticated;

-- ---------- Tables -----------------------------------------------------------------

create table public.permission_areas (
  resource text not null,
  label text not null,
  description text not null,
  sort_order integer not null,
  constraint permission_areas_resource_format check ((resource ~ '^[a-z_]+$'::text)),
  constraint permission_areas_pkey primary key (resource)
);

comment on table public.permission_areas is
  'The areas permissions are grouped by on the Roles page (the resource part of a permission key), with a label and a one-line description. Read-only for signed-in users; changed only by migrations.';
comment on column public.permission_areas.resource is
  'The resource part of permission keys, e.g. assets for assets.view.';
comment on column public.permission_areas.label is 'Heading shown to people, e.g. Assets.';
comment on column public.permission_areas.description is 'What the area covers, in one sentence.';
comment on column public.permission_areas.sort_order is 'Display order of the areas.';

alter table public.permission_areas enable row level security;

create policy "Signed-in users can read the permission areas"
  on public.permission_areas for select to authenticated
  using (true);
comment on policy "Signed-in users can read the permission areas" on public.permission_areas is
  'Catalogue data, not workspace data: any signed-in user may read it.';

revoke all on table public.permission_areas from anon, authenticated;
grant select on table public.permission_areas to authenticated;

create table public.permissions (
  key text not null,
  resource text not null,
  action text not null,
  description text not null,
  owner_only boolean default false not null,
  default_roles public.workspace_role[] default '{}'::public.workspace_role[] not null,
  sort_order integer not null,
  constraint permissions_key_format check ((key ~ '^[a-z_]+\.[a-z_]+$'::text)),
  constraint permissions_key_parts check ((key = ((resource || '.'::text) || action))),
  constraint permissions_pkey primary key (key),
  constraint permissions_key_owner_only_key unique (key, owner_only),
  constraint permissions_resource_fkey foreign key (resource) references public.permission_areas(resource)
);

comment on table public.permissions is
  'Permission catalogue (resource.action). Read-only for everyone; changed only by migrations.';
comment on column public.permissions.key is 'Permission name, e.g. assets.view.';
comment on column public.permissions.owner_only is
  'Held by the owner alone; can never be granted to another role (billing.manage, workspace.delete, ownership.transfer).';
comment on column public.permissions.default_roles is
  'Roles (besides owner) that hold the permission in a new workspace.';
comment on column public.permissions.sort_order is 'Display order in the permission matrix.';
comment on constraint permissions_key_owner_only_key on public.permissions is
  'Target of role_permissions'' composite foreign key (permission, owner_only = false).';
comment on constraint permissions_resource_fkey on public.permissions is
  'Every permission belongs to an area that has a label and a description.';

alter table public.permissions enable row level security;

create policy "Signed-in users can read the permission catalogue"
  on public.permissions for select to authenticated
  using (true);
comment on policy "Signed-in users can read the permission catalogue" on public.permissions is
  'The catalogue is not workspace data; any signed-in user may read it.';

create policy "Only live sessions read the catalogue"
  on public.permissions as restrictive for all to authenticated
  using ((select private.session_active()));
comment on policy "Only live sessions read the catalogue" on public.permissions is
  'A token whose Auth session was revoked gets nothing, not even the permission catalogue.';

revoke all on table public.permissions from anon, authenticated;
grant select on table public.permissions to authenticated;

create table public.role_permissions (
  workspace_id uuid not null,
  role public.workspace_role not null,
  permission text not null,
  owner_only boolean default false not null,
  granted_by uuid,
  granted_at timestamp with time zone default now() not null,
  constraint role_permissions_never_owner_only check ((not owner_only)),
  constraint role_permissions_not_owner check ((role <> 'owner'::public.workspace_role)),
  constraint role_permissions_pkey primary key (workspace_id, role, permission),
  constraint role_permissions_granted_by_fkey foreign key (granted_by) references public.profiles(id) on delete set null,
  constraint role_permissions_permission_fkey foreign key (permission, owner_only) references public.permissions(key, owner_only) on update cascade on delete cascade,
  constraint role_permissions_workspace_id_fkey foreign key (workspace_id) references public.workspaces(id) on delete cascade
);

comment on table public.role_permissions is
  'Which permissions admin, member and viewer hold in a workspace. A row means granted. Changed by set_role_permission().';
comment on column public.role_permissions.owner_only is
  'Always false. With the composite foreign key to permissions (key, owner_only) it makes owner-only permissions ungrantable, declaratively.';
comment on column public.role_permissions.granted_by is
  'Who granted it (null for workspace defaults).';

create index role_permissions_permission_idx on public.role_permissions (permission);
comment on index public.role_permissions_permission_idx is
  'Foreign key lookups from the catalogue.';

alter table public.role_permissions enable row level security;

create policy "Members can read their workspace's role matrix"
  on public.role_permissions for select to authenticated
  using (workspace_id in (select private.accessible_workspace_ids()));
comment on policy "Members can read their workspace's role matrix" on public.role_permissions is
  'Effectively active members (2FA satisfied) read the matrix; changes go through set_role_permission().';

revoke all on table public.role_permissions from anon, authenticated;
grant select on table public.role_permissions to authenticated;

-- ---------- Triggers on tables defined elsewhere, calling functions of this file ---

create trigger workspaces_seed_role_permissions
  after insert on public.workspaces
  for each row execute function private.seed_role_permissions();
comment on trigger workspaces_seed_role_permissions on public.workspaces is
  'Seeds role_permissions with the catalogue defaults.';

-- ---------- Catalogue rows ---------------------------------------------------------

insert into public.permission_areas (resource, label, description, sort_order) values
  ('assets', 'Assets', 'Laptops, phones and other equipment, and who holds them.', 10),
  ('licenses', 'Licences', 'Software licences and the seats handed out to members.', 20),
  ('reports', 'Reports', 'Dashboards and figures about the workspace.', 30),
  ('members', 'People', 'The team directory, invitations, roles and member statuses.', 40),
  ('activity', 'Activity log', 'The record of who changed what, and when.', 50),
  ('settings', 'Settings', 'Workspace settings and what each role may do.', 60),
  ('reporting', 'SQL access', 'Read-only SQL credentials for analysts and BI tools.', 65),
  ('billing', 'Billing', 'The plan, seats and invoices. Owner only.', 70),
  ('workspace', 'Workspace', 'Deleting the whole workspace. Owner only.', 80),
  ('ownership', 'Ownership', 'Handing the workspace to another member. Owner only.', 90);

insert into public.permissions (key, resource, action, description, owner_only, default_roles, sort_order) values
  ('assets.view', 'assets', 'view', 'See assets', false, '{admin,member,viewer}', 10),
  ('assets.create', 'assets', 'create', 'Add assets', false, '{admin,member}', 20),
  ('assets.edit', 'assets', 'edit', 'Edit assets', false, '{admin}', 30),
  ('assets.delete', 'assets', 'delete', 'Delete assets', false, '{admin}', 40),
  ('assets.assign', 'assets', 'assign', 'Assign an asset or licence seat to a member', false, '{admin}', 50),
  ('licenses.view', 'licenses', 'view', 'See licences', false, '{admin,member,viewer}', 60),
  ('licenses.create', 'licenses', 'create', 'Add licences', false, '{admin,member}', 70),
  ('licenses.edit', 'licenses', 'edit', 'Edit licences', false, '{admin}', 80),
  ('licenses.delete', 'licenses', 'delete', 'Delete licences', false, '{admin}', 90),
  ('reports.view', 'reports', 'view', 'See reports and dashboards', false, '{admin,member,viewer}', 100),
  ('members.view', 'members', 'view', 'See the team directory (name, email, role, status)', false, '{admin,member,viewer}', 110),
  ('members.invite', 'members', 'invite', 'Invite people, resend and revoke invitations', false, '{admin}', 120),
  ('members.manage', 'members', 'manage', 'Change roles and statuses, remove members', false, '{admin}', 130),
  ('activity.view', 'activity', 'view', 'See the workspace activity log', false, '{admin}', 140),
  ('activity.export', 'activity', 'export', 'Export the activity log', false, '{admin}', 150),
  ('settings.manage', 'settings', 'manage', 'Workspace settings and the Member/Viewer permission matrix', false, '{admin}', 160),
  ('reporting.credentials', 'reporting', 'credentials', 'Create, rotate and revoke read-only SQL credentials for the workspace''s analysts', false, '{}', 165),
  ('billing.manage', 'billing', 'manage', 'Manage billing', true, '{}', 170),
  ('workspace.delete', 'workspace', 'delete', 'Delete the workspace', true, '{}', 180),
  ('ownership.transfer', 'ownership', 'transfer', 'Transfer ownership to another member', true, '{}', 190);
