-- =====================================================================================
-- Activity log (rule 6): one row per change in the same transaction, with actor, email
-- snapshot, action, before/after and request origin; append-only for every role; a hash
-- chain that verifies and detects tampering; sign-in hooks.
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(43);
select tests.seed_fixture();

create temp table mark as select coalesce(max(id), 0) as id from public.activity_log;
grant select on mark to public;
create or replace function pg_temp.new_actions() returns text[] language sql as
  $$select coalesce(array_agg(action order by id), '{}') from public.activity_log where id > (select id from mark)$$;
create or replace function pg_temp.reset_mark() returns void language sql as
  $$update mark set id = (select coalesce(max(id), 0) from public.activity_log)$$;
grant execute on function pg_temp.new_actions(), pg_temp.reset_mark() to public;
grant update on mark to public;

-- ---------- One row per change, with the right shape ---------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000002');  -- admin
set local request.headers = '{"x-forwarded-for": "203.0.113.7, 10.0.0.1", "user-agent": "pgTAP/1.0"}';
update public.assets set name = 'Fixture laptop 2', notes = 'New battery' where id = 'c0000000-0000-4000-a000-000000000001';
reset request.headers;
select tests.act_as_system();
select is(pg_temp.new_actions(), array['asset.updated'], 'an asset update writes exactly one row: asset.updated');
select results_eq(
  $$select actor_id, actor_email, entity_type, entity_id, before, after, host(ip), user_agent
      from public.activity_log where id > (select id from mark)$$,
  $$values ('e0000000-0000-4000-a000-000000000002'::uuid, 'fx-admin@example.test'::text, 'asset'::text,
            'c0000000-0000-4000-a000-000000000001'::text,
            '{"name": "Fixture laptop", "notes": null}'::jsonb, '{"name": "Fixture laptop 2", "notes": "New battery"}'::jsonb,
            '10.0.0.1'::text, 'pgTAP/1.0'::text)$$,
  'actor, email snapshot, entity, only the changed columns, the address the trusted proxy appended (right-most x-forwarded-for) and user agent');

select pg_temp.reset_mark();
select tests.act_as('e0000000-0000-4000-a000-000000000002');
update public.assets set name = name where id = 'c0000000-0000-4000-a000-000000000001';
select is(pg_temp.new_actions(), '{}'::text[], 'an update that changes nothing of note writes no row');
update public.assets set assigned_to = 'e0000000-0000-4000-a000-000000000004', status = 'assigned' where id = 'c0000000-0000-4000-a000-000000000001';
select is(pg_temp.new_actions(), array['asset.assigned'], 'changing assigned_to is asset.assigned');
select tests.act_as('e0000000-0000-4000-a000-000000000003');  -- member: assets.create, no assets.edit/assign
insert into public.assets (workspace_id, name) values ('f0000000-0000-4000-a000-000000000001', 'Member-added dock');
select is(tests.error_of($$update public.assets set assigned_to = 'e0000000-0000-4000-a000-000000000003' where id = 'c0000000-0000-4000-a000-000000000002' returning 1$$),
  'ok', 'a member''s update without assets.edit is filtered by RLS (no error, no row)');
select tests.act_as_system();
select is(pg_temp.new_actions(), array['asset.assigned', 'asset.created'], 'asset.created for the insert, nothing for the filtered update');
select is((select created_by from public.assets where name = 'Member-added dock'), 'e0000000-0000-4000-a000-000000000003'::uuid,
  'created_by defaults to the caller');

-- Assigning needs assets.assign on top of assets.edit.
select tests.act_as('e0000000-0000-4000-a000-000000000001');
select public.set_role_permission('f0000000-0000-4000-a000-000000000001', 'member', 'assets.edit', true);
select tests.act_as('e0000000-0000-4000-a000-000000000003');
select is(tests.error_of($$update public.assets set assigned_to = null where id = 'c0000000-0000-4000-a000-000000000002'$$),
  '42501:not_allowed', 'with assets.edit but not assets.assign, reassigning is refused');
select is(tests.error_of($$update public.assets set notes = 'ok' where id = 'c0000000-0000-4000-a000-000000000002'$$),
  'ok', 'with assets.edit, editing other columns works');

