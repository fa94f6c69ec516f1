-- =====================================================================================
-- Hardening from the outside attack run (issue 12): revoked sessions, bans lifted only by
-- others, rank, names in bulk errors, validation, invitation limits, offboarding in one
-- call, checkpoints of the activity chain. Each block failed before its migration.
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(58);
select tests.seed_fixture();

-- Ids:  f1 = Fixture Co; d1 owner (e1), d2 admin (e2), d3 member (e3), d4 viewer (e4).
create or replace function pg_temp.error_text(p_sql text) returns text language plpgsql as $$
begin
  execute p_sql;
  return 'ok';
exception when others then
  return sqlerrm;
end;
$$;
-- Act with a token naming an Auth session (as Supabase Auth's tokens do).
create or replace function pg_temp.act_with_session(p_user uuid, p_session uuid) returns void language plpgsql as $$
begin
  perform set_config('role', 'authenticated', true);
  perform set_config('request.jwt.claims',
    json_build_object('sub', p_user, 'role', 'authenticated', 'aal', 'aal1', 'session_id', p_session)::text, true);
end;
$$;
create or replace function pg_temp.banned_until(p_user uuid) returns timestamptz language sql as
  $$select banned_until from auth.users where id = p_user$$;
grant execute on all functions in schema pg_temp to public;

-- ---------- 1a. A revoked session gets nothing ----------------------------------------
insert into auth.sessions (id, user_id, created_at) values
  ('a1000000-0000-4000-a000-000000000002', 'e0000000-0000-4000-a000-000000000002', now());
select pg_temp.act_with_session('e0000000-0000-4000-a000-000000000002', 'a1000000-0000-4000-a000-000000000002');
select ok((select count(*) from public.memberships) > 0, 'a live session reads the workspace');
select tests.act_as_system();
delete from auth.sessions where id = 'a1000000-0000-4000-a000-000000000002';
select pg_temp.act_with_session('e0000000-0000-4000-a000-000000000002', 'a1000000-0000-4000-a000-000000000002');
select is((select count(*) from public.memberships), 0::bigint, 'revoked session: no memberships, not even its own');
select is(public.session_alive(), false, 'revoked session: session_alive() says so (and nothing else)');
select is((select count(*) from public.workspaces), 0::bigint, 'revoked session: no workspaces');
select is((select count(*) from public.profiles), 0::bigint, 'revoked session: no profiles, not even its own');
select is((select count(*) from public.permissions), 0::bigint, 'revoked session: not even the permission catalogue');
select is((select count(*) from public.my_permissions('f0000000-0000-4000-a000-000000000001')), 0::bigint,
  'revoked session: no permissions');
select is(tests.error_of($$select public.change_member_role('d0000000-0000-4000-a000-000000000003', 'viewer')$$),
  'PT404:not_found', 'revoked session: member RPCs find nothing');
select is(tests.error_of($$select public.create_workspace('Mine now')$$),
  'PT401:session_revoked', 'revoked session: create_workspace refused with 401');
select is(tests.error_of($$select public.leave_workspace('f0000000-0000-4000-a000-000000000001')$$),
  'PT401:session_revoked', 'revoked session: leave_workspace refused with 401');
select set_config('request.jwt.claims',
  json_build_object('sub', 'e0000000-0000-4000-a000-000000000002', 'role', 'authenticated', 'session_id', 'forged')::text, true);
select is((select count(*) from public.memberships), 0::bigint, 'a malformed session id counts as revoked');
select tests.act_as_system();

-- The check stays one primary-key probe, also with many sessions.
insert into auth.sessions (id, user_id, created_at)
select gen_random_uuid(), 'e0000000-0000-4000-a000-000000000001', now() from generate_series(1, 5000);
analyze auth.sessions;
select matches(
  tests.plan_of($$select 1 from auth.sessions s where s.id = 'a1000000-0000-4000-a000-000000000002'::uuid
                   and (s.not_after is null or s.not_after > now())$$),
  'Index Scan using sessions_pkey', 'the session check is an index lookup on auth.sessions_pkey');

-- ---------- 1b. Nothing the banned user calls lifts their ban -------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select public.deactivate_member('d0000000-0000-4000-a000-000000000003');
select tests.act_as_system();
select is(pg_temp.banned_until('e0000000-0000-4000-a000-000000000003'), private.indefinite_ban_until(),
  'deactivating the member bans their account');
select tests.act_as('e0000000-0000-4000-a000-000000000003');
select is(tests.error_of($$select public.create_workspace('Escape hatch')$$), '42501:account_disabled',
  'a deactivated member cannot create a workspace (it would lift the ban)');
select tests.act_as_system();
select is(pg_temp.banned_until('e0000000-0000-4000-a000-000000000003'), private.indefinite_ban_until(),
  '... and stays banned');
-- Even an active membership that comes from a change the banned user made does not lift it.
select set_config('request.jwt.claims', json_build_object('sub', 'e0000000-0000-4000-a000-000000000003')::text, true);
insert into public.workspaces (id, name) values ('f0000000-0000-4000-a000-0000000000aa', 'Own Co');
insert into public.memberships (workspace_id, user_id, role, status, joined_at)
values ('f0000000-0000-4000-a000-0000000000aa', 'e0000000-0000-4000-a000-000000000003', 'owner', 'active', now());
select is(pg_temp.banned_until('e0000000-0000-4000-a000-000000000003'), private.indefinite_ban_until(),
  'an active membership the banned user gave themselves does not clear the ban');
select tests.act_as_system();
delete from public.memberships where workspace_id = 'f0000000-0000-4000-a000-0000000000aa';
delete from public.workspaces where id = 'f0000000-0000-4000-a000-0000000000aa';

-- A pending invitation elsewhere cannot be accepted while banned.
select tests.add_member('d0000000-0000-4000-a000-0000000000a5', 'f0000000-0000-4000-a000-000000000002',
  'e0000000-0000-4000-a000-000000000003', 'member', 'pending');
select tests.act_as('e0000000-0000-4000-a000-000000000003');
select is(tests.error_of($$select public.accept_invitation('f0000000-0000-4000-a000-000000000002')$$),
  '42501:account_disabled', 'a banned user cannot accept an invitation (it would lift the ban)');

-- Suspended: leaving would remove the reason for the ban.
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select public.suspend_member('d0000000-0000-4000-a000-000000000004', now() + interval '3 days', 'audit');
select tests.act_as('e0000000-0000-4000-a000-000000000004');
select is(tests.error_of($$select public.leave_workspace('f0000000-0000-4000-a000-000000000001')$$),
  '42501:offboarded', 'a suspended member cannot leave (it would lift the ban)');
select tests.act_as_system();
select ok(pg_temp.banned_until('e0000000-0000-4000-a000-000000000004') > now(), '... and stays banned');

-- Someone allowed lifts it.
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select public.reactivate_member('d0000000-0000-4000-a000-000000000003');
select public.lift_suspension('d0000000-0000-4000-a000-000000000004');
select tests.act_as_system();
select is(pg_temp.banned_until('e0000000-0000-4000-a000-000000000003'), null, 'reactivation by an Admin lifts the ban');
select is(pg_temp.banned_until('e0000000-0000-4000-a000-000000000004'), null, 'lifting the suspension lifts the ban');

-- ---------- 4. Rank -------------------------------------------------------------------
-- The Owner grants Member the member-management permissions.
insert into public.role_permissions (workspace_id, role, permission) values
  ('f0000000-0000-4000-a000-000000000001', 'member', 'members.manage'),
  ('f0000000-0000-4000-a000-000000000001', 'member', 'members.invite');
select tests.act_as('e0000000-0000-4000-a000-000000000003');
select is(tests.error_of($$select public.change_member_role('d0000000-0000-4000-a000-000000000002', 'viewer')$$),
  '42501:higher_rank_member', 'a Member with members.manage cannot demote an Admin');
select is(tests.error_of($$select public.deactivate_member('d0000000-0000-4000-a000-000000000002')$$),
  '42501:higher_rank_member', '... nor deactivate one');
select is(tests.error_of($$select public.suspend_member('d0000000-0000-4000-a000-000000000002')$$),
  '42501:higher_rank_member', '... nor suspend one');
select is(tests.error_of($$select public.remove_member('d0000000-0000-4000-a000-000000000002')$$),
  '42501:higher_rank_member', '... nor remove one');
select is(tests.error_of($$select public.change_member_role('d0000000-0000-4000-a000-000000000004', 'admin')$$),
  '42501:higher_rank_role', '... nor promote a Viewer to Admin');
select is(tests.error_of($$select * from public.change_members_role(array['d0000000-0000-4000-a000-000000000004'::uuid], 'admin')$$),
  '42501:higher_rank_role', '... not in bulk either');
select is(tests.error_of($$select public.change_member_role('d0000000-0000-4000-a000-000000000004', 'member')$$),
  'ok', '... but may make a Viewer a Member (their own rank)');
select tests.act_as_system();
select is(tests.error_of($$select * from public.create_invitations('f0000000-0000-4000-a000-000000000001',
    'e0000000-0000-4000-a000-000000000003', array['e0000000-0000-4000-a000-000000000005'::uuid], 'admin')$$),
  '42501:higher_rank_role', 'a Member with members.invite cannot invite an Admin');
select tests.create_user('e0000000-0000-4000-a000-0000000000b1', 'fx-admin-invitee@example.test');
select tests.add_member('d0000000-0000-4000-a000-0000000000b1', 'f0000000-0000-4000-a000-000000000001',
  'e0000000-0000-4000-a000-0000000000b1', 'admin', 'pending');
select tests.act_as('e0000000-0000-4000-a000-000000000003');
select is(tests.error_of($$select public.revoke_invitation('d0000000-0000-4000-a000-0000000000b1')$$),
  '42501:higher_rank_member', '... nor revoke an Admin''s invitation');

-- ---------- 5. Bulk errors name members only to those who may see them ---------------
select tests.act_as_system();
delete from public.role_permissions
 where workspace_id = 'f0000000-0000-4000-a000-000000000001' and role = 'member' and permission = 'members.view';
select tests.act_as('e0000000-0000-4000-a000-000000000003');
select unalike(pg_temp.error_text($$select * from public.deactivate_members(array['d0000000-0000-4000-a000-000000000002'::uuid])$$),
  '%@%', 'without members.view a bulk error names the member by id, not by email');
select tests.act_as_system();
insert into public.role_permissions (workspace_id, role, permission) values
  ('f0000000-0000-4000-a000-000000000001', 'member', 'members.view');
select tests.act_as('e0000000-0000-4000-a000-000000000003');
select alike(pg_temp.error_text($$select * from public.deactivate_members(array['d0000000-0000-4000-a000-000000000002'::uuid])$$),
  'fx-admin@example.test:%', 'with members.view it names the member by email');

-- ---------- 6. Validation -------------------------------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000001');
select is(tests.error_of($$select public.suspend_member('d0000000-0000-4000-a000-000000000004', 'infinity')$$),
  '22023:invalid_date', 'suspend_member refuses infinity');
select is(tests.error_of($$select public.suspend_member('d0000000-0000-4000-a000-000000000004', now() + interval '50 years')$$),
  '22023:invalid_date', '... and an absurd end date');
select is(tests.error_of($$select public.suspend_member('d0000000-0000-4000-a000-000000000004', '2001-01-01')$$),
  '22023:invalid_date', '... and a past one');
select is(tests.error_of($$select public.create_workspace(E'\t \n\u00a0')$$), '22023:invalid_name',
  'a workspace name of whitespace and control characters is refused');
select is(tests.error_of($$update public.profiles set full_name = E'\t\t' where id = 'e0000000-0000-4000-a000-000000000001'$$),
  '23514:', 'a display name of tabs is refused');
select is(tests.error_of($$update public.workspaces set name = E'Acme\u0007' where id = 'f0000000-0000-4000-a000-000000000001'$$),
  '23514:', 'a control character inside a workspace name is refused');
select is((public.create_workspace(E'  New\tCo  ')).name, 'New Co', 'a name is cleaned (tab to space, trimmed)');

select is((public.complete_access_review('f0000000-0000-4000-a000-000000000001', null, 999)).deactivated, 0,
  'complete_access_review ignores a made-up deactivation count');
select public.deactivate_member('d0000000-0000-4000-a000-000000000004');
select is((public.complete_access_review('f0000000-0000-4000-a000-000000000001')).deactivated, 1,
  '... and counts the reviewer''s deactivations since the previous review itself');
select tests.act_as_system();
update public.memberships set last_active_at = now() - interval '91 days', joined_at = now() - interval '200 days'
 where workspace_id = 'f0000000-0000-4000-a000-000000000001';
select tests.act_as('e0000000-0000-4000-a000-000000000001');
select is((select count(*) filter (where flagged) from public.access_review_flags('f0000000-0000-4000-a000-000000000001')),
          (select flagged::bigint from public.complete_access_review('f0000000-0000-4000-a000-000000000001')),
  'the flags the SPA reads and the count the review stores come from one rule');
select is((select idle_days from public.access_review_rule()), 90, 'the idle threshold is 90 days');

-- ---------- 7. Invitation limits ------------------------------------------------------
select tests.act_as_system();
update private.invitation_limits set per_address_per_day = 2, per_workspace_per_day = 4;
select tests.create_user('e0000000-0000-4000-a000-0000000000c1', 'fx-target@example.test');
select * from public.create_invitations('f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000002',
  array['e0000000-0000-4000-a000-0000000000c1'::uuid], 'member');
delete from public.memberships where user_id = 'e0000000-0000-4000-a000-0000000000c1';
select * from public.create_invitations('f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000002',
  array['e0000000-0000-4000-a000-0000000000c1'::uuid], 'member');
delete from public.memberships where user_id = 'e0000000-0000-4000-a000-0000000000c1';
select is(tests.error_of($$select * from public.create_invitations('f0000000-0000-4000-a000-000000000001',
    'e0000000-0000-4000-a000-000000000002', array['e0000000-0000-4000-a000-0000000000c1'::uuid], 'member')$$),
  'PT429:invite_rate_limited', 'invite, revoke, invite, revoke, invite: the third mail to one address is refused');
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select is(tests.error_of($$select * from public.check_invitees('f0000000-0000-4000-a000-000000000001', array['fx-target@example.test'])$$),
  'PT429:invite_rate_limited', 'the pre-flight refuses it too, before any mail');
select is(tests.error_of($$select * from public.check_invitees('f0000000-0000-4000-a000-000000000001',
    array['a@new.test', 'b@new.test', 'c@new.test'])$$),
  'PT429:invite_rate_limited', 'the workspace''s daily limit counts every address of a batch');
select is(public.log_invite_rate_limited('f0000000-0000-4000-a000-000000000001', array['fx-target@example.test']), true,
  'the refusal is logged');
select is((select count(*) from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-000000000001'
            and action = 'member.invite_rate_limited' and actor_id = 'e0000000-0000-4000-a000-000000000002'), 1::bigint,
  '... as member.invite_rate_limited by the inviter');
select is(public.log_invite_rate_limited('f0000000-0000-4000-a000-000000000001', array['someone@else.test']), false,
  '... and nothing is logged when the limits are not reached');

-- ---------- 8. Offboarding in one call ------------------------------------------------
select tests.act_as_system();
update private.invitation_limits set per_address_per_day = 5, per_workspace_per_day = 200;
select tests.create_user('e0000000-0000-4000-a000-0000000000d1', 'fx-leaver@example.test');
select tests.add_member('d0000000-0000-4000-a000-0000000000d1', 'f0000000-0000-4000-a000-000000000001',
  'e0000000-0000-4000-a000-0000000000d1', 'member');
update public.assets set assigned_to = 'e0000000-0000-4000-a000-0000000000d1', status = 'assigned'
 where id = 'c0000000-0000-4000-a000-000000000001';
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select is(tests.error_of($$select * from public.offboard_members(
    array['d0000000-0000-4000-a000-0000000000d1'::uuid, 'd0000000-0000-4000-a000-000000000001'::uuid], 'deactivate', 'checkin')$$),
  '42501:higher_rank_member', 'offboarding the leaver and the Owner together is refused ...');
select tests.act_as_system();
select is((select assigned_to from public.assets where id = 'c0000000-0000-4000-a000-000000000001'),
  'e0000000-0000-4000-a000-0000000000d1'::uuid, '... and nothing happened: the leaver keeps the asset');
select is((select status from public.memberships where id = 'd0000000-0000-4000-a000-0000000000d1'), 'active'::public.member_status,
  '... and stays active');
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select is((select status from public.offboard_members(array['d0000000-0000-4000-a000-0000000000d1'::uuid], 'deactivate', 'reassign',
    'e0000000-0000-4000-a000-000000000002')), 'inactive'::public.member_status, 'one call hands over and deactivates');
select tests.act_as_system();
select is((select assigned_to from public.assets where id = 'c0000000-0000-4000-a000-000000000001'),
  'e0000000-0000-4000-a000-000000000002'::uuid, '... the asset went to the Admin in the same transaction');

-- ---------- 9. Checkpoints survive the table owner ------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000001');
create temp table kept as
  select to_jsonb(c) as cp from public.activity_checkpoint('f0000000-0000-4000-a000-000000000001') c;
grant select on kept to public;
select is((select ok from public.verify_activity_log('f0000000-0000-4000-a000-000000000001', (select cp from kept))), true,
  'an untouched log verifies against its checkpoint');
-- The table owner (here: superuser) rewrites the newest rows behind the triggers' back and
-- recomputes the chain so that the plain verification still passes.
select tests.act_as_system();
alter table public.activity_log disable trigger activity_log_append_only;
do $$
declare r public.activity_log;
begin
  for r in select * from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-000000000001'
            and id > (select (cp ->> 'last_id')::bigint - 3 from kept) order by id loop
    r.prev_hash := (select a.hash from public.activity_log a where a.workspace_id = r.workspace_id and a.id < r.id order by a.id desc limit 1);
    r.after := jsonb_build_object('rewritten', true);
    r.hash := private.activity_hash(r);
    update public.activity_log a set after = r.after, prev_hash = r.prev_hash, hash = r.hash where a.id = r.id;
  end loop;
end $$;
select tests.act_as('e0000000-0000-4000-a000-000000000001');
select is((select ok from public.verify_activity_log('f0000000-0000-4000-a000-000000000001')), true,
  'the recomputed chain fools the plain verification');
select results_eq($$select ok, problem from public.verify_activity_log('f0000000-0000-4000-a000-000000000001', (select cp from kept))$$,
  $$values (false, 'checkpoint_hash_mismatch'::text)$$, 'the kept checkpoint shows the rewritten tail');
select tests.act_as_system();
delete from public.activity_log where workspace_id = 'f0000000-0000-4000-a000-000000000001'
  and id >= (select (cp ->> 'last_id')::bigint - 1 from kept);
select tests.act_as('e0000000-0000-4000-a000-000000000001');
select results_eq($$select ok, problem from public.verify_activity_log('f0000000-0000-4000-a000-000000000001', (select cp from kept))$$,
  $$values (false, 'checkpoint_row_missing'::text)$$, 'the kept checkpoint shows a truncated tail');

select * from finish();
rollback;
