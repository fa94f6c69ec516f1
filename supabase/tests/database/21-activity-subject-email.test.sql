-- =====================================================================================
-- The activity log names who a change was about even after they are gone: subject_email is
-- kept on the row at write time, and the hash chain covers it.
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(5);
select tests.seed_fixture();
select tests.create_user('e0000000-0000-4000-a000-000000000019', 'fx-withdrawn@example.test');
select tests.add_member('d0000000-0000-4000-a000-000000000019', 'f0000000-0000-4000-a000-000000000001',
                        'e0000000-0000-4000-a000-000000000019', 'member', 'pending');

select tests.act_as('e0000000-0000-4000-a000-000000000002');  -- an Admin withdraws the invitation
select lives_ok($$select public.revoke_invitation('d0000000-0000-4000-a000-000000000019')$$, 'the Admin revokes');
select tests.act_as_system();
-- The invitee's never-used account goes too (as the invite-members function does).
delete from auth.users where id = 'e0000000-0000-4000-a000-000000000019';

create temp table withdrawn as
  select id, subject_email from public.activity_log
   where subject_user_id = 'e0000000-0000-4000-a000-000000000019' order by id desc limit 1;
grant select on withdrawn to public;
select is((select subject_email from withdrawn), 'fx-withdrawn@example.test',
          'the revocation row still names the invitee after their account is deleted');
select is((select count(*)::int from public.activity_log
            where subject_user_id is null and subject_email is not null), 0,
          'no row has an email without a subject');

select tests.act_as('e0000000-0000-4000-a000-000000000002');
select results_eq($$select ok from public.verify_activity_log('f0000000-0000-4000-a000-000000000001')$$,
  $$values (true)$$, 'the chain with snapshots verifies');
reset role;

alter table public.activity_log disable trigger activity_log_append_only;
update public.activity_log set subject_email = 'someone-else@example.test' where id = (select id from withdrawn);
alter table public.activity_log enable trigger activity_log_append_only;
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select results_eq($$select ok, first_bad_id from public.verify_activity_log('f0000000-0000-4000-a000-000000000001')$$,
  $$select false, id from withdrawn$$, 'an edited subject_email is detected: the hash covers it');

select * from finish();
rollback;
