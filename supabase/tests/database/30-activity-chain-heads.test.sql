-- =====================================================================================
-- The activity hash chain's head row (supabase/schemas/50_activity_log.sql): the trigger links each row to its
-- workspace's head, read by primary key, so that writing costs the same at any log size. The
-- chain itself is unchanged (verify_activity_log passes), a workspace whose rows were written
-- with triggers off continues from its newest row, the head is private, and a tail deleted
-- behind the triggers' back is now detected at the next write.
-- Structural checks only (how many times the trigger reads the log), never timings.
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(17);
select tests.seed_fixture();

-- ---------- Private --------------------------------------------------------------------
select ok(not has_table_privilege('authenticated', 'private.activity_chain_heads', 'select')
          and not has_table_privilege('service_role', 'private.activity_chain_heads', 'select')
          and not has_table_privilege('anon', 'private.activity_chain_heads', 'select')
          and not has_table_privilege('authenticated', 'private.activity_chain_heads', 'update'),
  'no API role can read or move a chain head');

-- ---------- The head follows the newest row ------------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000002');  -- admin
update public.assets set notes = 'head 1' where id = 'c0000000-0000-4000-a000-000000000001';
update public.assets set notes = 'head 2' where id = 'c0000000-0000-4000-a000-000000000001';
select tests.act_as_system();
select results_eq(
  $$select last_id, last_hash from private.activity_chain_heads where workspace_id = 'f0000000-0000-4000-a000-000000000001'$$,
  $$select id, hash from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-000000000001' order by id desc limit 1$$,
  'the head is the id and hash of the workspace''s newest row');
select is((select count(*) from private.activity_chain_heads
            where workspace_id in ('f0000000-0000-4000-a000-000000000001', 'f0000000-0000-4000-a000-000000000002')),
  2::bigint, 'one head per workspace that has a log');

-- ---------- Cost: the trigger does not read the log ---------------------------------------
-- 2,000 rows in one statement for a workspace that already has a head: the trigger reads its
-- head by primary key and never scans activity_log (before: one lookup in the log per row,
-- whose plan could read the whole workspace each time).
create temp table scans_before as
  select seq_scan + idx_scan as scans from pg_stat_xact_user_tables where relid = 'public.activity_log'::regclass;
insert into public.activity_log (workspace_id, action, entity_type, entity_id, hash)
  select 'f0000000-0000-4000-a000-000000000001', 'asset.updated', 'asset', g::text, ''::bytea
    from generate_series(1, 2000) g;
select is((select seq_scan + idx_scan from pg_stat_xact_user_tables where relid = 'public.activity_log'::regclass)
          - (select scans from scans_before), 0::bigint,
  '2,000 chained inserts scan activity_log 0 times');
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select results_eq($$select ok, rows_checked from public.verify_activity_log('f0000000-0000-4000-a000-000000000001')$$,
  $$select true, count(*) from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-000000000001'$$,
  'the chain written through the head verifies, every row');
