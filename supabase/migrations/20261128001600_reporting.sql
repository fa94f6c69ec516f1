-- =====================================================================================
-- Reporting: stable views for analysts (Metabase, Grafana, psql) and the read-only
-- role fluxera_analyst, which can read these views and nothing else. The views run with
-- their owner's rights (not security_invoker) precisely so the analyst needs no access to
-- the base tables. They span all workspaces (20261201000310 scopes them per SQL credential).
-- Column meanings: docs/reporting.md.
-- Renaming or dropping a column here is a breaking change for dashboards: add, don't change.
-- =====================================================================================

-- ---------- Schema -------------------------------------------------------------------
create schema if not exists reporting;
comment on schema reporting is 'Stable, documented views for analysts (docs/reporting.md). Read by fluxera_analyst.';
revoke all on schema reporting from public, anon, authenticated, service_role;

-- ---------- Views --------------------------------------------------------------------
create view reporting.activity as
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
left join public.profiles sp on sp.id = a.subject_user_id;
comment on view reporting.activity is
  'Every activity row with workspace, actor and subject names. actor_email = ''system'' for changes without a signed-in actor. workspace_name is null once the workspace is deleted.';

create view reporting.role_changes as
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
where a.action in ('member.role_changed', 'ownership.transferred');
comment on view reporting.role_changes is
  'Role changes and ownership transfers: who changed whose role from what to what.';

create view reporting.member_roster as
select
  m.workspace_id,
  w.name as workspace_name,
  m.id as membership_id,
  m.user_id,
  p.email,
  p.full_name,
  m.role,
  case when m.status = 'suspended' and m.suspended_until <= now()
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
) last_activity on true;
comment on view reporting.member_roster is
  'One row per membership with effective status, last sign-in, last recorded activity and days idle (access reviews: 90+).';

create view reporting.daily_activity_counts as
select
  (a.occurred_at at time zone 'UTC')::date as day,
  a.workspace_id,
  w.name as workspace_name,
  a.action,
  count(*) as events,
  count(distinct a.actor_id) as actors
from public.activity_log a
left join public.workspaces w on w.id = a.workspace_id
group by 1, 2, 3, 4;
comment on view reporting.daily_activity_counts is
  'Events per UTC day, workspace and action, with the number of distinct actors.';

-- ---------- The vendor-wide analyst role ----------------------------------------------
-- Created NOLOGIN and without a password: a migration is what `supabase db push` runs
-- against production, so no secret may live here. The local stack gives it a local login in
-- supabase/seed.sql; on a hosted project the operator enables it with a secret of their own
-- (README, "Analysts"). Workspace-scoped credentials: 20261201000310_sql_credentials.sql.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'fluxera_analyst') then
    create role fluxera_analyst nologin
      nosuperuser nocreatedb nocreaterole noinherit connection limit 10;
  end if;
end
$$;
comment on role fluxera_analyst is 'Vendor-wide read-only role for the operator''s dashboards: SELECT on the reporting views (all workspaces), nothing else. NOLOGIN until an operator enables it with their own password.';

alter role fluxera_analyst set search_path = reporting;
alter role fluxera_analyst set default_transaction_read_only = on;
alter role fluxera_analyst set statement_timeout = '60s';

revoke all on schema public, private from fluxera_analyst;
revoke all on all tables in schema public from fluxera_analyst;
revoke all on all tables in schema reporting from public;
grant usage on schema reporting to fluxera_analyst;
grant select on all tables in schema reporting to fluxera_analyst;
