-- =====================================================================================
-- Bad input (rule 8): malformed email, oversized text, unknown role, duplicate invite,
-- inviting an existing member, missing rows ... each gets a specific error and changes
-- nothing.
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(38);
select tests.seed_fixture();
select tests.create_user('e0000000-0000-4000-a000-000000000031', 'new-1@example.test');
select tests.create_user('e0000000-0000-4000-a000-000000000032', 'new-2@example.test');
select tests.create_user('e0000000-0000-4000-a000-000000000033', 'new-3@example.test');
select tests.add_member('d0000000-0000-4000-a000-000000000033', 'f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000033', 'member', 'pending');

create temp table before_counts as
  select (select count(*) from public.memberships) as memberships, (select count(*) from public.activity_log) as activity;
grant select on before_counts to public;

-- ---------- Emails -------------------------------------------------------------------
select throws_ok(
  $$insert into auth.users (id, email, raw_user_meta_data) values ('e0000000-0000-4000-a000-0000000000ee', 'not-an-email', '{}')$$,
  '23514', null, 'a malformed email never becomes a profile (check constraint)');
select throws_ok($$update public.profiles set email = 'two@@example.test' where id = 'e0000000-0000-4000-a000-000000000001'$$,
  '23514', null, 'profiles.email must look like an email');

-- ---------- Checking a pasted list before inviting ----------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000002');  -- admin
select results_eq(
  $$select email, status from public.check_invitees('f0000000-0000-4000-a000-000000000001',
      array['New-1@Example.test ', 'not-an-email', 'fx-viewer@example.test', 'new-3@example.test', 'new-1@example.test', 'someone@new.test'])$$,
  $$values ('new-1@example.test'::text, 'ok'::text), ('not-an-email', 'invalid_email'), ('fx-viewer@example.test', 'already_member'),
           ('new-3@example.test', 'duplicate_invite'), ('new-1@example.test', 'duplicate_in_list'), ('someone@new.test', 'ok')$$,
  'check_invitees: per email, in order: ok, invalid_email, already_member, duplicate_invite, duplicate_in_list');
select tests.act_as('e0000000-0000-4000-a000-000000000004');  -- viewer
select is(tests.error_of($$select * from public.check_invitees('f0000000-0000-4000-a000-000000000001', array['a@b.test'])$$),
  '42501:not_allowed', 'check_invitees needs members.invite');
select tests.act_as_system();

-- ---------- Invitations (service role path) ------------------------------------------
set local role service_role;
create temp table invite_outcomes as
  select 'duplicate' as k, tests.error_of($$select private.create_invitations('f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000002',
           array['e0000000-0000-4000-a000-000000000031', 'e0000000-0000-4000-a000-000000000033']::uuid[], 'member')$$) as outcome
  union all select 'existing', tests.error_of($$select private.create_invitations('f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000002',
           array['e0000000-0000-4000-a000-000000000032', 'e0000000-0000-4000-a000-000000000004']::uuid[], 'viewer')$$)
  union all select 'owner', tests.error_of($$select private.create_invitations('f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000002',
           array['e0000000-0000-4000-a000-000000000031']::uuid[], 'owner')$$)
  union all select 'null role', tests.error_of($$select private.create_invitations('f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000002',
           array['e0000000-0000-4000-a000-000000000031']::uuid[], null)$$)
  union all select 'unknown role', tests.error_of($$select private.create_invitations('f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000002',
           array['e0000000-0000-4000-a000-000000000031']::uuid[], 'superuser')$$)
  union all select 'empty', tests.error_of($$select private.create_invitations('f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000002',
           '{}'::uuid[], 'member')$$)
  union all select 'unknown user', tests.error_of($$select private.create_invitations('f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000002',
           array['e0000000-0000-4000-a000-000000000031', 'e0000000-0000-4000-a000-0000000000ff']::uuid[], 'member')$$)
  union all select 'not allowed', tests.error_of($$select private.create_invitations('f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000004',
           array['e0000000-0000-4000-a000-000000000031']::uuid[], 'member')$$)
  union all select 'no workspace', tests.error_of($$select private.create_invitations('f0000000-0000-4000-a000-0000000000ff', 'e0000000-0000-4000-a000-000000000002',
           array['e0000000-0000-4000-a000-000000000031']::uuid[], 'member')$$);
