-- =====================================================================================
-- Rank (PRODUCT.md rule 9; issue 12, finding 4): nobody acts on a member whose role is
-- above their own, and nobody assigns or invites a role above their own, whatever the
-- permission matrix grants. Before, once an Admin granted members.manage to Member, a
-- Member could demote Admins and promote peers to Admin; with members.invite a Member could
-- invite Admins.
-- Order: owner > admin > member > viewer. Equal rank is allowed (an Admin may manage another
-- Admin, as before).
-- Enforced in the shared guard (every member RPC and, through them, the bulk RPCs and the
-- invitation RPCs resend/revoke), in change_member_role / change_members_role (the new
-- role), in private.create_invitations (the invited role) and in reassign_member_holdings
-- (taking what a member holds). Reading a member (offboarding_summary) is not acting on them.
-- Errors: 42501 with hint higher_rank_member (the member is above you) or
-- higher_rank_role (the role is above yours).
-- =====================================================================================

-- ---------- Rank ---------------------------------------------------------------------
create or replace function private.role_rank(p_role public.workspace_role)
returns integer
language sql
immutable
set search_path = ''
as $$
  select case p_role when 'owner' then 4 when 'admin' then 3 when 'member' then 2 when 'viewer' then 1 end
$$;
comment on function private.role_rank(public.workspace_role) is
  'Rank of a role for rule 9: owner 4, admin 3, member 2, viewer 1 (null for null).';

create or replace function private.assert_rank_over_member(p_workspace_id uuid, p_target_role public.workspace_role)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if private.role_rank(p_target_role) > coalesce(private.role_rank(private.accessible_role(p_workspace_id)), 0) then
    raise exception 'You cannot act on a member whose role (%) is above yours.', p_target_role
      using errcode = '42501', hint = 'higher_rank_member';
  end if;
end;
$$;
comment on function private.assert_rank_over_member(uuid, public.workspace_role) is
  'Raises 42501 higher_rank_member when the target''s role is above the caller''s role in the workspace.';

create or replace function private.assert_rank_for_role(p_workspace_id uuid, p_role public.workspace_role)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if private.role_rank(p_role) > coalesce(private.role_rank(private.accessible_role(p_workspace_id)), 0) then
    raise exception 'You cannot give anyone a role (%) above your own.', p_role
      using errcode = '42501', hint = 'higher_rank_role';
  end if;
end;
$$;
comment on function private.assert_rank_for_role(uuid, public.workspace_role) is
  'Raises 42501 higher_rank_role when p_role is above the caller''s role in the workspace.';

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
    raise exception 'Member not found.' using errcode = 'PT404', hint = 'not_found';
  end if;

  perform 1 from public.workspaces w where w.id = v_workspace_id for no key update;
  perform private.require_permission(v_workspace_id, p_permission);

  select * into v_target from public.memberships m where m.id = p_membership_id for update;
  if not found then
    raise exception 'Member not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  if v_target.user_id = auth.uid() then
    raise exception 'You cannot change your own role or status.' using errcode = '42501', hint = 'self_change';
  end if;
  if v_target.role = 'owner' then
    raise exception 'The workspace owner cannot be changed, deactivated, suspended or removed.'
      using errcode = '42501', hint = 'owner_protected';
  end if;
  perform private.assert_rank_over_member(v_workspace_id, v_target.role);
  return v_target;
end;
$$;
comment on function private.prepare_member_change(uuid, text) is
  'Locks the workspace, checks the caller''s permission and rank and returns the locked target membership. Raises PT404 not_found, 42501 not_allowed / self_change / owner_protected / higher_rank_member.';

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
  perform private.assert_rank_for_role(v_target.workspace_id, p_role);
  if v_target.role = p_role then
    return v_target;
  end if;

  update public.memberships m set role = p_role where m.id = p_membership_id returning * into v_target;
  return v_target;
end;
$$;
comment on function public.change_member_role(uuid, public.workspace_role) is
  'Sets a member''s role to admin, member or viewer (members.manage), never above the caller''s own role nor on a member above it. Logs member.role_changed. Errors: 22023 unknown_role, 42501 not_allowed/self_change/owner_protected/owner_via_transfer/higher_rank_member/higher_rank_role, PT404 not_found.';

create or replace function public.change_members_role(p_membership_ids uuid[], p_role public.workspace_role)
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
  -- Refusals that concern no member in particular come first, unprefixed.
  if p_role is null then
    raise exception 'Choose a role: admin, member or viewer.' using errcode = '22023', hint = 'unknown_role';
  end if;
  if p_role = 'owner' then
    raise exception 'Ownership moves only through a transfer by the owner.'
      using errcode = '42501', hint = 'owner_via_transfer';
  end if;

  foreach v_id in array v_ids loop
    begin
      v_row := public.change_member_role(v_id, p_role);
    exception when others then
      get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
                              v_hint = pg_exception_hint, v_detail = pg_exception_detail;
      perform private.raise_bulk_error(v_id, v_state, v_message, v_hint, v_detail);
    end;
    return next v_row;
  end loop;
