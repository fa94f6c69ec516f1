-- =====================================================================================
-- Workspace-scoped SQL credentials: the RPCs' refusals (non-owner, bad name, expiry in the
-- past, another workspace), what a credential role is and may do, and the activity rows.
-- Connecting as a credential is proven in tests/integration/sql-credentials.test.ts.
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(34);
select tests.seed_fixture();
create temp table roles_before as select count(*) as n from pg_roles where rolname like 'fx\_ro\_%';
grant select on roles_before to authenticated;

-- ---------- The permission -----------------------------------------------------------
select results_eq(
  $$select owner_only, default_roles::text from public.permissions where key = 'reporting.credentials'$$,
  $$values (false, '{}'::text)$$,
  'reporting.credentials: Owner by default, grantable (not owner-only)');

-- ---------- Refusals -----------------------------------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000002');  -- admin, not granted by default
select is(tests.error_of($$select public.create_sql_credential('f0000000-0000-4000-a000-000000000001', 'BI')$$),
  '42501:not_allowed', 'an Admin without the permission cannot create');
select is(tests.error_of($$select public.list_sql_credentials('f0000000-0000-4000-a000-000000000001')$$),
  '42501:not_allowed', '... nor list');
select is(tests.error_of($$select public.set_role_permission('f0000000-0000-4000-a000-000000000001', 'member', 'reporting.credentials', true)$$),
  '42501:not_allowed', 'an Admin cannot grant it to Member');
select tests.act_as('e0000000-0000-4000-a000-000000000003');  -- member
select is(tests.error_of($$select public.create_sql_credential('f0000000-0000-4000-a000-000000000001', 'BI')$$),
  '42501:not_allowed', 'a Member cannot create');
select tests.act_as('e0000000-0000-4000-a000-000000000004');  -- viewer
select is(tests.error_of($$select public.list_sql_credentials('f0000000-0000-4000-a000-000000000001')$$),
  '42501:not_allowed', 'a Viewer cannot list');
select tests.act_as('e0000000-0000-4000-a000-000000000005');  -- owner of Other Co
select is(tests.error_of($$select public.create_sql_credential('f0000000-0000-4000-a000-000000000001', 'BI')$$),
  'PT404:not_found', 'the Owner of another workspace gets not_found');

select tests.act_as('e0000000-0000-4000-a000-000000000001');  -- owner
select is(tests.error_of($$select public.create_sql_credential('f0000000-0000-4000-a000-000000000001', '   ')$$),
  '22023:invalid_name', 'a blank name is refused');
select is(tests.error_of($$select public.create_sql_credential('f0000000-0000-4000-a000-000000000001', null)$$),
  '22023:invalid_name', 'a null name is refused');
select is(tests.error_of($$select public.create_sql_credential('f0000000-0000-4000-a000-000000000001', E'BI\nx')$$),
  '22023:invalid_name', 'a name with control characters is refused');
select is(tests.error_of(format('select public.create_sql_credential(%L, %L)', 'f0000000-0000-4000-a000-000000000001', repeat('x', 61))),
  '22023:too_long', 'a 61-character name is refused');
select is(tests.error_of($$select public.create_sql_credential('f0000000-0000-4000-a000-000000000001', 'BI', now() - interval '1 minute')$$),
  '22023:invalid_date', 'an expiry in the past is refused');
select is((select count(*) from pg_roles where rolname like 'fx\_ro\_%'), (select n from roles_before), 'refusals create no role');

-- ---------- Creating -----------------------------------------------------------------
create temp table made as
  select * from public.create_sql_credential('f0000000-0000-4000-a000-000000000001', ' Metabase ', now() + interval '30 days');
select ok((select name = 'Metabase' and role_name ~ '^fx_ro_[0-9a-f]{10}$' and length(password) = 32 from made),
  'the Owner creates one: trimmed name, fx_ro_ role, 32-character password');
select is(tests.error_of($$select public.create_sql_credential('f0000000-0000-4000-a000-000000000001', 'METABASE')$$),
  '23505:duplicate_name', 'names are unique per workspace, case-insensitively');

select tests.act_as_system();
select ok((select r.rolcanlogin and not r.rolsuper and not r.rolcreaterole and not r.rolcreatedb and not r.rolbypassrls
                  and r.rolinherit and r.rolconnlimit = 2
                  and r.rolvaliduntil between now() + interval '29 days' and now() + interval '31 days'
             from pg_roles r join made m on m.role_name = r.rolname),
  'the role: plain LOGIN, 2 connections (private.sql_access_limits), VALID UNTIL the expiry');
select ok((select setconfig @> array['search_path=reporting', 'default_transaction_read_only=on', 'statement_timeout=15s']
             from pg_db_role_setting s join made m on s.setrole = m.role_name::regrole),
  'its sessions: search_path reporting, read-only, 15 s statement timeout');
