-- =====================================================================================
-- Invariants (docs/product-rules.md rules 1-3): exactly one owner, nobody changes their own
-- role or status, admins cannot touch the owner or make owners, ownership moves only by an atomic
-- transfer to an active member.
-- Fixture: d...01 owner, d...02 admin, d...03 member, d...04 viewer of Fixture Co (f...01).
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(37);
select tests.seed_fixture();
select tests.create_user('e0000000-0000-4000-a000-000000000006', 'fx-admin2@example.test');
select tests.add_member('d0000000-0000-4000-a000-000000000006', 'f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000006', 'admin');
select tests.create_user('e0000000-0000-4000-a000-000000000007', 'fx-inactive@example.test');
select tests.add_member('d0000000-0000-4000-a000-000000000007', 'f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000007', 'member', 'inactive');

-- ---------- Exactly one owner, whatever the path -------------------------------------
select throws_ok(
  $$update public.memberships set role = 'owner' where id = 'd0000000-0000-4000-a000-000000000002'$$,
  '23505', null, 'a second owner is refused even for postgres (partial unique index)');

savepoint no_owner;
delete from public.memberships where id = 'd0000000-0000-4000-a000-000000000001';
select throws_ok($$set constraints all immediate$$, '23514', null,
  'a workspace left without an owner is refused at commit, even for postgres');
rollback to savepoint no_owner;

select throws_ok(
  $$update public.memberships set status = 'inactive' where id = 'd0000000-0000-4000-a000-000000000001'$$,
  '23514', null, 'the owner row can never be inactive or suspended (check constraint)');

-- ---------- Admin limits -------------------------------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000002');  -- admin
select is(tests.error_of($$select public.change_member_role('d0000000-0000-4000-a000-000000000001', 'admin')$$),
  '42501:owner_protected', 'admin cannot demote the owner');
select is(tests.error_of($$select public.deactivate_member('d0000000-0000-4000-a000-000000000001')$$),
  '42501:owner_protected', 'admin cannot deactivate the owner');
select is(tests.error_of($$select public.suspend_member('d0000000-0000-4000-a000-000000000001')$$),
  '42501:owner_protected', 'admin cannot suspend the owner');
select is(tests.error_of($$select public.remove_member('d0000000-0000-4000-a000-000000000001')$$),
  '42501:owner_protected', 'admin cannot remove the owner');
select is(tests.error_of($$select public.change_member_role('d0000000-0000-4000-a000-000000000003', 'owner')$$),
  '42501:owner_via_transfer', 'admin cannot make anyone owner');
select is(tests.error_of($$select public.transfer_ownership('f0000000-0000-4000-a000-000000000001', 'd0000000-0000-4000-a000-000000000002')$$),
  '42501:not_allowed', 'admin cannot transfer ownership');
select is(tests.error_of($$select public.delete_workspace('f0000000-0000-4000-a000-000000000001', 'Fixture Co')$$),
  '42501:not_allowed', 'admin cannot delete the workspace');

-- ---------- Nobody changes their own role or status ----------------------------------
select is(tests.error_of($$select public.change_member_role('d0000000-0000-4000-a000-000000000002', 'member')$$),
  '42501:self_change', 'admin cannot change their own role');
select is(tests.error_of($$select public.deactivate_member('d0000000-0000-4000-a000-000000000002')$$),
  '42501:self_change', 'admin cannot deactivate themselves');
select is(tests.error_of($$select public.suspend_member('d0000000-0000-4000-a000-000000000002', now() + interval '1 day')$$),
  '42501:self_change', 'admin cannot suspend themselves');

select tests.act_as('e0000000-0000-4000-a000-000000000001');  -- owner
select is(tests.error_of($$select public.change_member_role('d0000000-0000-4000-a000-000000000001', 'admin')$$),
  '42501:self_change', 'the owner cannot demote themselves');
select is(tests.error_of($$select public.change_member_role('d0000000-0000-4000-a000-000000000003', 'owner')$$),
  '42501:owner_via_transfer', 'even the owner makes an owner only through transfer');
select is(tests.error_of($$select public.leave_workspace('f0000000-0000-4000-a000-000000000001')$$),
  '42501:owner_must_transfer', 'the owner cannot leave without transferring first');

-- ---------- What admins may do -------------------------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select is((public.change_member_role('d0000000-0000-4000-a000-000000000003', 'viewer')).role, 'viewer'::public.workspace_role,
  'admin can change a member''s role');
select is((public.change_member_role('d0000000-0000-4000-a000-000000000006', 'member')).role, 'member'::public.workspace_role,
  'admin can demote another admin');