reset role;
select is((select outcome from invite_outcomes where k = 'duplicate'), '23505:duplicate_invite', 'inviting someone already invited: duplicate_invite');
select is((select outcome from invite_outcomes where k = 'existing'), '23505:already_member', 'inviting an existing member: already_member');
select is((select outcome from invite_outcomes where k = 'owner'), '42501:owner_via_transfer', 'inviting as owner is refused');
select is((select outcome from invite_outcomes where k = 'null role'), '22023:unknown_role', 'a missing role: unknown_role');
select is((select outcome from invite_outcomes where k = 'unknown role'), '22P02:', 'an unknown role name is refused by the enum (22P02)');
select is((select outcome from invite_outcomes where k = 'empty'), '22023:no_invitees', 'nobody to invite: no_invitees');
select is((select outcome from invite_outcomes where k = 'unknown user'), 'PT404:not_found', 'an unknown user: not_found');
select is((select outcome from invite_outcomes where k = 'not allowed'), '42501:not_allowed', 'a viewer cannot invite');
select is((select outcome from invite_outcomes where k = 'no workspace'), 'PT404:not_found', 'an unknown workspace: not_found');
select results_eq($$select count(*) from public.memberships$$, $$select memberships from before_counts$$,
  'no refused batch created any membership (all or nothing)');

update public.workspaces set seat_limit = 5 where id = 'f0000000-0000-4000-a000-000000000001';
set local role service_role;
create temp table seat_outcome as select tests.error_of($$select private.create_invitations('f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000002',
  array['e0000000-0000-4000-a000-000000000031', 'e0000000-0000-4000-a000-000000000032']::uuid[], 'member')$$) as outcome;
reset role;
select is((select outcome from seat_outcome), '22023:seat_limit_reached', 'more invitations than seats: seat_limit_reached');
update public.workspaces set seat_limit = null where id = 'f0000000-0000-4000-a000-000000000001';

-- ---------- Member functions ---------------------------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000002');  -- admin
select is(tests.error_of($$select public.change_member_role('d0000000-0000-4000-a000-000000000003', null)$$),
  '22023:unknown_role', 'change_member_role without a role: unknown_role');
select is(tests.error_of($$select public.change_member_role('d0000000-0000-4000-a000-000000000003', 'superuser')$$),
  '22P02:', 'change_member_role with an unknown role name is refused');
select is(tests.error_of($$select public.change_member_role('d0000000-0000-4000-a000-0000000000ff', 'viewer')$$),
  'PT404:not_found', 'a membership that does not exist: not_found');
select is(tests.error_of($$select public.change_member_role('d0000000-0000-4000-a000-000000000005', 'viewer')$$),
  'PT404:not_found', 'a membership of another workspace: not_found (no leak)');
select is(tests.error_of(format('select public.suspend_member(%L, now() + interval ''1 day'', %L)', 'd0000000-0000-4000-a000-000000000003', repeat('x', 2001))),
  '22023:too_long', 'a suspension reason over 2000 characters: too_long');
select is(tests.error_of($$select public.suspend_member('d0000000-0000-4000-a000-000000000003', now() - interval '1 hour')$$),
  '22023:invalid_date', 'a suspension ending in the past: invalid_date');
select is(tests.error_of($$select public.deactivate_member('d0000000-0000-4000-a000-000000000033')$$),
  '22023:invalid_status', 'deactivating a pending invitation: invalid_status (revoke it)');
