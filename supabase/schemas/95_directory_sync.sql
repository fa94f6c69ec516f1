-- =====================================================================================
-- Directory sync: SCIM 2.0 provisioning from Okta, Entra ID and other identity providers,
-- per workspace (docs/directory-sync.md). Connections with hashed bearer tokens, the SCIM side
-- of memberships and groups, group -> role mappings, the request log, the SCIM operations as
-- security-definer functions reached only through public.scim_call (the scim edge function),
-- and the settings RPCs for Owners and holders of directory.manage.
-- =====================================================================================

set local check_function_bodies = off;

-- =====================================================================================
-- Directory sync (SCIM 2.0, issue 21): the tables. A workspace connects an identity
-- provider (Okta, Entra ID, any SCIM client) as a *connection*; the provider reaches the
-- workspace only through a bearer token of that connection (stored as a sha256 hash) and
-- acts through the security-definer functions below (the SCIM operations), never through PostgREST
-- tables. Everything here is readable by people through RLS; nothing is writable by them
-- except through the settings functions at the end of this file.
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
-- ('directory.manage' is a value of public.permission_key: 20_permissions.sql.)

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
    -- Directory sync acts with at most an Admin's rank and never grants Owner (docs/product-rules.md, rules 1 and 9).
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

-- ---------- Managed members: the provider owns their status and role ----------------
-- A member a connection manages is activated and deactivated by the identity provider, and
-- their role follows its groups (directory_group_roles, else the default role). A person
-- changing either by hand would be undone at the next sync (or, worse, would keep a leaver
-- active until then), so it is refused with the reason; the Users page shows the same refusal
-- per row (private.member_action_refusal: directory_managed). System paths without a signed-in
-- user (the suspension expiry job, the SCIM functions) and the settings page re-applying the
-- group mappings (fluxera.directory_roles) are not refused, nor are removal and an ownership
-- transfer (a role to or from Owner, which directory sync never touches).
create or replace function private.refuse_manual_change_of_managed_member()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_name text;
  v_role_change boolean := old.role is distinct from new.role and 'owner' not in (old.role, new.role);
begin
  if auth.uid() is null or coalesce(current_setting('fluxera.actor_label', true), '') <> ''
     or coalesce(current_setting('fluxera.directory_roles', true), '') <> '' then
    return new;
  end if;
  if old.status is not distinct from new.status and not v_role_change then
    return new;
  end if;
  v_name := private.member_managed_by(new.id);
  if v_name is not null then
    raise exception '%', private.member_managed_reason(
        case when old.status is distinct from new.status then 'deactivate' else 'changeRole' end, v_name)
      using errcode = '42501', hint = 'directory_managed';
  end if;
  return new;
end;
$$;
comment on function private.refuse_manual_change_of_managed_member() is
  'BEFORE UPDATE OF status, role trigger on memberships: a signed-in person may not change the status or the role (except to or from Owner, a transfer) of a member a directory connection manages (42501 directory_managed, naming the connection: private.member_managed_reason).';

create trigger memberships_directory_managed
  before update of status, role on public.memberships
  for each row
  when (old.status is distinct from new.status or old.role is distinct from new.role)
  execute function private.refuse_manual_change_of_managed_member();
comment on trigger memberships_directory_managed on public.memberships is
  'The identity provider owns the status and the role of the members it manages.';


-- =====================================================================================
-- Directory sync: what a SCIM request does to the workspace (issue 21). The edge function
-- supabase/functions/scim parses HTTP, filters and PATCH documents; everything that reads or
-- changes the workspace is here, in one transaction per request, behind one entry point
-- public.scim_call() that only the service role may execute:
--
--   1. the token's sha256 names the connection (private.scim_token) and so the workspace:
--      every function below takes the connection id and touches only its workspace;
--   2. the per-token rate limit (requests per minute);
--   3. the operation, in a subtransaction: a refusal rolls back all it did (never a half-made
--      member) and becomes a SCIM error (status, scimType, detail);
--   4. the request and its outcome in directory_requests; a refusal by the product's rules
--      (the Owner, a higher rank) also as member.directory_change_refused in activity_log.
--
-- The rules are the Users page's: deactivation is `status = inactive` on the membership, so
-- the triggers do what they do for deactivate_member (Auth ban when no other active
-- membership, sessions deleted, member.deactivated and member.sessions_revoked rows);
-- removal deletes the membership as remove_member does. Directory sync never touches the
-- Owner, never grants Owner (connections and mappings cannot name it) and so acts with at
-- most an Admin's rank. Activity rows carry "Directory sync (<connection>)" as their actor
-- (fluxera.actor_label, private.label_activity_actor above).
--
-- Refusals are raised with SQLSTATE 'SC' || <HTTP status> and the scimType as hint; other
-- errors are mapped in public.scim_call().
-- =====================================================================================

-- ---------- Helpers ------------------------------------------------------------------
create or replace function private.scim_refuse(p_status integer, p_scim_type text, p_detail text, p_membership_id uuid default null)
returns void
language plpgsql
set search_path = ''
as $$
begin
  raise exception '%', p_detail
    using errcode = 'SC' || p_status::text, hint = coalesce(p_scim_type, ''),
          detail = coalesce('membership_id=' || p_membership_id, '');
end;
$$;
comment on function private.scim_refuse(integer, text, text, uuid) is
  'Raises a SCIM refusal: SQLSTATE SC<status>, hint = scimType (may be empty), message = detail for the client; detail membership_id=<id> when a member''s change was refused by the rules (logged by scim_call).';

