-- =====================================================================================
-- Directory sync (SCIM 2.0, issue 21): the tables. A workspace connects an identity
-- provider (Okta, Entra ID, any SCIM client) as a *connection*; the provider reaches the
-- workspace only through a bearer token of that connection (stored as a sha256 hash) and
-- acts through the security-definer functions of 20261207001110, never through PostgREST
-- tables. Everything here is readable by people through RLS; nothing is writable by them
-- except through the functions of 20261207001120.
--
--   directory_connections    one per identity provider: name, default role, invitation mail
--   directory_group_roles    "Fluxera Admins" -> admin, per connection
--   directory_tokens         hashed bearer tokens, at most two live per connection
--   directory_requests       the recent requests and their outcome (the settings page)
--   directory_users          the SCIM side of a membership: userName, externalId, names,
--                            enterprise attributes, which connection manages it
--   directory_groups         SCIM groups of a connection
--   directory_group_members  who is in them (memberships)
-- =====================================================================================

-- ---------- Permission ---------------------------------------------------------------
-- Owner by default (no default_roles); the Owner may grant it to Admin. Not owner_only (that
-- would make it ungrantable); a trigger keeps it away from Member and Viewer, as for
-- reporting.credentials (20261201000310).
insert into public.permission_areas (resource, label, description, sort_order) values
  ('directory', 'Directory sync', 'Identity providers (Okta, Entra ID) that create and remove members over SCIM.', 67);

insert into public.permissions (key, resource, action, description, owner_only, default_roles, sort_order) values
  ('directory.manage', 'directory', 'manage',
   'Connect identity providers over SCIM, create, rotate and revoke their tokens, map their groups to roles', false, '{}', 167);

-- The enum of keys follows the catalogue (16-catalogues.test.sql checks they are equal).
alter type public.permission_key add value 'directory.manage' after 'reporting.credentials';

create or replace function private.refuse_directory_manage_grant()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.permission = 'directory.manage' and new.role in ('member', 'viewer') then
    raise exception 'Directory sync can be given to the Admin role only.'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  return new;
end;
$$;
comment on function private.refuse_directory_manage_grant() is
  'BEFORE INSERT/UPDATE trigger on role_permissions: directory.manage (whoever holds it decides who joins the workspace and with which role) may be granted to admin only (42501 not_allowed).';

create trigger role_permissions_directory_manage_admin_only
  before insert or update on public.role_permissions
  for each row execute function private.refuse_directory_manage_grant();
comment on trigger role_permissions_directory_manage_admin_only on public.role_permissions is
  'directory.manage is grantable to admin only.';