end;
$$;
comment on function public.change_members_role(uuid[], public.workspace_role) is
  'Sets the role of up to 500 members at once, all or nothing (members.manage), each exactly as change_member_role() (rank rules included; member.role_changed rows; members already in the role are left alone). Returns the rows. Errors: 22023 unknown_role, 42501 owner_via_transfer (before any member), then those of change_member_role prefixed with the first offending member''s email (when the caller may see it); 22023 no_members/too_many.';

-- ---------- Bulk errors name a member only to those who may see them (finding 5) ------
create or replace function private.raise_bulk_error(
  p_membership_id uuid, p_state text, p_message text, p_hint text, p_detail text
)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_label text;
begin
  -- Name the member by email only when the caller may read the directory right now
  -- (members.view, effectively active, 2FA satisfied): the same rule as RLS on profiles.
  if coalesce(p_hint, '') <> 'not_found' then
    select p.email into v_label
      from public.memberships m join public.profiles p on p.id = m.user_id
     where m.id = p_membership_id and private.has_permission(m.workspace_id, 'members.view');
  end if;
  raise exception '%: %', coalesce(v_label, 'Member ' || p_membership_id::text), p_message
    using errcode = p_state, hint = coalesce(p_hint, ''),
          detail = concat_ws(' ', 'membership_id=' || p_membership_id::text, nullif(p_detail, ''));
end;
$$;
comment on function private.raise_bulk_error(uuid, text, text, text, text) is
  'Re-raises a single-member RPC''s error for a bulk call: same SQLSTATE and hint, message prefixed with the member''s email when the caller holds members.view there (with 2FA where required), else with the membership id; detail starts with membership_id=<id>.';

-- ---------- Holdings -----------------------------------------------------------------


create or replace function public.reassign_member_holdings(p_membership_id uuid, p_to_user_id uuid default null)
returns table (assets integer, seats integer)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_source public.memberships;
  v_target public.memberships;
  v_assets integer := 0;
  v_seats integer := 0;
  v_licenses uuid[];
begin
  select * into v_source from public.memberships m where m.id = p_membership_id;
  if not found or not private.is_member(v_source.workspace_id) then
    raise exception 'Member not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  -- Same lock as the member RPCs: the recipient cannot be deactivated or removed meanwhile.
  perform 1 from public.workspaces w where w.id = v_source.workspace_id for no key update;
  perform private.require_permission(v_source.workspace_id, 'assets.assign');
  perform private.assert_rank_over_member(v_source.workspace_id, v_source.role);

  if p_to_user_id is not null then
    if p_to_user_id = v_source.user_id then
      raise exception 'Choose someone else to take over these items.' using errcode = '22023', hint = 'invalid_input';
    end if;
    select * into v_target from public.memberships m
     where m.workspace_id = v_source.workspace_id and m.user_id = p_to_user_id
     for share;
    if not found then
      raise exception 'The person to hand the items to is not a member of this workspace.'
        using errcode = 'PT404', hint = 'not_found';
    end if;
    if private.effective_status(v_target.status, v_target.suspended_until) <> 'active' then
      raise exception 'Items can only be handed to an active member.' using errcode = '22023', hint = 'target_not_active';
    end if;
  end if;

  -- Assets: one asset.assigned row each (trigger). Checked in: back in stock unless in
  -- repair or retired; reassigned: status assigned unless in repair or retired.
  update public.assets a
     set assigned_to = p_to_user_id,
         status = case when a.status in ('assigned', 'in_stock')
                       then case when p_to_user_id is null then 'in_stock' else 'assigned' end
                       else a.status end
   where a.workspace_id = v_source.workspace_id and a.assigned_to = v_source.user_id;
  get diagnostics v_assets = row_count;

  -- Seats: freed (license_seat.revoked), then, when reassigning, given to the recipient
  -- (license_seat.assigned) unless they already hold a seat of that licence. Freeing first
  -- keeps the seat count guard satisfied.
  with freed as (
    delete from public.license_seats s
     where s.workspace_id = v_source.workspace_id and s.user_id = v_source.user_id
    returning s.license_id
  )
  select array_agg(f.license_id) into v_licenses from freed f;
  v_seats := coalesce(cardinality(v_licenses), 0);

  if p_to_user_id is not null and v_seats > 0 then
    insert into public.license_seats (workspace_id, license_id, user_id)
    select v_source.workspace_id, l.license_id, p_to_user_id
      from unnest(v_licenses) as l(license_id)
     where not exists (select 1 from public.license_seats s
                        where s.license_id = l.license_id and s.user_id = p_to_user_id);
  end if;

  return query select v_assets, v_seats;
end;
$$;
comment on function public.reassign_member_holdings(uuid, uuid) is
  'Reclaims everything a member holds in their workspace, atomically (assets.assign; not from a member above the caller''s role). With p_to_user_id (an effectively active member of the same workspace): their assets are assigned to that person and their licence seats move to them (a seat of a licence the recipient already holds is just freed). Without: assets are checked in (assigned_to null; status in_stock unless in_repair or retired) and seats freed. Returns how many assets and seats were taken from the member. Each change is logged by the table triggers. Errors: PT404 not_found, 42501 not_allowed/higher_rank_member, 22023 invalid_input/target_not_active.';

revoke all on function
  private.role_rank(public.workspace_role),
  private.assert_rank_over_member(uuid, public.workspace_role),
  private.assert_rank_for_role(uuid, public.workspace_role)
from public, anon, authenticated;
