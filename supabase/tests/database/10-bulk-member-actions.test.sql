-- =====================================================================================
-- Bulk member actions: deactivate_members(), change_members_role(), resend_invitations().
-- All or nothing, the single-member rules for each, and an error naming the first
-- offending member.
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(30);
select tests.seed_fixture();

select tests.create_user('e0000000-0000-4000-a000-000000000021', 'fx-bulk-1@example.test');
select tests.create_user('e0000000-0000-4000-a000-000000000022', 'fx-bulk-2@example.test');
select tests.create_user('e0000000-0000-4000-a000-000000000023', 'fx-bulk-pending@example.test');
select tests.add_member('d0000000-0000-4000-a000-000000000021', 'f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000021', 'member');
select tests.add_member('d0000000-0000-4000-a000-000000000022', 'f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000022', 'viewer');
select tests.add_member('d0000000-0000-4000-a000-000000000023', 'f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000023', 'member', 'pending');
insert into auth.sessions (id, user_id, created_at) values
  ('a9000000-0000-4000-a000-000000000021', 'e0000000-0000-4000-a000-000000000021', now());

create temp table mark as select coalesce(max(id), 0) as id from public.activity_log;
grant select, update on mark to public;
create or replace function pg_temp.new_actions() returns text[] language sql as
  $$select coalesce(array_agg(action order by id), '{}') from public.activity_log where id > (select id from mark)$$;
create or replace function pg_temp.reset_mark() returns void language sql as
  $$update mark set id = (select coalesce(max(id), 0) from public.activity_log)$$;
create or replace function pg_temp.error_text(p_sql text) returns text language plpgsql as $$
begin
  execute p_sql;
  return 'ok';
exception when others then
  return sqlerrm;
end;
$$;
create or replace function pg_temp.error_detail(p_sql text) returns text language plpgsql as $$
declare v_detail text;
begin
  execute p_sql;
  return 'ok';
exception when others then
  get stacked diagnostics v_detail = pg_exception_detail;
  return v_detail;
end;
$$;
grant execute on function pg_temp.new_actions(), pg_temp.reset_mark(), pg_temp.error_text(text), pg_temp.error_detail(text) to public;

-- ---------- Who may call them --------------------------------------------------------
select ok(has_function_privilege('authenticated', 'public.deactivate_members(uuid[])', 'execute')
          and has_function_privilege('authenticated', 'public.change_members_role(uuid[],workspace_role)', 'execute')
          and has_function_privilege('authenticated', 'public.resend_invitations(uuid[])', 'execute')
          and not has_function_privilege('anon', 'public.deactivate_members(uuid[])', 'execute')
          and not has_function_privilege('anon', 'public.change_members_role(uuid[],workspace_role)', 'execute')
          and not has_function_privilege('anon', 'public.resend_invitations(uuid[])', 'execute'),
  'the bulk RPCs are executable by authenticated, not anon');

-- ---------- deactivate_members: all or nothing ---------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000002');  -- admin
select is(tests.error_of($$select public.deactivate_members(array['d0000000-0000-4000-a000-000000000021',
  'd0000000-0000-4000-a000-000000000001', 'd0000000-0000-4000-a000-000000000022']::uuid[])$$),
  '42501:owner_protected', 'one protected member (the owner) refuses the whole batch, with the single RPC''s error');
select is(pg_temp.error_text($$select public.deactivate_members(array['d0000000-0000-4000-a000-000000000021',
  'd0000000-0000-4000-a000-000000000001', 'd0000000-0000-4000-a000-000000000002']::uuid[])$$),
  'fx-owner@example.test: The workspace owner cannot be changed, deactivated, suspended or removed.',
  'the message names the first offending member');
select is(pg_temp.error_detail($$select public.deactivate_members(array['d0000000-0000-4000-a000-000000000001']::uuid[])$$),
  'membership_id=d0000000-0000-4000-a000-000000000001', 'the detail carries its membership id');
select tests.act_as_system();
select is((select array_agg(status::text order by id) from public.memberships
            where id in ('d0000000-0000-4000-a000-000000000021', 'd0000000-0000-4000-a000-000000000022')),
  array['active', 'active'], 'after a refused batch nobody was deactivated');
select ok((select banned_until is null from auth.users where id = 'e0000000-0000-4000-a000-000000000021')
          and exists (select 1 from auth.sessions where user_id = 'e0000000-0000-4000-a000-000000000021'),
  '... nobody was banned or signed out');
select is(pg_temp.new_actions(), '{}'::text[], '... and no activity row was written');

select tests.act_as('e0000000-0000-4000-a000-000000000002');
select is(tests.error_of($$select public.deactivate_members(array['d0000000-0000-4000-a000-000000000021',
  'd0000000-0000-4000-a000-000000000023']::uuid[])$$),
  '22023:invalid_status', 'a pending member in the batch refuses it (revoke invitations instead)');
select is(tests.error_of($$select public.deactivate_members(array['d0000000-0000-4000-a000-000000000021',
  'd0000000-0000-4000-a000-000000000005']::uuid[])$$),
  'PT404:not_found', 'a member of another workspace refuses it as not found');
select is(pg_temp.error_text($$select public.deactivate_members(array['d0000000-0000-4000-a000-000000000005']::uuid[])$$),
  'Member d0000000-0000-4000-a000-000000000005: Member not found.', '... without revealing who it is');
