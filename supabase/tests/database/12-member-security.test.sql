-- =====================================================================================
-- member_mfa_status(): members.manage holders see, per member, whether a verified TOTP
-- factor exists; others are refused; other workspaces are not found; nothing of the
-- factors themselves leaks.
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(12);
select tests.seed_fixture();

-- The member (e...03) has a verified TOTP factor; the viewer (e...04) an unverified one;
-- the admin (e...02) a verified factor of another type.
insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at, secret) values
  (gen_random_uuid(), 'e0000000-0000-4000-a000-000000000003', 'Phone', 'totp', 'verified', now(), now(), 'S1'),
  (gen_random_uuid(), 'e0000000-0000-4000-a000-000000000004', 'Half done', 'totp', 'unverified', now(), now(), 'S2'),
  (gen_random_uuid(), 'e0000000-0000-4000-a000-000000000002', 'Key', 'webauthn', 'verified', now(), now(), null);

-- ---------- Contract -----------------------------------------------------------------
select function_returns('public', 'member_mfa_status', array['uuid', 'uuid'], 'setof record',
  'member_mfa_status(uuid, uuid) returns a table');
select is_definer('public', 'member_mfa_status', array['uuid', 'uuid'], 'member_mfa_status is security definer');
select ok((select p.proconfig @> array['search_path=""'] from pg_proc p
            where p.oid = 'public.member_mfa_status(uuid, uuid)'::regprocedure),
  'member_mfa_status sets search_path to empty');
select ok(has_function_privilege('authenticated', 'public.member_mfa_status(uuid, uuid)', 'execute')
          and not has_function_privilege('anon', 'public.member_mfa_status(uuid, uuid)', 'execute'),
  'authenticated may execute member_mfa_status, anon may not');
select isnt(obj_description('public.member_mfa_status(uuid, uuid)'::regprocedure, 'pg_proc'), null,
  'member_mfa_status is documented');

-- ---------- Who may ask --------------------------------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000004');  -- viewer: no members.manage
select throws_ok($$select * from public.member_mfa_status('f0000000-0000-4000-a000-000000000001')$$,
  '42501', null, 'a Viewer is refused (members.manage)');
select tests.act_as('e0000000-0000-4000-a000-000000000005');  -- owner of Other Co only
select throws_ok($$select * from public.member_mfa_status('f0000000-0000-4000-a000-000000000001')$$,
  'PT404', null, 'someone outside the workspace gets not_found');
select tests.act_as_system();
select set_config('role', 'anon', true);
select throws_ok($$select * from public.member_mfa_status('f0000000-0000-4000-a000-000000000001')$$,
  '42501', null, 'anon cannot execute it');
select tests.act_as_system();

-- ---------- What it says -------------------------------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000002');  -- admin: members.manage
select results_eq(
  $$select user_id, totp_enrolled from public.member_mfa_status('f0000000-0000-4000-a000-000000000001') order by user_id$$,
  $$values ('e0000000-0000-4000-a000-000000000001'::uuid, false),
           ('e0000000-0000-4000-a000-000000000002'::uuid, false),
           ('e0000000-0000-4000-a000-000000000003'::uuid, true),
           ('e0000000-0000-4000-a000-000000000004'::uuid, false)$$,
  'true only for a verified TOTP factor (not an unverified one, not another factor type), one row per member');
select is((select count(*) from public.member_mfa_status('f0000000-0000-4000-a000-000000000001')
            where user_id = 'e0000000-0000-4000-a000-000000000005'), 0::bigint,
  'members of other workspaces are not listed');

-- An inactive member is still listed (the drawer shows every member), and the owner may ask too.
select tests.act_as_system();
update public.memberships set status = 'inactive' where id = 'd0000000-0000-4000-a000-000000000003';
select tests.act_as('e0000000-0000-4000-a000-000000000001');
select is((select totp_enrolled from public.member_mfa_status('f0000000-0000-4000-a000-000000000001')
            where user_id = 'e0000000-0000-4000-a000-000000000003'), true,
  'the Owner sees the flag of an inactive member too');

-- Deactivated callers lose the right at once.
select tests.act_as_system();
update public.memberships set status = 'inactive' where id = 'd0000000-0000-4000-a000-000000000002';
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select throws_ok($$select * from public.member_mfa_status('f0000000-0000-4000-a000-000000000001')$$,
  'PT404', null, 'a deactivated Admin is refused');

select * from finish();
rollback;
