-- =====================================================================================
-- The RPC preludes, written once. Most public functions opened with the same few lines:
-- "is the caller an effectively active member of this workspace (else 404 Workspace not
-- found), and do they hold the permission (else 403 not_allowed)"; those about one member
-- with "does the membership exist in a workspace the caller can open (else 404 Member not
-- found)"; and the two rank checks computed the caller's rank the same way. Each is now one
-- private function, and the functions that repeated it call it. Messages, hint codes, HTTP
-- statuses and the order of the checks (locks included) stay as they were.
--
-- Not redefined here (another change works on them; they keep their copies of the workspace
-- prelude): public.member_directory_page/_count and public.member_mfa_status (the Users
-- page), public.activity_alerts and public.activity_checkpoint (the Activity page).
-- =====================================================================================

-- ---------- Helpers ------------------------------------------------------------------
create or replace function private.require_workspace(p_workspace_id uuid)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not private.is_member(p_workspace_id) then
    raise exception 'Workspace not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
end;
$$;
comment on function private.require_workspace(uuid) is
  'RPC prelude: raises PT404 not_found ("Workspace not found.") unless the caller can open the workspace (private.is_member: live session, effectively active membership). A workspace the caller cannot see is reported as missing, never as forbidden.';

create or replace function private.require_workspace_permission(p_workspace_id uuid, p_permission text)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_workspace(p_workspace_id);
  perform private.require_permission(p_workspace_id, p_permission);
end;
$$;
comment on function private.require_workspace_permission(uuid, text) is
  'RPC prelude: private.require_workspace (PT404 not_found), then private.require_permission (42501 not_allowed). Functions that lock the workspace row between the two checks call them one by one.';

create or replace function private.require_member(p_membership_id uuid)
returns public.memberships
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_row public.memberships;
begin
  select * into v_row from public.memberships m where m.id = p_membership_id;
  if not found or not private.is_member(v_row.workspace_id) then
    raise exception 'Member not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  return v_row;
end;
$$;
comment on function private.require_member(uuid) is
  'RPC prelude for functions about one member: the membership row (not locked), or PT404 not_found ("Member not found.") when it does not exist or lies in a workspace the caller cannot open. The caller checks the permission next.';

create or replace function private.caller_rank(p_workspace_id uuid)
returns integer
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(private.role_rank(private.accessible_role(p_workspace_id)), 0)
$$;
comment on function private.caller_rank(uuid) is
  'The caller''s rank in the workspace (private.role_rank of the role they can use there), 0 when they cannot open it. The rank checks compare against it.';

revoke all on function private.require_workspace(uuid) from public;
revoke all on function private.require_workspace_permission(uuid, text) from public;
revoke all on function private.require_member(uuid) from public;
revoke all on function private.caller_rank(uuid) from public;

-- ---------- The functions that repeated them -----------------------------------------

create or replace function public.access_review_flags(p_workspace_id uuid)
returns table (membership_id uuid, idle_since timestamptz, flagged boolean)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_workspace_permission(p_workspace_id, 'members.manage');
  return query
    select m.id, coalesce(m.last_active_at, m.joined_at, m.created_at),
           private.review_flagged(m.role, m.status, m.suspended_until, m.last_active_at, m.joined_at, m.created_at)
      from public.memberships m
     where m.workspace_id = p_workspace_id and m.status <> 'pending';
end;
$$;

create or replace function public.check_invitees(p_workspace_id uuid, p_emails text[])
returns table (email text, status text)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_workspace_permission(p_workspace_id, 'members.invite');
  if cardinality(p_emails) > 500 then
    raise exception 'At most 500 people per invitation batch.' using errcode = '22023', hint = 'too_many';
  end if;
  -- Addresses that already have an account count towards the per-address limit; every
  -- valid address counts towards the workspace's daily limit (each would be mailed).
  perform private.assert_invite_quota(
    p_workspace_id,
    array(select p.id from public.profiles p
           where lower(p.email) in (select lower(btrim(e)) from unnest(p_emails) as e)),
    (select count(distinct lower(btrim(e)))::integer from unnest(p_emails) as e
      where private.is_valid_email(lower(btrim(e)))));

  return query
    with input as (
      select lower(btrim(e.raw)) as email, e.ord
        from unnest(p_emails) with ordinality as e(raw, ord)
    )
    select i.email,
           case
             when not private.is_valid_email(i.email) then 'invalid_email'
             when count(*) over (partition by i.email) > 1
                  and i.ord > min(i.ord) over (partition by i.email) then 'duplicate_in_list'
             when m.status = 'pending' then 'duplicate_invite'
             when m.status is not null then 'already_member'
             else 'ok'
           end
      from input i
      left join public.profiles p on lower(p.email) = i.email
      left join public.memberships m on m.workspace_id = p_workspace_id and m.user_id = p.id
     order by i.ord;
