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
