-- =====================================================================================
-- Offboarding: deactivation and suspension ban the Auth account and end its sessions when
-- the user has no other effectively active membership, in the same transaction; lifting
-- clears Fluxera's ban only; offboarding_summary() and reassign_member_holdings().
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(53);
select tests.seed_fixture();

-- The viewer (e...04) is also an active member of Other Co.
select tests.add_member('d0000000-0000-4000-a000-000000000041', 'f0000000-0000-4000-a000-000000000002',
                        'e0000000-0000-4000-a000-000000000004', 'member');
insert into auth.sessions (id, user_id, created_at, aal) values
  ('a9000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000003', now(), 'aal1'),
  ('a9000000-0000-4000-a000-000000000002', 'e0000000-0000-4000-a000-000000000003', now(), 'aal1'),
  ('a9000000-0000-4000-a000-000000000003', 'e0000000-0000-4000-a000-000000000004', now(), 'aal1'),
  ('a9000000-0000-4000-a000-000000000004', 'e0000000-0000-4000-a000-000000000001', now(), 'aal1');

create temp table mark as select coalesce(max(id), 0) as id from public.activity_log;
grant select, update on mark to public;
create or replace function pg_temp.new_actions() returns text[] language sql as
  $$select coalesce(array_agg(action order by id), '{}') from public.activity_log where id > (select id from mark)$$;
create or replace function pg_temp.reset_mark() returns void language sql as
  $$update mark set id = (select coalesce(max(id), 0) from public.activity_log)$$;
create or replace function pg_temp.banned_until(p_user uuid) returns timestamptz language sql as
  $$select banned_until from auth.users where id = p_user$$;
create or replace function pg_temp.sessions(p_user uuid) returns bigint language sql as
  $$select count(*) from auth.sessions where user_id = p_user$$;
grant execute on function pg_temp.new_actions(), pg_temp.reset_mark(), pg_temp.banned_until(uuid), pg_temp.sessions(uuid) to public;

-- ---------- Active elsewhere: no ban, sessions kept ----------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000002');  -- admin of Fixture Co
select public.deactivate_member('d0000000-0000-4000-a000-000000000004');
select tests.act_as_system();
select is(pg_temp.banned_until('e0000000-0000-4000-a000-000000000004'), null,
  'deactivating someone still active in another workspace does not ban them');
select is(pg_temp.sessions('e0000000-0000-4000-a000-000000000004'), 1::bigint, '... and keeps their sessions');
select is(pg_temp.new_actions(), array['member.deactivated'], '... and logs only member.deactivated');

-- ---------- No other active membership: banned and signed out, atomically -----------
select pg_temp.reset_mark();
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select public.deactivate_member('d0000000-0000-4000-a000-000000000003');
select tests.act_as_system();
select is(pg_temp.banned_until('e0000000-0000-4000-a000-000000000003'), private.indefinite_ban_until(),
  'deactivating someone with no other membership bans the Auth account indefinitely');
select is(pg_temp.sessions('e0000000-0000-4000-a000-000000000003'), 0::bigint, '... and deletes their sessions');
select is(pg_temp.new_actions(), array['member.deactivated', 'member.sessions_revoked'],
  '... logging member.deactivated, then member.sessions_revoked');
select results_eq(
  $$select actor_id, entity_type, entity_id, subject_user_id, (after ->> 'sessions')::int
      from public.activity_log where id > (select id from mark) and action = 'member.sessions_revoked'$$,
  $$values ('e0000000-0000-4000-a000-000000000002'::uuid, 'user'::text, 'e0000000-0000-4000-a000-000000000003'::text,
            'e0000000-0000-4000-a000-000000000003'::uuid, 2)$$,
  'member.sessions_revoked: the admin as actor, the user as entity and subject, the number of sessions');
select is(pg_temp.sessions('e0000000-0000-4000-a000-000000000001'), 1::bigint, 'other users'' sessions are untouched');
select is((select banned_until from private.auth_bans where user_id = 'e0000000-0000-4000-a000-000000000003'),
  private.indefinite_ban_until(), 'the ban is recorded as Fluxera''s');

