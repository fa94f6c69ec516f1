-- =====================================================================================
-- Issue 23 item 7: "Last active" is defined once, in SQL: memberships.last_active_at is the
-- latest of sign-in and any activity row the member authored in the workspace
-- (private.touch_member_last_active on activity_log).
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(6);
select tests.seed_fixture();

-- Ids:  f1 = Fixture Co; d1 owner (e1), d2 admin (e2), d3 member (e3), d4 viewer (e4).
select tests.act_as_system();
update public.memberships set last_active_at = now() - interval '200 days'
 where workspace_id = 'f0000000-0000-4000-a000-000000000001';

select private.log_activity('f0000000-0000-4000-a000-000000000001', 'auth.sign_in', 'user',
  'e0000000-0000-4000-a000-000000000003', null, null,
  'e0000000-0000-4000-a000-000000000003', 'e0000000-0000-4000-a000-000000000003');
select ok((select last_active_at > now() - interval '1 minute' from public.memberships
            where id = 'd0000000-0000-4000-a000-000000000003'),
  'an activity row the member authored moves their last active');
select ok((select last_active_at < now() - interval '199 days' from public.memberships
            where id = 'd0000000-0000-4000-a000-000000000004'),
  '... and nobody else''s');

-- An action through a real path (the admin suspends the viewer) counts for the actor.
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select public.suspend_member('d0000000-0000-4000-a000-000000000004', now() + interval '2 days');
select tests.act_as_system();
select ok((select last_active_at > now() - interval '1 minute' from public.memberships
            where id = 'd0000000-0000-4000-a000-000000000002'),
  'any action the member takes (here a suspension) counts as activity');
select ok((select last_active_at < now() - interval '199 days' from public.memberships
            where id = 'd0000000-0000-4000-a000-000000000004'),
  '... not for its subject');

-- System rows (no actor) and older rows never move it back.
update public.memberships set last_active_at = now() - interval '10 days'
 where id = 'd0000000-0000-4000-a000-000000000003';
select private.log_activity('f0000000-0000-4000-a000-000000000001', 'auth.sign_in', 'user',
  'e0000000-0000-4000-a000-000000000003', null, null, 'e0000000-0000-4000-a000-000000000003', null);
select ok((select last_active_at < now() - interval '9 days' from public.memberships
            where id = 'd0000000-0000-4000-a000-000000000003'),
  'a row without an actor (the system) is nobody''s activity');
select is((select count(*) from public.activity_log
            where workspace_id = 'f0000000-0000-4000-a000-000000000001' and action = 'member.updated'
              and entity_id = 'd0000000-0000-4000-a000-000000000003'), 0::bigint,
  'moving last active writes no activity row of its own');

select * from finish();
rollback;
