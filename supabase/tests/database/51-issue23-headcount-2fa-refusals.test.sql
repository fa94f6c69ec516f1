-- =====================================================================================
-- Issue 23: one headcount (workspace_headcount, the Members list without pending invitations),
-- an admin's 2FA reset (reset_member_two_factor: rank, Owner, other workspaces, logged), the
-- suspended person's sign-in refusal (sign_in_refusal: only with the right password) and the
-- accept page's replaced / used links (invitation_link_state with private.spent_invitation_links).
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(22);
select tests.seed_fixture();

-- Fixture Co: owner, admin, member, viewer (active); add one pending, one inactive, one suspended.
select tests.create_user('e0000000-0000-4000-a000-000000000061', 'fx-pending@example.test', null);
select tests.create_user('e0000000-0000-4000-a000-000000000062', 'fx-gone@example.test', 'Fx Gone');
select tests.create_user('e0000000-0000-4000-a000-000000000063', 'fx-paused@example.test', 'Fx Paused');
select tests.add_member('d0000000-0000-4000-a000-000000000061', 'f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000061', 'member', 'pending');
select tests.add_member('d0000000-0000-4000-a000-000000000062', 'f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000062', 'member', 'inactive');
select tests.add_member('d0000000-0000-4000-a000-000000000063', 'f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000063', 'viewer', 'suspended', now() + interval '3 days');

-- ---------- 1. the headcount -----------------------------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000004');  -- a viewer: members.view
select results_eq(
  $$select role::text, members, invitations_pending, deactivated from public.workspace_headcount('f0000000-0000-4000-a000-000000000001')$$,
  $$values ('owner', 1::bigint, 0::bigint, 0::bigint), ('admin', 1, 0, 0), ('member', 1, 1, 1), ('viewer', 2, 0, 0)$$,
  'workspace_headcount: members (active or suspended), invitations pending and deactivated, per role');
select results_eq(
  $$select members, seats_in_use from public.seat_usage('f0000000-0000-4000-a000-000000000001')$$,
  $$values (5::bigint, 6::bigint)$$,
  'seat_usage sums the headcount: seats = members + invitations pending');
select is(public.member_directory_count('f0000000-0000-4000-a000-000000000001'), 6::bigint,
  'the Members list counts everyone who joined (deactivated included), not the pending invitation');
select ok(not exists (select 1 from public.member_directory_page('f0000000-0000-4000-a000-000000000001') p
                       where p.status = 'pending'),
  'the Members list shows no pending invitation');
select is(public.member_directory_count('f0000000-0000-4000-a000-000000000001', p_status => 'pending'), 1::bigint,
  'pending invitations are still found with their own filter');
select is((public.workspace_report('f0000000-0000-4000-a000-000000000001', now() - interval '1 day', now())
           -> 'members_by_role' ->> 'member')::int, 1,
  'Reports count members by role as the headcount does');
select tests.act_as('e0000000-0000-4000-a000-000000000005');
select is((select count(*) from public.workspace_headcount('f0000000-0000-4000-a000-000000000001') where members > 0), 0::bigint,
  'another workspace''s owner counts nobody (RLS)');

-- ---------- 2. the 2FA reset -------------------------------------------------------------
select tests.act_as_system();
insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at, secret) values
  (gen_random_uuid(), 'e0000000-0000-4000-a000-000000000003', 'Phone', 'totp', 'verified', now(), now(), 'S1'),
  (gen_random_uuid(), 'e0000000-0000-4000-a000-000000000003', 'Backup', 'totp', 'verified', now(), now(), 'S2'),
  (gen_random_uuid(), 'e0000000-0000-4000-a000-000000000001', 'Owner phone', 'totp', 'verified', now(), now(), 'S3'),
  (gen_random_uuid(), 'e0000000-0000-4000-a000-000000000002', 'Admin phone', 'totp', 'verified', now(), now(), 'S4');

select tests.act_as('e0000000-0000-4000-a000-000000000003');  -- the member: no members.manage
select is(tests.error_of($$select public.reset_member_two_factor('d0000000-0000-4000-a000-000000000002')$$),
  '42501:not_allowed', 'a Member cannot reset anyone''s 2FA');