create or replace function private.scim_text(p_value jsonb, p_field text, p_max integer default 256)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  v text;
begin
  if p_value is null or jsonb_typeof(p_value) = 'null' then
    return null;
  end if;
  if jsonb_typeof(p_value) not in ('string', 'number', 'boolean') then
    perform private.scim_refuse(400, 'invalidValue', format('%s must be a string.', p_field));
  end if;
  v := nullif(btrim(p_value #>> '{}'), '');
  if char_length(v) > p_max then
    perform private.scim_refuse(400, 'invalidValue', format('%s is longer than %s characters.', p_field, p_max));
  end if;
  if v ~ '[[:cntrl:]]' then
    perform private.scim_refuse(400, 'invalidValue', format('%s contains control characters.', p_field));
  end if;
  return v;
end;
$$;
comment on function private.scim_text(jsonb, text, integer) is
  'A SCIM string attribute: trimmed, empty as null, at most p_max characters and no control characters, else 400 invalidValue.';

-- The role a member of a connection should have: the highest role among the mapped groups
-- they are in, else the connection's default role.
create or replace function private.scim_desired_role(p_connection_id uuid, p_membership_id uuid)
returns public.workspace_role
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(
    (select r.role
       from public.directory_group_members gm
       join public.directory_groups g on g.id = gm.group_id and g.connection_id = p_connection_id
       join public.directory_group_roles r on r.connection_id = p_connection_id and lower(r.group_name) = lower(g.display_name)
      where gm.membership_id = p_membership_id
      order by private.role_rank(r.role) desc
      limit 1),
    (select c.default_role from public.directory_connections c where c.id = p_connection_id))
$$;
comment on function private.scim_desired_role(uuid, uuid) is
  'The role directory sync gives a member: the highest role mapped from the connection''s groups they are in, else the connection''s default role.';

-- Applies the desired role to members of the connection; the Owner is never changed.
create or replace function private.scim_apply_roles(p_connection_id uuid, p_membership_ids uuid[])
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  -- The mappings' own re-application, also when a person saves them on the settings page.
  perform set_config('fluxera.directory_roles', p_connection_id::text, true);
  update public.memberships m
     set role = d.role
    from (select x.id, private.scim_desired_role(p_connection_id, x.id) as role
            from unnest(p_membership_ids) as x(id)) d
   where m.id = d.id
     and m.role <> 'owner'
     and m.role is distinct from d.role
     and exists (select 1 from public.directory_users u where u.membership_id = m.id and u.connection_id = p_connection_id);
  get diagnostics v_count = row_count;
  perform set_config('fluxera.directory_roles', '', true);
  return v_count;
end;
$$;
comment on function private.scim_apply_roles(uuid, uuid[]) is
  'Sets the role of the given managed members to private.scim_desired_role (member.role_changed rows by the trigger); never the Owner. Returns how many changed.';

-- ---------- Users as SCIM resources --------------------------------------------------
create or replace function private.scim_user_json(p_membership_id uuid, p_base_url text)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_strip_nulls(jsonb_build_object(
    'schemas', case when u.department is not null or u.employee_number is not null or u.manager_id is not null
                    then '["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]'::jsonb
                    else '["urn:ietf:params:scim:schemas:core:2.0:User"]'::jsonb end,
    'id', m.id,
    'externalId', u.external_id,
    'userName', u.user_name,
    'name', nullif(jsonb_strip_nulls(jsonb_build_object(
              'givenName', u.given_name, 'familyName', u.family_name,
              'formatted', nullif(concat_ws(' ', u.given_name, u.family_name), ''))), '{}'::jsonb),
    'displayName', coalesce(u.display_name, p.full_name),
    'title', u.title,
    'active', private.is_effectively_active(m.status, m.suspended_until),
    'emails', jsonb_build_array(jsonb_build_object('value', m.member_email, 'type', 'work', 'primary', true)),
    'groups', (select jsonb_agg(jsonb_build_object('value', g.id, 'display', g.display_name,
                                                   '$ref', p_base_url || '/Groups/' || g.id) order by g.display_name)
                 from public.directory_group_members gm
                 join public.directory_groups g on g.id = gm.group_id
                where gm.membership_id = m.id),
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      nullif(jsonb_strip_nulls(jsonb_build_object(
        'department', u.department, 'employeeNumber', u.employee_number,
        'manager', case when u.manager_id is not null then jsonb_build_object('value', u.manager_id) end)), '{}'::jsonb),
    'meta', jsonb_build_object(
      'resourceType', 'User',
      'created', to_char(u.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'lastModified', to_char(greatest(u.updated_at, m.updated_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'location', p_base_url || '/Users/' || m.id,
      'version', 'W/"' || u.version || '-' || (extract(epoch from m.updated_at) * 1000)::bigint || '"')))
    from public.memberships m
    join public.directory_users u on u.membership_id = m.id
    left join public.profiles p on p.id = m.user_id
   where m.id = p_membership_id
$$;
comment on function private.scim_user_json(uuid, text) is
  'A managed member as a SCIM User resource (core schema, enterprise extension when set, groups, meta with location and version). active = effectively active.';

-- The filter, compiled to a WHERE clause over directory_users u join memberships m (users)
-- or directory_groups g (groups). p_filter is the parsed filter the edge function sends:
--   {"op":"and"|"or","filters":[...]} | {"op":"not","filter":{...}}
--   | {"op":"eq|ne|co|sw|ew|gt|ge|lt|le|pr","attr":"<attribute>","value":<json>} | {"op":"true|false"}
-- Literals are quoted with format(%L); unknown attributes or operators are 400 invalidFilter.
create or replace function private.scim_filter_sql(p_filter jsonb, p_kind text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_op text := lower(p_filter ->> 'op');
  v_attr text := p_filter ->> 'attr';
  v_value jsonb := p_filter -> 'value';
  v_col text;
  v_type text;      -- ci: case-insensitive text, cs: case-exact text, uuid, bool, time
  v_lit text;
  v_parts text[];
  v_child jsonb;
begin
  if p_filter is null or jsonb_typeof(p_filter) <> 'object' then
    perform private.scim_refuse(400, 'invalidFilter', 'The filter could not be read.');
  end if;
  if v_op in ('and', 'or') then
    if jsonb_typeof(p_filter -> 'filters') <> 'array' or jsonb_array_length(p_filter -> 'filters') = 0 then
      perform private.scim_refuse(400, 'invalidFilter', 'The filter could not be read.');
    end if;
    for v_child in select * from jsonb_array_elements(p_filter -> 'filters') loop
      v_parts := v_parts || private.scim_filter_sql(v_child, p_kind);
    end loop;
    return '(' || array_to_string(v_parts, ' ' || v_op || ' ') || ')';
  elsif v_op in ('true', 'false') then
    -- A value filter the edge function could decide (emails[type eq "work"]: every member has
    -- exactly one, their work address).
    return v_op;
  elsif v_op = 'not' then
    return '(not coalesce(' || private.scim_filter_sql(p_filter -> 'filter', p_kind) || ', false))';
  end if;

  -- The attributes a filter may name, as the edge function names them (userName,
  -- emails.value -> email, name.givenName -> givenName, meta.lastModified -> lastModified,
  -- members.value -> member, ...), with their column (RFC 7643 caseExact: only id,
  -- externalId, employeeNumber and manager are exact).
  select case when c.alias is null then c.col else c.alias || '.' || c.col end, c.typ into v_col, v_type
    from (values
      ('user', 'id', 'u', 'membership_id', 'uuid'),
      ('user', 'username', 'u', 'user_name', 'ci'),
      ('user', 'externalid', 'u', 'external_id', 'cs'),
      ('user', 'email', 'm', 'member_email', 'email'),
      ('user', 'displayname', 'u', 'display_name', 'ci'),
      ('user', 'givenname', 'u', 'given_name', 'ci'),
      ('user', 'familyname', 'u', 'family_name', 'ci'),
      ('user', 'title', 'u', 'title', 'ci'),
      ('user', 'active', null, 'private.is_effectively_active(m.status, m.suspended_until)', 'bool'),
      ('user', 'department', 'u', 'department', 'ci'),
      ('user', 'employeenumber', 'u', 'employee_number', 'cs'),
      ('user', 'manager', 'u', 'manager_id', 'cs'),
      ('user', 'created', 'u', 'created_at', 'time'),
      ('user', 'lastmodified', null, 'greatest(u.updated_at, m.updated_at)', 'time'),
      ('group', 'id', 'g', 'id', 'uuid'),
      ('group', 'displayname', 'g', 'display_name', 'ci'),
      ('group', 'externalid', 'g', 'external_id', 'cs'),
      ('group', 'member', null, 'g.id in (select gm.group_id from public.directory_group_members gm where gm.membership_id', 'member'),
      ('group', 'created', 'g', 'created_at', 'time'),
      ('group', 'lastmodified', 'g', 'updated_at', 'time')
    ) as c(kind, attr, alias, col, typ)
   where c.kind = p_kind and c.attr = lower(v_attr);
  if v_col is null then
    perform private.scim_refuse(400, 'invalidFilter', format('Filtering on %s is not supported.', coalesce(v_attr, 'that attribute')));
  end if;

  if v_op = 'pr' then
    return case v_type when 'member' then '(g.id in (select gm.group_id from public.directory_group_members gm))'
                       when 'bool' then 'true'
                       else '(' || v_col || ' is not null)' end;
  end if;
  if v_op not in ('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le') then
    perform private.scim_refuse(400, 'invalidFilter', format('The operator %s is not supported.', coalesce(v_op, '')));
  end if;
  if v_value is null or jsonb_typeof(v_value) in ('object', 'array') then
    perform private.scim_refuse(400, 'invalidFilter', format('The filter on %s needs a value.', v_attr));
  end if;
  if jsonb_typeof(v_value) = 'null' then
    -- RFC 7644 3.4.2.2: eq null matches an absent attribute.
    if v_op = 'eq' then return '(' || v_col || ' is null)'; end if;
    if v_op = 'ne' then return '(' || v_col || ' is not null)'; end if;
    perform private.scim_refuse(400, 'invalidFilter', format('%s cannot compare with null.', v_op));
  end if;
  v_lit := v_value #>> '{}';

  case v_type
    when 'uuid', 'member' then
      if v_op not in ('eq', 'ne') then
        perform private.scim_refuse(400, 'invalidFilter', format('%s supports eq and ne only.', v_attr));
      end if;
      if v_lit !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
        -- Not one of our ids: matches nothing (or everything for ne), no cast error.
        return case v_op when 'eq' then 'false' else 'true' end;
      end if;
      if v_type = 'member' then
        return '(' || case v_op when 'ne' then 'not ' else '' end || v_col || ' = ' || quote_literal(v_lit) || '::uuid))';
      end if;
      return '(' || v_col || case v_op when 'eq' then ' = ' else ' <> ' end || quote_literal(v_lit) || '::uuid)';
    when 'bool' then
      if v_op not in ('eq', 'ne') or lower(v_lit) not in ('true', 'false') then
        perform private.scim_refuse(400, 'invalidFilter', 'active compares with eq or ne and true or false.');
      end if;
      return '(' || v_col || case v_op when 'eq' then ' = ' else ' <> ' end || lower(v_lit) || ')';
    when 'time' then
      if v_op not in ('eq', 'ne', 'gt', 'ge', 'lt', 'le') then
        perform private.scim_refuse(400, 'invalidFilter', format('%s compares with eq, ne, gt, ge, lt or le.', v_attr));
      end if;
      if v_lit !~ '^\d{4}-\d{2}-\d{2}([T ][0-9:.]+)?(Z|[+-]\d{2}(:?\d{2})?)?$' then
        perform private.scim_refuse(400, 'invalidFilter', format('%s needs a date and time (RFC 3339).', v_attr));
      end if;
      return '(' || v_col || ' ' || case v_op when 'eq' then '=' when 'ne' then '<>' when 'gt' then '>' when 'ge' then '>='
                                                when 'lt' then '<' else '<=' end
             || ' ' || quote_literal(v_lit) || '::timestamptz)';
    else
      -- Text. Case-insensitive attributes compare lower() on both sides; member_email is
      -- stored in lower case, so `m.member_email = lower(x)` walks memberships_workspace_email_idx,
      -- and lower(u.user_name) = lower(x) the unique index on userName.
      declare
        v_left text := case when v_type = 'ci' then 'lower(' || v_col || ')' else v_col end;
        v_right text := case when v_type in ('ci', 'email') then lower(v_lit) else v_lit end;
        v_like text := replace(replace(replace(v_right, '\', '\\'), '%', '\%'), '_', '\_');
      begin
        return '(' || v_left || ' ' || case v_op
          when 'eq' then '= ' || quote_literal(v_right)
          when 'ne' then 'is distinct from ' || quote_literal(v_right)
          when 'co' then 'like ' || quote_literal('%' || v_like || '%')
          when 'sw' then 'like ' || quote_literal(v_like || '%')
          when 'ew' then 'like ' || quote_literal('%' || v_like)
          when 'gt' then '> ' || quote_literal(v_right)
          when 'ge' then '>= ' || quote_literal(v_right)
          when 'lt' then '< ' || quote_literal(v_right)
          else '<= ' || quote_literal(v_right) end || ')';
      end;
  end case;
end;
$$;
comment on function private.scim_filter_sql(jsonb, text) is
  'Compiles a parsed SCIM filter (JSON from the edge function) into a WHERE clause over the users (u, m) or groups (g) of one connection; every literal quoted (%L). 400 invalidFilter for anything it does not support.';

create or replace function private.scim_list_users(
  p_connection_id uuid, p_filter jsonb, p_start integer, p_count integer, p_base_url text)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_workspace_id uuid := (select c.workspace_id from public.directory_connections c where c.id = p_connection_id);
  v_where text := case when p_filter is null or jsonb_typeof(p_filter) = 'null' then 'true' else private.scim_filter_sql(p_filter, 'user') end;
  v_start integer := greatest(coalesce(p_start, 1), 1);
  v_count integer := least(greatest(coalesce(p_count, 100), 0), 200);
  v_total bigint;
  v_ids uuid[];
begin
  -- Both statements name the workspace and the connection, so a filter on userName,
  -- externalId or email is an index probe, whatever the number of members.
  execute format(
    'select count(*) from public.directory_users u join public.memberships m on m.id = u.membership_id
      where u.workspace_id = $1 and u.connection_id = $2 and m.workspace_id = $1 and %s', v_where)
    into v_total using v_workspace_id, p_connection_id;
  if v_count > 0 and v_total >= v_start then
    execute format(
      'select array_agg(x.membership_id order by x.created_at, x.membership_id) from (
         select u.membership_id, u.created_at from public.directory_users u join public.memberships m on m.id = u.membership_id
          where u.workspace_id = $1 and u.connection_id = $2 and m.workspace_id = $1 and %s
          order by u.created_at, u.membership_id offset $3 limit $4) x', v_where)
      into v_ids using v_workspace_id, p_connection_id, v_start - 1, v_count;
  end if;
  return jsonb_build_object(
    'schemas', '["urn:ietf:params:scim:api:messages:2.0:ListResponse"]'::jsonb,
    'totalResults', v_total,
    'startIndex', v_start,
    'itemsPerPage', coalesce(cardinality(v_ids), 0),
    'Resources', coalesce((select jsonb_agg(private.scim_user_json(i.id, p_base_url) order by i.ord)
                             from unnest(v_ids) with ordinality as i(id, ord)), '[]'::jsonb));
end;
$$;
comment on function private.scim_list_users(uuid, jsonb, integer, integer, text) is
  'GET /Users: the connection''s users matching the filter, startIndex (1-based) and count (0..200, default 100), as a SCIM ListResponse, oldest first.';

create or replace function private.scim_managed_user(p_connection_id uuid, p_id text, p_lock boolean default false)
returns public.directory_users
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user public.directory_users;
begin
  if p_id is null or p_id !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    perform private.scim_refuse(404, null, 'No such user.');
  end if;
  select u.* into v_user from public.directory_users u
   where u.membership_id = p_id::uuid and u.connection_id = p_connection_id;
  if not found then
    perform private.scim_refuse(404, null, 'No such user.');
  end if;
  if p_lock then
    perform 1 from public.memberships m where m.id = v_user.membership_id for update;
    select u.* into v_user from public.directory_users u where u.membership_id = v_user.membership_id for update;
  end if;
  return v_user;
end;
$$;
comment on function private.scim_managed_user(uuid, text, boolean) is
  'The SCIM user p_id of the connection (404 otherwise: another connection''s or another workspace''s member is "no such user"); with p_lock, its membership and SCIM rows locked.';

-- The attributes a POST or PUT sends, normalised by the edge function:
--   {userName, externalId, active (boolean), email, givenName, familyName, displayName,
--    title, department, employeeNumber, managerId}
create or replace function private.scim_user_email(p_user jsonb)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_email text := lower(private.scim_text(p_user -> 'email', 'The work email', 254));
  v_user_name text := private.scim_text(p_user -> 'userName', 'userName');
begin
  if v_email is null and v_user_name ~ '@' then
    v_email := lower(v_user_name);
  end if;
  if v_email is null then
    perform private.scim_refuse(400, 'invalidValue', 'A work email (or a userName that is an email address) is required.');
  end if;
  if v_email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' then
    perform private.scim_refuse(400, 'invalidValue', format('%s is not an email address.', v_email));
  end if;
  return v_email;
end;
$$;
comment on function private.scim_user_email(jsonb) is
  'The sign-in address of a SCIM user: the work email, else a userName that is an address (lower case); 400 invalidValue without one.';

create or replace function private.scim_write_user_attributes(p_membership_id uuid, p_user jsonb)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_name text := private.scim_text(p_user -> 'userName', 'userName');
begin
  if v_user_name is null then
    perform private.scim_refuse(400, 'invalidValue', 'userName is required.');
  end if;
  if exists (select 1 from public.directory_users u
              where u.workspace_id = (select m.workspace_id from public.memberships m where m.id = p_membership_id)
                and lower(u.user_name) = lower(v_user_name) and u.membership_id <> p_membership_id) then
    perform private.scim_refuse(409, 'uniqueness', format('The userName %s is already taken in this workspace.', v_user_name));
  end if;
  update public.directory_users u
     set user_name = v_user_name,
         external_id = private.scim_text(p_user -> 'externalId', 'externalId'),
         given_name = private.scim_text(p_user -> 'givenName', 'givenName'),
         family_name = private.scim_text(p_user -> 'familyName', 'familyName'),
         display_name = private.scim_text(p_user -> 'displayName', 'displayName'),
         title = private.scim_text(p_user -> 'title', 'title'),
         department = private.scim_text(p_user -> 'department', 'department'),
         employee_number = private.scim_text(p_user -> 'employeeNumber', 'employeeNumber'),
         manager_id = private.scim_text(p_user -> 'managerId', 'The manager'),
         updated_at = now(),
         version = u.version + 1
   where u.membership_id = p_membership_id;
end;
$$;
comment on function private.scim_write_user_attributes(uuid, jsonb) is
  'Writes the SCIM attributes of a member (a full replace: absent ones become null); 409 uniqueness when the userName is another member''s in the workspace.';

-- active true/false as the Users page would: deactivation is status inactive (the triggers
-- ban the Auth account when no other membership is active, delete its sessions and log);
-- reactivation needs a free seat, like reactivate_member.
create or replace function private.scim_set_active(p_membership public.memberships, p_active boolean)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  if p_active is null then
    return;
  end if;
  if p_membership.role = 'owner' then
    if p_active is distinct from private.is_effectively_active(p_membership.status, p_membership.suspended_until) then
      perform private.scim_refuse(403, null, 'The workspace Owner is never deactivated by directory sync.', p_membership.id);
    end if;
    return;
  end if;
  if not p_active and p_membership.status <> 'inactive' then
    update public.memberships m
       set status = 'inactive', suspended_until = null, status_reason = null
     where m.id = p_membership.id;
  elsif p_active and p_membership.status <> 'active' then
    if not private.takes_seat(p_membership.status) then
      perform private.assert_seat_available(p_membership.workspace_id, 1);
    end if;
    update public.memberships m
       set status = 'active', suspended_until = null, status_reason = null,
           joined_at = coalesce(m.joined_at, now()), invite_expires_at = null
     where m.id = p_membership.id;
  end if;
end;
$$;
comment on function private.scim_set_active(public.memberships, boolean) is
  'active false: status inactive (a deactivation, with the Auth ban and signed-out sessions of the triggers); true: status active (seat checked). The Owner is refused (403) when it would change.';

create or replace function private.scim_update_profile_name(p_membership_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- Only accounts made for this connection: a person's name is theirs in every workspace,
  -- and one workspace's directory must not rename someone in another.
  update public.profiles p
     set full_name = left(coalesce(u.display_name, nullif(concat_ws(' ', u.given_name, u.family_name), '')), 120)
    from public.directory_users u
    join public.memberships m on m.id = u.membership_id
   where u.membership_id = p_membership_id and u.created_auth_user and p.id = m.user_id
     and coalesce(u.display_name, nullif(concat_ws(' ', u.given_name, u.family_name), '')) is not null
     and p.full_name is distinct from left(coalesce(u.display_name, nullif(concat_ws(' ', u.given_name, u.family_name), '')), 120)
     and not exists (select 1 from public.memberships o where o.user_id = m.user_id and o.id <> m.id);
end;
$$;
comment on function private.scim_update_profile_name(uuid) is
  'Copies the SCIM name to the profile when the account was made for the connection and has no other membership.';

create or replace function private.scim_create_user(
  p_connection_id uuid, p_user jsonb, p_user_id uuid, p_created_account boolean, p_base_url text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_conn public.directory_connections;
  v_email text := private.scim_user_email(p_user);
  v_user_name text := private.scim_text(p_user -> 'userName', 'userName');
  v_active boolean := coalesce((p_user ->> 'active')::boolean, true);
  v_user_id uuid := p_user_id;
  v_member public.memberships;
  v_link public.directory_users;
begin
  select * into v_conn from public.directory_connections c where c.id = p_connection_id;
  if v_user_name is null then
    perform private.scim_refuse(400, 'invalidValue', 'userName is required.');
  end if;
  if exists (select 1 from public.directory_users u
              where u.workspace_id = v_conn.workspace_id and lower(u.user_name) = lower(v_user_name)) then
    perform private.scim_refuse(409, 'uniqueness', format('The userName %s is already taken in this workspace.', v_user_name));
  end if;

  if v_user_id is null then
    select p.id into v_user_id from public.profiles p where lower(p.email) = v_email;
    if v_user_id is null then
      -- No account yet: the edge function makes one through Auth's admin API and calls again.
      return jsonb_build_object('status', 0, 'needsAccount', true, 'email', v_email,
        'sendInvitation', v_conn.send_invitation, 'workspaceId', v_conn.workspace_id,
        'workspaceName', (select w.name from public.workspaces w where w.id = v_conn.workspace_id));
    end if;
  elsif not exists (select 1 from public.profiles p where p.id = v_user_id and lower(p.email) = v_email) then
    perform private.scim_refuse(400, 'invalidValue', 'The account does not have that email address.');
  end if;

  -- The seat check counts the workspace's members: serialise it with other admissions.
  if (select w.seat_limit from public.workspaces w where w.id = v_conn.workspace_id) is not null then
    perform 1 from public.workspaces w where w.id = v_conn.workspace_id for no key update;
  end if;

  select * into v_member from public.memberships m
   where m.workspace_id = v_conn.workspace_id and m.user_id = v_user_id for update;
  if found then
    -- The person is already a member (invited or added by hand): the connection adopts the
    -- membership, unless it is the Owner's or another connection's.
    if v_member.role = 'owner' then
      perform private.scim_refuse(403, null,
        format('%s is the workspace Owner, whom directory sync never manages.', v_email), v_member.id);
    end if;
    select * into v_link from public.directory_users u where u.membership_id = v_member.id for update;
    if found and v_link.connection_id is not null then
      perform private.scim_refuse(409, 'uniqueness', format('%s is already managed by another directory connection.', v_email));
    end if;
    if found then
      update public.directory_users u set connection_id = p_connection_id where u.membership_id = v_member.id;
    else
      insert into public.directory_users (membership_id, workspace_id, connection_id, user_name)
      values (v_member.id, v_conn.workspace_id, p_connection_id, v_user_name);
    end if;
    perform private.scim_set_active(v_member, v_active);
  else
    if private.takes_seat(case when v_active then 'active' else 'inactive' end::public.member_status) then
      perform private.assert_seat_available(v_conn.workspace_id, 1);
    end if;
    insert into public.memberships (workspace_id, user_id, role, status, joined_at)
    values (v_conn.workspace_id, v_user_id, v_conn.default_role,
            case when v_active then 'active' else 'inactive' end::public.member_status, now())
    returning * into v_member;
    insert into public.directory_users (membership_id, workspace_id, connection_id, user_name, created_auth_user)
    values (v_member.id, v_conn.workspace_id, p_connection_id, v_user_name, coalesce(p_created_account, false));
  end if;

  perform private.scim_write_user_attributes(v_member.id, p_user);
  perform private.scim_apply_roles(p_connection_id, array[v_member.id]);
  perform private.scim_update_profile_name(v_member.id);
  return jsonb_build_object('status', 201, 'body', private.scim_user_json(v_member.id, p_base_url));
end;
$$;
comment on function private.scim_create_user(uuid, jsonb, uuid, boolean, text) is
  'POST /Users: a membership of the connection''s workspace for the account with the user''s email (p_user_id when the edge function just made it; else found by email, else {"needsAccount": true}). An existing member is adopted, except the Owner (403) or another connection''s (409). Status from active (a new inactive member is banned like a deactivated one), role from the groups (the default role at first), seat limit checked.';

create or replace function private.scim_replace_user(p_connection_id uuid, p_id text, p_user jsonb, p_base_url text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_link public.directory_users := private.scim_managed_user(p_connection_id, p_id, true);
  v_member public.memberships;
  v_email text;
  v_active boolean := (p_user ->> 'active')::boolean;
begin
  select * into v_member from public.memberships m where m.id = v_link.membership_id;
  if v_member.role = 'owner' then
    perform private.scim_refuse(403, null, 'The workspace Owner is never changed by directory sync.', v_member.id);
  end if;
  if nullif(p_user ->> 'email', '') is not null then
    v_email := private.scim_user_email(p_user);
    if v_email is distinct from lower(v_member.member_email) then
      -- The address is the person's sign-in for every workspace they belong to.
      perform private.scim_refuse(400, 'mutability',
        format('The sign-in address of %s cannot be changed by directory sync.', v_member.member_email));
    end if;
  end if;
  perform private.scim_write_user_attributes(v_member.id, p_user);
  perform private.scim_set_active(v_member, v_active);
  perform private.scim_update_profile_name(v_member.id);
  return jsonb_build_object('status', 200, 'body', private.scim_user_json(v_member.id, p_base_url));
end;
$$;
comment on function private.scim_replace_user(uuid, text, jsonb, text) is
  'PUT /Users/{id} (and PATCH, which the edge function applies to the current resource first): replaces the SCIM attributes, applies active (deactivation / reactivation). Refused: the Owner (403), another address (400 mutability), a taken userName (409).';

create or replace function private.scim_delete_user(p_connection_id uuid, p_id text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_link public.directory_users := private.scim_managed_user(p_connection_id, p_id, true);
  v_member public.memberships;
begin
  select * into v_member from public.memberships m where m.id = v_link.membership_id;
  if v_member.role = 'owner' then
    perform private.scim_refuse(403, null, 'The workspace Owner is never removed by directory sync.', v_member.id);
  end if;
  -- As remove_member: the membership goes (its SCIM and group rows cascade); the triggers
  -- log member.removed, free seats, check assets in and re-apply the ban rule.
  delete from public.memberships m where m.id = v_member.id;
  -- An account made for this connection that now belongs nowhere goes too, as Auth's admin
  -- API deletes it; an account with any other membership is never deleted.
  if v_link.created_auth_user then
    delete from auth.users u
     where u.id = v_member.user_id
       and not exists (select 1 from public.memberships m where m.user_id = u.id);
  end if;
  return jsonb_build_object('status', 204);
end;
$$;
comment on function private.scim_delete_user(uuid, text) is
  'DELETE /Users/{id}: removes the membership as remove_member does (never the Owner: 403); deletes the Auth account only when it was made for the connection and has no membership left.';

-- ---------- Groups -------------------------------------------------------------------
create or replace function private.scim_group_json(p_group_id uuid, p_base_url text, p_members boolean)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_strip_nulls(jsonb_build_object(
    'schemas', '["urn:ietf:params:scim:schemas:core:2.0:Group"]'::jsonb,
    'id', g.id,
    'externalId', g.external_id,
    'displayName', g.display_name,
    'members', case when p_members then
                 coalesce((select jsonb_agg(jsonb_build_object('value', gm.membership_id, 'display', u.user_name,
                                                               '$ref', p_base_url || '/Users/' || gm.membership_id)
                                            order by u.user_name)
                             from public.directory_group_members gm
                             left join public.directory_users u on u.membership_id = gm.membership_id
                            where gm.group_id = g.id), '[]'::jsonb) end,
    'meta', jsonb_build_object(
      'resourceType', 'Group',
      'created', to_char(g.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'lastModified', to_char(g.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'location', p_base_url || '/Groups/' || g.id,
      'version', 'W/"' || g.version || '"')))
    from public.directory_groups g
   where g.id = p_group_id
$$;
comment on function private.scim_group_json(uuid, text, boolean) is
  'A SCIM Group resource, with its members unless p_members is false (excludedAttributes=members).';

create or replace function private.scim_list_groups(
  p_connection_id uuid, p_filter jsonb, p_start integer, p_count integer, p_members boolean, p_base_url text)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_where text := case when p_filter is null or jsonb_typeof(p_filter) = 'null' then 'true' else private.scim_filter_sql(p_filter, 'group') end;
  v_start integer := greatest(coalesce(p_start, 1), 1);
  v_count integer := least(greatest(coalesce(p_count, 100), 0), 200);
  v_total bigint;
  v_ids uuid[];
begin
  execute format('select count(*) from public.directory_groups g where g.connection_id = $1 and %s', v_where)
    into v_total using p_connection_id;
  if v_count > 0 and v_total >= v_start then
    execute format(
      'select array_agg(x.id order by x.created_at, x.id) from (
         select g.id, g.created_at from public.directory_groups g where g.connection_id = $1 and %s
          order by g.created_at, g.id offset $2 limit $3) x', v_where)
      into v_ids using p_connection_id, v_start - 1, v_count;
  end if;
  return jsonb_build_object(
    'schemas', '["urn:ietf:params:scim:api:messages:2.0:ListResponse"]'::jsonb,
    'totalResults', v_total,
    'startIndex', v_start,
    'itemsPerPage', coalesce(cardinality(v_ids), 0),
    'Resources', coalesce((select jsonb_agg(private.scim_group_json(i.id, p_base_url, p_members) order by i.ord)
                             from unnest(v_ids) with ordinality as i(id, ord)), '[]'::jsonb));
end;
$$;
comment on function private.scim_list_groups(uuid, jsonb, integer, integer, boolean, text) is
  'GET /Groups: the connection''s groups matching the filter, paged, as a ListResponse; members left out when p_members is false.';

create or replace function private.scim_managed_group(p_connection_id uuid, p_id text, p_lock boolean default false)
returns public.directory_groups
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_group public.directory_groups;
begin
  if p_id is null or p_id !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    perform private.scim_refuse(404, null, 'No such group.');
  end if;
  if p_lock then
    select g.* into v_group from public.directory_groups g where g.id = p_id::uuid and g.connection_id = p_connection_id for update;
  else
    select g.* into v_group from public.directory_groups g where g.id = p_id::uuid and g.connection_id = p_connection_id;
  end if;
  if not found then
    perform private.scim_refuse(404, null, 'No such group.');
  end if;
  return v_group;
end;
$$;
comment on function private.scim_managed_group(uuid, text, boolean) is 'The group p_id of the connection, else 404.';

-- Sets the group's attributes and members (a full replace) and re-applies roles to everyone
-- who joined or left it.
create or replace function private.scim_write_group(p_connection_id uuid, p_group_id uuid, p_group jsonb)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_workspace_id uuid := (select c.workspace_id from public.directory_connections c where c.id = p_connection_id);
  v_name text := private.scim_text(p_group -> 'displayName', 'displayName');
  v_members uuid[];
  v_bad text;
  v_changed uuid[];
begin
  if v_name is null then
    perform private.scim_refuse(400, 'invalidValue', 'displayName is required.');
  end if;
  if exists (select 1 from public.directory_groups g
              where g.connection_id = p_connection_id and lower(g.display_name) = lower(v_name) and g.id <> p_group_id) then
    perform private.scim_refuse(409, 'uniqueness', format('A group named %s already exists.', v_name));
  end if;
  if p_group ? 'members' and jsonb_typeof(p_group -> 'members') not in ('array', 'null') then
    perform private.scim_refuse(400, 'invalidValue', 'members must be a list.');
  end if;

  select v.value into v_bad
    from jsonb_array_elements_text(coalesce(nullif(p_group -> 'members', 'null'::jsonb), '[]'::jsonb)) as v(value)
   where v.value !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
      or not exists (select 1 from public.directory_users u where u.membership_id = v.value::uuid and u.connection_id = p_connection_id)
   limit 1;
  if v_bad is not null then
    perform private.scim_refuse(400, 'invalidValue', format('%s is not a user of this directory.', v_bad));
  end if;
  select coalesce(array_agg(distinct v.value::uuid), '{}') into v_members
    from jsonb_array_elements_text(coalesce(nullif(p_group -> 'members', 'null'::jsonb), '[]'::jsonb)) as v(value);

  update public.directory_groups g
     set display_name = v_name,
         external_id = private.scim_text(p_group -> 'externalId', 'externalId'),
         updated_at = now(), version = g.version + 1
   where g.id = p_group_id;

  with gone as (
    delete from public.directory_group_members gm
     where gm.group_id = p_group_id and gm.membership_id <> all (v_members)
    returning gm.membership_id
  ), added as (
    insert into public.directory_group_members (group_id, membership_id, workspace_id)
    select p_group_id, x.id, v_workspace_id from unnest(v_members) as x(id)
    on conflict do nothing
    returning membership_id
  )
  select coalesce(array_agg(c.id), '{}') into v_changed
    from (select membership_id as id from gone union select membership_id from added) c;
  -- A renamed group may now match another mapping: everyone in it is re-checked.
  perform private.scim_apply_roles(p_connection_id, v_changed || v_members);
end;
$$;
comment on function private.scim_write_group(uuid, uuid, jsonb) is
  'Replaces a group''s displayName, externalId and members ({"displayName", "externalId", "members": [membership ids]}); members must be users of the connection (400 invalidValue); re-applies roles to whoever joined, left or stayed.';

create or replace function private.scim_create_group(p_connection_id uuid, p_group jsonb, p_base_url text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id uuid;
  v_name text := private.scim_text(p_group -> 'displayName', 'displayName');
begin
  if v_name is null then
    perform private.scim_refuse(400, 'invalidValue', 'displayName is required.');
  end if;
  if exists (select 1 from public.directory_groups g where g.connection_id = p_connection_id and lower(g.display_name) = lower(v_name)) then
    perform private.scim_refuse(409, 'uniqueness', format('A group named %s already exists.', v_name));
  end if;
  insert into public.directory_groups (connection_id, workspace_id, display_name)
  select c.id, c.workspace_id, v_name from public.directory_connections c where c.id = p_connection_id
  returning id into v_id;
  perform private.scim_write_group(p_connection_id, v_id, p_group);
  return jsonb_build_object('status', 201, 'body', private.scim_group_json(v_id, p_base_url, true));
end;
$$;
comment on function private.scim_create_group(uuid, jsonb, text) is 'POST /Groups.';

create or replace function private.scim_replace_group(p_connection_id uuid, p_id text, p_group jsonb, p_base_url text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_group public.directory_groups := private.scim_managed_group(p_connection_id, p_id, true);
begin
  perform private.scim_write_group(p_connection_id, v_group.id, p_group);
  return jsonb_build_object('status', 200, 'body', private.scim_group_json(v_group.id, p_base_url, true));
end;
$$;
comment on function private.scim_replace_group(uuid, text, jsonb, text) is 'PUT /Groups/{id}, and PATCH after the edge function applied it.';

create or replace function private.scim_delete_group(p_connection_id uuid, p_id text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_group public.directory_groups := private.scim_managed_group(p_connection_id, p_id, true);
  v_members uuid[];
begin
  select coalesce(array_agg(gm.membership_id), '{}') into v_members
    from public.directory_group_members gm where gm.group_id = v_group.id;
  delete from public.directory_groups g where g.id = v_group.id;
  perform private.scim_apply_roles(p_connection_id, v_members);
  return jsonb_build_object('status', 204);
end;
$$;
comment on function private.scim_delete_group(uuid, text) is 'DELETE /Groups/{id}: its former members'' roles are re-applied.';

-- ---------- The entry point ----------------------------------------------------------
create or replace function private.scim_log_request(
  p_token public.directory_tokens, p_request jsonb, p_status integer, p_scim_type text, p_detail text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id bigint;
begin
  insert into public.directory_requests (connection_id, workspace_id, token_id, method, path, status, scim_type, detail)
  values (p_token.connection_id, p_token.workspace_id, p_token.id,
          left(coalesce(p_request ->> 'method', '?'), 10), left(coalesce(p_request ->> 'path', '?'), 500),
          p_status, nullif(p_scim_type, ''), left(p_detail, 1000))
  returning id into v_id;
  -- Keep the latest 1,000 per connection, trimmed now and then rather than on every request.
  if v_id % 100 = 0 then
    delete from public.directory_requests r
     where r.connection_id = p_token.connection_id
       and r.id < (select r2.id from public.directory_requests r2 where r2.connection_id = p_token.connection_id
                    order by r2.id desc offset 1000 limit 1);
  end if;
end;
$$;
comment on function private.scim_log_request(public.directory_tokens, jsonb, integer, text, text) is
  'Appends a request to directory_requests (the latest 1,000 per connection are kept).';

create or replace function private.scim_token(p_token_hash text)
returns public.directory_tokens
language sql
stable
security definer
set search_path = ''
as $$
  select t.* from public.directory_tokens t where t.token_hash = lower(p_token_hash)
$$;
comment on function private.scim_token(text) is
  'The token row with this sha256 (hex), whatever its state: the one function that turns a bearer token into a connection.';

create or replace function public.scim_call(
  p_token_hash text, p_operation text, p_args jsonb default '{}', p_request jsonb default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_token public.directory_tokens := private.scim_token(p_token_hash);
  v_conn public.directory_connections;
  v_minute timestamptz := date_trunc('minute', clock_timestamp());
  v_result jsonb;
  v_status integer;
  v_type text;
  v_detail text;
  v_state text;
  v_message text;
  v_hint text;
  v_err_detail text;
  v_member public.memberships;
  v_base text := coalesce(p_args ->> 'baseUrl', '');
  v_args jsonb := coalesce(p_args, '{}'::jsonb);
begin
  if v_token.id is null then
    return jsonb_build_object('status', 401, 'detail', 'The bearer token is not valid.');
  end if;
  if v_token.revoked_at is not null or v_token.expires_at <= now() then
    if p_request is not null then
      perform private.scim_log_request(v_token, p_request, 401, null,
        case when v_token.revoked_at is not null then 'Token revoked.' else 'Token expired.' end);
    end if;
    return jsonb_build_object('status', 401, 'detail',
      case when v_token.revoked_at is not null then 'The bearer token was revoked.' else 'The bearer token has expired.' end);
  end if;
  select * into v_conn from public.directory_connections c where c.id = v_token.connection_id;

  -- Rate limit per token and minute. Read without a lock (four requests at once may pass it
  -- by three), counted at the end, so concurrent requests of a token wait only for commits.
  if p_request is not null and v_token.window_start = v_minute and v_token.window_count >= v_conn.rate_limit_per_minute then
    perform private.scim_log_request(v_token, p_request, 429, null, 'Rate limit reached.');
    return jsonb_build_object('status', 429, 'detail', 'Too many requests for this token; try again later.',
      'retryAfter', greatest(1, ceil(extract(epoch from v_minute + interval '1 minute' - clock_timestamp())))::integer);
  end if;

  -- Every activity row of this transaction reads "Directory sync (<name>)".
  perform set_config('fluxera.actor_label', 'Directory sync (' || v_conn.name || ')', true);
  -- A read writes only the request log and the token's counters, which need not wait for the
  -- disk: a crash may lose the last few log lines, never a change to the workspace.
  if p_operation in ('list_users', 'get_user', 'list_groups', 'get_group', 'log') then
    perform set_config('synchronous_commit', 'off', true);
  end if;

  begin
    v_result := case p_operation
      when 'log' then jsonb_build_object('status', (v_args ->> 'status')::integer)
      when 'list_users' then jsonb_build_object('status', 200, 'body',
        private.scim_list_users(v_conn.id, v_args -> 'filter', (v_args ->> 'startIndex')::integer, (v_args ->> 'count')::integer, v_base))
      when 'get_user' then jsonb_build_object('status', 200, 'body',
        private.scim_user_json((private.scim_managed_user(v_conn.id, v_args ->> 'id')).membership_id, v_base))
      when 'create_user' then
        private.scim_create_user(v_conn.id, v_args -> 'user', (v_args ->> 'userId')::uuid,
                                 coalesce((v_args ->> 'createdAccount')::boolean, false), v_base)
      when 'replace_user' then private.scim_replace_user(v_conn.id, v_args ->> 'id', v_args -> 'user', v_base)
      when 'delete_user' then private.scim_delete_user(v_conn.id, v_args ->> 'id')
      when 'list_groups' then jsonb_build_object('status', 200, 'body',
        private.scim_list_groups(v_conn.id, v_args -> 'filter', (v_args ->> 'startIndex')::integer, (v_args ->> 'count')::integer,
                                 coalesce((v_args ->> 'members')::boolean, true), v_base))
      when 'get_group' then jsonb_build_object('status', 200, 'body',
        private.scim_group_json((private.scim_managed_group(v_conn.id, v_args ->> 'id')).id, v_base,
                                coalesce((v_args ->> 'members')::boolean, true)))
      when 'create_group' then private.scim_create_group(v_conn.id, v_args -> 'group', v_base)
      when 'replace_group' then private.scim_replace_group(v_conn.id, v_args ->> 'id', v_args -> 'group', v_base)
      when 'delete_group' then private.scim_delete_group(v_conn.id, v_args ->> 'id')
    end;
    if v_result is null then
      perform private.scim_refuse(400, 'invalidSyntax', 'Unknown operation.');
    end if;
    v_status := (v_result ->> 'status')::integer;
    v_detail := v_args ->> 'detail';
    v_type := v_args ->> 'scimType';
  exception when others then
    -- Everything the operation did is rolled back with its subtransaction.
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
                            v_hint = pg_exception_hint, v_err_detail = pg_exception_detail;
    if v_state like 'SC%' then
      v_status := substr(v_state, 3)::integer;
      v_type := nullif(v_hint, '');
      v_detail := v_message;
    elsif v_state = '23505' then
      v_status := 409; v_type := 'uniqueness'; v_detail := 'That userName or displayName is already taken.';
    elsif v_state = '42501' then
      v_status := 403; v_detail := v_message;
    elsif v_state = '22023' and v_hint = 'seat_limit_reached' then
      v_status := 403; v_detail := v_message;
    elsif v_state in ('22023', '22P02', '23514', '22001', '23502', '22007', '22008', '22003') then
      v_status := 400; v_type := 'invalidValue'; v_detail := v_message;
    elsif v_state = 'PT404' then
      v_status := 404; v_detail := v_message;
    elsif v_state in ('40001', '40P01', '55P03') then
      v_status := 503; v_detail := 'The change collided with another one; send it again.';
    else
      raise warning 'scim_call % failed: % %', p_operation, v_state, v_message;
      v_status := 500; v_detail := 'The request could not be carried out.';
    end if;
    v_result := jsonb_build_object('status', v_status, 'scimType', v_type, 'detail', v_detail);

    -- A change the product's rules refuse is part of the workspace's history.
    if v_err_detail like 'membership_id=%' then
      select * into v_member from public.memberships m where m.id = substr(v_err_detail, 15)::uuid;
      if found then
        perform private.log_activity(v_member.workspace_id, 'member.directory_change_refused', 'membership',
          v_member.id::text, null,
          jsonb_build_object('operation', p_operation, 'reason', v_detail, 'connection', v_conn.name),
          v_member.user_id);
      end if;
    end if;
    -- An account the edge function made for this request must not outlive the refusal.
    if p_operation = 'create_user' and coalesce((v_args ->> 'createdAccount')::boolean, false) then
      delete from auth.users u
       where u.id = (v_args ->> 'userId')::uuid
         and not exists (select 1 from public.memberships m where m.user_id = u.id);
    end if;
  end;

  if p_request is not null and v_status <> 0 then
    perform private.scim_log_request(v_token, p_request, v_status, v_type, v_detail);
    update public.directory_tokens t
       set last_used_at = now(),
           window_count = case when t.window_start = v_minute then t.window_count + 1 else 1 end,
           window_start = v_minute
     where t.id = v_token.id;
  end if;
  -- The label names this call's changes only (a caller may make several in one transaction).
  perform set_config('fluxera.actor_label', '', true);
  return v_result;
end;
$$;
comment on function public.scim_call(text, text, jsonb, jsonb) is
  'The SCIM edge function''s one door (service role only). p_token_hash: hex sha256 of the bearer token; p_operation: list_users, get_user, create_user, replace_user, delete_user, list_groups, get_group, create_group, replace_group, delete_group, or log (record a request the function refused itself); p_args: the operation''s arguments and baseUrl; p_request: {method, path} to record (null: not recorded nor counted). Returns {status, body} or {status, scimType, detail, retryAfter}; status 0 with needsAccount asks the function to make the Auth account first. Refusals roll back the operation; rule refusals are logged as member.directory_change_refused.';

revoke all on function public.scim_call(text, text, jsonb, jsonb) from public, anon, authenticated;
grant execute on function public.scim_call(text, text, jsonb, jsonb) to service_role;

-- The private functions above are reached only through scim_call (security definer).
do $$
declare
  v_fn regprocedure;
begin
  for v_fn in
    select p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'private' and p.proname like 'scim\_%'
  loop
    execute format('revoke all on function %s from public', v_fn);
  end loop;
end
$$;


-- =====================================================================================
-- Directory sync: the Settings -> Directory sync page's RPCs (issue 21). Each needs
-- directory.manage in the workspace (Owner by default, grantable to Admin) and, whatever the
-- matrix says, the Owner or an Admin. Every change is logged with the person as actor.
--   create_directory_connection, update_directory_connection, delete_directory_connection
--   set_directory_group_roles          the group -> role mappings (roles re-applied at once)
--   create_directory_token             a token, shown once; a second one is a rotation
--   revoke_directory_token
--   directory_connection_overview      last request, live tokens, managed members
-- =====================================================================================

create or replace function private.require_directory_access(p_workspace_id uuid)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_workspace_permission(p_workspace_id, 'directory.manage');
  -- Defence in depth: whoever decides who joins must be an Owner or an Admin.
  if private.accessible_role(p_workspace_id) not in ('owner', 'admin') then
    raise exception 'Only the Owner or an Admin can manage directory sync.'
      using errcode = '42501', hint = 'not_allowed';
  end if;
end;
$$;
comment on function private.require_directory_access(uuid) is
  'Prelude of the directory RPCs: PT404 for a workspace the caller is not in, 42501 not_allowed without directory.manage or below Admin.';

create or replace function private.require_directory_connection(p_connection_id uuid)
returns public.directory_connections
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_conn public.directory_connections;
begin
  select * into v_conn from public.directory_connections c where c.id = p_connection_id;
  if not found or not private.is_member(v_conn.workspace_id) then
    raise exception 'Directory connection not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  perform private.require_directory_access(v_conn.workspace_id);
  select * into v_conn from public.directory_connections c where c.id = p_connection_id for update;
  return v_conn;
end;
$$;
comment on function private.require_directory_connection(uuid) is
  'The connection, locked, when the caller may manage it (PT404 otherwise, without telling other workspaces'' connections apart).';

create or replace function private.directory_connection_name(p_name text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_name text := btrim(p_name);
begin
  if v_name is null or v_name = '' or v_name ~ '[[:cntrl:]]' then
    raise exception 'Give the connection a name, e.g. "Okta".' using errcode = '22023', hint = 'invalid_name';
  end if;
  if char_length(v_name) > 60 then
    raise exception 'The name can be at most 60 characters.' using errcode = '22023', hint = 'too_long';
  end if;
  return v_name;
end;
$$;
comment on function private.directory_connection_name(text) is 'A connection name, trimmed (22023 invalid_name / too_long).';

create or replace function private.directory_role(p_role public.workspace_role)
returns public.workspace_role
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_role is null or p_role = 'owner' then
    raise exception 'Directory sync can give the Admin, Member or Viewer role, never Owner.'
      using errcode = '22023', hint = 'unknown_role';
  end if;
  return p_role;
end;
$$;
comment on function private.directory_role(public.workspace_role) is 'admin, member or viewer (22023 unknown_role for owner or null).';

create or replace function public.create_directory_connection(
  p_workspace_id uuid, p_name text, p_default_role public.workspace_role default 'member', p_send_invitation boolean default false)
returns public.directory_connections
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_conn public.directory_connections;
  v_name text;
begin
  perform private.require_directory_access(p_workspace_id);
  v_name := private.directory_connection_name(p_name);
  if exists (select 1 from public.directory_connections c where c.workspace_id = p_workspace_id and lower(c.name) = lower(v_name)) then
    raise exception 'A connection named "%" already exists.', v_name using errcode = '23505', hint = 'duplicate_name';
  end if;
  if (select count(*) from public.directory_connections c where c.workspace_id = p_workspace_id) >= 5 then
    raise exception 'A workspace can have at most 5 directory connections.' using errcode = '22023', hint = 'too_many';
  end if;
  -- An Admin may not hand out a role above their own (rule 9): admin is their own.
  perform private.assert_rank_for_role(p_workspace_id, private.directory_role(p_default_role));
  insert into public.directory_connections (workspace_id, name, default_role, send_invitation, created_by)
  values (p_workspace_id, v_name, p_default_role, coalesce(p_send_invitation, false), auth.uid())
  returning * into v_conn;
  perform private.log_activity(p_workspace_id, 'directory.connected', 'directory_connection', v_conn.id::text,
    null, jsonb_build_object('name', v_conn.name, 'default_role', v_conn.default_role, 'send_invitation', v_conn.send_invitation));
  return v_conn;
end;
$$;
comment on function public.create_directory_connection(uuid, text, public.workspace_role, boolean) is
  'Connects an identity provider (directory.manage, Owner or Admin): name (unique per workspace), default role (admin/member/viewer), whether new accounts get Auth''s invitation mail. At most 5 per workspace. Logs directory.connected. Errors: PT404, 42501 not_allowed, 22023 invalid_name/too_long/unknown_role/too_many, 23505 duplicate_name.';

create or replace function public.update_directory_connection(
  p_connection_id uuid, p_name text, p_default_role public.workspace_role, p_send_invitation boolean)
returns public.directory_connections
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_old public.directory_connections := private.require_directory_connection(p_connection_id);
  v_conn public.directory_connections;
  v_name text := private.directory_connection_name(p_name);
begin
  perform private.assert_rank_for_role(v_old.workspace_id, private.directory_role(p_default_role));
  if exists (select 1 from public.directory_connections c
              where c.workspace_id = v_old.workspace_id and lower(c.name) = lower(v_name) and c.id <> p_connection_id) then
    raise exception 'A connection named "%" already exists.', v_name using errcode = '23505', hint = 'duplicate_name';
  end if;
  update public.directory_connections c
     set name = v_name, default_role = p_default_role, send_invitation = coalesce(p_send_invitation, false), updated_at = now()
   where c.id = p_connection_id
  returning * into v_conn;
  if v_conn.default_role is distinct from v_old.default_role then
    perform private.scim_apply_roles(p_connection_id,
      array(select u.membership_id from public.directory_users u where u.connection_id = p_connection_id));
  end if;
  if (v_old.name, v_old.default_role, v_old.send_invitation) is distinct from (v_conn.name, v_conn.default_role, v_conn.send_invitation) then
    perform private.log_activity(v_conn.workspace_id, 'directory.settings_changed', 'directory_connection', v_conn.id::text,
      jsonb_build_object('name', v_old.name, 'default_role', v_old.default_role, 'send_invitation', v_old.send_invitation),
      jsonb_build_object('name', v_conn.name, 'default_role', v_conn.default_role, 'send_invitation', v_conn.send_invitation));
  end if;
  return v_conn;
end;
$$;
comment on function public.update_directory_connection(uuid, text, public.workspace_role, boolean) is
  'Renames a connection, changes its default role (re-applied to its members at once, never the Owner) or invitation mail. Logs directory.settings_changed.';

create or replace function public.delete_directory_connection(p_connection_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_conn public.directory_connections := private.require_directory_connection(p_connection_id);
begin
  -- Its tokens, groups and requests go; its members stay, no longer managed (connection null).
  delete from public.directory_connections c where c.id = p_connection_id;
  perform private.log_activity(v_conn.workspace_id, 'directory.disconnected', 'directory_connection', v_conn.id::text,
    jsonb_build_object('name', v_conn.name), null);
end;
$$;
comment on function public.delete_directory_connection(uuid) is
  'Disconnects an identity provider: its tokens stop working at once, its groups go, its members stay as ordinary members. Logs directory.disconnected.';

create or replace function public.set_directory_group_roles(p_connection_id uuid, p_mappings jsonb)
returns setof public.directory_group_roles
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_conn public.directory_connections := private.require_directory_connection(p_connection_id);
  v_before jsonb;
  v_after jsonb;
  v_item jsonb;
begin
  if p_mappings is null or jsonb_typeof(p_mappings) <> 'array' or jsonb_array_length(p_mappings) > 50 then
    raise exception 'Send a list of at most 50 {group, role} mappings.' using errcode = '22023', hint = 'invalid_input';
  end if;
  for v_item in select * from jsonb_array_elements(p_mappings) loop
    if jsonb_typeof(v_item) <> 'object' or nullif(btrim(v_item ->> 'group'), '') is null
       or char_length(v_item ->> 'group') > 256 or (v_item ->> 'group') ~ '[[:cntrl:]]' then
      raise exception 'Each mapping needs a group name (at most 256 characters).' using errcode = '22023', hint = 'invalid_input';
    end if;
    if coalesce(v_item ->> 'role', '') not in ('admin', 'member', 'viewer') then
      raise exception 'A group can map to Admin, Member or Viewer, never Owner.' using errcode = '22023', hint = 'unknown_role';
    end if;
    perform private.assert_rank_for_role(v_conn.workspace_id, (v_item ->> 'role')::public.workspace_role);
  end loop;
  if (select count(distinct lower(btrim(x ->> 'group'))) from jsonb_array_elements(p_mappings) x) <> jsonb_array_length(p_mappings) then
    raise exception 'Each group can be mapped once.' using errcode = '23505', hint = 'duplicate_name';
  end if;

  select coalesce(jsonb_agg(jsonb_build_object('group', r.group_name, 'role', r.role) order by lower(r.group_name)), '[]')
    into v_before from public.directory_group_roles r where r.connection_id = p_connection_id;
  delete from public.directory_group_roles r where r.connection_id = p_connection_id;
  insert into public.directory_group_roles (connection_id, workspace_id, group_name, role)
  select p_connection_id, v_conn.workspace_id, btrim(x ->> 'group'), (x ->> 'role')::public.workspace_role
    from jsonb_array_elements(p_mappings) x;
  select coalesce(jsonb_agg(jsonb_build_object('group', r.group_name, 'role', r.role) order by lower(r.group_name)), '[]')
    into v_after from public.directory_group_roles r where r.connection_id = p_connection_id;

  if v_before is distinct from v_after then
    perform private.scim_apply_roles(p_connection_id,
      array(select u.membership_id from public.directory_users u where u.connection_id = p_connection_id));
    perform private.log_activity(v_conn.workspace_id, 'directory.settings_changed', 'directory_connection', v_conn.id::text,
      jsonb_build_object('name', v_conn.name, 'group_roles', v_before), jsonb_build_object('name', v_conn.name, 'group_roles', v_after));
  end if;
  return query select * from public.directory_group_roles r where r.connection_id = p_connection_id order by lower(r.group_name);
end;
$$;
comment on function public.set_directory_group_roles(uuid, jsonb) is
  'Replaces the group -> role mappings of a connection ([{"group": "Fluxera Admins", "role": "admin"}], at most 50; no owner; no role above the caller''s) and re-applies roles to its members at once (member.role_changed rows; never the Owner). Logs directory.settings_changed.';

create or replace function public.create_directory_token(p_connection_id uuid, p_expires_at timestamptz default null)
returns table (id uuid, token text, token_hint text, expires_at timestamptz)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_conn public.directory_connections := private.require_directory_connection(p_connection_id);
  v_token text := 'fxscim_' || encode(extensions.gen_random_bytes(32), 'hex');
  v_live integer;
  v_row public.directory_tokens;
begin
  if p_expires_at is not null and (p_expires_at <= now() or p_expires_at > now() + interval '5 years') then
    raise exception 'The expiry must be in the future and within 5 years.' using errcode = '22023', hint = 'invalid_date';
  end if;
  select count(*) into v_live from public.directory_tokens t
   where t.connection_id = p_connection_id and t.revoked_at is null and (t.expires_at is null or t.expires_at > now());
  if v_live >= 2 then
    raise exception 'A connection has at most two live tokens: revoke the old one first.' using errcode = '22023', hint = 'too_many';
  end if;
  insert into public.directory_tokens (connection_id, workspace_id, token_hash, token_hint, created_by, expires_at)
  values (p_connection_id, v_conn.workspace_id, encode(extensions.digest(v_token, 'sha256'), 'hex'), right(v_token, 4),
          auth.uid(), p_expires_at)
  returning * into v_row;
  perform private.log_activity(v_conn.workspace_id,
    case when v_live = 0 then 'directory.token_created' else 'directory.token_rotated' end,
    'directory_connection', v_conn.id::text, null,
    jsonb_build_object('name', v_conn.name, 'token_id', v_row.id, 'token_hint', v_row.token_hint, 'expires_at', v_row.expires_at));
  return query select v_row.id, v_token, v_row.token_hint, v_row.expires_at;
end;
$$;
comment on function public.create_directory_token(uuid, timestamptz) is
  'A new SCIM bearer token for the connection, returned once (only its sha256 is kept). With one live token already, this is a rotation: both work until the old one is revoked. At most two live. Logs directory.token_created or directory.token_rotated. Errors: PT404, 42501, 22023 invalid_date/too_many.';

create or replace function public.revoke_directory_token(p_token_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_token public.directory_tokens;
  v_conn public.directory_connections;
begin
  select * into v_token from public.directory_tokens t where t.id = p_token_id;
  if not found then
    raise exception 'Token not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  v_conn := private.require_directory_connection(v_token.connection_id);
  if v_token.revoked_at is not null then
    return;
  end if;
  update public.directory_tokens t set revoked_at = now() where t.id = p_token_id;
  perform private.log_activity(v_conn.workspace_id, 'directory.token_revoked', 'directory_connection', v_conn.id::text,
    jsonb_build_object('name', v_conn.name, 'token_id', v_token.id, 'token_hint', v_token.token_hint), null);
end;
$$;
comment on function public.revoke_directory_token(uuid) is
  'Revokes a SCIM token at once (the next request with it gets 401). Logs directory.token_revoked. Errors: PT404, 42501.';

create or replace function public.directory_connection_overview(p_workspace_id uuid)
returns table (connection_id uuid, last_request_at timestamptz, live_tokens integer, managed_members integer, groups integer)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_directory_access(p_workspace_id);
  return query
    select c.id,
           (select r.occurred_at from public.directory_requests r where r.connection_id = c.id order by r.id desc limit 1),
           (select count(*)::integer from public.directory_tokens t
             where t.connection_id = c.id and t.revoked_at is null and (t.expires_at is null or t.expires_at > now())),
           (select count(*)::integer from public.directory_users u where u.connection_id = c.id),
           (select count(*)::integer from public.directory_groups g where g.connection_id = c.id)
      from public.directory_connections c
     where c.workspace_id = p_workspace_id
     order by lower(c.name);
end;
$$;
comment on function public.directory_connection_overview(uuid) is
  'Per connection of the workspace: the last request time, live tokens, managed members and groups (directory.manage).';

revoke all on function
  public.create_directory_connection(uuid, text, public.workspace_role, boolean),
  public.update_directory_connection(uuid, text, public.workspace_role, boolean),
  public.delete_directory_connection(uuid),
  public.set_directory_group_roles(uuid, jsonb),
  public.create_directory_token(uuid, timestamptz),
  public.revoke_directory_token(uuid),
  public.directory_connection_overview(uuid),
  private.require_directory_access(uuid),
  private.require_directory_connection(uuid),
  private.directory_connection_name(text),
  private.directory_role(public.workspace_role),
  private.refuse_directory_manage_grant(),
  private.label_activity_actor(),
  private.refuse_manual_change_of_managed_member()
  from public, anon;
grant execute on function
  public.create_directory_connection(uuid, text, public.workspace_role, boolean),
  public.update_directory_connection(uuid, text, public.workspace_role, boolean),
  public.delete_directory_connection(uuid),
  public.set_directory_group_roles(uuid, jsonb),
  public.create_directory_token(uuid, timestamptz),
  public.revoke_directory_token(uuid),
  public.directory_connection_overview(uuid)
  to authenticated;
