-- Issue 23, item 1: one true headcount. public.workspace_headcount defines members (active or
-- suspended), invitations pending and deactivated once; seat_usage, the Reports and the Users list
-- read it; the Members list (no status filter) leaves pending invitations to the Invitations tab.

create or replace function public.workspace_headcount(p_workspace_id uuid)
returns table (
  role public.workspace_role,
  members bigint,
  invitations_pending bigint,
  deactivated bigint,
  seat_limit integer
)
language sql
stable
security invoker
set search_path = ''
as $$
  -- The one definition of the headcount (issue 23): a member is someone who joined and keeps
  -- access or may get it back by date (active, suspended); a pending membership is an
  -- invitation, not a member; deactivated people are counted apart. Seats (docs/product-rules.md,
  -- "Statuses"; private.takes_seat) = members + invitations pending.
  select r.role,
         count(m.id) filter (where m.status in ('active', 'suspended')),
         count(m.id) filter (where m.status = 'pending'),
         count(m.id) filter (where m.status = 'inactive'),
         (select w.seat_limit from public.workspaces w where w.id = p_workspace_id)
    from unnest(enum_range(null::public.workspace_role)) as r(role)
    left join public.memberships m on m.workspace_id = p_workspace_id and m.role = r.role
   group by r.role
   order by r.role
$$;
comment on function public.workspace_headcount(p_workspace_id uuid) is
  'The headcount every page reads (Users header, Roles cards, Reports, Billing), one row per role: members (joined: active or suspended), invitations_pending (pending memberships), deactivated (inactive), and the plan''s seat_limit (null = unlimited). Seats in use = members + invitations_pending (private.takes_seat). Security invoker: counts the memberships the caller''s RLS lets them see.';
grant execute on function public.workspace_headcount(p_workspace_id uuid) to authenticated, service_role;

create or replace function public.seat_usage(p_workspace_id uuid)
returns table (members bigint, seats_in_use bigint, seat_limit integer)
language sql
stable
security invoker
set search_path = ''
as $$
  select sum(h.members)::bigint, sum(h.members + h.invitations_pending)::bigint, max(h.seat_limit)
    from public.workspace_headcount(p_workspace_id) h
$$;
comment on function public.seat_usage(p_workspace_id uuid) is
  'Seats of a workspace for "42 of 50 seats", summed from public.workspace_headcount: members (active or suspended), seats in use (members + invitations pending; private.takes_seat) and the plan''s seat_limit (null = unlimited). Security invoker.';
grant execute on function public.seat_usage(p_workspace_id uuid) to authenticated;

create or replace function private.directory_where(
  p_role public.workspace_role,
  p_status public.member_status,
  p_search text
)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_where text := 'm.workspace_id = $1';
begin
  if p_role is not null then
    v_where := v_where || ' and m.role = $2';
  end if;
  if p_status is null then
    -- no status chosen: the people who joined; pending invitations are the Invitations tab's
    -- (issue 23: nobody listed twice)
    v_where := v_where || ' and m.status <> ''pending''';
  elsif p_status = 'active' then
    -- effective status: an ended suspension reads as active
    v_where := v_where || ' and private.is_effectively_active(m.status, m.suspended_until)';
  elsif p_status = 'suspended' then
    -- stored as suspended and not over yet; the plain m.status test stays beside the rule
    -- so that the status index still narrows the scan (the planner cannot see through the
    -- CASE of private.effective_status)
    v_where := v_where || ' and m.status = ''suspended'' and not private.suspension_elapsed(m.status, m.suspended_until)';
  elsif p_status is not null then
    -- pending and inactive: the effective status is the stored one
    v_where := v_where || ' and m.status = $3';
  end if;
  if nullif(btrim(p_search), '') is not null then
    -- the expression of memberships_search_trgm_idx, character for character
    v_where := v_where || ' and (coalesce(m.member_name, '''') || '' '' || coalesce(m.member_email, '''')) ilike $4';
  end if;
  return v_where;
end;
$$;
comment on function private.directory_where(p_role public.workspace_role, p_status public.member_status, p_search text) is
  'WHERE clause of the Users page over memberships m for the filters given ($1 workspace, $2 role, $3 stored status, $4 search pattern over "name email"); status is the effective status (private.is_effectively_active, private.suspension_elapsed); without a status, everyone but pending invitations (they are listed under Invitations).';

create or replace function private.directory_total(
  p_workspace_id uuid,
  p_role public.workspace_role,
  p_status public.member_status,
  p_search text
)
returns bigint
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_total bigint;
  v_elapsed bigint;
begin
  if nullif(btrim(p_search), '') is null then
    select coalesce(sum(t.members), 0) into v_total
      from private.member_tallies t
     where t.workspace_id = p_workspace_id
       and (p_role is null or t.role = p_role)
       and (t.status = p_status or (p_status is null and t.status <> 'pending'));
    -- the effective status: a suspension whose end has passed counts as active
    if p_status in ('active', 'suspended') then
      select count(*) into v_elapsed
        from public.memberships m
       where m.workspace_id = p_workspace_id
         and m.status = 'suspended'
         and (p_role is null or m.role = p_role)
         and private.suspension_elapsed(m.status, m.suspended_until);
      v_total := v_total + case when p_status = 'active' then v_elapsed else -v_elapsed end;
    end if;
    return v_total;
  end if;
  -- A search: its matches counted, found by the same index as the page's (trigram or grams).
  execute 'select count(*) from public.memberships m where '
    || private.directory_where(p_role, p_status, p_search)
    || ' and ' || private.directory_match_where(p_search)
    into v_total
    using p_workspace_id, p_role, p_status, private.like_pattern(p_search),
          null::integer, null::integer, lower(btrim(p_search));
  return v_total;
end;
$$;
comment on function private.directory_total(uuid, public.workspace_role, public.member_status, text) is
  'How many members of a workspace match the Users page''s filters (role, effective status, substring of name or email; without a status, everyone but pending invitations): without a search the sum of private.member_tallies, ended suspensions moved to active; with one, the matching rows counted, found by the trigram or grams index. No permission check: member_directory_count and member_directory_page check first.';

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
    -- members by role: public.workspace_headcount, as the Users header and the Roles cards
    select coalesce(jsonb_object_agg(h.role, h.members), '{}') into v_members
      from public.workspace_headcount(p_workspace_id) h;
    -- by status: the people who joined (pending invitations are not members)
    select coalesce(jsonb_object_agg(s.status, s.n), '{}') into v_statuses
      from (select private.effective_status(m.status, m.suspended_until)::text as status, count(*) as n
              from public.memberships m
             where m.workspace_id = p_workspace_id and m.status <> 'pending' group by 1) s;
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
comment on function public.workspace_report(p_workspace_id uuid, p_from timestamp with time zone, p_to timestamp with time zone, p_time_zone text) is
  'Reports page: members by role (public.workspace_headcount: active or suspended) and the people who joined by effective status (members.view), assets by status (assets.view), activity entries per local day in [p_from, p_to) in p_time_zone (activity.view); a section is null without its permission. Counts every row. Errors: 22023 invalid_range / invalid_time_zone, PT404 not_found (HTTP 404).';
grant execute on function public.workspace_report(p_workspace_id uuid, p_from timestamp with time zone, p_to timestamp with time zone, p_time_zone text) to authenticated;

