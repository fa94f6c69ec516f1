-- =====================================================================================
-- Single sign-on (96_single_sign_on.sql, docs/sso.md): the just-in-time join at an SSO
-- sign-in (through the access-token hook), its refusals, "Require SSO" with the Owner's
-- break-glass, the lock-out checks, and who may call what.
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(36);
select tests.seed_fixture();

-- Providers as Auth would have them: P1 for Fixture Co, P2 for Other Co.
create temp table ids (k text primary key, v uuid);
grant select on ids to authenticated;
insert into ids values ('p1', extensions.gen_random_uuid()), ('p2', extensions.gen_random_uuid());
create function pg_temp.id(p_k text) returns uuid language sql as $$ select v from ids where k = p_k $$;
grant execute on function pg_temp.id(text) to authenticated;

insert into public.sso_connections (workspace_id, name, auth_provider_id, entity_id, default_role)
values ('f0000000-0000-4000-a000-000000000001', 'Okta', pg_temp.id('p1'), 'https://idp.fixture.test', 'viewer'),
       ('f0000000-0000-4000-a000-000000000002', 'Entra ID', pg_temp.id('p2'), 'https://idp.other.test', 'member');
insert into public.workspace_domains (workspace_id, domain, verification_token, verified_at) values
  ('f0000000-0000-4000-a000-000000000001', 'fixture.test', repeat('a', 32), now()),
  ('f0000000-0000-4000-a000-000000000001', 'pending.test', repeat('b', 32), null),
  ('f0000000-0000-4000-a000-000000000002', 'other.test', repeat('c', 32), now());

-- An SSO account as Auth makes it: a user and an identity with provider sso:<provider>.
create function pg_temp.sso_user(p_id uuid, p_email text, p_provider uuid) returns uuid language plpgsql as $$
begin
  insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                          raw_app_meta_data, raw_user_meta_data, created_at, updated_at, is_sso_user)
  values ('00000000-0000-0000-0000-000000000000', p_id, 'authenticated', 'authenticated', p_email, '', now(),
          jsonb_build_object('provider', 'sso:' || p_provider), '{}', now(), now(), true);
  if p_provider is not null then
    insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
    values (p_email, p_id, jsonb_build_object('sub', p_email, 'email', p_email), 'sso:' || p_provider, now(), now());
  end if;
  return p_id;
end $$;
-- What Auth's access-token hook receives at an SSO sign-in through p_provider.
create function pg_temp.sign_in(p_user uuid, p_provider uuid) returns jsonb language sql as $$
  select public.custom_access_token_hook(jsonb_build_object(
    'user_id', p_user, 'authentication_method', 'sso/saml',
    'claims', jsonb_build_object('sub', p_user, 'aal', 'aal1',
      'amr', jsonb_build_array(jsonb_build_object('method', 'sso/saml', 'timestamp', 1, 'provider', p_provider)))))
$$;
create function pg_temp.member_of(p_user uuid, p_ws text) returns text language sql as $$
  select coalesce((select m.role::text || '/' || m.status::text from public.memberships m
                    where m.user_id = p_user and m.workspace_id = ('f0000000-0000-4000-a000-00000000000' || p_ws)::uuid), 'none')
$$;

-- ---------- Just-in-time join ----------
select pg_temp.sso_user('a1000000-0000-4000-a000-000000000001', 'ann@fixture.test', pg_temp.id('p1'));
select pg_temp.sign_in('a1000000-0000-4000-a000-000000000001', pg_temp.id('p1'));
select is(pg_temp.member_of('a1000000-0000-4000-a000-000000000001', '1'), 'viewer/active',
  'a first SSO sign-in joins the workspace of the provider with its default role');
select is((select after ->> 'connection' from public.activity_log
            where action = 'auth.sso_sign_in' and subject_user_id = 'a1000000-0000-4000-a000-000000000001'),
  'Okta', 'the sign-in row says via SSO (Okta)');
select is((select actor_email from public.activity_log
            where action = 'member.joined' and subject_user_id = 'a1000000-0000-4000-a000-000000000001'),
  'SSO (Okta)', 'the join is attributed to SSO (Okta)');
select pg_temp.sign_in('a1000000-0000-4000-a000-000000000001', pg_temp.id('p1'));
select is((select count(*) from public.memberships where user_id = 'a1000000-0000-4000-a000-000000000001'), 1::bigint,
  'a second sign-in joins nothing more');

select pg_temp.sso_user('a1000000-0000-4000-a000-000000000002', 'eve@other.test', pg_temp.id('p1'));
select pg_temp.sign_in('a1000000-0000-4000-a000-000000000002', pg_temp.id('p1'));
select is(pg_temp.member_of('a1000000-0000-4000-a000-000000000002', '1') || ' ' || pg_temp.member_of('a1000000-0000-4000-a000-000000000002', '2'),
  'none none', 'a response for another workspace''s domain joins neither workspace');
select is((select after ->> 'reason' from public.activity_log
            where action = 'auth.sso_join_refused' and after ->> 'email' = 'eve@other.test'),
  'address outside the verified domains', '… and the refusal is logged in the provider''s workspace');

