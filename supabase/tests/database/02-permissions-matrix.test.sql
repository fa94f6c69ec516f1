-- =====================================================================================
-- Permission catalogue and matrix: the exact table of docs/product-rules.md, per-workspace
-- defaults, my_permissions(), set_role_permission() rules, and that grants take effect in RLS.
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(27);
select tests.seed_fixture();

-- ---------- The catalogue is docs/product-rules.md's table -----------------------------
select set_eq(
  $$select key, owner_only from public.permissions$$,
  $$values ('assets.view', false), ('licenses.view', false), ('assets.create', false), ('licenses.create', false),
           ('assets.edit', false), ('assets.delete', false), ('licenses.edit', false), ('licenses.delete', false),
           ('assets.assign', false), ('reports.view', false), ('members.view', false), ('members.invite', false),
           ('members.manage', false), ('activity.view', false), ('activity.export', false), ('settings.manage', false),
           ('billing.manage', true), ('workspace.delete', true), ('ownership.transfer', true),
           ('reporting.credentials', false), ('directory.manage', false)$$,
  'the catalogue holds exactly the 21 permissions, three of them owner-only');

select set_eq(
  $$select permission from public.role_permissions where workspace_id = 'f0000000-0000-4000-a000-000000000001' and role = 'admin'$$,
  $$select key from public.permissions where not owner_only and key not in ('reporting.credentials', 'directory.manage')$$,
  'a new workspace: admin holds every permission except the owner-only ones, reporting.credentials and directory.manage (the Owner grants those)');
select set_eq(
  $$select permission from public.role_permissions where workspace_id = 'f0000000-0000-4000-a000-000000000001' and role = 'member'$$,
  array['assets.view', 'licenses.view', 'assets.create', 'licenses.create', 'reports.view', 'members.view'],
  'a new workspace: member defaults');
select set_eq(
  $$select permission from public.role_permissions where workspace_id = 'f0000000-0000-4000-a000-000000000001' and role = 'viewer'$$,
  array['assets.view', 'licenses.view', 'reports.view', 'members.view'],
  'a new workspace: viewer defaults');
select is((select count(*) from public.role_permissions where role = 'owner'), 0::bigint,
  'owner permissions are implicit, never stored');

-- ---------- my_permissions -----------------------------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000001');
select set_eq($$select * from public.my_permissions('f0000000-0000-4000-a000-000000000001')$$,
  $$select key from public.permissions$$, 'owner: every permission, owner-only included');
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select is((select count(*) from public.my_permissions('f0000000-0000-4000-a000-000000000001')), 16::bigint,
  'admin: 16 permissions');
select ok(not exists (select 1 from public.my_permissions('f0000000-0000-4000-a000-000000000001') p
                       where p in ('billing.manage', 'workspace.delete', 'ownership.transfer')),
  'admin: no owner-only permission');
select tests.act_as('e0000000-0000-4000-a000-000000000004');
select set_eq($$select * from public.my_permissions('f0000000-0000-4000-a000-000000000001')$$,
  array['assets.view', 'licenses.view', 'reports.view', 'members.view'], 'viewer: the four view permissions');
select is((select count(*) from public.my_permissions('f0000000-0000-4000-a000-000000000002')), 0::bigint,
  'no permissions in a workspace the caller does not belong to');

-- ---------- set_role_permission rules ------------------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000002');  -- admin
select is(tests.error_of($$select public.set_role_permission('f0000000-0000-4000-a000-000000000001', 'member', 'assets.delete', true)$$),
  'ok', 'admin may grant a permission to member');
select is(tests.error_of($$select public.set_role_permission('f0000000-0000-4000-a000-000000000001', 'admin', 'activity.view', false)$$),
  '42501:not_allowed', 'admin may not change admin permissions');
select is(tests.error_of($$select public.set_role_permission('f0000000-0000-4000-a000-000000000001', 'member', 'billing.manage', true)$$),
  '42501:owner_only_permission', 'admin may not grant an owner-only permission');
select is(tests.error_of($$select public.set_role_permission('f0000000-0000-4000-a000-000000000001', 'owner', 'assets.view', false)$$),
  '42501:owner_protected', 'nobody edits the owner''s permissions');

