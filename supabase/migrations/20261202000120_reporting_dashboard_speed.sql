-- =====================================================================================
-- Dashboard queries of docs/reporting.md at Bench Corp scale (issue 15, item 4), as a
-- workspace-scoped SQL credential. Measured with `npm run bench:reporting` (plans in
-- bench-results/reporting-explain.txt):
--   * "daily activity, 90 days" read every row of the workspace (1,000,000) through a bitmap
--     of activity_log_workspace_entity_idx and filtered the day afterwards (p95 1.8 s): the
--     view's day is an expression no index covered. The index below makes it one range of
--     the last 90 days (235,000 rows at Bench Corp).
--   * "alerts, last 7 days" spent 1.26 s of its 1.9 s compiling JIT code (its cost estimate
--     is above jit_optimize_above_cost) for a query that then ran in 0.65 s. Reporting roles
--     get jit = off. Role settings do not pass through membership, so each login role needs
--     its own: fluxera_analyst and the credentials that exist now here;
--     create_sql_credential() should set it on the roles it creates (reported to the
--     coordinator: that function belongs to another change).
-- Workspace scoping is untouched: the views still filter by private.reporting_workspace_ids().
-- =====================================================================================

create index activity_log_workspace_day_idx
  on public.activity_log (workspace_id, ((occurred_at at time zone 'UTC')::date), action, actor_id);
comment on index public.activity_log_workspace_day_idx is
  'reporting.daily_activity_counts filtered by day: one range of the chosen days per workspace, with action and actor (count distinct) in the index.';

do $$
declare
  v_role text;
begin
  for v_role in
    select r.rolname from pg_catalog.pg_roles r
     where r.rolname = 'fluxera_analyst'
        or r.rolname in (select c.role_name from private.sql_credentials c)
  loop
    execute format('alter role %I set jit = off', v_role);
  end loop;
end
$$;