-- ---------- Member lifecycle actions -------------------------------------------------
select pg_temp.reset_mark();
select tests.act_as('e0000000-0000-4000-a000-000000000002');  -- admin
select public.change_member_role('d0000000-0000-4000-a000-000000000004', 'member');
select public.suspend_member('d0000000-0000-4000-a000-000000000004', now() + interval '2 days', 'Audit');
select public.lift_suspension('d0000000-0000-4000-a000-000000000004');
select public.deactivate_member('d0000000-0000-4000-a000-000000000004');
select public.reactivate_member('d0000000-0000-4000-a000-000000000004');
select public.set_role_permission('f0000000-0000-4000-a000-000000000001', 'viewer', 'assets.create', true);
select public.set_role_permission('f0000000-0000-4000-a000-000000000001', 'viewer', 'assets.create', true);  -- no-op
select public.set_role_permission('f0000000-0000-4000-a000-000000000001', 'viewer', 'assets.create', false);
select is(pg_temp.new_actions(),
  array['member.role_changed', 'member.suspended', 'member.suspension_lifted', 'member.deactivated',
        'member.reactivated', 'permission.granted', 'permission.revoked'],
  'each member and permission change writes exactly one row with the derived action (no-ops write none)');
select tests.act_as_system();
select results_eq(
  $$select before, after, subject_user_id from public.activity_log where id > (select id from mark) and action = 'member.role_changed'$$,
  $$values ('{"role": "viewer"}'::jsonb, '{"role": "member"}'::jsonb, 'e0000000-0000-4000-a000-000000000004'::uuid)$$,
  'member.role_changed records old and new role and whom it is about');
select is((select entity_id from public.activity_log where id > (select id from mark) and action = 'permission.granted'),
  'viewer:assets.create', 'permission rows name role and permission');

-- Invitations, removal (with cascades), transfer.
select tests.create_user('e0000000-0000-4000-a000-000000000021', 'invitee-1@example.test');
select tests.create_user('e0000000-0000-4000-a000-000000000022', 'invitee-2@example.test');
select pg_temp.reset_mark();
set local role service_role;
select count(*) from public.create_invitations('f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000002',
  array['e0000000-0000-4000-a000-000000000021', 'e0000000-0000-4000-a000-000000000022']::uuid[], 'member');
reset role;
select results_eq(
  $$select action, actor_id from public.activity_log where id > (select id from mark) order by id$$,
  $$values ('member.invited'::text, 'e0000000-0000-4000-a000-000000000002'::uuid),
           ('member.invited'::text, 'e0000000-0000-4000-a000-000000000002'::uuid)$$,
  'create_invitations (service role): one member.invited per invitee, the inviter as actor');

-- The invitation expired (resend renews it).
update public.memberships set invited_at = now() - interval '8 days', invite_expires_at = now() - interval '1 day'
 where user_id = 'e0000000-0000-4000-a000-000000000021';
select pg_temp.reset_mark();
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select public.resend_invitation(id) from public.memberships where user_id = 'e0000000-0000-4000-a000-000000000021';
select public.revoke_invitation(id) from public.memberships where user_id = 'e0000000-0000-4000-a000-000000000022';
select tests.act_as('e0000000-0000-4000-a000-000000000021');
select public.accept_invitation('f0000000-0000-4000-a000-000000000001');
select public.leave_workspace('f0000000-0000-4000-a000-000000000001');
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select public.remove_member('d0000000-0000-4000-a000-000000000003');  -- member with an asset and a seat
select tests.act_as('e0000000-0000-4000-a000-000000000001');
select public.transfer_ownership('f0000000-0000-4000-a000-000000000001', 'd0000000-0000-4000-a000-000000000002');
select tests.act_as_system();
select is(pg_temp.new_actions(),
  array['member.invitation_resent', 'member.invitation_revoked', 'member.joined', 'member.left',
        'member.removed', 'asset.assigned', 'license_seat.revoked', 'member.role_changed', 'ownership.transferred'],
  'resend, revoke, join, leave, removal (then the cascades: asset unassigned, seat freed) and transfer are each logged');

