-- =====================================================================================
-- Member management API: roles, statuses, removal, leaving and ownership transfer.
-- Every change locks the workspace row first (FOR NO KEY UPDATE: it serializes member
-- changes of one workspace without blocking foreign-key checks of ordinary inserts), so
-- concurrent transfers and demotions can never leave 0 or 2 owners.
-- Rules (PRODUCT.md 1-3): exactly one owner; nobody changes their own role or status;
-- nobody (admin or owner) touches the owner's membership; ownership only moves by transfer.
-- =====================================================================================

-- ---------- Shared guard -------------------------------------------------------------
create or replace function private.prepare_member_change(p_membership_id uuid, p_permission text)
returns public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_workspace_id uuid;
  v_target public.memberships;
begin
  select m.workspace_id into v_workspace_id from public.memberships m where m.id = p_membership_id;
  if v_workspace_id is null or not private.is_member(v_workspace_id) then
    raise exception 'Member not found.' using errcode = 'P0002', hint = 'not_found';
  end if;

  perform 1 from public.workspaces w where w.id = v_workspace_id for no key update;
  perform private.require_permission(v_workspace_id, p_permission);

  select * into v_target from public.memberships m where m.id = p_membership_id for update;
  if not found then
    raise exception 'Member not found.' using errcode = 'P0002', hint = 'not_found';
  end if;
  if v_target.user_id = auth.uid() then
    raise exception 'You cannot change your own role or status.' using errcode = '42501', hint = 'self_change';
  end if;
  if v_target.role = 'owner' then
    raise exception 'The workspace owner cannot be changed, deactivated, suspended or removed.'
      using errcode = '42501', hint = 'owner_protected';
  end if;
  return v_target;
end;
$$;
comment on function private.prepare_member_change(uuid, text) is
  'Locks the workspace, checks the caller''s permission and returns the locked target membership. Raises P0002 not_found, 42501 not_allowed / self_change / owner_protected.';

create or replace function private.assert_seat_available(p_workspace_id uuid, p_extra integer)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_limit integer;
  v_used integer;
begin
  select w.seat_limit into v_limit from public.workspaces w where w.id = p_workspace_id;
  if v_limit is null then
    return;
  end if;
  select count(*) into v_used from public.memberships m
   where m.workspace_id = p_workspace_id and m.status <> 'inactive';
  if v_used + p_extra > v_limit then
    raise exception 'This workspace has % of % seats in use.', v_used, v_limit
      using errcode = '22023', hint = 'seat_limit_reached';
  end if;
end;
$$;
comment on function private.assert_seat_available(uuid, integer) is
  'Raises 22023 seat_limit_reached when p_extra more non-inactive members would exceed workspaces.seat_limit.';

-- ---------- Role ---------------------------------------------------------------------
create or replace function public.change_member_role(p_membership_id uuid, p_role public.workspace_role)
returns public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_target public.memberships;
begin
  if p_role is null then
    raise exception 'Choose a role: admin, member or viewer.' using errcode = '22023', hint = 'unknown_role';
  end if;
  v_target := private.prepare_member_change(p_membership_id, 'members.manage');
  if p_role = 'owner' then
    raise exception 'Ownership moves only through a transfer by the owner.'
      using errcode = '42501', hint = 'owner_via_transfer';
  end if;
  if v_target.role = p_role then
    return v_target;
  end if;

  update public.memberships m set role = p_role where m.id = p_membership_id returning * into v_target;
  return v_target;
end;
$$;
comment on function public.change_member_role(uuid, public.workspace_role) is
  'Sets a member''s role to admin, member or viewer (members.manage). Logs member.role_changed. Errors: 22023 unknown_role, 42501 not_allowed/self_change/owner_protected/owner_via_transfer, P0002 not_found.';

