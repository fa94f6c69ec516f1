-- =====================================================================================
-- Resending an invitation keeps "Invited by" (issue 13, bug 6); the activity row says who
-- resent it.
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(3);
select tests.seed_fixture();
select tests.create_user('e0000000-0000-4000-a000-000000000013', 'fx-pending@example.test');
select tests.add_member('d0000000-0000-4000-a000-000000000013', 'f0000000-0000-4000-a000-000000000001',
                        'e0000000-0000-4000-a000-000000000013', 'member', 'pending');
update public.memberships set invited_by = 'e0000000-0000-4000-a000-000000000001',  -- the Owner invited
       invited_at = now() - interval '8 days', invite_expires_at = now() - interval '1 day'
 where id = 'd0000000-0000-4000-a000-000000000013';

select tests.act_as('e0000000-0000-4000-a000-000000000002');  -- an Admin resends
select lives_ok($$select public.resend_invitation('d0000000-0000-4000-a000-000000000013')$$, 'the Admin resends');
select tests.act_as_system();

select is((select invited_by from public.memberships where id = 'd0000000-0000-4000-a000-000000000013'),
          'e0000000-0000-4000-a000-000000000001'::uuid, 'invited_by is still the Owner who invited');
select is((select actor_id from public.activity_log
            where action = 'member.invitation_resent' and entity_id = 'd0000000-0000-4000-a000-000000000013'
            order by id desc limit 1),
          'e0000000-0000-4000-a000-000000000002'::uuid, 'the activity log names the Admin who resent it');

select * from finish();
rollback;
