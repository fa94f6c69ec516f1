-- =====================================================================================
-- The bulk member actions' loop, written once. deactivate_members, change_members_role,
-- resend_invitations and offboard_members each carried the same loop: for every member
-- (distinct, in the order given), run the single-member function in a subtransaction and,
-- when it refuses, re-raise its error prefixed with the member (private.raise_bulk_error),
-- which undoes the whole batch. Now private.bulk_member_action() is that loop; the public
-- functions keep their own checks of the request as a whole (unprefixed, before any member)
-- and hand the loop the action. The batch stays all or nothing, with the same messages.
-- =====================================================================================

create or replace function private.bulk_member_action(
  p_membership_ids uuid[],
  p_action text,
  p_role public.workspace_role default null,
  p_holdings text default null,
  p_to_user_id uuid default null,
  p_until timestamptz default null,
  p_reason text default null)
returns setof public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id uuid;
  v_row public.memberships;
  v_state text;
  v_message text;
  v_hint text;
  v_detail text;
begin
  if p_action is null or p_action not in ('deactivate', 'suspend', 'change_role', 'resend') then
    raise exception 'Unknown bulk member action "%".', p_action using errcode = '22023', hint = 'invalid_input';
  end if;
  foreach v_id in array p_membership_ids loop
    begin
      if p_holdings is not null and p_holdings <> 'keep' then
        perform public.reassign_member_holdings(v_id, p_to_user_id);
      end if;
      case p_action
        when 'deactivate' then v_row := public.deactivate_member(v_id);
        when 'suspend' then v_row := public.suspend_member(v_id, p_until, p_reason);
        when 'change_role' then v_row := public.change_member_role(v_id, p_role);
        when 'resend' then v_row := public.resend_invitation(v_id);
      end case;
    exception when others then
      get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
                              v_hint = pg_exception_hint, v_detail = pg_exception_detail;
      perform private.raise_bulk_error(v_id, v_state, v_message, v_hint, v_detail);
    end;
    return next v_row;
  end loop;
end;
$$;
comment on function private.bulk_member_action(uuid[], text, public.workspace_role, text, uuid, timestamptz, text) is
  'The loop of the bulk member RPCs. For each id of p_membership_ids (already checked by private.bulk_membership_ids), in order: when p_holdings is reassign or checkin, public.reassign_member_holdings(id, p_to_user_id) first; then the action: deactivate (public.deactivate_member), suspend (public.suspend_member with p_until, p_reason), change_role (public.change_member_role with p_role) or resend (public.resend_invitation). Returns each resulting membership. The first refusal is raised again as "<member>: <message>" with its SQLSTATE and hint (private.raise_bulk_error), so the batch is all or nothing.';

revoke all on function private.bulk_member_action(uuid[], text, public.workspace_role, text, uuid, timestamptz, text) from public;

create or replace function public.deactivate_members(p_membership_ids uuid[])
returns setof public.memberships
language plpgsql
security definer
set search_path = ''
as $$
begin
  return query
    select * from private.bulk_member_action(private.bulk_membership_ids(p_membership_ids), 'deactivate');
end;
$$;

create or replace function public.resend_invitations(p_membership_ids uuid[])
returns setof public.memberships
language plpgsql
security definer
set search_path = ''
as $$
begin
  return query
    select * from private.bulk_member_action(private.bulk_membership_ids(p_membership_ids), 'resend');
end;
$$;

create or replace function public.change_members_role(p_membership_ids uuid[], p_role public.workspace_role)
returns setof public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_ids uuid[] := private.bulk_membership_ids(p_membership_ids);
begin
  -- Refusals that concern no member in particular come first, unprefixed.
  if p_role is null then
    raise exception 'Choose a role: admin, member or viewer.' using errcode = '22023', hint = 'unknown_role';
  end if;
  if p_role = 'owner' then
    raise exception 'Ownership moves only through a transfer by the owner.'
      using errcode = '42501', hint = 'owner_via_transfer';
  end if;
  return query select * from private.bulk_member_action(v_ids, 'change_role', p_role => p_role);
end;
$$;

create or replace function public.offboard_members(
  p_membership_ids uuid[],
  p_action text,
  p_holdings text default 'keep',
  p_to_user_id uuid default null,
  p_until timestamptz default null,
  p_reason text default null)
returns setof public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_ids uuid[] := private.bulk_membership_ids(p_membership_ids);
begin
  -- Refusals about the request as a whole come first, unprefixed.
  if p_action is null or p_action not in ('deactivate', 'suspend') then
    raise exception 'Choose deactivate or suspend.' using errcode = '22023', hint = 'invalid_input';
  end if;
  if p_holdings is null or p_holdings not in ('reassign', 'checkin', 'keep') then
    raise exception 'Choose what happens to their assets and seats: reassign, checkin or keep.'
      using errcode = '22023', hint = 'invalid_input';
  end if;
  if (p_holdings = 'reassign') <> (p_to_user_id is not null) then
    raise exception 'Name who takes over exactly when handing everything over.'
      using errcode = '22023', hint = 'invalid_input';
  end if;
  if p_action = 'deactivate' and (p_until is not null or p_reason is not null) then
    raise exception 'An end date and a reason belong to a suspension.' using errcode = '22023', hint = 'invalid_input';
  end if;
  if p_to_user_id is not null
     and exists (select 1 from public.memberships m where m.id = any (v_ids) and m.user_id = p_to_user_id) then
    raise exception 'The person taking over is being offboarded too; choose someone else.'
      using errcode = '22023', hint = 'invalid_input';
  end if;

  return query
    select * from private.bulk_member_action(
      v_ids, p_action, p_holdings => p_holdings, p_to_user_id => p_to_user_id,
      p_until => p_until, p_reason => p_reason);
end;
$$;