select is(
  array(select b.rolname::text from pg_auth_members am join pg_roles b on b.oid = am.roleid
         where am.member = (select role_name from made)::regrole),
  array['fluxera_workspace_analyst'], 'its one membership is the group');
select is(
  array(select n.nspname || '.' || c.relname
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where c.relkind in ('r', 'v', 'm', 'p', 'f')
           and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_temp%'
           and has_schema_privilege((select role_name from made), n.oid, 'usage')
           and has_table_privilege((select role_name from made), c.oid, 'select')
         order by 1),
  array['reporting.activity', 'reporting.alerts', 'reporting.daily_activity_counts', 'reporting.member_roster', 'reporting.role_changes'],
  'the only relations it can select from are the five reporting views');
select is(
  array(select n.nspname || '.' || c.relname || ':' || p.priv
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          cross join unnest(array['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) as p(priv)
         where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_temp%'
           and c.relkind in ('r', 'v', 'm', 'p')
           and has_table_privilege((select role_name from made), c.oid, p.priv)),
  '{}'::text[], 'it can write nothing');
select is(
  array(select n.nspname::text from pg_namespace n
         where n.nspname not in ('pg_catalog', 'information_schema', 'public', 'reporting', 'tests') and n.nspname not like 'pg_%'
           and has_schema_privilege((select role_name from made), n.oid, 'usage')),
  '{}'::text[], 'no schema besides reporting (and PUBLIC''s usage of public and of pgTAP''s tests schema, where it reads nothing)');
select is(
  array(select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where n.nspname in ('public', 'reporting')
           and has_function_privilege((select role_name from made), p.oid, 'execute')
           and p.prorettype <> 'trigger'::regtype),
  '{}'::text[], 'no function of public or reporting is executable by it');
select results_eq(
  $$select a.action, a.entity_type, a.after ->> 'name', a.after ? 'password', position((select password from made) in a::text) > 0
      from public.activity_log a where a.entity_id = (select id::text from made)$$,
  $$values ('sql_credential.created'::text, 'sql_credential'::text, 'Metabase'::text, false, false)$$,
  'sql_credential.created is logged, without the password');

-- ---------- Listing, rotating, revoking ----------------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000001');
select results_eq(
  $$select name, role_name, created_by_email from public.list_sql_credentials('f0000000-0000-4000-a000-000000000001')$$,
  $$select 'Metabase'::text, role_name, 'fx-owner@example.test'::text from made$$,
  'the Owner lists it, with its creator');
select tests.act_as('e0000000-0000-4000-a000-000000000005');
select is(tests.error_of(format('select public.rotate_sql_credential(%L)', (select id from made))),
  'PT404:not_found', 'another workspace''s Owner cannot rotate it');
select is(tests.error_of(format('select public.revoke_sql_credential(%L)', (select id from made))),
  'PT404:not_found', '... nor revoke it');
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select is(tests.error_of(format('select public.rotate_sql_credential(%L)', (select id from made))),
  '42501:not_allowed', 'an Admin without the permission cannot rotate it');

-- The Owner grants it to Admin.
select tests.act_as('e0000000-0000-4000-a000-000000000001');
select public.set_role_permission('f0000000-0000-4000-a000-000000000001', 'admin', 'reporting.credentials', true);
select tests.act_as('e0000000-0000-4000-a000-000000000002');
create temp table rotated as select * from public.rotate_sql_credential((select id from made));
select ok((select password <> (select password from made) and length(password) = 32 from rotated),
  'an Admin granted the permission rotates it: a new password');
select ok((select rotated_at is not null from public.list_sql_credentials('f0000000-0000-4000-a000-000000000001')),
  'the listing shows the rotation');
select public.revoke_sql_credential((select id from made));
select is((select count(*) from public.list_sql_credentials('f0000000-0000-4000-a000-000000000001')), 0::bigint,
  'revoked: gone from the list');
select tests.act_as_system();
select is((select count(*) from pg_roles where rolname = (select role_name from made)), 0::bigint, 'revoked: the role is dropped');
select is(
  array(select action from public.activity_log where entity_id = (select id::text from made) order by id),
  array['sql_credential.created', 'sql_credential.rotated', 'sql_credential.revoked'],
  'created, rotated and revoked are logged');
select ok(not exists (select 1 from public.activity_log a where a.entity_type = 'sql_credential'
                        and position((select password from rotated) in a::text) > 0),
  'no activity row carries a password');

-- ---------- Deleting the workspace drops its credentials' roles ----------------------
select tests.act_as('e0000000-0000-4000-a000-000000000005');
create temp table other_made as select * from public.create_sql_credential('f0000000-0000-4000-a000-000000000002', 'Grafana');
select public.delete_workspace('f0000000-0000-4000-a000-000000000002', 'Other Co');
select tests.act_as_system();
select is((select count(*) from pg_roles where rolname = (select role_name from other_made)), 0::bigint,
  'deleting the workspace drops its credential roles');

select * from finish();
rollback;