select tests.act_as('e0000000-0000-4000-a000-000000000001');  -- owner
select is(tests.error_of($$select public.set_role_permission('f0000000-0000-4000-a000-000000000001', 'admin', 'activity.export', false)$$),
  'ok', 'owner may change admin permissions');
select is(tests.error_of($$select public.set_role_permission('f0000000-0000-4000-a000-000000000001', 'admin', 'ownership.transfer', true)$$),
  '42501:owner_only_permission', 'not even the owner can grant an owner-only permission');

select tests.act_as('e0000000-0000-4000-a000-000000000003');  -- member
select is(tests.error_of($$select public.set_role_permission('f0000000-0000-4000-a000-000000000001', 'viewer', 'assets.create', true)$$),
  '42501:not_allowed', 'member (no settings.manage) may not edit the matrix');
select tests.act_as('e0000000-0000-4000-a000-000000000005');  -- owner of the other workspace
select is(tests.error_of($$select public.set_role_permission('f0000000-0000-4000-a000-000000000001', 'viewer', 'assets.create', true)$$),
  'PT404:not_found', 'an outsider gets not_found');

select tests.act_as_system();
select set_eq(
  $$select role::text || ':' || permission from public.role_permissions
     where workspace_id = 'f0000000-0000-4000-a000-000000000001' and (permission in ('assets.delete', 'activity.export'))$$,
  array['admin:assets.delete', 'member:assets.delete'],
  'only the allowed changes happened (member gained assets.delete, admin lost activity.export)');

select throws_ok(
  $$insert into public.role_permissions (workspace_id, role, permission) values ('f0000000-0000-4000-a000-000000000001', 'admin', 'workspace.delete')$$,
  '23503', null, 'the database itself refuses an owner-only grant, even for postgres (composite foreign key)');
select throws_ok(
  $$insert into public.role_permissions (workspace_id, role, permission) values ('f0000000-0000-4000-a000-000000000001', 'owner', 'assets.view')$$,
  '23514', null, 'the database refuses a stored owner row');

-- ---------- Grants take effect in RLS immediately ------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000003');  -- member, now with assets.delete
delete from public.assets where id = 'c0000000-0000-4000-a000-000000000001';
select tests.act_as_system();
select is((select count(*) from public.assets where id = 'c0000000-0000-4000-a000-000000000001'), 0::bigint,
  'a member granted assets.delete can delete assets');

select tests.act_as('e0000000-0000-4000-a000-000000000004');  -- viewer
update public.assets set name = 'hacked' where workspace_id = 'f0000000-0000-4000-a000-000000000001';
select tests.act_as_system();
select is((select count(*) from public.assets where name = 'hacked'), 0::bigint,
  'a viewer''s update touches nothing (no assets.edit)');

select tests.act_as('e0000000-0000-4000-a000-000000000001');
select public.set_role_permission('f0000000-0000-4000-a000-000000000001', 'member', 'assets.view', false);
select tests.act_as('e0000000-0000-4000-a000-000000000003');
select results_eq($$select id from public.assets$$,
  $$values ('c0000000-0000-4000-a000-000000000002'::uuid)$$,
  'without assets.view a member still sees the asset assigned to them, and only that');
select tests.act_as('e0000000-0000-4000-a000-000000000001');
select public.set_role_permission('f0000000-0000-4000-a000-000000000001', 'viewer', 'members.view', false);
select tests.act_as('e0000000-0000-4000-a000-000000000004');
select results_eq($$select user_id from public.memberships$$,
  $$values ('e0000000-0000-4000-a000-000000000004'::uuid)$$,
  'without members.view a viewer sees only their own membership');
select results_eq($$select id from public.profiles$$,
  $$values ('e0000000-0000-4000-a000-000000000004'::uuid)$$,
  'without members.view a viewer sees only their own profile');

select tests.act_as('e0000000-0000-4000-a000-000000000004');
select results_eq($$select distinct workspace_id from public.role_permissions$$,
  $$values ('f0000000-0000-4000-a000-000000000001'::uuid)$$,
  'members read their own workspace''s matrix and no other');

select * from finish();
rollback;
