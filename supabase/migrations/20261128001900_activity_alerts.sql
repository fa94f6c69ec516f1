-- =====================================================================================
-- Alerts for unusual patterns (PRODUCT.md, "Unusual patterns"): bursts of deletions, role
-- changes or failed sign-ins, found in the activity log. Nothing is stored: alerts are
-- computed when asked, for the SPA (activity_alerts(), per workspace, activity.view) and
-- for analysts (reporting.alerts, every workspace).
--
-- A burst: at least `threshold` matching events of one person within `window_length`.
-- Overlapping qualifying windows of the same person merge into one alert, from its first
-- to its last event, with the number of events in between.
-- =====================================================================================

-- ---------- Rules --------------------------------------------------------------------
-- The thresholds live in a small table rather than in code so that an operator can tune
-- them (as postgres: update private.alert_rules ...) without a migration; the values
-- below are the product defaults.
create table private.alert_rules (
  kind text primary key
    constraint alert_rules_kind_format check (kind ~ '^[a-z_]+$'),
  actions text[] not null
    constraint alert_rules_actions_present check (cardinality(actions) > 0),
  group_by text not null
    constraint alert_rules_group_by_values check (group_by in ('actor', 'subject')),
  window_length interval not null
    constraint alert_rules_window_positive check (window_length > interval '0'),
  threshold integer not null
    constraint alert_rules_threshold_min check (threshold >= 2),
  description text not null
);
alter table private.alert_rules enable row level security;
revoke all on table private.alert_rules from public, anon, authenticated, service_role;

comment on table private.alert_rules is
  'Burst rules behind activity_alerts() and reporting.alerts: kind, the actions it counts, whom it groups by, and threshold events within window_length. No policies: read only by the security definer function and the reporting view''s owner.';
comment on column private.alert_rules.kind is 'Alert kind returned to callers: deletion_burst | role_change_burst | failed_sign_in_burst.';
comment on column private.alert_rules.actions is 'activity_log.action values that count towards the burst.';
comment on column private.alert_rules.group_by is
  'actor = one person doing it (actor_id); subject = one person it happens to (subject_user_id, e.g. the account whose sign-ins fail).';
comment on column private.alert_rules.window_length is 'Length of the sliding window.';
comment on column private.alert_rules.threshold is 'Events within one window that make a burst (at least 2).';
comment on column private.alert_rules.description is 'What the alert means, for people.';

insert into private.alert_rules (kind, actions, group_by, window_length, threshold, description) values
  -- 10 deletions in 10 minutes: far beyond routine clean-up, typical of a compromised admin
  -- account or a script run by mistake.
  ('deletion_burst', '{asset.deleted,license.deleted,member.removed}', 'actor', interval '10 minutes', 10,
   'One person deleted at least 10 assets, licences or members within 10 minutes.'),
  -- 5 role changes in 10 minutes: privilege escalation or mass demotion.
  ('role_change_burst', '{member.role_changed}', 'actor', interval '10 minutes', 5,
   'One person changed at least 5 roles within 10 minutes.'),
  -- 5 failed sign-ins for one account in 15 minutes: password guessing.
  ('failed_sign_in_burst', '{auth.sign_in_failed}', 'subject', interval '15 minutes', 5,
   'At least 5 failed sign-ins for one account within 15 minutes.');
analyze private.alert_rules;