select is(tests.error_of($$select public.resend_invitation('d0000000-0000-4000-a000-000000000003')$$),
  '22023:not_pending', 'resending to an active member: not_pending');
select is(tests.error_of($$select public.lift_suspension('d0000000-0000-4000-a000-000000000003')$$),
  '22023:invalid_status', 'lifting a suspension that does not exist: invalid_status');
select is(tests.error_of(format('select public.complete_access_review(%L, %L)', 'f0000000-0000-4000-a000-000000000001', repeat('n', 2001))),
  '22023:too_long', 'access review notes over 2000 characters: too_long');
select is(tests.error_of($$select public.set_role_permission('f0000000-0000-4000-a000-000000000001', 'member', 'assets.fly', true)$$),
  '22023:unknown_permission', 'an unknown permission: unknown_permission');

-- ---------- Invitee side -------------------------------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000031');  -- not invited
select is(tests.error_of($$select public.accept_invitation('f0000000-0000-4000-a000-000000000001')$$),
  'PT404:not_found', 'accepting without an invitation: not_found');
select tests.act_as_system();
update public.memberships set invite_expires_at = now() - interval '1 minute' where id = 'd0000000-0000-4000-a000-000000000033';
select tests.act_as('e0000000-0000-4000-a000-000000000033');
select is(tests.error_of($$select public.accept_invitation('f0000000-0000-4000-a000-000000000001')$$),
  '22023:invitation_expired', 'accepting an expired invitation: invitation_expired');

-- ---------- Workspaces ---------------------------------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000001');
select is(tests.error_of($$select public.create_workspace('   ')$$), '22023:invalid_name', 'a blank workspace name: invalid_name');
select is(tests.error_of(format('select public.create_workspace(%L)', repeat('w', 81))), '22023:invalid_name', 'an 81-character name: invalid_name');
select is(tests.error_of($$update public.workspaces set invite_expiry_days = 0 where id = 'f0000000-0000-4000-a000-000000000001'$$),
  '23514:', 'invite_expiry_days outside 1..30 is refused');
select is(tests.error_of($$update public.workspaces set require_2fa = 'sometimes' where id = 'f0000000-0000-4000-a000-000000000001'$$),
  '23514:', 'an unknown require_2fa value is refused');

-- ---------- Assets and licences ------------------------------------------------------
select is(tests.error_of(format('insert into public.assets (workspace_id, name) values (%L, %L)', 'f0000000-0000-4000-a000-000000000001', repeat('a', 121))),
  '23514:', 'an asset name over 120 characters is refused');
select is(tests.error_of(format('update public.assets set notes = %L where id = %L', repeat('n', 2001), 'c0000000-0000-4000-a000-000000000001')),
  '23514:', 'asset notes over 2000 characters are refused');
select is(tests.error_of($$insert into public.assets (workspace_id, name, asset_tag) values ('f0000000-0000-4000-a000-000000000001', 'Twin', 'FX-1')$$),
  '23505:', 'a duplicate asset tag in the workspace is refused');
select is(tests.error_of($$update public.assets set assigned_to = 'e0000000-0000-4000-a000-000000000005' where id = 'c0000000-0000-4000-a000-000000000001'$$),
  '23503:', 'assigning an asset to someone outside the workspace is refused');
insert into public.license_seats (workspace_id, license_id, user_id)
values ('f0000000-0000-4000-a000-000000000001', 'b0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000004');
select is(tests.error_of($$insert into public.license_seats (workspace_id, license_id, user_id)
                          values ('f0000000-0000-4000-a000-000000000001', 'b0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000002')$$),
  '22023:no_seats_left', 'a seat beyond the licence''s seats: no_seats_left');
select is(tests.error_of($$update public.licenses set seats = 1 where id = 'b0000000-0000-4000-a000-000000000001'$$),
  '22023:seats_in_use', 'shrinking a licence below the seats in use: seats_in_use');

select * from finish();
rollback;