select tests.act_as('e0000000-0000-4000-a000-000000000002');  -- the admin
select is(tests.error_of($$select public.reset_member_two_factor('d0000000-0000-4000-a000-000000000001')$$),
  '42501:owner_protected', 'an Admin cannot reset the Owner''s 2FA');
select is(tests.error_of($$select public.reset_member_two_factor('d0000000-0000-4000-a000-000000000002')$$),
  '42501:self_change', 'nobody resets their own 2FA this way');
select is(tests.error_of($$select public.reset_member_two_factor('d0000000-0000-4000-a000-000000000061')$$),
  '22023:not_joined', 'a pending invitee has no 2FA to reset');
select is(tests.error_of($$select public.reset_member_two_factor('d0000000-0000-4000-a000-000000000005')$$),
  'PT404:not_found', 'a member of another workspace is not found');
select is(public.reset_member_two_factor('d0000000-0000-4000-a000-000000000003'), 2,
  'the Admin resets the Member''s 2FA: both factors removed');
select tests.act_as_system();
select is((select count(*) from auth.mfa_factors where user_id = 'e0000000-0000-4000-a000-000000000003'), 0::bigint,
  'the Member has no factor left');
select is((select count(*) from public.activity_log where action = 'member.two_factor_reset'
            and subject_user_id = 'e0000000-0000-4000-a000-000000000003'
            and actor_id = 'e0000000-0000-4000-a000-000000000002'), 1::bigint,
  'the reset is logged once, with the Admin as actor');
-- the viewer also belongs to Other Co, where the admin is nobody: refused
insert into public.memberships (workspace_id, user_id, role, status, joined_at)
  values ('f0000000-0000-4000-a000-000000000002', 'e0000000-0000-4000-a000-000000000004', 'viewer', 'active', now());
insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at, secret) values
  (gen_random_uuid(), 'e0000000-0000-4000-a000-000000000004', 'Viewer phone', 'totp', 'verified', now(), now(), 'S5');
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select is(tests.error_of($$select public.reset_member_two_factor('d0000000-0000-4000-a000-000000000004')$$),
  '42501:other_workspace', 'no reset of someone who also belongs to a workspace the Admin cannot manage');

-- ---------- 3. the suspended person's sign-in ------------------------------------------
select tests.act_as_system();
update auth.users set encrypted_password = extensions.crypt('Right-password-1!', extensions.gen_salt('bf', 4))
 where id = 'e0000000-0000-4000-a000-000000000063';
update public.memberships set status_reason = 'Security review' where id = 'd0000000-0000-4000-a000-000000000063';
select isnt((select banned_until from auth.users where id = 'e0000000-0000-4000-a000-000000000063'), null,
  'suspended in their only workspace: Auth''s account is banned');
set local role service_role;
select results_eq(
  $$select kind, workspace_name, reason from public.sign_in_refusal('FX-PAUSED@example.test', 'Right-password-1!')$$,
  $$values ('suspended', 'Fixture Co', 'Security review')$$,
  'with the right password, the suspension is explained (workspace, reason)');
select is((select count(*) from public.sign_in_refusal('fx-paused@example.test', 'Wrong-password-1!')), 0::bigint,
  'with a wrong password, nothing');
select is((select count(*) from public.sign_in_refusal('fx-member@example.test', 'whatever')), 0::bigint,
  'someone not banned: nothing');
reset role;

-- ---------- 3. replaced and used links ------------------------------------------------
select tests.act_as_system();
insert into auth.one_time_tokens (id, user_id, token_type, token_hash, relates_to, created_at, updated_at)
  values (gen_random_uuid(), 'e0000000-0000-4000-a000-000000000061', 'confirmation_token',
          'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'fx-pending@example.test', now(), now());
delete from auth.one_time_tokens where token_hash = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
select is((select state from public.invitation_link_state('f0000000-0000-4000-a000-000000000001',
            'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')), 'replaced',
  'a dropped link of a still pending invitation: replaced (a newer one is in the inbox)');
update public.memberships set status = 'active', joined_at = now() where id = 'd0000000-0000-4000-a000-000000000061';
select is((select state from public.invitation_link_state('f0000000-0000-4000-a000-000000000001',
            'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')), 'used',
  'once the invitee joined: used');

select * from finish();
rollback;
