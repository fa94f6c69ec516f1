-- =====================================================================================
-- Issue 19: a caller's condition on an owner's-rights view runs only on rows the view
-- returns (supabase/schemas/35_member_directory.sql, 80_reporting.sql). The probe is set_config(): a volatile,
-- non-leakproof function every role may call, used in the WHERE clause to record every
-- value it was evaluated on. Before the views were barriers, the planner ran it (and a
-- failing cast, or a backtracking regex) on every tenant's rows; the probe saw Other Co's
-- addresses. Each check runs with the planner forced three ways.
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(6);
select tests.seed_fixture();

-- What the probe saw, after running p_sql with the planner settings p_settings.
create function pg_temp.probe(p_sql text, p_settings text) returns text
language plpgsql as $$
declare
  v_seen text;
begin
  perform set_config('fx.seen', '', true);
  execute p_settings;
  execute p_sql;
  v_seen := current_setting('fx.seen', true);
  reset enable_indexscan; reset enable_bitmapscan; reset enable_seqscan;
  reset enable_hashjoin; reset enable_mergejoin; reset enable_nestloop;
  return v_seen;
end;
$$;
grant execute on function pg_temp.probe(text, text) to public;

create temp table planner_ways (settings text);
insert into planner_ways values
  ('set local enable_indexscan = off; set local enable_bitmapscan = off'),
  ('set local enable_seqscan = off; set local enable_hashjoin = off'),
  ('set local enable_nestloop = off; set local enable_mergejoin = off');
grant select on planner_ways to public;

-- ---------- public.member_directory, as Fixture Co's Viewer ---------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000004');

select is(
  (select string_agg(w.settings, ' / ') from planner_ways w
    where pg_temp.probe($q$select count(*) from public.member_directory
                           where set_config('fx.seen', current_setting('fx.seen', true) || '|' || coalesce(email, ''), true) is not null$q$,
                        w.settings) like '%fx-other@%'),
  null, 'member_directory: a caller''s function never sees another workspace''s email, whatever the plan');

select is(
  (select string_agg(w.settings, ' / ') from planner_ways w
    where pg_temp.probe($q$select count(*) from public.member_directory
                           where email ~ '^fx-other@'
                             and set_config('fx.seen', current_setting('fx.seen', true) || '|' || email, true) is not null$q$,
                        w.settings) <> ''),
  null, 'member_directory: a regex on email is tested on the caller''s rows only (it finds no foreign address to spend time on)');

select ok(
  (select bool_and(pg_temp.probe($q$select count(*) from public.member_directory
                                      where set_config('fx.seen', current_setting('fx.seen', true) || '|' || coalesce(email, ''), true) is not null$q$,
                                   w.settings) like '%fx-viewer@%')
     from planner_ways w),
  'the probe does run on the caller''s own rows (the check above can fail)');

select is(
  tests.error_of($q$select 1 from public.member_directory where workspace_id <> 'f0000000-0000-4000-a000-000000000001' and email::int = 0$q$),
  'ok', 'member_directory: a failing cast on foreign rows is never evaluated (no error carrying their value)');

select matches(
  tests.plan_of($q$select id from public.member_directory where email ~ 'x'$q$),
  'Subquery Scan on member_directory\s+Filter: \(member_directory\.email ~',
  'the plan filters the caller''s regex above the view''s own scan');

-- ---------- Every owner's-rights view is a barrier -----------------------------------
-- The reporting views are tested from a real credential's connection
-- (tests/integration/tenant-isolation.test.ts); here, that no view in an exposed or
-- reporting schema runs with its owner's rights without being a barrier.
select tests.act_as_system();
select is(
  array(select n.nspname || '.' || c.relname
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where c.relkind = 'v' and n.nspname in ('public', 'reporting')
           and not coalesce('security_barrier=true' = any (c.reloptions), false)
           and not coalesce('security_invoker=true' = any (c.reloptions), false)
         order by 1),
  '{}'::text[], 'every view in public and reporting is security_barrier or security_invoker');

select * from finish();
rollback;
