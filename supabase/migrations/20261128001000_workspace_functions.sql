-- =====================================================================================
-- Workspace API: create and delete workspaces, read and change the permission matrix.
-- Errors: 42501 not allowed, 22023 bad input, P0002 not found (hint = stable code).
-- =====================================================================================

-- ---------- Creating a workspace -----------------------------------------------------
create or replace function private.create_workspace_for(p_owner uuid, p_name text)
returns public.workspaces
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_name text := btrim(p_name);
  v_workspace public.workspaces;
begin
  if v_name is null or char_length(v_name) not between 1 and 80 then
    raise exception 'A workspace name needs 1 to 80 characters.'
      using errcode = '22023', hint = 'invalid_name';
  end if;

  insert into public.workspaces (name) values (v_name) returning * into v_workspace;
  insert into public.memberships (workspace_id, user_id, role, status, joined_at)
  values (v_workspace.id, p_owner, 'owner', 'active', now());
  return v_workspace;
end;
$$;
comment on function private.create_workspace_for(uuid, text) is
  'Creates a workspace with p_owner as its active owner (defaults for the role matrix come from the workspaces trigger).';

create or replace function public.create_workspace(p_name text)
returns public.workspaces
language plpgsql
security definer
set search_path = ''
as $$
begin
  if auth.uid() is null then
    raise exception 'Sign in to create a workspace.' using errcode = '42501', hint = 'not_authenticated';
  end if;
  return private.create_workspace_for(auth.uid(), p_name);
end;
$$;
comment on function public.create_workspace(text) is
  'Creates a workspace owned by the caller. Errors: 22023 invalid_name.';

-- Sign-up with `data: { workspace_name }` in the user metadata creates the workspace at once
-- (PRODUCT.md: "Signing up creates a workspace with the new user as its Owner"). Invitees are
-- created without it. A bad name never blocks the sign-up: it is trimmed to 80 characters.
create or replace function private.create_signup_workspace()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_name text := left(btrim(new.raw_user_meta_data ->> 'workspace_name'), 80);
begin
  if coalesce(v_name, '') <> '' then
    perform private.create_workspace_for(new.id, v_name);
  end if;
  return null;
end;
$$;
comment on function private.create_signup_workspace() is
  'AFTER INSERT trigger on auth.users: when raw_user_meta_data has workspace_name, creates that workspace with the new user as owner.';

create trigger fluxera_b_create_signup_workspace
  after insert on auth.users
  for each row
  when (new.raw_user_meta_data ? 'workspace_name')
  execute function private.create_signup_workspace();

-- ---------- Deleting a workspace -----------------------------------------------------
create or replace function public.delete_workspace(p_workspace_id uuid, p_confirm_name text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_workspace public.workspaces;
begin
  if not private.is_member(p_workspace_id) then
    raise exception 'Workspace not found.' using errcode = 'P0002', hint = 'not_found';
  end if;
  select * into v_workspace from public.workspaces w where w.id = p_workspace_id for update;
  perform private.require_permission(p_workspace_id, 'workspace.delete');
  if p_confirm_name is distinct from v_workspace.name then
    raise exception 'Type the workspace name exactly to confirm.' using errcode = '22023', hint = 'confirm_mismatch';
  end if;

  -- One workspace.deleted row; the cascade (members, assets, ...) is not logged row by row.
  perform set_config('fluxera.muted_workspace', p_workspace_id::text, true);
  delete from public.workspaces w where w.id = p_workspace_id;
  perform set_config('fluxera.muted_workspace', '', true);
end;
$$;
comment on function public.delete_workspace(uuid, text) is
  'Deletes the workspace and everything in it (owner only: workspace.delete). p_confirm_name must equal the name. The activity log keeps its history. Errors: P0002 not_found, 42501 not_allowed, 22023 confirm_mismatch.';

-- ---------- Permission matrix --------------------------------------------------------
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
comment on function public.my_permissions(uuid) is
  'Permissions the caller holds in the workspace right now (empty when not effectively active or when 2FA is required but missing).';

create or replace function public.set_role_permission(
  p_workspace_id uuid, p_role public.workspace_role, p_permission text, p_granted boolean
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_caller_role public.workspace_role;
  v_owner_only boolean;
begin
  if not private.is_member(p_workspace_id) then
    raise exception 'Workspace not found.' using errcode = 'P0002', hint = 'not_found';
  end if;
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
comment on function public.set_role_permission(uuid, public.workspace_role, text, boolean) is
  'Grants or revokes a permission for admin/member/viewer (settings.manage; admins may edit member and viewer only; owner-only permissions never). No-op when already so. Errors: 42501 not_allowed/owner_protected/owner_only_permission, 22023 unknown_role/unknown_permission.';

-- ---------- Grants -------------------------------------------------------------------
revoke all on function
  public.create_workspace(text),
  public.delete_workspace(uuid, text),
  public.my_permissions(uuid),
  public.set_role_permission(uuid, public.workspace_role, text, boolean)
from public, anon;
grant execute on function
  public.create_workspace(text),
  public.delete_workspace(uuid, text),
  public.my_permissions(uuid),
  public.set_role_permission(uuid, public.workspace_role, text, boolean)
to authenticated;