select pg_temp.sso_user('a1000000-0000-4000-a000-000000000003', 'bob@fixture.test', pg_temp.id('p2'));
select pg_temp.sign_in('a1000000-0000-4000-a000-000000000003', pg_temp.id('p2'));
select is(pg_temp.member_of('a1000000-0000-4000-a000-000000000003', '1'), 'none',
  'another workspace''s identity provider asserting this workspace''s domain joins nothing');

select pg_temp.sso_user('a1000000-0000-4000-a000-000000000004', 'cy@pending.test', pg_temp.id('p1'));
select pg_temp.sign_in('a1000000-0000-4000-a000-000000000004', pg_temp.id('p1'));
select is(pg_temp.member_of('a1000000-0000-4000-a000-000000000004', '1'), 'none',
  'an unverified domain joins nobody');

select pg_temp.sso_user('a1000000-0000-4000-a000-000000000005', 'dee@fixture.test', null);
select pg_temp.sign_in('a1000000-0000-4000-a000-000000000005', pg_temp.id('p1'));
select is(pg_temp.member_of('a1000000-0000-4000-a000-000000000005', '1'), 'none',
  'claims naming the provider without Auth''s sso identity join nothing');

select public.custom_access_token_hook(jsonb_build_object(
  'user_id', 'a1000000-0000-4000-a000-000000000001', 'authentication_method', 'password',
  'claims', jsonb_build_object('sub', 'a1000000-0000-4000-a000-000000000001', 'aal', 'aal1')));
select is((select count(*) from public.activity_log where action = 'auth.sign_in'
            and subject_user_id = 'a1000000-0000-4000-a000-000000000001'), 1::bigint,
  'a password sign-in is recorded as a plain sign-in');

-- A membership made for the address under another account (directory sync, invitation) moves.
insert into public.workspace_domains (workspace_id, domain, verification_token, verified_at)
values ('f0000000-0000-4000-a000-000000000001', 'example.test', repeat('d', 32), now());
select pg_temp.sso_user('a1000000-0000-4000-a000-000000000006', 'fx-member@example.test', pg_temp.id('p1'));
select pg_temp.sign_in('a1000000-0000-4000-a000-000000000006', pg_temp.id('p1'));
select is((select user_id from public.memberships where id = 'd0000000-0000-4000-a000-000000000003'),
  'a1000000-0000-4000-a000-000000000006'::uuid,
  'the SSO account takes the membership made for its address (role kept)');
update public.memberships set status = 'inactive' where id = 'd0000000-0000-4000-a000-000000000004';
select pg_temp.sso_user('a1000000-0000-4000-a000-000000000007', 'fx-viewer@example.test', pg_temp.id('p1'));
select pg_temp.sign_in('a1000000-0000-4000-a000-000000000007', pg_temp.id('p1'));
select is(pg_temp.member_of('a1000000-0000-4000-a000-000000000007', '1'), 'viewer/inactive',
  'a deprovisioned member stays out after taking the membership');
select pg_temp.sso_user('a1000000-0000-4000-a000-000000000008', 'fx-owner@example.test', pg_temp.id('p1'));
select pg_temp.sign_in('a1000000-0000-4000-a000-000000000008', pg_temp.id('p1'));
select is((select user_id from public.memberships where id = 'd0000000-0000-4000-a000-000000000001'),
  'e0000000-0000-4000-a000-000000000001'::uuid, 'the Owner''s membership never moves to an SSO account');

update public.sso_connections set enabled = false where auth_provider_id = pg_temp.id('p1');
select pg_temp.sso_user('a1000000-0000-4000-a000-000000000009', 'fay@fixture.test', pg_temp.id('p1'));
select pg_temp.sign_in('a1000000-0000-4000-a000-000000000009', pg_temp.id('p1'));
select is(pg_temp.member_of('a1000000-0000-4000-a000-000000000009', '1'), 'none', 'a disabled connection joins nobody');
update public.sso_connections set enabled = true where auth_provider_id = pg_temp.id('p1');

-- ---------- Require SSO ----------
create function pg_temp.act(p_user uuid, p_aal text, p_provider uuid) returns void language plpgsql as $$
begin
  perform set_config('role', 'authenticated', true);
  perform set_config('request.jwt.claims', jsonb_build_object('sub', p_user, 'role', 'authenticated', 'aal', p_aal,
    'amr', case when p_provider is null then jsonb_build_array(jsonb_build_object('method', 'password', 'timestamp', 1))
                else jsonb_build_array(jsonb_build_object('method', 'sso/saml', 'timestamp', 1, 'provider', p_provider)) end)::text, true);
end $$;
grant execute on function pg_temp.act(uuid, text, uuid) to authenticated;
-- Directory sync (and with it SSO) is the Owner's until given to Admins.
insert into public.role_permissions (workspace_id, role, permission)
values ('f0000000-0000-4000-a000-000000000001', 'admin', 'directory.manage');
select tests.create_user('e0000000-0000-4000-a000-0000000000f1', 'zed@elsewhere.test');
select tests.add_member('d0000000-0000-4000-a000-0000000000f1', 'f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-0000000000f1');

