-- =====================================================================================
-- Reporting: the analyst role reads the reporting views and nothing else; the views say
-- what docs/reporting.md says they say.
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(22);
select tests.seed_fixture();

-- Some history to report on.
select tests.act_as('e0000000-0000-4000-a000-000000000001');
select public.change_member_role('d0000000-0000-4000-a000-000000000004', 'member');
select public.suspend_member('d0000000-0000-4000-a000-000000000003', now() + interval '1 day');
select tests.act_as_system();
update public.memberships set suspended_until = now() - interval '1 second' where id = 'd0000000-0000-4000-a000-000000000003';

-- ---------- The role -----------------------------------------------------------------
select ok((select rolcanlogin and not rolsuper and not rolcreaterole and not rolcreatedb and not rolbypassrls
             from pg_roles where rolname = 'fluxera_analyst'), 'fluxera_analyst is a plain login role');
select ok((select setconfig @> array['search_path=reporting', 'default_transaction_read_only=on']
             from pg_db_role_setting where setrole = 'fluxera_analyst'::regrole and setdatabase = 0),
  'its default search_path is reporting and its sessions are read-only');
select is(
  array(select n.nspname || '.' || c.relname
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where c.relkind in ('r', 'v', 'm', 'p', 'f')
           and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_temp%'
           and has_schema_privilege('fluxera_analyst', n.oid, 'usage')
           and has_table_privilege('fluxera_analyst', c.oid, 'select')
         order by 1),
  array['reporting.activity', 'reporting.activity_checkpoints', 'reporting.alerts', 'reporting.daily_activity_counts',
        'reporting.member_roster', 'reporting.role_changes'],
  'the only relations fluxera_analyst can select from are the six reporting views');
select is(
  array(select n.nspname || '.' || c.relname || ':' || p.priv
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          cross join unnest(array['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) as p(priv)
         where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_temp%'
           and c.relkind in ('r', 'v', 'm', 'p')
           and has_table_privilege('fluxera_analyst', c.oid, p.priv)),
  '{}'::text[], 'fluxera_analyst can write nothing');

-- ---------- Acting as the analyst ----------------------------------------------------
-- The analyst has no access to pgTAP's schema either, so what it sees is collected into
-- temp tables first and asserted afterwards.
set local role fluxera_analyst;
create temp table analyst_attempts as
  select 'public.memberships' as what, tests.error_of('select * from public.memberships') as outcome
  union all select 'public.activity_log', tests.error_of('select * from public.activity_log')
  union all select 'public.member_directory', tests.error_of('select * from public.member_directory')
  union all select 'auth.users', tests.error_of('select * from auth.users')
  union all select 'private helper', tests.error_of($$select private.workspaces_with('assets.view')$$)
  union all select 'insert into a view', tests.error_of($$insert into reporting.activity (action) values ('x.y')$$)
  union all select 'reporting.activity', tests.error_of('select * from reporting.activity');
create temp table seen_activity as select * from reporting.activity where workspace_name = 'Fixture Co';
create temp table seen_role_changes as select * from reporting.role_changes where workspace_name = 'Fixture Co';
create temp table seen_roster as select * from reporting.member_roster where workspace_name = 'Fixture Co';
create temp table seen_daily as select * from reporting.daily_activity_counts where workspace_name = 'Fixture Co';
reset role;

select is((select outcome from analyst_attempts where what = 'public.memberships'), '42501:', 'analyst cannot read public.memberships');
select is((select outcome from analyst_attempts where what = 'public.activity_log'), '42501:', 'analyst cannot read public.activity_log');
select is((select outcome from analyst_attempts where what = 'public.member_directory'), '42501:', 'analyst cannot read public.member_directory');
select is((select outcome from analyst_attempts where what = 'auth.users'), '42501:', 'analyst cannot read auth.users');
select is((select outcome from analyst_attempts where what = 'private helper'), '42501:', 'analyst cannot use private helpers');
select ok((select left(outcome, 6) from analyst_attempts where what = 'insert into a view') in ('42501:', '55000:'),
  'analyst cannot write through a view');
select is((select outcome from analyst_attempts where what = 'reporting.activity'), 'ok', 'analyst can read reporting.activity');

select cmp_ok((select count(*) from seen_activity), '>', 5::bigint, 'reporting.activity has the workspace''s rows');
select is((select actor_email from seen_activity where action = 'workspace.created'),
  'system', 'changes without a signed-in actor are attributed to system');
select results_eq(
  $$select actor_email, member_email, old_role::text, new_role::text from seen_role_changes$$,
  $$values ('fx-owner@example.test'::text, 'fx-viewer@example.test'::text, 'viewer'::text, 'member'::text)$$,
  'reporting.role_changes: who changed whose role from what to what');
select results_eq(
  $$select email, role::text, status::text, stored_status::text from seen_roster order by email$$,
  $$values ('fx-admin@example.test'::text, 'admin'::text, 'active'::text, 'active'::text),
           ('fx-member@example.test', 'member', 'active', 'suspended'),
           ('fx-owner@example.test', 'owner', 'active', 'active'),
           ('fx-viewer@example.test', 'member', 'active', 'active')$$,
  'reporting.member_roster: effective status (expired suspension = active) next to the stored one');
select ok((select last_activity_at is not null and days_idle = 0 from seen_roster where email = 'fx-owner@example.test'),
  'member_roster: last activity and days idle from the actor''s activity');
select is((select sum(events) from seen_daily), (select count(*) from seen_activity)::numeric,
  'daily_activity_counts adds up to the activity rows');
select is((select actors from seen_daily where action = 'member.role_changed'), 1::bigint,
  'daily_activity_counts counts distinct actors');

-- ---------- Views are owned by postgres and not security_invoker ---------------------
select is(
  array(select c.relname::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'reporting' and c.relkind = 'v'
           and coalesce(c.reloptions @> array['security_invoker=true'], false)),
  '{}'::text[], 'reporting views run with their owner''s rights (the analyst has no base-table access)');
select ok(not has_schema_privilege('authenticated', 'reporting', 'usage') and not has_schema_privilege('anon', 'reporting', 'usage'),
  'API roles cannot use the reporting schema');
select ok(not has_schema_privilege('service_role', 'reporting', 'usage'), 'service_role cannot use it either');
select ok(has_schema_privilege('fluxera_analyst', 'reporting', 'usage'), 'fluxera_analyst can');

select * from finish();
rollback;