end;
$$;

create or replace function public.log_invite_rate_limited(p_workspace_id uuid, p_emails text[] default null)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_problem text;
begin
  perform private.require_workspace_permission(p_workspace_id, 'members.invite');
  if cardinality(p_emails) > 500 then
    raise exception 'At most 500 people per invitation batch.' using errcode = '22023', hint = 'too_many';
  end if;
  v_problem := private.invite_quota_problem(
    p_workspace_id,
    array(select p.id from public.profiles p
           where lower(p.email) in (select lower(btrim(e)) from unnest(p_emails) as e)),
    greatest(1, (select count(distinct lower(btrim(e)))::integer from unnest(p_emails) as e
                  where private.is_valid_email(lower(btrim(e))))));
  if v_problem is null then
    return false;
  end if;
  perform private.log_activity(
    p_workspace_id, 'member.invite_rate_limited', 'workspace', p_workspace_id::text, null,
    jsonb_build_object('message', v_problem, 'addresses', coalesce(cardinality(p_emails), 0)));
  return true;
end;
$$;

create or replace function public.complete_access_review(
  p_workspace_id uuid, p_notes text default null, p_deactivated integer default 0)
returns public.access_reviews
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_review public.access_reviews;
  v_since_id bigint;
  v_deactivated integer;
begin
  perform private.require_workspace_permission(p_workspace_id, 'members.manage');
  if char_length(p_notes) > 2000 then
    raise exception 'The notes are too long (at most 2000 characters).' using errcode = '22023', hint = 'too_long';
  end if;

  -- p_deactivated is no longer trusted (kept in the signature for older clients): the
  -- deactivations made by this reviewer since the previous review (after its
  -- access_review.completed row in the log), at most 24 hours back.
  select coalesce(max(a.id), 0) into v_since_id
    from public.activity_log a
   where a.workspace_id = p_workspace_id and a.action = 'access_review.completed'
     and a.occurred_at > now() - interval '24 hours';
  select count(distinct a.entity_id) into v_deactivated
    from public.activity_log a
   where a.workspace_id = p_workspace_id and a.action = 'member.deactivated'
     and a.occurred_at > now() - interval '24 hours' and a.id > v_since_id and a.actor_id = auth.uid();

  insert into public.access_reviews (workspace_id, reviewer_id, members_reviewed, flagged, deactivated, notes)
  select p_workspace_id,
         auth.uid(),
         count(*) filter (where m.status <> 'pending'),
         count(*) filter (where private.review_flagged(m.role, m.status, m.suspended_until,
                                                        m.last_active_at, m.joined_at, m.created_at)),
         v_deactivated,
         nullif(btrim(p_notes), '')
    from public.memberships m
   where m.workspace_id = p_workspace_id
  returning * into v_review;
  return v_review;
end;
$$;

create or replace function private.require_sql_credentials_access(p_workspace_id uuid)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_workspace_permission(p_workspace_id, 'reporting.credentials');
  -- Defence in depth: whatever the matrix says, only an Owner or an Admin.
  if private.accessible_role(p_workspace_id) not in ('owner', 'admin') then
    raise exception 'Only the Owner or an Admin can manage SQL credentials.'
      using errcode = '42501', hint = 'not_allowed';
  end if;
end;
$$;

