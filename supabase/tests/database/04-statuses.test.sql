-- =====================================================================================
-- Statuses (rule 4), isolation (rule 5) and 2FA (rule 7): only effectively active members
-- reach workspace data, immediately, whatever their JWT says.
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(39);
select tests.seed_fixture();
select tests.create_user('e0000000-0000-4000-a000-000000000011', 'fx-inactive@example.test');
select tests.create_user('e0000000-0000-4000-a000-000000000012', 'fx-suspended@example.test');
select tests.create_user('e0000000-0000-4000-a000-000000000013', 'fx-pending@example.test');
select tests.create_user('e0000000-0000-4000-a000-000000000014', 'fx-expired-suspension@example.test');
select tests.add_member('d0000000-0000-4000-a000-000000000011', 'f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000011', 'admin', 'inactive');
select tests.add_member('d0000000-0000-4000-a000-000000000012', 'f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000012', 'admin', 'suspended', now() + interval '30 days');
select tests.add_member('d0000000-0000-4000-a000-000000000013', 'f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000013', 'admin', 'pending');
select tests.add_member('d0000000-0000-4000-a000-000000000014', 'f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000014', 'member', 'suspended', now() - interval '1 minute');
-- Give the non-active admins something that would be theirs if they had access.
update public.assets set assigned_to = 'e0000000-0000-4000-a000-000000000011' where id = 'c0000000-0000-4000-a000-000000000001';

-- ---------- inactive, suspended and pending members get nothing ----------------------
select tests.act_as('e0000000-0000-4000-a000-000000000011');
select is((select count(*) from public.workspaces), 0::bigint, 'inactive: no workspace');
select is((select count(*) from public.assets), 0::bigint, 'inactive: no assets, not even one assigned to them');
select is((select count(*) from public.licenses) + (select count(*) from public.license_seats), 0::bigint, 'inactive: no licences or seats');
select is((select count(*) from public.activity_log), 0::bigint, 'inactive: no activity');
select is((select count(*) from public.role_permissions), 0::bigint, 'inactive: no role matrix');
select results_eq($$select id from public.memberships$$, $$values ('d0000000-0000-4000-a000-000000000011'::uuid)$$,
  'inactive: only their own membership row (to show why)');
select is((select count(*) from public.my_permissions('f0000000-0000-4000-a000-000000000001')), 0::bigint, 'inactive: no permissions');
select is(tests.error_of($$select public.deactivate_member('d0000000-0000-4000-a000-000000000003')$$),
  'PT404:not_found', 'inactive admin cannot manage members');

select tests.act_as('e0000000-0000-4000-a000-000000000012');
select is((select count(*) from public.workspaces), 0::bigint, 'suspended: no workspace');
select is((select count(*) from public.assets), 0::bigint, 'suspended: no assets');
select is((select count(*) from public.member_directory), 0::bigint, 'suspended: no directory rows (the directory needs members.view; their own membership row stays readable)');
select is((select count(*) from public.profiles), 1::bigint, 'suspended: only their own profile');

select tests.act_as('e0000000-0000-4000-a000-000000000013');
select is((select count(*) from public.workspaces), 0::bigint, 'pending: no workspace');
select is((select count(*) from public.assets), 0::bigint, 'pending: no assets');
select results_eq(
  $$select workspace_name, role::text, expired from public.invitation_details('f0000000-0000-4000-a000-000000000001')$$,
  $$values ('Fixture Co'::text, 'admin'::text, false)$$,
  'pending: invitation_details shows "Join Fixture Co as admin"');

-- ---------- An expired suspension counts as active at once ---------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000014');
select is((select count(*) from public.assets where workspace_id = 'f0000000-0000-4000-a000-000000000001'), 2::bigint,
  'a suspension whose end has passed counts as active immediately');
select tests.act_as_system();
select cmp_ok(private.lift_expired_suspensions(), '>=', 1, 'lift_expired_suspensions flips expired rows (this one is checked next)');
select results_eq(
  $$select m.status::text, (select a.action from public.activity_log a where a.entity_id = m.id::text order by a.id desc limit 1)
      from public.memberships m where m.id = 'd0000000-0000-4000-a000-000000000014'$$,
  $$values ('active'::text, 'member.suspension_lifted'::text)$$,
  'the row is active and member.suspension_lifted was logged');