select is(tests.error_of($$select public.deactivate_members('{}'::uuid[])$$), '22023:no_members', 'an empty batch is refused');
select is(tests.error_of($$select public.deactivate_members(array[null]::uuid[])$$), '22023:no_members', 'a batch of nulls is refused');
select is(tests.error_of($$select public.deactivate_members(array(select gen_random_uuid() from generate_series(1, 501)))$$),
  '22023:too_many', 'more than 500 at once is refused');
select tests.act_as('e0000000-0000-4000-a000-000000000003');  -- member: no members.manage
select is(tests.error_of($$select public.deactivate_members(array['d0000000-0000-4000-a000-000000000021']::uuid[])$$),
  '42501:not_allowed', 'deactivate_members needs members.manage');

select tests.act_as('e0000000-0000-4000-a000-000000000002');
select results_eq(
  $$select id, status::text from public.deactivate_members(array['d0000000-0000-4000-a000-000000000022',
    'd0000000-0000-4000-a000-000000000021', 'd0000000-0000-4000-a000-000000000022']::uuid[])$$,
  $$values ('d0000000-0000-4000-a000-000000000022'::uuid, 'inactive'::text),
           ('d0000000-0000-4000-a000-000000000021'::uuid, 'inactive'::text)$$,
  'a valid batch deactivates each member once, in the order given');
select tests.act_as_system();
select is(pg_temp.new_actions(), array['member.deactivated', 'member.deactivated', 'member.sessions_revoked'],
  'one member.deactivated per member (and member.sessions_revoked for the one with sessions)');
select ok((select banned_until = private.indefinite_ban_until() from auth.users where id = 'e0000000-0000-4000-a000-000000000021')
          and not exists (select 1 from auth.sessions where user_id = 'e0000000-0000-4000-a000-000000000021'),
  'bulk deactivation offboards the Auth account like the single one');
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select is((select count(*) from public.deactivate_members(array['d0000000-0000-4000-a000-000000000021']::uuid[])), 1::bigint,
  'deactivating an already inactive member is a harmless no-op');

-- ---------- change_members_role ------------------------------------------------------
select tests.act_as_system();
select pg_temp.reset_mark();
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select is(tests.error_of($$select public.change_members_role(array['d0000000-0000-4000-a000-000000000003']::uuid[], 'owner')$$),
  '42501:owner_via_transfer', 'nobody becomes owner in bulk');
select is(tests.error_of($$select public.change_members_role(array['d0000000-0000-4000-a000-000000000003']::uuid[], null)$$),
  '22023:unknown_role', 'a role is required');
select is(tests.error_of($$select public.change_members_role(array['d0000000-0000-4000-a000-000000000003']::uuid[], 'superuser')$$),
  '22P02:', 'a role outside the enum fails before the function runs');
select is(pg_temp.error_text($$select public.change_members_role(array['d0000000-0000-4000-a000-000000000003',
  'd0000000-0000-4000-a000-000000000004', 'd0000000-0000-4000-a000-000000000002']::uuid[], 'viewer')$$),
  'fx-admin@example.test: You cannot change your own role or status.',
  'a batch including the caller is refused, naming them');
select tests.act_as_system();
select is((select array_agg(role::text order by id) from public.memberships
            where id in ('d0000000-0000-4000-a000-000000000003', 'd0000000-0000-4000-a000-000000000004')),
  array['member', 'viewer'], '... and no role changed');
select is(pg_temp.new_actions(), '{}'::text[], '... and no activity row was written');

select tests.act_as('e0000000-0000-4000-a000-000000000002');
select results_eq(
  $$select id, role::text from public.change_members_role(array['d0000000-0000-4000-a000-000000000003',
    'd0000000-0000-4000-a000-000000000004']::uuid[], 'viewer')$$,
  $$values ('d0000000-0000-4000-a000-000000000003'::uuid, 'viewer'::text),
           ('d0000000-0000-4000-a000-000000000004'::uuid, 'viewer'::text)$$,
  'a valid batch sets every role');
select tests.act_as_system();
select is(pg_temp.new_actions(), array['member.role_changed'],
  'one member.role_changed per actual change (the one already a viewer writes none)');

-- ---------- resend_invitations --------------------------------------------------------
select pg_temp.reset_mark();
update public.memberships set invite_expires_at = now() - interval '1 day' where id = 'd0000000-0000-4000-a000-000000000023';
select pg_temp.reset_mark();
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select is(tests.error_of($$select public.resend_invitations(array['d0000000-0000-4000-a000-000000000023',
  'd0000000-0000-4000-a000-000000000003']::uuid[])$$),
  '22023:not_pending', 'a batch including someone who already joined is refused');
select tests.act_as_system();
select ok((select invite_expires_at < now() from public.memberships where id = 'd0000000-0000-4000-a000-000000000023'),
  '... and the other invitation was not renewed');
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select results_eq(
  $$select id, invite_expires_at > now() + interval '6 days' from public.resend_invitations(array['d0000000-0000-4000-a000-000000000023']::uuid[])$$,
  $$values ('d0000000-0000-4000-a000-000000000023'::uuid, true)$$,
  'resend_invitations renews each expiry');
select tests.act_as_system();
select is(pg_temp.new_actions(), array['member.invitation_resent'], 'one member.invitation_resent per invitation');

select * from finish();
rollback;