-- ---------- Status -------------------------------------------------------------------
create or replace function public.deactivate_member(p_membership_id uuid)
returns public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_target public.memberships := private.prepare_member_change(p_membership_id, 'members.manage');
begin
  if v_target.status = 'pending' then
    raise exception 'This invitation has not been accepted; revoke it instead.'
      using errcode = '22023', hint = 'invalid_status';
  end if;
  if v_target.status = 'inactive' then
    return v_target;
  end if;
  update public.memberships m
     set status = 'inactive', suspended_until = null, status_reason = null
   where m.id = p_membership_id
  returning * into v_target;
  return v_target;
end;
$$;
comment on function public.deactivate_member(uuid) is
  'Offboards a member: status inactive, no access at once (members.manage). Logs member.deactivated. Banning the Auth account is the edge function''s job.';

create or replace function public.reactivate_member(p_membership_id uuid)
returns public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_target public.memberships := private.prepare_member_change(p_membership_id, 'members.manage');
begin
  if v_target.status = 'pending' then
    raise exception 'This invitation has not been accepted yet.' using errcode = '22023', hint = 'invalid_status';
  end if;
  if v_target.status = 'active' then
    return v_target;
  end if;
  if v_target.status = 'inactive' then
    perform private.assert_seat_available(v_target.workspace_id, 1);
  end if;
  update public.memberships m
     set status = 'active', suspended_until = null, status_reason = null
   where m.id = p_membership_id
  returning * into v_target;
  return v_target;
end;
$$;
comment on function public.reactivate_member(uuid) is
  'Gives an inactive (or suspended) member access again (members.manage). Logs member.reactivated (or member.suspension_lifted).';

create or replace function public.suspend_member(
  p_membership_id uuid, p_until timestamptz default null, p_reason text default null
)
returns public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_target public.memberships;
begin
  if p_until is not null and p_until <= now() then
    raise exception 'A suspension must end in the future.' using errcode = '22023', hint = 'invalid_date';
  end if;
  if char_length(p_reason) > 2000 then
    raise exception 'The reason is too long (at most 2000 characters).' using errcode = '22023', hint = 'too_long';
  end if;
  v_target := private.prepare_member_change(p_membership_id, 'members.manage');
  if v_target.status not in ('active', 'suspended') then
    raise exception 'Only active members can be suspended.' using errcode = '22023', hint = 'invalid_status';
  end if;
  update public.memberships m
     set status = 'suspended', suspended_until = p_until, status_reason = nullif(btrim(p_reason), '')
   where m.id = p_membership_id
  returning * into v_target;
  return v_target;
end;
$$;
comment on function public.suspend_member(uuid, timestamptz, text) is
  'Suspends a member until p_until (null = until lifted), with an optional reason (members.manage). Logs member.suspended. Errors add 22023 invalid_date/too_long/invalid_status.';

create or replace function public.lift_suspension(p_membership_id uuid)
returns public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_target public.memberships := private.prepare_member_change(p_membership_id, 'members.manage');
begin
  if v_target.status <> 'suspended' then
    raise exception 'This member is not suspended.' using errcode = '22023', hint = 'invalid_status';
  end if;
  update public.memberships m
     set status = 'active', suspended_until = null, status_reason = null
   where m.id = p_membership_id
  returning * into v_target;
  return v_target;
end;
$$;
comment on function public.lift_suspension(uuid) is
  'Ends a suspension now (members.manage). Logs member.suspension_lifted.';

create or replace function private.lift_expired_suspensions()
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  update public.memberships m
     set status = 'active', suspended_until = null, status_reason = null
   where m.status = 'suspended' and m.suspended_until <= now();
  get diagnostics v_count = row_count;
  return v_count;
end;
$$;
comment on function private.lift_expired_suspensions() is
  'Flips suspensions whose end has passed to active (one member.suspension_lifted row each, actor system). Access already follows the effective status; this keeps the rows honest. Schedule it (pg_cron) every few minutes.';

