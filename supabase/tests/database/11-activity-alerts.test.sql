-- =====================================================================================
-- Alerts for unusual patterns: activity_alerts() finds bursts of deletions, role changes
-- and failed sign-ins at and above the thresholds (not below), merges overlapping windows,
-- respects p_since, permissions and workspaces; reporting.alerts shows the same to
-- analysts; the detection reads activity_log through its (workspace_id, action,
-- occurred_at) index.
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(21);
select tests.seed_fixture();

-- Events at chosen times (the chain trigger links them; activity rows are append-only, so
-- this is the only way to place them in the past).
create or replace function pg_temp.events(p_ws uuid, p_actor uuid, p_action text, p_count int,
                                          p_first timestamptz, p_step interval, p_subject uuid default null)
returns void language sql as $$
  insert into public.activity_log (workspace_id, occurred_at, actor_id, actor_email, action, entity_type, entity_id, subject_user_id, hash)
  select p_ws, p_first + (g - 1) * p_step, p_actor, (select email from public.profiles where id = p_actor),
         p_action, split_part(p_action, '.', 1), gen_random_uuid()::text, coalesce(p_subject, p_actor), '\x00'
    from generate_series(1, p_count) g
$$;

create temp table t0 as select date_trunc('minute', now()) - interval '3 hours' as at;
grant select on t0 to public;

-- Fixture Co (f...01). Admin e...02: 10 deletions of three kinds in 9 minutes -> burst.
select pg_temp.events('f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000002', 'asset.deleted', 4,
                      (select at from t0), interval '1 minute');
select pg_temp.events('f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000002', 'license.deleted', 3,
                      (select at from t0) + interval '4 minutes', interval '1 minute');
select pg_temp.events('f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000002', 'member.removed', 3,
                      (select at from t0) + interval '7 minutes', interval '1 minute');
-- ... and again an hour later, 15 in 14 minutes (overlapping windows: one alert).
select pg_temp.events('f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000002', 'asset.deleted', 15,
                      (select at from t0) + interval '60 minutes', interval '1 minute');
-- Owner e...01: 9 deletions in 4 minutes (below), and 12 spread over 55 minutes (never 10 in 10).
select pg_temp.events('f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000001', 'asset.deleted', 9,
                      (select at from t0), interval '30 seconds');
select pg_temp.events('f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000001', 'license.deleted', 12,
                      (select at from t0) + interval '80 minutes', interval '5 minutes');
-- Owner: 5 role changes in 4 minutes (burst); admin: 4 role changes in 2 minutes (below).
select pg_temp.events('f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000001', 'member.role_changed', 5,
                      (select at from t0) + interval '30 minutes', interval '1 minute', 'e0000000-0000-4000-a000-000000000004');
select pg_temp.events('f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000002', 'member.role_changed', 4,
                      (select at from t0) + interval '30 minutes', interval '30 seconds', 'e0000000-0000-4000-a000-000000000004');
-- Failed sign-ins: 5 for the member in 14 minutes (burst); 4 for the viewer (below).
select pg_temp.events('f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000003', 'auth.sign_in_failed', 5,
                      (select at from t0) + interval '100 minutes', interval '3 minutes 30 seconds');
select pg_temp.events('f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000004', 'auth.sign_in_failed', 4,
                      (select at from t0) + interval '100 minutes', interval '1 minute');
-- Other Co: a burst of its own, never shown to Fixture Co.
select pg_temp.events('f0000000-0000-4000-a000-000000000002', 'e0000000-0000-4000-a000-000000000005', 'asset.deleted', 20,
                      (select at from t0), interval '10 seconds');

-- ---------- What is found ------------------------------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000002');  -- admin: activity.view
select results_eq(
  $$select kind, actor_id, actor_email, window_start - (select at from t0), window_end - (select at from t0), event_count, threshold
      from public.activity_alerts('f0000000-0000-4000-a000-000000000001', now() - interval '4 hours')
     order by window_start, kind$$,
  $$values
    ('deletion_burst'::text, 'e0000000-0000-4000-a000-000000000002'::uuid, 'fx-admin@example.test'::text,
     interval '0', interval '9 minutes', 10, 10),
    ('role_change_burst', 'e0000000-0000-4000-a000-000000000001'::uuid, 'fx-owner@example.test',
     interval '30 minutes', interval '34 minutes', 5, 5),
    ('deletion_burst', 'e0000000-0000-4000-a000-000000000002'::uuid, 'fx-admin@example.test',
     interval '60 minutes', interval '74 minutes', 15, 10),
    ('failed_sign_in_burst', 'e0000000-0000-4000-a000-000000000003'::uuid, 'fx-member@example.test',
     interval '100 minutes', interval '114 minutes', 5, 5)$$,
  'exactly the bursts at or above their thresholds, merged, with window, count and threshold');
select is((select count(*) from public.activity_alerts('f0000000-0000-4000-a000-000000000001', now() - interval '4 hours')
            where actor_id = 'e0000000-0000-4000-a000-000000000001' and kind = 'deletion_burst'), 0::bigint,
  '9 deletions in 4 minutes, or 12 spread over an hour, are not a burst');