select pg_temp.act('e0000000-0000-4000-a000-000000000002', 'aal1', null);  -- admin, password session
select is(tests.error_of($$select public.set_require_sso('f0000000-0000-4000-a000-000000000001', true)$$),
  '42501:would_lock_you_out', 'an Admin on a password session cannot require SSO (it would lock them out)');
select pg_temp.act('e0000000-0000-4000-a000-000000000001', 'aal1', null);  -- owner, no factor
select is(tests.error_of($$select public.set_require_sso('f0000000-0000-4000-a000-000000000001', true)$$),
  '42501:would_lock_you_out', 'nor the Owner without a second factor for the break-glass');
select ok((select count(*) from public.sso_requirement_impact('f0000000-0000-4000-a000-000000000001')
            where reason = 'owner_without_two_factor') = 1, 'the preview names the Owner without two-factor authentication');
select is(array(select reason || ' ' || email from public.sso_requirement_impact('f0000000-0000-4000-a000-000000000001')
                 where role <> 'owner' order by email),
  array['not_signed_in_with_sso fx-admin@example.test', 'outside_verified_domains zed@elsewhere.test'],
  'and who must use SSO, and who would be locked out (address outside the verified domains)');
select ok(not exists (select 1 from public.sso_requirement_impact('f0000000-0000-4000-a000-000000000001')
            where user_id = 'a1000000-0000-4000-a000-000000000001'), 'but not a member who has signed in with SSO');
select tests.act_as_system();
insert into auth.mfa_factors (id, user_id, factor_type, status, created_at, updated_at, secret)
values (extensions.gen_random_uuid(), 'e0000000-0000-4000-a000-000000000001', 'totp', 'verified', now(), now(), 'x');
select pg_temp.act('e0000000-0000-4000-a000-000000000001', 'aal2', null);
select is(tests.error_of($$select public.set_require_sso('f0000000-0000-4000-a000-000000000001', true)$$), 'ok',
  'the Owner with a second factor can require SSO');
select is((select count(*) from public.activity_log where action = 'sso.required'), 1::bigint, 'logged as sso.required');

select pg_temp.act('a1000000-0000-4000-a000-000000000006', 'aal1', null);  -- the SSO member, password session
select is(array(select public.my_permissions('f0000000-0000-4000-a000-000000000001')), '{}'::text[],
  'a password session of a member gets nothing from the workspace');
select results_eq($$select workspace_name, connection_name from public.my_sso_gates()$$,
  $$values ('Fixture Co'::text, 'Okta'::text)$$, '… and is told it needs Okta');
select is((select count(*) from public.assets), 0::bigint, '… and reads no assets');
select pg_temp.act('a1000000-0000-4000-a000-000000000006', 'aal1', pg_temp.id('p2'));
select is((select count(*) from public.assets), 0::bigint, 'a session from another workspace''s provider reads nothing either');
select pg_temp.act('a1000000-0000-4000-a000-000000000006', 'aal1', pg_temp.id('p1'));
select ok((select count(*) from public.assets) > 0, 'a session through this workspace''s provider reads its assets');
select is((select count(*) from public.my_sso_gates()), 0::bigint, '… with no gate');
select pg_temp.act('e0000000-0000-4000-a000-000000000001', 'aal1', null);
select is((select count(*) from public.my_sso_gates()), 1::bigint, 'the Owner on an aal1 password session is gated');
select pg_temp.act('e0000000-0000-4000-a000-000000000001', 'aal2', null);
select ok((select count(*) from public.assets) > 0, 'the Owner''s break-glass (aal2) opens the workspace');
select is(tests.error_of($$select public.update_sso_connection((select id from public.sso_connections where name = 'Okta'), null, null, false)$$),
  '22023:sso_required', 'a required connection cannot be turned off');
select is(tests.error_of($$select public.remove_sso_connection((select id from public.sso_connections where name = 'Okta'))$$),
  '22023:sso_required', '… nor removed');
select tests.act_as_system();

-- ---------- Who may call what ----------
select pg_temp.act('e0000000-0000-4000-a000-000000000005', 'aal1', null);  -- Other Co's owner
select is(tests.error_of($$select public.add_workspace_domain('f0000000-0000-4000-a000-000000000001', 'x.test')$$),
  'PT404:not_found', 'another workspace''s owner cannot add domains here');
select is(tests.error_of($$select public.add_workspace_domain('f0000000-0000-4000-a000-000000000002', 'fixture.test')$$),
  '23505:domain_taken', 'a domain verified by another workspace cannot be claimed');
select is(tests.error_of($$select public.add_workspace_domain('f0000000-0000-4000-a000-000000000002', 'Someone@GMAIL.com')$$),
  '22023:public_domain', 'a public mail service cannot be claimed');
select is(tests.error_of($$select public.record_sso_connection(auth.uid(), 'f0000000-0000-4000-a000-000000000002', gen_random_uuid(), 'x', 'y', null, null, 'member')$$),
  '42501:', 'record_sso_connection is for the service role only');
select is((select count(*) from public.sso_connections), 1::bigint, 'an owner reads only their own workspace''s connection');
select tests.act_as_system();

select * from finish();
rollback;
