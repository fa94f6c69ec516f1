-- =====================================================================================
-- The Users page reads each member's name and email from the membership's own copy
-- (20261202001000_directory_name_copy.sql): the copy is made on insert, follows a rename or a
-- new email in the same transaction, cannot be written by anyone else, and is never logged as
-- a change of the membership.
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(11);
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

select * from finish();
rollback;
