-- =====================================================================================
-- The Users page reads each member's name and email from the membership's own copy
-- (supabase/schemas/35_member_directory.sql): the copy is made on insert, follows a rename or a
-- new email in the same transaction, cannot be written by anyone else, and is never logged as
-- a change of the membership.
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(19);
select tests.seed_fixture();

select is((select member_name || ' <' || member_email || '>' from public.memberships
            where id = 'd0000000-0000-4000-a000-000000000003'),
          'Fx Member <fx-member@example.test>', 'a new membership carries the profile''s name and email');

-- The member (e...03) renames themselves, as the account page does (PATCH profiles?full_name).
create temp table log_before as select count(*) as n from public.activity_log;
grant select on log_before to public;
select tests.act_as('e0000000-0000-4000-a000-000000000003');
update public.profiles set full_name = 'Fiona Member' where id = 'e0000000-0000-4000-a000-000000000003';
select tests.act_as_system();
select is((select member_name from public.memberships where id = 'd0000000-0000-4000-a000-000000000003'),
          'Fiona Member', 'a rename reaches the membership in the same transaction');
select is((select count(*) from public.activity_log) - (select n from log_before), 0::bigint,
          'the copy is not logged as a change of the membership');

-- The same person in a second workspace: every membership follows.
select tests.add_member('d0000000-0000-4000-a000-000000000022', 'f0000000-0000-4000-a000-000000000002',
                        'e0000000-0000-4000-a000-000000000003', 'member', 'active');
update public.profiles set email = 'fiona@example.test' where id = 'e0000000-0000-4000-a000-000000000003';
select results_eq($$select member_email from public.memberships
                    where user_id = 'e0000000-0000-4000-a000-000000000003' order by id$$,
                  $$values ('fiona@example.test'), ('fiona@example.test')$$,
                  'a new email reaches each of the person''s memberships');

-- Nothing else can write the copies: a function (or the owner) setting them gets the profile's.
update public.memberships set member_name = 'Forged Name', member_email = 'forged@example.test'
 where id = 'd0000000-0000-4000-a000-000000000003';
select is((select member_name || ' <' || member_email || '>' from public.memberships
            where id = 'd0000000-0000-4000-a000-000000000003'),
          'Fiona Member <fiona@example.test>', 'a write to the copies is replaced by the profile''s values');
select tests.act_as('e0000000-0000-4000-a000-000000000001');  -- the Owner, with members.manage
select throws_ok($$update public.memberships set member_name = 'Forged' where id = 'd0000000-0000-4000-a000-000000000003'$$,
                 '42501', null, 'clients cannot write memberships at all');

-- The Users page finds and orders by the copies.
select results_eq($$select full_name from public.member_directory_page('f0000000-0000-4000-a000-000000000001', p_search => 'FIONA')$$,
                  $$values ('Fiona Member'::text)$$, 'search matches the new name, any case');
select results_eq($$select email from public.member_directory_page('f0000000-0000-4000-a000-000000000001', p_search => 'fiona@exa')$$,
                  $$values ('fiona@example.test'::text)$$, 'search matches the new email');
select is((select public.member_directory_count('f0000000-0000-4000-a000-000000000001', p_search => 'fx-')), 3::bigint,
          'the count uses the same search (three fx- addresses left in Fixture Co)');
select results_eq($$select full_name from public.member_directory_page('f0000000-0000-4000-a000-000000000001', 'full_name', false)$$,
                  $$values ('Fiona Member'::text), ('Fx Admin'), ('Fx Owner'), ('Fx Viewer')$$,
                  'ordered by the copied names, A to Z');
select results_eq($$select full_name from public.member_directory_page('f0000000-0000-4000-a000-000000000001', 'email', true)$$,
                  $$values ('Fx Viewer'::text), ('Fx Owner'), ('Fx Admin'), ('Fiona Member')$$,
                  'ordered by the copied emails, Z to A');