select is((select status from public.memberships where id = 'd0000000-0000-4000-a000-000000000012'),
  'suspended'::public.member_status, 'a suspension still running is left alone');

-- ---------- Deactivation bites immediately, with the same JWT ------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000003');
select is((select count(*) from public.assets), 2::bigint, 'the member sees the workspace''s assets');
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select public.deactivate_member('d0000000-0000-4000-a000-000000000003');
select tests.act_as('e0000000-0000-4000-a000-000000000003');  -- same claims as before
select is((select count(*) from public.assets), 0::bigint, 'just deactivated: the still-valid JWT reaches nothing');
select is((select count(*) from public.license_seats), 0::bigint, 'just deactivated: not even their own seat');
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select public.reactivate_member('d0000000-0000-4000-a000-000000000003');
select tests.act_as('e0000000-0000-4000-a000-000000000003');
select is((select count(*) from public.assets), 2::bigint, 'reactivated: access is back');
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select public.suspend_member('d0000000-0000-4000-a000-000000000003', null, 'Until further notice');
select tests.act_as('e0000000-0000-4000-a000-000000000003');
select is((select count(*) from public.assets), 0::bigint, 'suspended (indefinitely): nothing');

-- ---------- Isolation between workspaces, and anon -----------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000005');  -- owner of Other Co only
select results_eq($$select distinct workspace_id from public.assets$$,
  $$values ('f0000000-0000-4000-a000-000000000002'::uuid)$$, 'another workspace''s owner sees only their own assets');
select is((select count(*) from public.memberships where workspace_id = 'f0000000-0000-4000-a000-000000000001'), 0::bigint,
  'and none of Fixture Co''s members');
select is((select count(*) from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-000000000001'), 0::bigint,
  'and none of Fixture Co''s activity');
update public.assets set name = 'cross-tenant' where id = 'c0000000-0000-4000-a000-000000000002';
select tests.act_as_system();
select is((select name from public.assets where id = 'c0000000-0000-4000-a000-000000000002'), 'Member phone',
  'a cross-workspace update changes nothing');

set local role anon;
set local request.jwt.claims = '{"role":"anon"}';
select throws_ok($$select * from public.assets$$, '42501', null, 'anon cannot read assets');
select throws_ok($$select * from public.memberships$$, '42501', null, 'anon cannot read memberships');
select throws_ok($$select public.my_permissions('f0000000-0000-4000-a000-000000000001')$$, '42501', null, 'anon cannot call RPCs');
reset role;

-- ---------- 2FA (rule 7) -------------------------------------------------------------
update public.workspaces set require_2fa = 'everyone' where id = 'f0000000-0000-4000-a000-000000000001';
select tests.act_as('e0000000-0000-4000-a000-000000000004', 'aal1');  -- viewer
select is((select count(*) from public.assets), 0::bigint, 'require_2fa=everyone: an aal1 session reaches no data');
select is((select count(*) from public.workspaces), 1::bigint, '... but still sees the workspace (to be asked for 2FA)');
select tests.act_as('e0000000-0000-4000-a000-000000000004', 'aal2');
select is((select count(*) from public.assets), 2::bigint, 'require_2fa=everyone: an aal2 session reaches data');

select tests.act_as_system();
update public.workspaces set require_2fa = 'admins' where id = 'f0000000-0000-4000-a000-000000000001';
select tests.act_as('e0000000-0000-4000-a000-000000000004', 'aal1');
select is((select count(*) from public.assets), 2::bigint, 'require_2fa=admins: a viewer with aal1 reaches data');
select tests.act_as('e0000000-0000-4000-a000-000000000002', 'aal1');
select is((select count(*) from public.assets), 0::bigint, 'require_2fa=admins: an admin with aal1 reaches nothing');
select is(tests.error_of($$select public.change_member_role('d0000000-0000-4000-a000-000000000004', 'member')$$),
  '42501:not_allowed', 'require_2fa=admins: an admin with aal1 cannot manage members');
select tests.act_as('e0000000-0000-4000-a000-000000000001', 'aal1');
select is((select count(*) from public.my_permissions('f0000000-0000-4000-a000-000000000001')), 0::bigint,
  'require_2fa=admins: the owner with aal1 holds no permissions');
select tests.act_as('e0000000-0000-4000-a000-000000000002', 'aal2');
select is((select count(*) from public.assets), 2::bigint, 'require_2fa=admins: an admin with aal2 reaches data');

select * from finish();
rollback;
