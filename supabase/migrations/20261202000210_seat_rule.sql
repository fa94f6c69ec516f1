-- =====================================================================================
-- The seat rule, written once. Every membership that is not inactive takes a seat of the
-- plan (pending invitations included: each would take one on accepting). The invitation and
-- reactivation checks applied it in SQL, and the SPA counted seats with its own copy of it
-- (two status filters in src/api). Now private.takes_seat() is the rule, the seat check
-- calls it, and public.seat_usage() gives the SPA the figures it shows.
-- =====================================================================================

create or replace function private.takes_seat(p_status public.member_status)
returns boolean
language sql
immutable
as $$
  select p_status <> 'inactive'
$$;
comment on function private.takes_seat(public.member_status) is
  'The seat rule: a membership takes a seat of workspaces.seat_limit unless it is inactive (pending invitations count). Inlinable (plain SQL, no SET clause).';

revoke all on function private.takes_seat(public.member_status) from public;
grant execute on function private.takes_seat(public.member_status) to authenticated, service_role;

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
   where m.workspace_id = p_workspace_id and private.takes_seat(m.status);
  if v_used + p_extra > v_limit then
    raise exception 'This workspace has % of % seats in use.', v_used, v_limit
      using errcode = '22023', hint = 'seat_limit_reached';
  end if;
end;
$$;

create or replace function public.seat_usage(p_workspace_id uuid)
returns table (members bigint, seats_in_use bigint, seat_limit integer)
language sql
stable
security invoker
set search_path = ''
as $$
  select count(*) filter (where m.status in ('active', 'suspended')),
         count(*) filter (where private.takes_seat(m.status)),
         (select w.seat_limit from public.workspaces w where w.id = p_workspace_id)
    from public.memberships m
   where m.workspace_id = p_workspace_id
$$;
comment on function public.seat_usage(uuid) is
  'Seats of a workspace for "42 of 50 seats": members (active or suspended), seats in use (private.takes_seat: every membership that is not inactive) and the plan''s seat_limit (null = unlimited). Security invoker: it counts the memberships and reads the workspace row the caller''s RLS lets them see, as the SPA''s own queries did.';

revoke all on function public.seat_usage(uuid) from public, anon;
grant execute on function public.seat_usage(uuid) to authenticated;