-- ---------- Detection for one workspace ----------------------------------------------
-- The events are read per rule action with (workspace_id, action, occurred_at), i.e.
-- activity_log_workspace_action_idx, so the cost follows the matching events in the
-- period, not the size of the log. Bursts are found without a self-join: event e opens a
-- qualifying window when the event threshold-1 places after it (lead) is within
-- window_length; the row numbers of the windows give the merged alert and its count.
create or replace function public.activity_alerts(
  p_workspace_id uuid, p_since timestamptz default now() - interval '24 hours'
)
returns table (
  kind text,
  actor_id uuid,
  actor_email text,
  window_start timestamptz,
  window_end timestamptz,
  event_count integer,
  threshold integer
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not private.is_member(p_workspace_id) then
    raise exception 'Workspace not found.' using errcode = 'P0002', hint = 'not_found';
  end if;
  perform private.require_permission(p_workspace_id, 'activity.view');
  if p_since is null or p_since > now() then
    raise exception 'Give a start time that is not in the future.' using errcode = '22023', hint = 'invalid_date';
  end if;

  return query
    with events as (
      select r.kind, r.threshold, r.window_length,
             case when r.group_by = 'actor' then a.actor_id else a.subject_user_id end as who,
             case when r.group_by = 'actor' then a.actor_email end as who_email,
             a.occurred_at, a.id
        from private.alert_rules r
        cross join lateral unnest(r.actions) as ra(action)
        -- One range scan of activity_log_workspace_action_idx per rule action: LATERAL with
        -- OFFSET 0 keeps the subquery from being flattened into a join the planner could
        -- turn into a scan of the workspace's whole period.
        cross join lateral (
          select l.actor_id, l.actor_email, l.subject_user_id, l.occurred_at, l.id
            from public.activity_log l
           where l.workspace_id = p_workspace_id and l.action = ra.action and l.occurred_at >= p_since
          offset 0
        ) a
    ), ranked as (
      select e.*,
             row_number() over w as rn,
             lead(e.occurred_at, e.threshold - 1) over w as nth_at
        from events e
      window w as (partition by e.kind, e.who order by e.occurred_at, e.id)
    ), starts as (
      -- Events that open a qualifying window; a new alert wherever they stop overlapping.
      select s.*,
             case when lag(s.rn) over w is null or lag(s.rn) over w + s.threshold - 1 < s.rn then 1 else 0 end as is_new
        from ranked s
       where s.nth_at <= s.occurred_at + s.window_length
      window w as (partition by s.kind, s.who order by s.rn)
    ), grouped as (
      select s.*, sum(s.is_new) over (partition by s.kind, s.who order by s.rn) as burst
        from starts s
    )
    select g.kind,
           g.who,
           coalesce(max(g.who_email), max(p.email), case when g.who is null then 'system' end),
           min(g.occurred_at),
           max(g.nth_at),
           (max(g.rn) + min(g.threshold) - min(g.rn))::integer,
           min(g.threshold)
      from grouped g
      left join public.profiles p on p.id = g.who
     group by g.kind, g.who, g.burst
     order by min(g.occurred_at) desc, g.kind;
end;
$$;
comment on function public.activity_alerts(uuid, timestamptz) is
  'Unusual patterns in the workspace''s activity since p_since (default: the last 24 hours), activity.view: deletion_burst (>= 10 asset.deleted / license.deleted / member.removed by one actor within 10 minutes), role_change_burst (>= 5 member.role_changed by one actor within 10 minutes), failed_sign_in_burst (>= 5 auth.sign_in_failed for one account within 15 minutes; actor_id/actor_email = that account). One row per burst (overlapping windows merged): window_start/window_end = first/last event, event_count = events in between, threshold = the rule''s (private.alert_rules). Newest first. Errors: P0002 not_found, 42501 not_allowed, 22023 invalid_date.';

revoke all on function public.activity_alerts(uuid, timestamptz) from public, anon;
grant execute on function public.activity_alerts(uuid, timestamptz) to authenticated;

-- ---------- For analysts -------------------------------------------------------------
-- Same detection over every existing workspace and its whole history (an analyst filters
-- by workspace and window_start). Every window is partitioned by workspace_id, so a filter
-- on workspace_id is pushed down to the workspaces scan that drives the index scans.
create view reporting.alerts as
with events as (
  select w.id as workspace_id, r.kind, r.threshold, r.window_length,
         case when r.group_by = 'actor' then a.actor_id else a.subject_user_id end as who,
         case when r.group_by = 'actor' then a.actor_email end as who_email,
         a.occurred_at, a.id
    from public.workspaces w
    cross join private.alert_rules r
    cross join lateral unnest(r.actions) as ra(action)
    -- One range scan of activity_log_workspace_action_idx per workspace and rule action
    -- (OFFSET 0 keeps it a nested loop; a workspace_id filter applies to w).
    cross join lateral (
      select l.actor_id, l.actor_email, l.subject_user_id, l.occurred_at, l.id
        from public.activity_log l
       where l.workspace_id = w.id and l.action = ra.action
      offset 0
    ) a
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
  'Bursts of deletions, role changes and failed sign-ins in every workspace''s history (rules: private.alert_rules; same detection as public.activity_alerts()). One row per burst: window_start/window_end = first/last event, event_count = events in between, threshold and window_length = the rule''s. actor_id/actor_email = the account signing in for failed_sign_in_burst. Deleted workspaces are left out. Filter by workspace_id for speed.';

grant select on reporting.alerts to fluxera_analyst;