select pg_temp.reset_mark();
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select public.reactivate_member('d0000000-0000-4000-a000-000000000003');
select tests.act_as_system();
select is(pg_temp.banned_until('e0000000-0000-4000-a000-000000000003'), null, 'reactivation lifts the ban');
select is((select count(*) from private.auth_bans where user_id = 'e0000000-0000-4000-a000-000000000003'), 0::bigint,
  '... and forgets it');
select is(pg_temp.new_actions(), array['member.reactivated'], '... logging member.reactivated only');

-- ---------- Suspensions: banned until their end --------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select public.suspend_member('d0000000-0000-4000-a000-000000000003', '2031-05-01 12:00:00+00', 'Investigation');
select tests.act_as_system();
select is(pg_temp.banned_until('e0000000-0000-4000-a000-000000000003'), '2031-05-01 12:00:00+00'::timestamptz,
  'a dated suspension bans until its end');
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select public.suspend_member('d0000000-0000-4000-a000-000000000003', null, 'Until further notice');
select tests.act_as_system();
select is(pg_temp.banned_until('e0000000-0000-4000-a000-000000000003'), private.indefinite_ban_until(),
  'an open-ended suspension bans indefinitely');
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select public.lift_suspension('d0000000-0000-4000-a000-000000000003');
select tests.act_as_system();
select is(pg_temp.banned_until('e0000000-0000-4000-a000-000000000003'), null, 'lifting the suspension lifts the ban');

-- Expiry: the scheduled job flips the row and clears the ban (backdated with triggers off,
-- as if time had passed).
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select public.suspend_member('d0000000-0000-4000-a000-000000000003', now() + interval '1 day');
select tests.act_as_system();
set local session_replication_role = replica;
update public.memberships set suspended_until = now() - interval '1 minute' where id = 'd0000000-0000-4000-a000-000000000003';
update auth.users set banned_until = now() - interval '1 minute' where id = 'e0000000-0000-4000-a000-000000000003';
update private.auth_bans set banned_until = now() - interval '1 minute' where user_id = 'e0000000-0000-4000-a000-000000000003';
set local session_replication_role = origin;
select cmp_ok(private.lift_expired_suspensions(), '>=', 1, 'the job lifts expired suspensions (others may exist in a shared database)');
select is((select status::text from public.memberships where id = 'd0000000-0000-4000-a000-000000000003'), 'active',
  '... including this one');
select is(pg_temp.banned_until('e0000000-0000-4000-a000-000000000003'), null, '... which clears the ban');

-- ---------- Someone else's ban -------------------------------------------------------
update auth.users set banned_until = '2100-01-01 00:00:00+00' where id = 'e0000000-0000-4000-a000-000000000003';
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select public.deactivate_member('d0000000-0000-4000-a000-000000000003');
select tests.act_as_system();
select is(pg_temp.banned_until('e0000000-0000-4000-a000-000000000003'), private.indefinite_ban_until(),
  'a shorter ban set by someone else is extended by the deactivation');
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select public.reactivate_member('d0000000-0000-4000-a000-000000000003');
select tests.act_as_system();
select is(pg_temp.banned_until('e0000000-0000-4000-a000-000000000003'), '2100-01-01 00:00:00+00'::timestamptz,
  '... and put back on reactivation');
update auth.users set banned_until = '9999-06-01 00:00:00+00' where id = 'e0000000-0000-4000-a000-000000000003';
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select public.suspend_member('d0000000-0000-4000-a000-000000000003', now() + interval '2 days');
select public.lift_suspension('d0000000-0000-4000-a000-000000000003');
select tests.act_as_system();
select is(pg_temp.banned_until('e0000000-0000-4000-a000-000000000003'), '9999-06-01 00:00:00+00'::timestamptz,
  'a longer ban set by someone else is neither shortened by a suspension nor cleared when it is lifted');
update auth.users set banned_until = null where id = 'e0000000-0000-4000-a000-000000000003';

-- ---------- Losing the last active membership ----------------------------------------
-- The viewer is inactive in Fixture Co and active in Other Co; Other Co removes them.
select tests.act_as('e0000000-0000-4000-a000-000000000005');
select public.remove_member('d0000000-0000-4000-a000-000000000041');
select tests.act_as_system();
select is(pg_temp.banned_until('e0000000-0000-4000-a000-000000000004'), private.indefinite_ban_until(),
  'an offboarded user who loses their last active membership is banned');