-- ---------- Connections --------------------------------------------------------------
create table public.directory_connections (
  id uuid primary key default extensions.gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  name text not null
    constraint directory_connections_name_format
      check (char_length(name) between 1 and 60 and name ~ '[^[:space:]]' and name !~ '[[:cntrl:]]'),
  default_role public.workspace_role not null default 'member'
    -- Directory sync acts with at most an Admin's rank and never grants Owner (PRODUCT.md).
    constraint directory_connections_default_role_not_owner check (default_role <> 'owner'),
  send_invitation boolean not null default false,
  rate_limit_per_minute integer not null default 6000
    constraint directory_connections_rate_limit_range check (rate_limit_per_minute between 1 and 100000),
  created_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
alter table public.directory_connections enable row level security;
create unique index directory_connections_workspace_name_key on public.directory_connections (workspace_id, lower(name));

comment on table public.directory_connections is
  'An identity provider connected to a workspace over SCIM 2.0 (docs/directory-sync.md). Written by the directory RPCs only.';
comment on column public.directory_connections.name is
  'What the admin called it ("Okta", "Entra ID"); activity rows read "Directory sync (<name>)". Unique per workspace, case-insensitive.';
comment on column public.directory_connections.default_role is
  'Role of a synced member in none of the mapped groups (never owner).';
comment on column public.directory_connections.send_invitation is
  'Whether a new Auth account made for a synced member gets Auth''s invitation mail (default: no mail; the person signs in with SSO or "forgot password").';
comment on column public.directory_connections.rate_limit_per_minute is
  'Requests per token and minute before 429 (Retry-After). Operator setting; the SPA does not change it.';
comment on index public.directory_connections_workspace_name_key is 'One connection per name and workspace.';

-- ---------- Group -> role ------------------------------------------------------------
create table public.directory_group_roles (
  connection_id uuid not null references public.directory_connections (id) on delete cascade,
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  group_name text not null
    constraint directory_group_roles_name_length check (char_length(group_name) between 1 and 256),
  role public.workspace_role not null
    constraint directory_group_roles_not_owner check (role <> 'owner'),
  primary key (connection_id, group_name)
);
alter table public.directory_group_roles enable row level security;
create unique index directory_group_roles_name_key on public.directory_group_roles (connection_id, lower(group_name));
create index directory_group_roles_workspace_idx on public.directory_group_roles (workspace_id);

comment on table public.directory_group_roles is
  'Maps a SCIM group (by displayName, case-insensitive) of a connection to a role. A member in several mapped groups gets the highest; in none, the connection''s default role.';
comment on column public.directory_group_roles.group_name is 'The group''s displayName as the identity provider sends it.';
comment on column public.directory_group_roles.role is 'admin, member or viewer (never owner).';
comment on index public.directory_group_roles_name_key is 'One mapping per group name and connection, case-insensitive.';
comment on index public.directory_group_roles_workspace_idx is 'RLS and workspace deletion.';

-- ---------- Tokens -------------------------------------------------------------------
create table public.directory_tokens (
  id uuid primary key default extensions.gen_random_uuid(),
  connection_id uuid not null references public.directory_connections (id) on delete cascade,
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  token_hash text not null unique
    constraint directory_tokens_hash_format check (token_hash ~ '^[0-9a-f]{64}$'),
  token_hint text not null,
  created_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz,
  window_start timestamptz,
  window_count integer not null default 0
);
alter table public.directory_tokens enable row level security;
create index directory_tokens_connection_idx on public.directory_tokens (connection_id, created_at desc);
create index directory_tokens_workspace_idx on public.directory_tokens (workspace_id);

comment on table public.directory_tokens is
  'Bearer tokens of a connection. Only the sha256 of a token is kept; the token itself is shown once. At most two live (not revoked, not expired) per connection, for rotation.';
comment on column public.directory_tokens.token_hash is 'Hex sha256 of the token; what the SCIM function looks a request up by. Not readable through the API.';
comment on column public.directory_tokens.token_hint is 'The token''s last four characters, so people can tell tokens apart.';
comment on column public.directory_tokens.expires_at is 'After it the token is refused (null: never).';
comment on column public.directory_tokens.last_used_at is 'Last request made with it.';
comment on column public.directory_tokens.revoked_at is 'When it was revoked; refused from then on.';
comment on column public.directory_tokens.window_start is 'Start of the current rate-limit minute.';
comment on column public.directory_tokens.window_count is 'Requests counted in that minute.';
comment on index public.directory_tokens_connection_idx is 'Tokens of a connection, newest first.';
comment on index public.directory_tokens_token_hash_key is 'The SCIM function finds a request''s token by its hash.';
comment on index public.directory_tokens_workspace_idx is 'RLS and workspace deletion.';

-- ---------- Recent requests ----------------------------------------------------------
create table public.directory_requests (
  id bigint generated always as identity primary key,
  connection_id uuid not null references public.directory_connections (id) on delete cascade,
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  token_id uuid references public.directory_tokens (id) on delete set null,
  occurred_at timestamptz not null default now(),
  method text not null,
  path text not null,
  status integer not null,
  scim_type text,
  detail text
);
alter table public.directory_requests enable row level security;
create index directory_requests_connection_idx on public.directory_requests (connection_id, id desc);
create index directory_requests_workspace_idx on public.directory_requests (workspace_id);

comment on table public.directory_requests is
  'The recent SCIM requests of a connection with their outcome (the latest 1,000 are kept), for the Directory sync page. The changes themselves are in activity_log.';
comment on column public.directory_requests.path is 'Method''s path below /scim/v2, with the query string (filters included), cut to 500 characters.';
comment on column public.directory_requests.status is 'HTTP status answered.';
comment on column public.directory_requests.scim_type is 'SCIM scimType of a refusal (uniqueness, invalidFilter, ...).';
comment on column public.directory_requests.detail is 'Why it was refused, in words.';
comment on index public.directory_requests_connection_idx is 'Newest requests of a connection; the last request time.';
comment on index public.directory_requests_workspace_idx is 'RLS and workspace deletion.';

-- ---------- The SCIM side of a membership --------------------------------------------
create table public.directory_users (
  membership_id uuid primary key references public.memberships (id) on delete cascade,
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  connection_id uuid references public.directory_connections (id) on delete set null,
  user_name text not null
    constraint directory_users_user_name_length check (char_length(user_name) between 1 and 256),
  external_id text
    constraint directory_users_external_id_length check (char_length(external_id) <= 256),
  given_name text constraint directory_users_given_name_length check (char_length(given_name) <= 256),
  family_name text constraint directory_users_family_name_length check (char_length(family_name) <= 256),
  display_name text constraint directory_users_display_name_length check (char_length(display_name) <= 256),
  title text constraint directory_users_title_length check (char_length(title) <= 256),
  department text constraint directory_users_department_length check (char_length(department) <= 256),
  employee_number text constraint directory_users_employee_number_length check (char_length(employee_number) <= 256),
  manager_id text constraint directory_users_manager_id_length check (char_length(manager_id) <= 256),
  created_auth_user boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version integer not null default 1
);
alter table public.directory_users enable row level security;
create unique index directory_users_workspace_user_name_key on public.directory_users (workspace_id, lower(user_name));
create index directory_users_workspace_external_id_idx on public.directory_users (workspace_id, external_id);
create index directory_users_connection_order_idx on public.directory_users (connection_id, created_at, membership_id);

comment on table public.directory_users is
  'The SCIM User of a membership: what the identity provider sent that the membership does not hold. A row with a connection means the member is managed by it ("Managed by Okta"): their status follows the provider and manual status changes are refused. Deleted with the membership; kept (connection null, no longer managed) when the connection is deleted.';
comment on column public.directory_users.user_name is 'SCIM userName; unique per workspace, case-insensitive (RFC 7643 caseExact false).';
comment on column public.directory_users.external_id is 'SCIM externalId, the provider''s own id.';
comment on column public.directory_users.department is 'Enterprise extension: department.';
comment on column public.directory_users.employee_number is 'Enterprise extension: employeeNumber.';
comment on column public.directory_users.manager_id is 'Enterprise extension: manager.value (the manager''s id at the provider).';
comment on column public.directory_users.created_auth_user is
  'Whether the Auth account was made for this connection (then DELETE removes it too, when it has no other membership).';
comment on column public.directory_users.version is 'Incremented on every SCIM change; meta.version is W/"<version>".';
comment on index public.directory_users_workspace_user_name_key is 'userName unique per workspace, case-insensitive; the filter userName eq.';
comment on index public.directory_users_workspace_external_id_idx is 'The filter externalId eq.';
comment on index public.directory_users_connection_order_idx is 'Listing a connection''s users page by page.';

-- ---------- Groups -------------------------------------------------------------------
create table public.directory_groups (
  id uuid primary key default extensions.gen_random_uuid(),
  connection_id uuid not null references public.directory_connections (id) on delete cascade,
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  display_name text not null
    constraint directory_groups_display_name_length check (char_length(display_name) between 1 and 256),
  external_id text
    constraint directory_groups_external_id_length check (char_length(external_id) <= 256),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version integer not null default 1
);
alter table public.directory_groups enable row level security;
create unique index directory_groups_connection_name_key on public.directory_groups (connection_id, lower(display_name));
create index directory_groups_connection_external_id_idx on public.directory_groups (connection_id, external_id);
create index directory_groups_workspace_idx on public.directory_groups (workspace_id);

comment on table public.directory_groups is 'SCIM groups a connection pushed; mapped to roles by directory_group_roles (by display name).';
comment on index public.directory_groups_connection_name_key is 'displayName unique per connection, case-insensitive; the filter displayName eq.';
comment on index public.directory_groups_connection_external_id_idx is 'The filter externalId eq.';
comment on index public.directory_groups_workspace_idx is 'RLS and workspace deletion.';

create table public.directory_group_members (
  group_id uuid not null references public.directory_groups (id) on delete cascade,
  membership_id uuid not null references public.memberships (id) on delete cascade,
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  primary key (group_id, membership_id)
);
alter table public.directory_group_members enable row level security;
create index directory_group_members_membership_idx on public.directory_group_members (membership_id);
create index directory_group_members_workspace_idx on public.directory_group_members (workspace_id);

comment on table public.directory_group_members is 'Members of a SCIM group.';
comment on index public.directory_group_members_membership_idx is 'The groups of a member (their role, their SCIM groups attribute).';
comment on index public.directory_group_members_workspace_idx is 'RLS and workspace deletion.';

-- ---------- Privileges and policies --------------------------------------------------
-- Read-only for signed-in people; the service role reaches them only through the SCIM RPC.
revoke all on table public.directory_connections, public.directory_group_roles, public.directory_tokens,
  public.directory_requests, public.directory_users, public.directory_groups, public.directory_group_members
  from public, anon, authenticated, service_role;

grant select on table public.directory_connections, public.directory_group_roles, public.directory_requests,
  public.directory_groups, public.directory_group_members to authenticated;
-- Not token_hash: a hash of a high-entropy token is not a password, but nobody needs it.
grant select (id, connection_id, workspace_id, token_hint, created_by, created_at, expires_at, last_used_at, revoked_at)
  on table public.directory_tokens to authenticated;
-- The Users page shows "Managed by <connection>"; the SCIM attributes themselves are HR data.
grant select (membership_id, workspace_id, connection_id, user_name, external_id)
  on table public.directory_users to authenticated;

create policy "Directory managers and member viewers can read connections"
  on public.directory_connections for select to authenticated
  using (workspace_id in (select private.workspaces_with('directory.manage'))
         or workspace_id in (select private.workspaces_with('members.view')));
comment on policy "Directory managers and member viewers can read connections" on public.directory_connections is
  'directory.manage holders see the settings; members.view holders need the name for "Managed by <name>".';

create policy "Directory managers can read group mappings"
  on public.directory_group_roles for select to authenticated
  using (workspace_id in (select private.workspaces_with('directory.manage')));
comment on policy "Directory managers can read group mappings" on public.directory_group_roles is 'directory.manage only.';

create policy "Directory managers can read tokens"
  on public.directory_tokens for select to authenticated
  using (workspace_id in (select private.workspaces_with('directory.manage')));
comment on policy "Directory managers can read tokens" on public.directory_tokens is 'directory.manage only; never the hash (column privileges).';

create policy "Directory managers can read requests"
  on public.directory_requests for select to authenticated
  using (workspace_id in (select private.workspaces_with('directory.manage')));
comment on policy "Directory managers can read requests" on public.directory_requests is 'directory.manage only.';

create policy "Member viewers can read who is managed by a connection"
  on public.directory_users for select to authenticated
  using (workspace_id in (select private.workspaces_with('members.view')));
comment on policy "Member viewers can read who is managed by a connection" on public.directory_users is
  'members.view holders see which connection manages a member (column privileges keep the SCIM attributes out).';

create policy "Directory managers can read groups"
  on public.directory_groups for select to authenticated
  using (workspace_id in (select private.workspaces_with('directory.manage')));
comment on policy "Directory managers can read groups" on public.directory_groups is 'directory.manage only.';

create policy "Directory managers can read group members"
  on public.directory_group_members for select to authenticated
  using (workspace_id in (select private.workspaces_with('directory.manage')));
comment on policy "Directory managers can read group members" on public.directory_group_members is 'directory.manage only.';

-- ---------- Activity catalogue -------------------------------------------------------
insert into public.activity_entity_types (key, label, sort_order) values
  ('directory_connection', 'Directory connection', 95);

insert into public.activity_actions (key, entity_type, label, description, sentence, sort_order) values
  ('directory.connected', 'directory_connection', 'Directory connected',
   'An identity provider was connected for directory sync (SCIM).',
   '{actor} connected the directory {after.name}', 940),
  ('directory.settings_changed', 'directory_connection', 'Directory settings changed',
   'The name, default role, invitation mail or group mappings of a directory connection changed.',
   '{actor} changed the directory connection {after.name}', 945),
  ('directory.disconnected', 'directory_connection', 'Directory disconnected',
   'A directory connection and its tokens were deleted; its members stay, no longer managed.',
   '{actor} disconnected the directory {before.name}', 950),
  ('directory.token_created', 'directory_connection', 'Directory token created',
   'A SCIM bearer token was created for a directory connection.',
   '{actor} created a SCIM token for {after.name}', 955),
  ('directory.token_rotated', 'directory_connection', 'Directory token rotated',
   'A second SCIM token was created while the first stays valid until revoked.',
   '{actor} created a replacement SCIM token for {after.name}', 960),
  ('directory.token_revoked', 'directory_connection', 'Directory token revoked',
   'A SCIM bearer token was revoked; the identity provider can no longer use it.',
   '{actor} revoked a SCIM token of {before.name}', 965),
  ('member.directory_change_refused', 'membership', 'Directory change refused',
   'Directory sync asked for a change the workspace''s rules refuse (the Owner, a higher rank).',
   '{actor} was refused a change to {subject}', 970);

-- ---------- Directory sync as an actor -----------------------------------------------
-- SCIM changes run as the service role with no signed-in user, so their activity rows have
-- no actor_id. The SCIM functions set the transaction-local fluxera.actor_label to
-- "Directory sync (<connection>)"; this trigger writes it to actor_email, which the Activity
-- page, exports and reporting.activity already show for rows without an actor. Named to
-- fire before activity_log_a_subject_email and activity_log_chain (name order), so the hash
-- covers it. Only rows without an actor take the label: a person's change always shows them.
create or replace function private.label_activity_actor()
returns trigger
language plpgsql
as $$
declare
  v_label text := nullif(current_setting('fluxera.actor_label', true), '');
begin
  if v_label is not null and new.actor_id is null and new.actor_email is null then
    new.actor_email := v_label;
  end if;
  return new;
end;
$$;
comment on function private.label_activity_actor() is
  'BEFORE INSERT trigger on activity_log: a row without actor gets the transaction''s fluxera.actor_label (set by the SCIM functions: "Directory sync (<connection>)") as actor_email.';

create trigger activity_log_a_actor_label
  before insert on public.activity_log
  for each row execute function private.label_activity_actor();
comment on trigger activity_log_a_actor_label on public.activity_log is
  'Names a system actor (directory sync) on the row; fires before the subject snapshot and the chain trigger, which hashes it.';

-- ---------- Managed members: the provider owns their status --------------------------
-- A member a connection manages is activated and deactivated by the identity provider. A
-- person changing it by hand would be undone at the next sync (or, worse, would keep a
-- leaver active until then), so it is refused with the reason. System paths without a
-- signed-in user (the suspension expiry job, the SCIM functions) are not refused, nor is
-- removal: the provider re-creates a member it still assigns.
create or replace function private.refuse_manual_change_of_managed_member()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_name text;
begin
  if auth.uid() is null or coalesce(current_setting('fluxera.actor_label', true), '') <> '' then
    return new;
  end if;
  select c.name into v_name
    from public.directory_users u
    join public.directory_connections c on c.id = u.connection_id
   where u.membership_id = new.id;
  if found then
    raise exception 'This member is managed by %: change their status in % (directory sync would undo a change made here).', v_name, v_name
      using errcode = '42501', hint = 'directory_managed';
  end if;
  return new;
end;
$$;
comment on function private.refuse_manual_change_of_managed_member() is
  'BEFORE UPDATE OF status trigger on memberships: a signed-in person may not change the status of a member a directory connection manages (42501 directory_managed, naming the connection).';

create trigger memberships_directory_managed_status
  before update of status on public.memberships
  for each row
  when (old.status is distinct from new.status)
  execute function private.refuse_manual_change_of_managed_member();
comment on trigger memberships_directory_managed_status on public.memberships is
  'The identity provider owns the status of the members it manages.';
