-- =====================================================================================
-- Reporting: stable views for analysts and the vendor-wide read-only role fluxera_analyst.
-- The views run with their owner's rights so analysts need no access to the base tables; for a
-- workspace-scoped SQL credential they keep only that workspace's rows (85_sql_credentials).
-- Column meanings: docs/reporting.md. The Reports page's workspace_report() is here too.
-- =====================================================================================

set local check_function_bodies = off;

-- ---------- Schema -----------------------------------------------------------------------
-- The roles that read it (fluxera_analyst, fluxera_workspace_analyst) are made in 00_foundation.sql.
create schema if not exists reporting;
comment on schema reporting is
  'Stable, documented views for analysts (docs/reporting.md). Read by fluxera_analyst.';

grant usage on schema reporting to fluxera_analyst;

-- ---------- Functions --------------------------------------------------------------

-- Called from the views as the querying role (a function's EXECUTE is checked against the
-- invoker even inside an owner's-rights view), hence the grants below; the callers still
-- have no USAGE on schema private, so they cannot call it directly.
create or replace function private.reporting_workspace_ids()
returns setof uuid
language plpgsql
stable
security definer
set search_path = ''
rows 1
as $$
declare
  v_role text := session_user;
  v_credential private.sql_credentials;
begin
  select * into v_credential from private.sql_credentials c where c.role_name = v_role;
  if found then
    -- A scoped credential: its workspace, while it has not expired (an open session outlives
    -- VALID UNTIL, so the expiry is checked here too).
    if v_credential.expires_at is null or v_credential.expires_at > now() then
      return next v_credential.workspace_id;
    end if;
    return;
  end if;
  if v_role like 'fx\_ro\_%' then
    return;  -- a credential role whose row is gone: nothing
  end if;
  -- The vendor-wide analyst (and anyone granted it), and the views' owner: every workspace,
  -- including the history of deleted ones.
  if pg_catalog.pg_has_role(v_role, 'fluxera_analyst', 'USAGE')
     or v_role = (select n.nspowner::regrole::text from pg_catalog.pg_namespace n where n.nspname = 'reporting') then
    return query
      select w.id from public.workspaces w
      union
      select a.workspace_id from public.activity_log a where a.action = 'workspace.deleted';
  end if;
end;
$$;
comment on function private.reporting_workspace_ids() is
  'Workspaces whose rows the reporting views show to the session_user: a scoped credential''s own workspace (none once expired), every workspace (deleted ones included) for fluxera_analyst and its members and the views'' owner, nothing for anyone else.';
grant execute on function private.reporting_workspace_ids() to fluxera_analyst, fluxera_workspace_analyst;

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

-- ---------- Views ------------------------------------------------------------------

create view reporting.activity_checkpoints with (security_barrier = true) as
select h.*
  from public.workspaces w
  cross join lateral private.activity_head(w.id) h;
comment on view reporting.activity_checkpoints is
  'The activity chain head of every workspace (workspace_id, last_id, hash hex, row_count up to last_id, taken_at = now): store these outside the database to detect a rewritten or truncated log later (verify_activity_log(workspace, checkpoint)).';
grant select on table reporting.activity_checkpoints to fluxera_analyst;

-- The columns are a contract with the dashboards (docs/reporting.md); each view has
-- the filter workspace_id in (select private.reporting_workspace_ids()). Every view is a
-- security barrier: they run with their owner's rights, and a barrier keeps a caller's own
-- conditions (a failing cast, a regex, set_config()) off rows the view's filter removes,
-- whatever the planner settings (issue 19; docs/reporting.md).
create or replace view reporting.activity with (security_barrier = true) as
select
  a.id,
  a.occurred_at,
  a.workspace_id,
  w.name as workspace_name,
  a.actor_id,
  coalesce(a.actor_email, case when a.actor_id is null then 'system' end) as actor_email,
  ap.full_name as actor_name,
  a.action,
  split_part(a.action, '.', 1) as action_group,
  a.entity_type,
  a.entity_id,
  a.subject_user_id,
  sp.email as subject_email,
  a.before,
  a.after,
  a.ip,
  a.user_agent,
  encode(a.hash, 'hex') as hash
from public.activity_log a
left join public.workspaces w on w.id = a.workspace_id
left join public.profiles ap on ap.id = a.actor_id
left join public.profiles sp on sp.id = a.subject_user_id
where a.workspace_id in (select private.reporting_workspace_ids());
comment on view reporting.activity is
  'Every activity row with workspace, actor and subject names. actor_email = ''system'' for changes without a signed-in actor. workspace_name is null once the workspace is deleted. Rows of the session user''s scope only (private.reporting_workspace_ids()).';
grant select on table reporting.activity to fluxera_analyst, fluxera_workspace_analyst;

create or replace view reporting.role_changes with (security_barrier = true) as
select
  a.id,
  a.occurred_at,
  a.workspace_id,
  w.name as workspace_name,
  a.actor_id,
  coalesce(a.actor_email, 'system') as actor_email,
  a.entity_id::uuid as membership_id,
  a.subject_user_id as member_user_id,
  sp.email as member_email,
  (a.before ->> 'role')::public.workspace_role as old_role,
  (a.after ->> 'role')::public.workspace_role as new_role,
  a.action
from public.activity_log a
left join public.workspaces w on w.id = a.workspace_id
left join public.profiles sp on sp.id = a.subject_user_id
where a.action in ('member.role_changed', 'ownership.transferred')
  and a.workspace_id in (select private.reporting_workspace_ids());
comment on view reporting.role_changes is
  'Role changes and ownership transfers: who changed whose role from what to what. Rows of the session user''s scope only.';
grant select on table reporting.role_changes to fluxera_analyst, fluxera_workspace_analyst;

create or replace view reporting.daily_activity_counts with (security_barrier = true) as
select
  (a.occurred_at at time zone 'UTC')::date as day,
  a.workspace_id,
  w.name as workspace_name,
  a.action,
  count(*) as events,
  count(distinct a.actor_id) as actors
from public.activity_log a
left join public.workspaces w on w.id = a.workspace_id
where a.workspace_id in (select private.reporting_workspace_ids())
group by 1, 2, 3, 4;
comment on view reporting.daily_activity_counts is
  'Events per UTC day, workspace and action, with the number of distinct actors. Rows of the session user''s scope only.';
grant select on table reporting.daily_activity_counts to fluxera_analyst, fluxera_workspace_analyst;

create or replace view reporting.alerts with (security_barrier = true) as
with events as (
  select w.id as workspace_id, r.kind, r.threshold, r.window_length,
         case when r.group_by = 'actor' then a.actor_id else a.subject_user_id end as who,
         case when r.group_by = 'actor' then a.actor_email end as who_email,
         a.occurred_at, a.id
    from public.workspaces w
    cross join private.alert_rules r
    cross join lateral unnest(r.actions) as ra(action)
    cross join lateral (
      select l.actor_id, l.actor_email, l.subject_user_id, l.occurred_at, l.id
        from public.activity_log l
       where l.workspace_id = w.id and l.action = ra.action
      offset 0
    ) a
   where w.id in (select private.reporting_workspace_ids())
), ranked as (
  select e.*,
         row_number() over w as rn,
         lead(e.occurred_at, e.threshold - 1) over w as nth_at
    from events e
  window w as (partition by e.workspace_id, e.kind, e.who order by e.occurred_at, e.id)
), starts as (
  select s.*,
         case when lag(s.rn) over w is null or lag(s.rn) over w + s.threshold - 1 < s.rn then 1 else 0 end as is_new
    from ranked s
   where s.nth_at <= s.occurred_at + s.window_length
  window w as (partition by s.workspace_id, s.kind, s.who order by s.rn)
), grouped as (
  select s.*, sum(s.is_new) over (partition by s.workspace_id, s.kind, s.who order by s.rn) as burst
    from starts s
)
select
  g.workspace_id,
  w.name as workspace_name,
  g.kind,
  g.who as actor_id,
  coalesce(max(g.who_email), max(p.email), case when g.who is null then 'system' end) as actor_email,
  min(g.occurred_at) as window_start,
  max(g.nth_at) as window_end,
  (max(g.rn) + min(g.threshold) - min(g.rn))::integer as event_count,
  min(g.threshold) as threshold,
  min(g.window_length) as window_length
from grouped g
left join public.workspaces w on w.id = g.workspace_id
left join public.profiles p on p.id = g.who
group by g.workspace_id, w.name, g.kind, g.who, g.burst;
comment on view reporting.alerts is
  'Bursts of deletions, role changes and failed sign-ins in every workspace''s history (rules: private.alert_rules; same detection as public.activity_alerts()). One row per burst: window_start/window_end = first/last event, event_count = events in between, threshold and window_length = the rule''s. actor_id/actor_email = the account signing in for failed_sign_in_burst. Deleted workspaces are left out. Rows of the session user''s scope only. Filter by workspace_id for speed.';
grant select on table reporting.alerts to fluxera_analyst, fluxera_workspace_analyst;

create or replace view reporting.member_roster with (security_barrier = true) as
select
  m.workspace_id,
  w.name as workspace_name,
  m.id as membership_id,
  m.user_id,
  p.email,
  p.full_name,
  m.role,
  case when private.suspension_elapsed(m.status, m.suspended_until)
       then 'active'::public.member_status else m.status end as status,
  m.status as stored_status,
  m.suspended_until,
  m.invited_at,
  m.invite_expires_at,
  m.joined_at,
  m.last_active_at as last_sign_in_at,
  last_activity.occurred_at as last_activity_at,
  greatest(m.last_active_at, last_activity.occurred_at) as last_seen_at,
  floor(extract(epoch from now() - coalesce(greatest(m.last_active_at, last_activity.occurred_at), m.joined_at, m.created_at)) / 86400)::integer as days_idle
from public.memberships m
join public.workspaces w on w.id = m.workspace_id
left join public.profiles p on p.id = m.user_id
left join lateral (
  select a.occurred_at
    from public.activity_log a
   where a.workspace_id = m.workspace_id and a.actor_id = m.user_id
   order by a.occurred_at desc
   limit 1
) last_activity on true
where m.workspace_id in (select private.reporting_workspace_ids());
comment on view reporting.member_roster is
  'One row per membership with effective status (private.suspension_elapsed), last sign-in, last recorded activity and days idle (access reviews: 90+). Rows of the session user''s scope only.';
grant select on table reporting.member_roster to fluxera_analyst, fluxera_workspace_analyst;