select is((public.suspend_member('d0000000-0000-4000-a000-000000000004', now() + interval '3 days', 'Investigation')).status,
  'suspended'::public.member_status, 'admin can suspend a viewer');

-- ---------- Members cannot manage ----------------------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000006');  -- now a member
select is(tests.error_of($$select public.change_member_role('d0000000-0000-4000-a000-000000000003', 'member')$$),
  '42501:not_allowed', 'a member (no members.manage) cannot change roles');
select is(tests.error_of($$select public.remove_member('d0000000-0000-4000-a000-000000000003')$$),
  '42501:not_allowed', 'a member cannot remove members');
select tests.act_as_system();
select is((select role from public.memberships where id = 'd0000000-0000-4000-a000-000000000003'),
  'viewer'::public.workspace_role, 'refused calls changed nothing');

-- ---------- Transfer -----------------------------------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000001');  -- owner
select is(tests.error_of($$select public.transfer_ownership('f0000000-0000-4000-a000-000000000001', 'd0000000-0000-4000-a000-000000000007')$$),
  '22023:target_not_active', 'ownership cannot go to an inactive member');
select is(tests.error_of($$select public.transfer_ownership('f0000000-0000-4000-a000-000000000001', 'd0000000-0000-4000-a000-000000000004')$$),
  '22023:target_not_active', 'ownership cannot go to a suspended member');
select is(tests.error_of($$select public.transfer_ownership('f0000000-0000-4000-a000-000000000001', 'd0000000-0000-4000-a000-000000000005')$$),
  'PT404:not_found', 'ownership cannot go to a member of another workspace');
select is(tests.error_of($$select public.transfer_ownership('f0000000-0000-4000-a000-000000000001', 'd0000000-0000-4000-a000-000000000001')$$),
  '42501:self_change', 'transfer to oneself is refused');

select tests.act_as('e0000000-0000-4000-a000-000000000001', 'aal1');
select lives_ok($$select public.transfer_ownership('f0000000-0000-4000-a000-000000000001', 'd0000000-0000-4000-a000-000000000003')$$,
  'the owner transfers ownership to an active member');
select tests.act_as_system();
select results_eq(
  $$select id, role::text from public.memberships where workspace_id = 'f0000000-0000-4000-a000-000000000001' and role in ('owner', 'admin') order by role, id$$,
  $$values ('d0000000-0000-4000-a000-000000000001'::uuid, 'admin'::text),
           ('d0000000-0000-4000-a000-000000000002'::uuid, 'admin'::text),
           ('d0000000-0000-4000-a000-000000000003'::uuid, 'owner'::text)$$,
  'after the transfer: one owner (the new one), the old owner is admin');
select lives_ok($$set constraints all immediate$$, 'the deferred one-owner check passes after a transfer');

select tests.act_as('e0000000-0000-4000-a000-000000000001');  -- former owner
select is(tests.error_of($$select public.transfer_ownership('f0000000-0000-4000-a000-000000000001', 'd0000000-0000-4000-a000-000000000001')$$),
  '42501:not_allowed', 'the former owner can no longer transfer');
select is(tests.error_of($$select public.change_member_role('d0000000-0000-4000-a000-000000000003', 'admin')$$),
  '42501:owner_protected', 'the former owner (now admin) cannot touch the new owner');
select lives_ok($$select public.leave_workspace('f0000000-0000-4000-a000-000000000001')$$,
  'after transferring, the former owner can leave');

select tests.act_as('e0000000-0000-4000-a000-000000000003');  -- new owner
select is(tests.error_of($$select public.delete_workspace('f0000000-0000-4000-a000-000000000001', 'fixture co')$$),
  '22023:confirm_mismatch', 'deleting needs the exact name');
select tests.act_as_system();
create temp table mark as select max(id) as id from public.activity_log;
select tests.act_as('e0000000-0000-4000-a000-000000000003');
select lives_ok($$select public.delete_workspace('f0000000-0000-4000-a000-000000000001', 'Fixture Co')$$,
  'the new owner can delete the workspace');
select tests.act_as_system();
select results_eq($$select action, actor_id from public.activity_log where id > (select id from mark)$$,
  $$values ('workspace.deleted'::text, 'e0000000-0000-4000-a000-000000000003'::uuid)$$,
  'deleting a workspace logs one workspace.deleted row, not one per cascaded row');
select cmp_ok((select count(*) from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-000000000001'), '>', 10::bigint,
  'the deleted workspace''s history is kept');
select is((select count(*) from public.memberships where workspace_id = 'f0000000-0000-4000-a000-000000000001'), 0::bigint,
  'deleting a workspace removes its memberships');

select * from finish();
rollback;
