-- =====================================================================================
-- Invariant 11: the reason for a status, last activity and who invited whom need
-- members.manage. The table keeps those three columns from authenticated
-- (supabase/schemas/10_workspaces_members.sql); a person reads their own reason
-- through my_memberships().
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(10);
select tests.seed_fixture();
update public.memberships
   set status = 'suspended', suspended_until = now() + interval '3 days', status_reason = 'Badge lost'
 where id = 'd0000000-0000-4000-a000-000000000003';   -- the member of Fixture Co
update public.memberships set last_active_at = now(), invited_by = 'e0000000-0000-4000-a000-000000000001'
 where workspace_id = 'f0000000-0000-4000-a000-000000000001';

select is(
  array(select c from unnest(array['status_reason', 'last_active_at', 'invited_by']) c
         where has_column_privilege('authenticated', 'public.memberships', c, 'select')),
  '{}'::text[], 'authenticated holds no SELECT on status_reason, last_active_at, invited_by');
select ok(has_column_privilege('authenticated', 'public.memberships', 'member_name', 'select')
          and has_column_privilege('authenticated', 'public.memberships', 'status', 'select'),
          'the rest of the row stays readable (RLS decides which rows)');

select tests.act_as('e0000000-0000-4000-a000-000000000004');  -- the Viewer: members.view only
select is((select count(*) from public.memberships where workspace_id = 'f0000000-0000-4000-a000-000000000001'), 4::bigint,
          'a Viewer still reads the roster');
select throws_ok($$select status_reason from public.memberships$$, '42501', null, 'a Viewer cannot read the reasons');
select throws_ok($$select last_active_at from public.memberships$$, '42501', null, 'nor last activity');
select throws_ok($$select invited_by from public.memberships$$, '42501', null, 'nor the inviter');

select tests.act_as('e0000000-0000-4000-a000-000000000003');  -- the suspended member, about themselves
select results_eq(
  $$select workspace_name, status, effective_status, status_reason from public.my_memberships()$$,
  $$values (null::text, 'suspended'::public.member_status, 'suspended'::public.member_status, 'Badge lost'::text)$$,
  'my_memberships: the member''s own reason, and no workspace name while suspended');

select tests.act_as('e0000000-0000-4000-a000-000000000002');  -- the Admin
select results_eq(
  $$select workspace_name, status_reason from public.my_memberships()$$,
  $$values ('Fixture Co'::text, null::text)$$, 'my_memberships: an active member sees the workspace''s name');
select is((select status_reason from public.member_directory_page('f0000000-0000-4000-a000-000000000001', p_limit => 10)
            where id = 'd0000000-0000-4000-a000-000000000003'),
          'Badge lost', 'members.manage still reads the reason through the Users page');

select tests.act_as_system();
select is((select count(*) from public.my_memberships()), 0::bigint, 'my_memberships without a signed-in person: nothing');

select * from finish();
rollback;