-- ---------- Removal and leaving ------------------------------------------------------
create or replace function public.remove_member(p_membership_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.prepare_member_change(p_membership_id, 'members.manage');
  delete from public.memberships m where m.id = p_membership_id;
end;
$$;
comment on function public.remove_member(uuid) is
  'Removes a member from the workspace (members.manage); their assets are unassigned and seats freed, each logged. Logs member.removed.';

create or replace function public.leave_workspace(p_workspace_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_own public.memberships;
begin
  perform 1 from public.workspaces w where w.id = p_workspace_id for no key update;
  select * into v_own from public.memberships m
   where m.workspace_id = p_workspace_id and m.user_id = auth.uid()
   for update;
  if not found then
    raise exception 'You are not a member of this workspace.' using errcode = 'P0002', hint = 'not_found';
  end if;
  if v_own.role = 'owner' then
    raise exception 'Transfer ownership before leaving the workspace.'
      using errcode = '42501', hint = 'owner_must_transfer';
  end if;
  delete from public.memberships m where m.id = v_own.id;
end;
$$;
comment on function public.leave_workspace(uuid) is
  'The caller leaves the workspace (any status but owner). Logs member.left. Errors: P0002 not_found, 42501 owner_must_transfer.';

-- ---------- Ownership ----------------------------------------------------------------
create or replace function public.transfer_ownership(p_workspace_id uuid, p_new_owner_membership_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_target public.memberships;
begin
  if not private.is_member(p_workspace_id) then
    raise exception 'Workspace not found.' using errcode = 'P0002', hint = 'not_found';
  end if;
  perform 1 from public.workspaces w where w.id = p_workspace_id for no key update;
  perform private.require_permission(p_workspace_id, 'ownership.transfer');

  select * into v_target from public.memberships m
   where m.id = p_new_owner_membership_id and m.workspace_id = p_workspace_id
   for update;
  if not found then
    raise exception 'Member not found.' using errcode = 'P0002', hint = 'not_found';
  end if;
  if v_target.user_id = auth.uid() then
    raise exception 'You already own this workspace.' using errcode = '42501', hint = 'self_change';
  end if;
  if private.effective_status(v_target.status, v_target.suspended_until) <> 'active' then
    raise exception 'Ownership can only go to an active member.' using errcode = '22023', hint = 'target_not_active';
  end if;

  -- Demote first: the partial unique index allows only one owner at any instant.
  update public.memberships m set role = 'admin'
   where m.workspace_id = p_workspace_id and m.role = 'owner';
  update public.memberships m
     set role = 'owner', status = 'active', suspended_until = null, status_reason = null
   where m.id = v_target.id;
end;
$$;
comment on function public.transfer_ownership(uuid, uuid) is
  'Owner only (ownership.transfer): the target (an effectively active member) becomes owner and the old owner becomes admin, atomically. Logs ownership.transferred and member.role_changed.';

-- ---------- Scheduling (hosted) -------------------------------------------------------
do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    perform cron.schedule('fluxera-lift-expired-suspensions', '*/5 * * * *',
                          'select private.lift_expired_suspensions()');
  end if;
end
$$;

-- ---------- Grants -------------------------------------------------------------------
revoke all on function
  public.change_member_role(uuid, public.workspace_role),
  public.deactivate_member(uuid),
  public.reactivate_member(uuid),
  public.suspend_member(uuid, timestamptz, text),
  public.lift_suspension(uuid),
  public.remove_member(uuid),
  public.leave_workspace(uuid),
  public.transfer_ownership(uuid, uuid)
from public, anon;
grant execute on function
  public.change_member_role(uuid, public.workspace_role),
  public.deactivate_member(uuid),
  public.reactivate_member(uuid),
  public.suspend_member(uuid, timestamptz, text),
  public.lift_suspension(uuid),
  public.remove_member(uuid),
  public.leave_workspace(uuid),
  public.transfer_ownership(uuid, uuid)
to authenticated;
grant execute on function private.lift_expired_suspensions() to service_role;