select tests.act_as_system();
select ok((select bool_and(a.prev_hash = (select b.hash from public.activity_log b where b.workspace_id = a.workspace_id and b.id < a.id order by b.id desc limit 1))
             from public.activity_log a where a.workspace_id = 'f0000000-0000-4000-a000-000000000001'
              and a.id > (select min(id) from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-000000000001')),
  'every row still links to the previous row of its workspace');

-- ---------- A workspace without a head continues from its newest stored row -------------
-- Rows written with triggers off (maintenance, other tests' scale data) have no head: the
-- first write looks the newest row up once, then the head takes over.
set local session_replication_role = replica;
insert into public.activity_log (id, workspace_id, action, entity_type, prev_hash, hash)
  values (nextval('public.activity_log_id_seq'), 'f0000000-0000-4000-a000-0000000000aa', 'asset.updated', 'asset', null, '\xaa01'),
         (nextval('public.activity_log_id_seq'), 'f0000000-0000-4000-a000-0000000000aa', 'asset.updated', 'asset', '\xaa01', '\xaa02');
set local session_replication_role = origin;
select is((select count(*) from private.activity_chain_heads where workspace_id = 'f0000000-0000-4000-a000-0000000000aa'),
  0::bigint, 'rows written with triggers off leave no head');
update scans_before set scans = (select seq_scan + idx_scan from pg_stat_xact_user_tables where relid = 'public.activity_log'::regclass);
insert into public.activity_log (workspace_id, action, entity_type, hash)
  select 'f0000000-0000-4000-a000-0000000000aa', 'asset.created', 'asset', ''::bytea from generate_series(1, 3);
select is((select seq_scan + idx_scan from pg_stat_xact_user_tables where relid = 'public.activity_log'::regclass)
          - (select scans from scans_before), 1::bigint,
  'three chained rows for a workspace without a head read the log once');
select is((select prev_hash from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-0000000000aa' and action = 'asset.created' order by id limit 1),
  '\xaa02'::bytea, '... and the first links to the newest stored row');
select results_eq(
  $$select last_id, last_hash from private.activity_chain_heads where workspace_id = 'f0000000-0000-4000-a000-0000000000aa'$$,
  $$select id, hash from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-0000000000aa' order by id desc limit 1$$,
  '... and the head then points at the newest row');

-- ---------- The head counts the rows: the Activity page's total without counting ---------
select is((select row_count from private.activity_chain_heads where workspace_id = 'f0000000-0000-4000-a000-000000000001'),
  (select count(*) from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-000000000001'),
  'the head''s row count is the number of rows of the workspace''s log');
select is((select row_count from private.activity_chain_heads where workspace_id = 'f0000000-0000-4000-a000-0000000000aa'),
  null::bigint, 'unknown where rows were written with triggers off');
update scans_before set scans = (select seq_scan + idx_scan from pg_stat_xact_user_tables where relid = 'public.activity_log'::regclass);
select tests.act_as('e0000000-0000-4000-a000-000000000002');  -- admin (activity.view)
select results_eq($$select total, capped from public.activity_count('f0000000-0000-4000-a000-000000000001', p_cap => 100000)$$,
  $$select count(*), false from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-000000000001'$$,
  'an admin''s unfiltered total is exact ...');
select tests.act_as_system();
select is((select seq_scan + idx_scan from pg_stat_xact_user_tables where relid = 'public.activity_log'::regclass)
          - (select scans from scans_before), 1::bigint,
  '... and read no row of the log to get it (the one scan is the check of that total)');
select tests.act_as('e0000000-0000-4000-a000-000000000004');  -- viewer: only their own rows
select results_eq($$select total from public.activity_count('f0000000-0000-4000-a000-000000000001')$$,
  $$select count(*) from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-000000000001'$$,
  'without activity.view the total is still counted under RLS (only their own rows)');
select tests.act_as_system();

-- ---------- A deleted tail is detected at the next write ------------------------------
-- Before, deleting the newest rows behind the triggers' back left a shorter chain that still
-- verified (only a kept checkpoint showed it); the next row linked to the new tail. The head
-- remembers the deleted row's hash, so the next row's link no longer matches.
alter table public.activity_log disable trigger activity_log_append_only;
delete from public.activity_log
 where id = (select max(id) from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-000000000001');
alter table public.activity_log enable trigger activity_log_append_only;
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select is((select ok from public.verify_activity_log('f0000000-0000-4000-a000-000000000001')), true,
  'a truncated tail alone still verifies (the chain cannot see what is missing at its end)');
update public.assets set notes = 'after the truncation' where id = 'c0000000-0000-4000-a000-000000000001';
select results_eq($$select ok, first_bad_id from public.verify_activity_log('f0000000-0000-4000-a000-000000000001')$$,
  $$select false, max(id) from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-000000000001'$$,
  'the next write links to the deleted row: verification fails at that write');

select * from finish();
rollback;