select is((select count(*) from public.activity_alerts('f0000000-0000-4000-a000-000000000001', now() - interval '4 hours')
            where actor_id = 'e0000000-0000-4000-a000-000000000004'), 0::bigint, '4 failed sign-ins are not a burst');
select is((select count(*) from public.activity_alerts('f0000000-0000-4000-a000-000000000001', now() - interval '4 hours')
            where actor_id = 'e0000000-0000-4000-a000-000000000005'), 0::bigint, 'another workspace''s bursts are not shown');
select results_eq(
  $$select kind, event_count from public.activity_alerts('f0000000-0000-4000-a000-000000000001', (select at from t0) + interval '99 minutes')$$,
  $$values ('failed_sign_in_burst'::text, 5)$$, 'p_since leaves out earlier events');
select is((select count(*) from public.activity_alerts('f0000000-0000-4000-a000-000000000001')), 4::bigint,
  'the default window (last 24 hours) includes all four');

-- A burst happening now, through the API path (one transaction, same timestamp).
select tests.act_as_system();
insert into public.assets (workspace_id, name, asset_tag)
  select 'f0000000-0000-4000-a000-000000000001', 'Bulk ' || g, 'BULK-' || g from generate_series(1, 10) g;
select tests.act_as('e0000000-0000-4000-a000-000000000002');
delete from public.assets where asset_tag like 'BULK-%';
select results_eq(
  $$select kind, actor_id, event_count, window_start = window_end
      from public.activity_alerts('f0000000-0000-4000-a000-000000000001', now() - interval '1 minute')$$,
  $$values ('deletion_burst'::text, 'e0000000-0000-4000-a000-000000000002'::uuid, 10, true)$$,
  'ten deletions through the API in one go are a deletion burst');

-- ---------- Who may ask --------------------------------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000003');  -- member: no activity.view
select is(tests.error_of($$select * from public.activity_alerts('f0000000-0000-4000-a000-000000000001')$$),
  '42501:not_allowed', 'activity_alerts needs activity.view');
select tests.act_as('e0000000-0000-4000-a000-000000000005');
select is(tests.error_of($$select * from public.activity_alerts('f0000000-0000-4000-a000-000000000001')$$),
  'PT404:not_found', 'another workspace is not found');
select tests.act_as('e0000000-0000-4000-a000-000000000001');
select is(tests.error_of($$select * from public.activity_alerts('f0000000-0000-4000-a000-000000000001', now() + interval '1 hour')$$),
  '22023:invalid_date', 'a start in the future is refused');
select is(tests.error_of($$select * from public.activity_alerts('f0000000-0000-4000-a000-000000000001', null)$$),
  '22023:invalid_date', 'a null start is refused');
select ok(has_function_privilege('authenticated', 'public.activity_alerts(uuid,timestamptz)', 'execute')
          and not has_function_privilege('anon', 'public.activity_alerts(uuid,timestamptz)', 'execute'),
  'activity_alerts is executable by authenticated, not anon');

-- ---------- The thresholds -----------------------------------------------------------
select tests.act_as_system();
select results_eq(
  $$select kind, actions, group_by, window_length, threshold from private.alert_rules order by kind$$,
  $$values ('deletion_burst'::text, '{asset.deleted,license.deleted,member.removed}'::text[], 'actor'::text, interval '10 minutes', 10),
           ('failed_sign_in_burst', '{auth.sign_in_failed}', 'subject', interval '15 minutes', 5),
           ('role_change_burst', '{member.role_changed}', 'actor', interval '10 minutes', 5)$$,
  'the product thresholds');

-- ---------- For analysts -------------------------------------------------------------
set local role fluxera_analyst;
create temp table seen_alerts as
  select * from reporting.alerts where workspace_id in ('f0000000-0000-4000-a000-000000000001', 'f0000000-0000-4000-a000-000000000002');
reset role;
select is((select count(*) from seen_alerts where workspace_name = 'Fixture Co'), 5::bigint,
  'fluxera_analyst reads reporting.alerts: the four historical bursts and the new one for Fixture Co');
select results_eq(
  $$select kind, actor_email, event_count, threshold, window_length from seen_alerts where workspace_name = 'Other Co'$$,
  $$values ('deletion_burst'::text, 'fx-other@example.test'::text, 20, 10, interval '10 minutes')$$,
  '... and Other Co''s, with the rule''s window');
select tests.act_as('e0000000-0000-4000-a000-000000000001');
create temp table rpc_alerts as
  select * from public.activity_alerts('f0000000-0000-4000-a000-000000000001', '-infinity');
select tests.act_as_system();
select is(
  (select count(*) from (
    (select kind, actor_id, actor_email, window_start, window_end, event_count, threshold from seen_alerts
      where workspace_id = 'f0000000-0000-4000-a000-000000000001'
     except
     select kind, actor_id, actor_email, window_start, window_end, event_count, threshold from rpc_alerts)
    union all
    (select kind, actor_id, actor_email, window_start, window_end, event_count, threshold from rpc_alerts
     except
     select kind, actor_id, actor_email, window_start, window_end, event_count, threshold from seen_alerts
      where workspace_id = 'f0000000-0000-4000-a000-000000000001')) d), 0::bigint,
  'the view and the RPC agree');