create or replace function public.transfer_ownership(p_workspace_id uuid, p_new_owner_membership_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_target public.memberships;
begin
  perform private.require_workspace(p_workspace_id);
  perform 1 from public.workspaces w where w.id = p_workspace_id for no key update;
  perform private.require_permission(p_workspace_id, 'ownership.transfer');

  select * into v_target from public.memberships m
   where m.id = p_new_owner_membership_id and m.workspace_id = p_workspace_id
   for update;
  if not found then
    raise exception 'Member not found.' using errcode = 'PT404', hint = 'not_found';
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

create or replace function public.delete_workspace(p_workspace_id uuid, p_confirm_name text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_workspace public.workspaces;
begin
  perform private.require_workspace(p_workspace_id);
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

create or replace function public.offboarding_summary(p_membership_id uuid)
returns table (kind text, id uuid, name text, tag text, license_id uuid, assigned_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_target public.memberships;
begin
  v_target := private.require_member(p_membership_id);
  perform private.require_permission(v_target.workspace_id, 'members.manage');

  return query
    select 'asset'::text, a.id, a.name, a.asset_tag, null::uuid, a.updated_at
      from public.assets a
     where a.workspace_id = v_target.workspace_id and a.assigned_to = v_target.user_id
    union all
    select 'license_seat'::text, s.id, l.product, null::text, l.id, s.assigned_at
      from public.license_seats s
      join public.licenses l on l.id = s.license_id
     where s.workspace_id = v_target.workspace_id and s.user_id = v_target.user_id
    order by 1, 3, 2;
end;
$$;

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
  v_source := private.require_member(p_membership_id);
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
  v_workspace_id := (private.require_member(p_membership_id)).workspace_id;

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

create or replace function private.assert_rank_for_role(p_workspace_id uuid, p_role public.workspace_role)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if private.role_rank(p_role) > private.caller_rank(p_workspace_id) then
    raise exception 'You cannot give anyone a role (%) above your own.', p_role
      using errcode = '42501', hint = 'higher_rank_role';
  end if;
end;
$$;

create or replace function private.assert_rank_over_member(p_workspace_id uuid, p_target_role public.workspace_role)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if private.role_rank(p_target_role) > private.caller_rank(p_workspace_id) then
    raise exception 'You cannot act on a member whose role (%) is above yours.', p_target_role
      using errcode = '42501', hint = 'higher_rank_member';
  end if;
end;
$$;

create or replace function public.workspace_report(
  p_workspace_id uuid, p_from timestamptz, p_to timestamptz, p_time_zone text default 'UTC')
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_tz text := coalesce(nullif(p_time_zone, ''), 'UTC');
  v_members jsonb;
  v_statuses jsonb;
  v_assets jsonb;
  v_days jsonb;
begin
  if p_from is null or p_to is null or p_to <= p_from then
    raise exception 'The report needs a start before its end.' using errcode = '22023', hint = 'invalid_range';
  end if;
  if not exists (select 1 from pg_catalog.pg_timezone_names where name = v_tz) then
    raise exception 'Unknown time zone.' using errcode = '22023', hint = 'invalid_time_zone';
  end if;
  perform private.require_workspace(p_workspace_id);

  if private.has_permission(p_workspace_id, 'members.view') then
    select coalesce(jsonb_object_agg(r.role, r.n), '{}') into v_members
      from (select m.role::text as role, count(*) as n from public.memberships m
             where m.workspace_id = p_workspace_id group by m.role) r;
    select coalesce(jsonb_object_agg(s.status, s.n), '{}') into v_statuses
      from (select private.effective_status(m.status, m.suspended_until)::text as status, count(*) as n
              from public.memberships m
             where m.workspace_id = p_workspace_id group by 1) s;
  end if;

  if private.has_permission(p_workspace_id, 'assets.view') then
    select coalesce(jsonb_object_agg(a.status, a.n), '{}') into v_assets
      from (select x.status, count(*) as n from public.assets x
             where x.workspace_id = p_workspace_id group by x.status) a;
  end if;

  if private.has_permission(p_workspace_id, 'activity.view') then
    select coalesce(jsonb_agg(jsonb_build_object('day', d.day, 'count', d.n) order by d.day), '[]')
      into v_days
      from (select to_char((l.occurred_at at time zone v_tz)::date, 'YYYY-MM-DD') as day, count(*) as n
              from public.activity_log l
             where l.workspace_id = p_workspace_id
               and l.occurred_at >= p_from and l.occurred_at < p_to
             group by 1) d;
  end if;

  return jsonb_build_object(
    'members_by_role', v_members,
    'members_by_status', v_statuses,
    'assets_by_status', v_assets,
    'activity_per_day', v_days
  );
end;
$$;