-- ---------- Same transaction: a rollback leaves no activity --------------------------
select pg_temp.reset_mark();
savepoint before_change;
update public.assets set name = 'Rolled back' where id = 'c0000000-0000-4000-a000-000000000001';
select is(cardinality(pg_temp.new_actions()), 1, 'inside the transaction the row exists');
rollback to savepoint before_change;
select is(pg_temp.new_actions(), '{}'::text[], 'after rollback the activity row is gone with the change');
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select is(tests.error_of($$select public.suspend_member('d0000000-0000-4000-a000-000000000004', now() - interval '1 day')$$),
  '22023:invalid_date', 'a failing RPC ...');
select tests.act_as_system();
select is(pg_temp.new_actions(), '{}'::text[], '... writes no activity');

-- ---------- Visibility ---------------------------------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000004');  -- plain member now
select is((select count(*) from public.activity_log where actor_id is distinct from 'e0000000-0000-4000-a000-000000000004'), 0::bigint,
  'without activity.view a member sees only their own activity');
select is(tests.error_of($$select public.verify_activity_log('f0000000-0000-4000-a000-000000000001')$$),
  '42501:not_allowed', 'verify_activity_log needs activity.view');
select tests.act_as('e0000000-0000-4000-a000-000000000002');  -- the owner now
select cmp_ok((select count(*) from public.activity_log), '>', 20::bigint, 'with activity.view the whole log is visible');

-- ---------- Append-only for everyone -------------------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select throws_ok($$insert into public.activity_log (workspace_id, action, entity_type) values ('f0000000-0000-4000-a000-000000000001', 'asset.created', 'asset')$$,
  '42501', null, 'authenticated cannot insert activity');
select throws_ok($$update public.activity_log set action = 'asset.deleted'$$, '42501', null, 'authenticated cannot update activity');
select throws_ok($$delete from public.activity_log$$, '42501', null, 'authenticated cannot delete activity');
select tests.act_as_system();
set local role service_role;
select throws_ok($$update public.activity_log set action = 'asset.deleted'$$, '42501', null, 'service_role cannot update activity');
select throws_ok($$delete from public.activity_log$$, '42501', null, 'service_role cannot delete activity');
select throws_ok($$truncate public.activity_log$$, '42501', null, 'service_role cannot truncate activity');
reset role;
select throws_ok($$update public.activity_log set action = 'asset.deleted' where workspace_id = 'f0000000-0000-4000-a000-000000000001'$$,
  '42501', 'The activity log is append-only: update is not allowed.', 'postgres (table owner, superuser locally) cannot update activity');
select throws_ok($$delete from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-000000000001'$$,
  '42501', 'The activity log is append-only: delete is not allowed.', 'postgres cannot delete activity');
select throws_ok($$truncate public.activity_log$$,
  '42501', 'The activity log is append-only: truncate is not allowed.', 'postgres cannot truncate activity');

-- ---------- Hash chain ---------------------------------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select results_eq($$select ok, first_bad_id from public.verify_activity_log('f0000000-0000-4000-a000-000000000001')$$,
  $$values (true, null::bigint)$$, 'the untouched chain verifies');
select results_eq(
  $$with c1 as (select * from public.verify_activity_log('f0000000-0000-4000-a000-000000000001', null, 10)),
         c2 as (select * from public.verify_activity_log('f0000000-0000-4000-a000-000000000001', (select last_id from c1), 1000000))
    select c1.ok and c2.ok, c1.rows_checked + c2.rows_checked from c1, c2$$,
  $$select true, count(*) from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-000000000001'$$,
  'verifying in two chunks covers every row and verifies');
