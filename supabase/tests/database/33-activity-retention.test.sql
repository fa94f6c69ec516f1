-- =====================================================================================
-- Activity retention (issue 23, item 6; docs/scaling.md, "Retention"): the job the schedule
-- calls, private.apply_activity_retention(), removes the prefix of a workspace's chain older than
-- its retention and keeps the chain verifiable from the first kept row, with old checkpoints
-- still counting; the append-only rule holds for every other delete; only the Owner sets the
-- retention, within 30..3650 days.
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(16);
select tests.seed_fixture();

-- A workspace whose log starts 400 days ago: five old entries, then three recent ones.
set local session_replication_role = replica;
insert into public.workspaces (id, name) values ('f0000000-0000-4000-a000-0000000000aa', 'Retention Co');
set local session_replication_role = origin;
insert into public.activity_log (workspace_id, action, entity_type, entity_id, occurred_at, hash)
  select 'f0000000-0000-4000-a000-0000000000aa', 'asset.updated', 'asset', 'old-' || g, now() - interval '400 days' + g * interval '1 minute', ''::bytea
    from generate_series(1, 5) g;
insert into public.activity_log (workspace_id, action, entity_type, entity_id, hash)
  select 'f0000000-0000-4000-a000-0000000000aa', 'asset.updated', 'asset', 'new-' || g, ''::bytea
    from generate_series(1, 3) g;
select tests.add_member('d0000000-0000-4000-a000-0000000000aa', 'f0000000-0000-4000-a000-0000000000aa', 'e0000000-0000-4000-a000-000000000001', 'owner');

select tests.act_as('e0000000-0000-4000-a000-000000000001');
create temp table cp_before as select * from public.activity_checkpoint('f0000000-0000-4000-a000-0000000000aa');
create temp table first_old as
  select min(id) as id from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-0000000000aa';

-- ---------- Setting it: the Owner only, within range --------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000002');  -- admin of Fixture Co
select is(tests.error_of($$select public.set_activity_retention('f0000000-0000-4000-a000-000000000001', 365)$$),
  '42501:not_allowed', 'an Admin cannot change how long activity is kept');
select tests.act_as('e0000000-0000-4000-a000-000000000001');
select is(tests.error_of($$select public.set_activity_retention('f0000000-0000-4000-a000-0000000000aa', 7)$$),
  '22023:invalid_retention', 'fewer than 30 days is refused with a clear reason');
select is(tests.error_of($$update public.workspaces set activity_retention_days = 30 where id = 'f0000000-0000-4000-a000-0000000000aa'$$),
  '42501:', 'the column cannot be written directly, only through set_activity_retention');
select is(tests.error_of($$select public.set_activity_retention('f0000000-0000-4000-a000-0000000000aa', 365)$$),
  'ok', 'the Owner sets a retention of 365 days');
select is((select retention_days from public.activity_retention_status('f0000000-0000-4000-a000-0000000000aa')),
  365, 'the Activity page reads the retention back');

-- ---------- The job ---------------------------------------------------------------------
select tests.act_as_system();
select results_eq($$select rows_removed from private.apply_activity_retention('f0000000-0000-4000-a000-0000000000aa')$$,
  $$values (5::bigint)$$, 'the job removes the five entries older than 365 days');
select is((select count(*) from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-0000000000aa' and occurred_at < now() - interval '365 days'),
  0::bigint, 'nothing older than the retention is left');
select is((select count(*) from private.apply_activity_retention('f0000000-0000-4000-a000-0000000000aa')),
  0::bigint, 'a second run the same day removes nothing');
select is((select count(*) from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-0000000000aa' and action = 'workspace.activity_pruned' and actor_id is null),
  1::bigint, 'the cut is an entry of its own, by no person (named by the catalogue)');
select is((select system_actor from public.activity_actions where key = 'workspace.activity_pruned'),
  'log retention', 'the catalogue names the system actor');

-- ---------- The chain still verifies ------------------------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000001');
select is((select ok from public.verify_activity_log('f0000000-0000-4000-a000-0000000000aa')), true,
  'the kept chain verifies from its first kept row');
select is((select ok from public.verify_activity_log('f0000000-0000-4000-a000-0000000000aa',
             (select to_jsonb(c) from cp_before c))), true,
  'a checkpoint taken before the cut still verifies (its row count includes the removed rows)');
select is((select problem from public.verify_activity_log('f0000000-0000-4000-a000-0000000000aa',
             jsonb_build_object('last_id', (select id from first_old), 'hash', repeat('0', 64), 'row_count', 1))),
  'checkpoint_past_retention', 'a checkpoint inside the removed part says so, not "truncated"');
select is((select total from public.activity_count('f0000000-0000-4000-a000-0000000000aa')),
  (select count(*) from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-0000000000aa'),
  'the page''s unfiltered total counts only the kept rows');

-- ---------- Append-only everywhere else ----------------------------------------------------
select tests.act_as_system();
select is(tests.error_of($$delete from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-0000000000aa'$$),
  '42501:append_only', 'any other delete is still refused, even for the owner role');
-- A kept row rewritten behind the triggers' back is still found.
set local session_replication_role = replica;
update public.activity_log set entity_id = 'tampered'
 where id = (select min(id) from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-0000000000aa');
set local session_replication_role = origin;
select tests.act_as('e0000000-0000-4000-a000-000000000001');
select is((select ok from public.verify_activity_log('f0000000-0000-4000-a000-0000000000aa')), false,
  'tampering with the first kept row is detected');

select * from finish();
rollback;