select is(pg_temp.sessions('e0000000-0000-4000-a000-000000000004'), 0::bigint, '... and signed out');
select is((select count(*) from public.activity_log
            where workspace_id = 'f0000000-0000-4000-a000-000000000002' and action = 'member.sessions_revoked'
              and subject_user_id = 'e0000000-0000-4000-a000-000000000004'), 1::bigint,
  '... logged in the workspace whose change caused it');
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select public.remove_member('d0000000-0000-4000-a000-000000000004');
select tests.act_as_system();
select is(pg_temp.banned_until('e0000000-0000-4000-a000-000000000004'), null,
  'removing the membership that was the reason for the ban lifts it');

-- ---------- Refused changes ban nobody ------------------------------------------------
select pg_temp.reset_mark();
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select is(tests.error_of($$select public.deactivate_member('d0000000-0000-4000-a000-000000000001')$$),
  '42501:owner_protected', 'the existing rules still hold (the owner cannot be deactivated)');
select is(tests.error_of($$select public.suspend_member('d0000000-0000-4000-a000-000000000002', now() + interval '1 day')$$),
  '42501:self_change', '... nor oneself suspended');
select tests.act_as_system();
select ok(pg_temp.banned_until('e0000000-0000-4000-a000-000000000001') is null
          and pg_temp.sessions('e0000000-0000-4000-a000-000000000001') = 1
          and pg_temp.banned_until('e0000000-0000-4000-a000-000000000002') is null,
  'a refused deactivation or suspension bans nobody and ends no session');
select is(pg_temp.new_actions(), '{}'::text[], '... and writes no activity row');

-- ---------- offboarding_summary ------------------------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select results_eq(
  $$select kind, id, name, tag, license_id from public.offboarding_summary('d0000000-0000-4000-a000-000000000003')$$,
  $$values ('asset'::text, 'c0000000-0000-4000-a000-000000000002'::uuid, 'Member phone'::text, 'FX-2'::text, null::uuid),
           ('license_seat', (select id from public.license_seats where user_id = 'e0000000-0000-4000-a000-000000000003'),
            'Fixture Suite', null, 'b0000000-0000-4000-a000-000000000001'::uuid)$$,
  'offboarding_summary lists the member''s assets and licence seats');
select is((select count(*) from public.offboarding_summary('d0000000-0000-4000-a000-000000000001')), 0::bigint,
  'a member holding nothing has an empty summary');
select tests.act_as('e0000000-0000-4000-a000-000000000003');
select is(tests.error_of($$select * from public.offboarding_summary('d0000000-0000-4000-a000-000000000002')$$),
  '42501:not_allowed', 'offboarding_summary needs members.manage');
select tests.act_as('e0000000-0000-4000-a000-000000000005');
select is(tests.error_of($$select * from public.offboarding_summary('d0000000-0000-4000-a000-000000000003')$$),
  'PT404:not_found', 'another workspace''s member is not found');
select is(tests.error_of($$select * from public.offboarding_summary('d0000000-0000-4000-a000-0000000000ff')$$),
  'PT404:not_found', 'an unknown membership is not found');

-- ---------- reassign_member_holdings: refusals change nothing ------------------------
select tests.act_as_system();
select tests.add_member('d0000000-0000-4000-a000-000000000042', 'f0000000-0000-4000-a000-000000000001',
                        'e0000000-0000-4000-a000-000000000005', 'member', 'inactive');
select pg_temp.reset_mark();
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select is(tests.error_of($$select * from public.reassign_member_holdings('d0000000-0000-4000-a000-000000000003', 'e0000000-0000-4000-a000-000000000003')$$),
  '22023:invalid_input', 'reassigning to the member themselves is refused');
select is(tests.error_of($$select * from public.reassign_member_holdings('d0000000-0000-4000-a000-000000000003', 'e0000000-0000-4000-a000-000000000099')$$),
  'PT404:not_found', 'reassigning to a non-member is refused');
select is(tests.error_of($$select * from public.reassign_member_holdings('d0000000-0000-4000-a000-000000000003', 'e0000000-0000-4000-a000-000000000005')$$),
  '22023:target_not_active', 'reassigning to an inactive member is refused');
select tests.act_as('e0000000-0000-4000-a000-000000000003');
select is(tests.error_of($$select * from public.reassign_member_holdings('d0000000-0000-4000-a000-000000000002')$$),
  '42501:not_allowed', 'reassigning needs assets.assign');