select tests.act_as_system();
select ok(has_table_privilege('fluxera_analyst', 'reporting.alerts', 'select')
          and not has_table_privilege('authenticated', 'reporting.alerts', 'select')
          and not has_table_privilege('fluxera_analyst', 'private.alert_rules', 'select'),
  'only the analyst reads reporting.alerts; the rules table stays private');

-- ---------- Query plan at scale ------------------------------------------------------
-- 10 workspaces, 100,000 activity rows over ~70 days (triggers off: only plans matter).
set local session_replication_role = replica;
insert into public.workspaces (id, name)
  select ('a1000000-0000-4000-a000-0000000000' || lpad(w::text, 2, '0'))::uuid, 'Scale ' || w from generate_series(1, 10) w;
insert into public.role_permissions (workspace_id, role, permission)
  select w.id, r.role, p.key from public.workspaces w cross join public.permissions p cross join lateral unnest(p.default_roles) r(role)
   where w.name like 'Scale %';
insert into auth.users (id, email, aud, role)
  select ('a2000000-0000-4000-a000-' || lpad(g::text, 12, '0'))::uuid, 'scale' || g || '@example.test', 'authenticated', 'authenticated'
    from generate_series(1, 100) g;
insert into public.profiles (id, email) select id, email from auth.users where email like 'scale%@example.test';
insert into public.memberships (workspace_id, user_id, role, status, joined_at)
  select ('a1000000-0000-4000-a000-0000000000' || lpad((1 + (g - 1) / 10)::text, 2, '0'))::uuid,
         ('a2000000-0000-4000-a000-' || lpad(g::text, 12, '0'))::uuid,
         (case when g % 10 = 1 then 'owner' else 'member' end)::public.workspace_role, 'active', now()
    from generate_series(1, 100) g;
insert into public.activity_log (id, workspace_id, occurred_at, actor_id, actor_email, action, entity_type, entity_id, subject_user_id, hash)
  select nextval('public.activity_log_id_seq'),
         ('a1000000-0000-4000-a000-0000000000' || lpad((1 + g % 10)::text, 2, '0'))::uuid,
         now() - (100000 - g) * interval '1 minute',
         ('a2000000-0000-4000-a000-' || lpad((1 + (g % 10) * 10 + g % 7)::text, 12, '0'))::uuid,
         'scale@example.test',
         (array['asset.updated', 'asset.created', 'auth.sign_in', 'license.updated', 'asset.updated', 'auth.sign_in',
                'asset.updated', 'auth.sign_in', 'asset.updated', 'asset.deleted', 'member.role_changed', 'auth.sign_in_failed',
                'asset.updated', 'auth.sign_in', 'asset.updated', 'license.updated', 'asset.updated', 'auth.sign_in',
                'asset.updated', 'auth.sign_in'])[1 + g % 20],
         'asset', md5(g::text), ('a2000000-0000-4000-a000-' || lpad((1 + (g % 10) * 10)::text, 12, '0'))::uuid, '\x00'
    from generate_series(1, 100000) g;
set local session_replication_role = origin;
analyze public.memberships, public.activity_log, public.profiles, public.workspaces, public.role_permissions;

create temp table scans_before as
  select seq_scan, idx_scan from pg_stat_xact_user_tables where relid = 'public.activity_log'::regclass;
select tests.act_as('a2000000-0000-4000-a000-000000000001');  -- owner of Scale 1
select ok((select count(*) from public.activity_alerts('a1000000-0000-4000-a000-000000000001')) >= 0
          and (select count(*) from public.activity_alerts('a1000000-0000-4000-a000-000000000001', now() - interval '30 days')) >= 0,
  'activity_alerts runs at scale');
select tests.act_as_system();
select is((select s.seq_scan - b.seq_scan from pg_stat_xact_user_tables s, scans_before b
            where s.relid = 'public.activity_log'::regclass), 0::bigint,
  'activity_alerts never scans activity_log sequentially');
select matches(tests.plan_of($$
  select a.id from private.alert_rules r
   cross join lateral unnest(r.actions) as ra(action)
   cross join lateral (select l.id from public.activity_log l
                        where l.workspace_id = 'a1000000-0000-4000-a000-000000000001' and l.action = ra.action
                          and l.occurred_at >= now() - interval '24 hours' offset 0) a$$),
  'Index.*activity_log_workspace_action_idx', 'its event scan uses activity_log (workspace_id, action, occurred_at)');
select matches(tests.plan_of($$select * from reporting.alerts where workspace_id = 'a1000000-0000-4000-a000-000000000001'$$),
  'Index.*activity_log_workspace_action_idx', 'reporting.alerts filtered by workspace uses the same index');

select * from finish();
rollback;