-- ---------- Pages near the end are read from the far end of the same order -----------------
-- 2,500 members in one workspace (written with triggers off, copies set by hand as the trigger
-- would); some without a name and some who never signed in, so that nulls are placed too.
select tests.act_as_system();
set local session_replication_role = replica;
insert into public.workspaces (id, name) values ('f0000000-0000-4000-a000-000000000022', 'Long List Co');
insert into auth.users (id, email, aud, role)
  select ('a3000000-0000-4000-a000-' || lpad(g::text, 12, '0'))::uuid, 'long' || g || '@example.test', 'authenticated', 'authenticated'
    from generate_series(1, 2500) g;
insert into public.profiles (id, email, full_name)
  select ('a3000000-0000-4000-a000-' || lpad(g::text, 12, '0'))::uuid, 'long' || g || '@example.test',
         case when g % 7 <> 0 then 'Person ' || (g * 7919) % 2500 end
    from generate_series(1, 2500) g;
insert into public.memberships (workspace_id, user_id, role, status, joined_at, last_active_at, member_name, member_email)
  select 'f0000000-0000-4000-a000-000000000022', p.id,
         (case when g = 1 then 'owner' when g % 3 = 0 then 'viewer' else 'member' end)::public.workspace_role,
         'active', now(), case when g % 11 <> 0 then now() - (g % 400) * interval '1 hour' end, p.full_name, p.email
    from generate_series(1, 2500) g
    join public.profiles p on p.id = ('a3000000-0000-4000-a000-' || lpad(g::text, 12, '0'))::uuid;
set local session_replication_role = origin;
select private.recount_member_tallies('f0000000-0000-4000-a000-000000000022');  -- kept by a trigger that was off above
select tests.act_as('a3000000-0000-4000-a000-000000000001');  -- the owner

create function pg_temp.same_page(p_sort text, p_desc boolean, p_offset int, p_limit int, p_order text)
returns boolean language plpgsql as $f$
declare v_got uuid[]; v_want uuid[];
begin
  select array_agg(id) into v_got from public.member_directory_page('f0000000-0000-4000-a000-000000000022', p_sort, p_desc, p_offset => p_offset, p_limit => p_limit);
  perform tests.act_as_system();  -- the reference reads last_active_at, which the table keeps from authenticated
  execute format('select array_agg(id) from (select m.id from public.memberships m where m.workspace_id = %L order by %s limit %s offset %s) x',
                 'f0000000-0000-4000-a000-000000000022', p_order, p_limit, p_offset) into v_want;
  perform tests.act_as('a3000000-0000-4000-a000-000000000001');
  return v_got is not distinct from v_want;
end $f$;
select ok(pg_temp.same_page('last_active_at', true, 2300, 25, 'last_active_at desc nulls last, id asc'),
          'last activity, newest first, offset 2,300 of 2,500 (read from the far end): the same rows in the same order');
select ok(pg_temp.same_page('last_active_at', false, 2300, 25, 'last_active_at asc nulls first, id desc'),
          'last activity, oldest first, near the end');
select ok(pg_temp.same_page('full_name', false, 2400, 25, 'member_name asc nulls last, id asc'),
          'name A to Z near the end: the nameless last, in order');
select ok(pg_temp.same_page('full_name', true, 1900, 50, 'member_name desc nulls last, id desc'),
          'name Z to A past the middle');
select ok(pg_temp.same_page('role', false, 2000, 25, 'role asc, id asc'), 'role near the end');
select ok(pg_temp.same_page('email', true, 1100, 25, 'member_email desc nulls last, id desc'),
          'email Z to A before the middle (counted, then read forwards)');
select is((select count(*) from public.member_directory_page('f0000000-0000-4000-a000-000000000022', 'full_name', false, p_offset => 2490, p_limit => 25)),
          10::bigint, 'the last, partial page has the ten rows left');
select is((select count(*) from public.member_directory_page('f0000000-0000-4000-a000-000000000022', p_offset => 2500, p_limit => 25)),
          0::bigint, 'a page past the end is empty');

select * from finish();
rollback;