select tests.act_as('e0000000-0000-4000-a000-000000000005');
select is(tests.error_of($$select * from public.reassign_member_holdings('d0000000-0000-4000-a000-000000000003')$$),
  'PT404:not_found', 'another workspace''s member is not found');
select tests.act_as_system();
select ok((select assigned_to = 'e0000000-0000-4000-a000-000000000003' from public.assets where id = 'c0000000-0000-4000-a000-000000000002')
          and exists (select 1 from public.license_seats where user_id = 'e0000000-0000-4000-a000-000000000003'),
  'after the refusals the member still holds their asset and seat');
select is(pg_temp.new_actions(), '{}'::text[], '... and no activity row was written');

-- ---------- reassign_member_holdings: to someone -------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select results_eq(
  $$select assets, seats from public.reassign_member_holdings('d0000000-0000-4000-a000-000000000003', 'e0000000-0000-4000-a000-000000000001')$$,
  $$values (1, 1)$$, 'reassigning moves one asset and one seat');
select tests.act_as_system();
select results_eq(
  $$select assigned_to, status from public.assets where id = 'c0000000-0000-4000-a000-000000000002'$$,
  $$values ('e0000000-0000-4000-a000-000000000001'::uuid, 'assigned'::text)$$, 'the asset is assigned to the recipient');
select results_eq(
  $$select user_id, assigned_by from public.license_seats where license_id = 'b0000000-0000-4000-a000-000000000001'$$,
  $$values ('e0000000-0000-4000-a000-000000000001'::uuid, 'e0000000-0000-4000-a000-000000000002'::uuid)$$,
  'the seat now belongs to the recipient, assigned by the caller');
select is(pg_temp.new_actions(), array['asset.assigned', 'license_seat.revoked', 'license_seat.assigned'],
  'each change is logged by the table triggers');
select is((select count(*) from public.activity_log where id > (select id from mark)
            and actor_id = 'e0000000-0000-4000-a000-000000000002'), 3::bigint, '... with the caller as actor');

-- A recipient who already holds a seat of the licence: the member's seat is just freed.
insert into public.license_seats (workspace_id, license_id, user_id)
values ('f0000000-0000-4000-a000-000000000001', 'b0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000003');
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select results_eq(
  $$select assets, seats from public.reassign_member_holdings('d0000000-0000-4000-a000-000000000003', 'e0000000-0000-4000-a000-000000000001')$$,
  $$values (0, 1)$$, 'a seat of a licence the recipient already holds is freed');
select tests.act_as_system();
select is((select count(*) from public.license_seats where license_id = 'b0000000-0000-4000-a000-000000000001'), 1::bigint,
  '... not duplicated');

-- ---------- reassign_member_holdings: check in ---------------------------------------
update public.assets set assigned_to = 'e0000000-0000-4000-a000-000000000001', status = 'in_repair'
 where id = 'c0000000-0000-4000-a000-000000000001';
select pg_temp.reset_mark();
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select is(tests.error_of($$select * from public.reassign_member_holdings('d0000000-0000-4000-a000-000000000001')$$),
  '42501:higher_rank_member', 'rank: an Admin cannot take back what the Owner holds');
select tests.act_as('e0000000-0000-4000-a000-000000000001');
select results_eq(
  $$select assets, seats from public.reassign_member_holdings('d0000000-0000-4000-a000-000000000001')$$,
  $$values (2, 1)$$, 'checking in takes back both assets and the seat');
select tests.act_as_system();
select results_eq(
  $$select id, assigned_to, status from public.assets where workspace_id = 'f0000000-0000-4000-a000-000000000001' order by id$$,
  $$values ('c0000000-0000-4000-a000-000000000001'::uuid, null::uuid, 'in_repair'::text),
           ('c0000000-0000-4000-a000-000000000002'::uuid, null::uuid, 'in_stock'::text)$$,
  'checked-in assets are unassigned; assigned ones go back in stock, one in repair stays in repair');
select is((select count(*) from public.license_seats where license_id = 'b0000000-0000-4000-a000-000000000001'), 0::bigint,
  'the seat is freed');
select is(pg_temp.new_actions(), array['asset.assigned', 'asset.assigned', 'license_seat.revoked'],
  'one activity row per asset and seat');

select * from finish();
rollback;
