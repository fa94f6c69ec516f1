-- =====================================================================================
-- Offboarding in one database call (issue 12, finding 8). The SPA used to call
-- reassign_member_holdings per member and then deactivate/suspend per member: a failure
-- half-way left holdings moved and the status unchanged. offboard_members() does the whole
-- offboarding step for 1..500 members in one transaction: for each member (in the order
-- given) their holdings are handed over or checked in (or kept), then they are deactivated
-- or suspended. Each part goes through the existing single-member function (same rules:
-- permission, rank, self, owner; same activity rows; same Auth ban and session revocation),
-- and the first refusal aborts everything, with that function's SQLSTATE and hint, its
-- message prefixed with the member (as the bulk RPCs do).
-- =====================================================================================

create or replace function public.offboard_members(
  p_membership_ids uuid[],
  p_action text,
  p_holdings text default 'keep',
  p_to_user_id uuid default null,
  p_until timestamptz default null,
  p_reason text default null
)
returns setof public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_ids uuid[] := private.bulk_membership_ids(p_membership_ids);
  v_id uuid;
  v_row public.memberships;
  v_state text;
  v_message text;
  v_hint text;
  v_detail text;
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

  foreach v_id in array v_ids loop
    begin
      if p_holdings <> 'keep' then
        perform public.reassign_member_holdings(v_id, p_to_user_id);
      end if;
      if p_action = 'deactivate' then
        v_row := public.deactivate_member(v_id);
      else
        v_row := public.suspend_member(v_id, p_until, p_reason);
      end if;
    exception when others then
      get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
                              v_hint = pg_exception_hint, v_detail = pg_exception_detail;
      perform private.raise_bulk_error(v_id, v_state, v_message, v_hint, v_detail);
    end;
    return next v_row;
  end loop;
end;
$$;
comment on function public.offboard_members(uuid[], text, text, uuid, timestamptz, text) is
  'The offboarding step in one transaction, all or nothing, for 1..500 members: p_holdings reassign (to p_to_user_id, an active member not being offboarded) | checkin | keep, as reassign_member_holdings() (assets.assign), then p_action deactivate | suspend (p_until, p_reason) as deactivate_member() / suspend_member() (members.manage, rank). Activity rows, Auth ban and session revocation as those functions. Returns the updated memberships. Errors: 22023 invalid_input/no_members/too_many, then those of the single-member functions prefixed with the first offending member (email when visible), detail membership_id=<id>.';

revoke all on function public.offboard_members(uuid[], text, text, uuid, timestamptz, text) from public, anon;
grant execute on function public.offboard_members(uuid[], text, text, uuid, timestamptz, text) to authenticated;
