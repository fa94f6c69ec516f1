-- =====================================================================================
-- The analysts' roster (reporting.member_roster) takes the effective-status rule from its one
-- definition (20261202000200_member_status_rules.sql) instead of spelling it out. Same columns,
-- order and types; comments and grants stay (create or replace view).
--
-- It calls private.suspension_elapsed, the rule itself, and not private.effective_status:
-- a function in a view runs with the rights of the role reading it, and inlining re-reads the
-- function's body as that role. effective_status's body names private.suspension_elapsed,
-- which needs USAGE on schema private, and the analysts have none (by design:
-- 13-sql-credentials); suspension_elapsed's body names only pg_catalog. So the analyst and
-- every workspace SQL credential (members of fluxera_workspace_analyst) get EXECUTE on that one
-- plain SQL function, and no schema usage of private (the view refers to it by oid, not name).
-- Inlined, the column is the same CASE as before (plus "suspended_until is not null").
-- =====================================================================================

grant execute on function private.suspension_elapsed(public.member_status, timestamptz)
  to fluxera_analyst, fluxera_workspace_analyst;

create or replace view reporting.member_roster as
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
