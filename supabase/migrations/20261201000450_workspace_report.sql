-- =====================================================================================
-- Reports page computed in SQL over every row, for any date range.
--
-- Before, the browser counted members, assets and activity from lists the API capped at
-- db-max-rows (10,000) or at 5,000 activity rows: at Bench Corp, 10,000 of 50,000 assets and a
-- few days of a 30-day chart. Now one call returns the counts. Each section is computed only
-- where the caller holds its permission (members.view, assets.view, activity.view) and is NULL
-- otherwise (security definer, reading only the workspace asked for, like the RLS policies).
-- =====================================================================================

create or replace function public.workspace_report(
  p_workspace_id uuid,
  p_from timestamptz,
  p_to timestamptz,
  p_time_zone text default 'UTC'
)
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
  if not private.is_member(p_workspace_id) then
    raise exception 'Workspace not found.' using errcode = 'PT404', hint = 'not_found';
  end if;

  if private.has_permission(p_workspace_id, 'members.view') then
    select coalesce(jsonb_object_agg(r.role, r.n), '{}') into v_members
      from (select m.role::text as role, count(*) as n from public.memberships m
             where m.workspace_id = p_workspace_id group by m.role) r;
    select coalesce(jsonb_object_agg(s.status, s.n), '{}') into v_statuses
      from (select (case when m.status = 'suspended' and m.suspended_until <= now()
                         then 'active' else m.status::text end) as status, count(*) as n
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
comment on function public.workspace_report(uuid, timestamptz, timestamptz, text) is
  'Reports page: members by role and by effective status (members.view), assets by status (assets.view), activity entries per local day in [p_from, p_to) in p_time_zone (activity.view); a section is null without its permission. Counts every row. Errors: 22023 invalid_range / invalid_time_zone, PT404 not_found (HTTP 404).';
revoke all on function public.workspace_report(uuid, timestamptz, timestamptz, text) from public, anon;
grant execute on function public.workspace_report(uuid, timestamptz, timestamptz, text) to authenticated;