select tests.act_as_system();
select ok((select bool_and(a.prev_hash = (select b.hash from public.activity_log b where b.workspace_id = a.workspace_id and b.id < a.id order by b.id desc limit 1))
             from public.activity_log a where a.workspace_id = 'f0000000-0000-4000-a000-000000000001'
              and a.id > (select min(id) from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-000000000001')),
  'every row links to the previous row of its workspace');
select is((select count(*) from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-000000000001' and prev_hash is null), 1::bigint,
  'exactly one chain start per workspace');

savepoint tamper;
create temp table victim as
  select id from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-000000000001' and action = 'member.removed';
grant select on victim to public;
alter table public.activity_log disable trigger activity_log_append_only;
update public.activity_log set actor_email = 'someone-else@example.test' where id = (select id from victim);
alter table public.activity_log enable trigger activity_log_append_only;
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select results_eq($$select ok, first_bad_id from public.verify_activity_log('f0000000-0000-4000-a000-000000000001')$$,
  $$select false, id from victim$$, 'an edited row (triggers disabled) is detected at that row');
select results_eq($$select ok, first_bad_id from public.verify_activity_log('f0000000-0000-4000-a000-000000000001', (select id from victim) - 1, 5)$$,
  $$select false, id from victim$$, 'a chunk starting just before the edited row detects it too');
select results_eq($$select ok from public.verify_activity_log('f0000000-0000-4000-a000-000000000001', (select id from victim), 1000000)$$,
  $$values (true)$$, 'the chunk after it is fine on its own (it links to the stored hash): every chunk must be checked');
rollback to savepoint tamper;

savepoint tamper_delete;
alter table public.activity_log disable trigger activity_log_append_only;
delete from public.activity_log
 where id = (select id from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-000000000001' and action = 'member.left');
alter table public.activity_log enable trigger activity_log_append_only;
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select results_eq($$select ok, first_bad_id from public.verify_activity_log('f0000000-0000-4000-a000-000000000001')$$,
  $$select false, min(id) from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-000000000001'
      and id > (select id from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-000000000001' and action = 'member.joined' order by id desc limit 1)$$,
  'a deleted row is detected at the row after the gap');
rollback to savepoint tamper_delete;

-- ---------- Sign-in hooks ------------------------------------------------------------
select tests.act_as_system();
select pg_temp.reset_mark();
-- Auth calls the hooks as supabase_auth_admin (which has no access to pgTAP's schema, so
-- the outputs are collected first and asserted afterwards).
set local role supabase_auth_admin;
create temp table hook_out as
  select 'token' as hook, public.custom_access_token_hook('{"user_id": "e0000000-0000-4000-a000-000000000002", "authentication_method": "password", "claims": {"sub": "e0000000-0000-4000-a000-000000000002", "aal": "aal1", "role": "authenticated"}}') as result
  union all
  select 'refresh', public.custom_access_token_hook('{"user_id": "e0000000-0000-4000-a000-000000000002", "authentication_method": "token_refresh", "claims": {}}')
  union all
  select 'failed', public.password_verification_attempt_hook('{"user_id": "e0000000-0000-4000-a000-000000000004", "valid": false}')
  union all
  select 'valid', public.password_verification_attempt_hook('{"user_id": "e0000000-0000-4000-a000-000000000004", "valid": true}');
reset role;
select is((select result::text from hook_out where hook = 'token'),
  '{"claims": {"sub": "e0000000-0000-4000-a000-000000000002", "aal": "aal1", "role": "authenticated"}}'::jsonb::text,
  'custom_access_token_hook returns the claims unchanged');
select is((select result::text from hook_out where hook = 'failed'),
  '{"decision": "continue"}'::jsonb::text, 'password_verification_attempt_hook lets Auth continue');
select results_eq(
  $$select action, workspace_id, actor_id from public.activity_log where id > (select id from mark) order by id$$,
  $$values ('auth.sign_in'::text, 'f0000000-0000-4000-a000-000000000001'::uuid, 'e0000000-0000-4000-a000-000000000002'::uuid),
           ('auth.sign_in_failed'::text, 'f0000000-0000-4000-a000-000000000001'::uuid, 'e0000000-0000-4000-a000-000000000004'::uuid)$$,
  'a password sign-in and a failed attempt are logged once each; refreshes and valid attempts are not');
select ok((select last_active_at > now() - interval '1 minute' from public.memberships where id = 'd0000000-0000-4000-a000-000000000002'),
  'sign-in sets last_active_at');
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select throws_ok($$select public.custom_access_token_hook('{}')$$, '42501', null, 'authenticated cannot call the token hook');

select * from finish();
rollback;
