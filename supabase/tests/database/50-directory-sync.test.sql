-- =====================================================================================
-- Directory sync (SCIM, issue 21): the permission, connections and tokens, and what a SCIM
-- request may do to a workspace through public.scim_call(): create and adopt members, the
-- Owner never touched, deactivation as the Users page does it (ban, sessions, activity),
-- groups mapped to roles, one workspace per token, rate limit, activity actor.
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(68);
select tests.seed_fixture();

-- Fixture Co: owner e..01, admin e..02, member e..03, viewer e..04; Other Co: e..05.
insert into auth.sessions (id, user_id, created_at, aal) values
  ('a9500000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000003', now(), 'aal1'),
  ('a9500000-0000-4000-a000-000000000002', 'e0000000-0000-4000-a000-000000000003', now(), 'aal1');

create temp table t (key text primary key, value text);
grant all on t to public;
create or replace function pg_temp.v(p_key text) returns text language sql as $$select value from t where key = p_key$$;
grant execute on function pg_temp.v(text) to public;
-- A SCIM call as the edge function makes it (service role), recorded as a request.
create or replace function pg_temp.scim(p_token text, p_op text, p_args jsonb) returns jsonb language plpgsql as $$
declare r jsonb;
begin
  set local role service_role;
  r := public.scim_call(encode(extensions.digest(p_token, 'sha256'), 'hex'), p_op,
                        p_args || '{"baseUrl": "http://x/scim/v2"}', '{"method": "TEST", "path": "/"}');
  reset role;
  return r;
end $$;
grant execute on function pg_temp.scim(text, text, jsonb) to public;

-- ---------- The permission -----------------------------------------------------------
select is((select default_roles from public.permissions where key = 'directory.manage'), '{}'::public.workspace_role[],
  'directory.manage is catalogued, Owner only by default');
select ok('directory.manage'::public.permission_key is not null, '... and in the enum of keys');
select tests.act_as('e0000000-0000-4000-a000-000000000001');
select is(tests.error_of($$select public.set_role_permission('f0000000-0000-4000-a000-000000000001', 'member', 'directory.manage', true)$$),
  '42501:not_allowed', 'it cannot be granted to Member');
select is(tests.error_of($$select public.set_role_permission('f0000000-0000-4000-a000-000000000001', 'viewer', 'directory.manage', true)$$),
  '42501:not_allowed', '... nor to Viewer');

select tests.act_as('e0000000-0000-4000-a000-000000000002');
select is(tests.error_of($$select public.create_directory_connection('f0000000-0000-4000-a000-000000000001', 'Okta')$$),
  '42501:not_allowed', 'an Admin without directory.manage cannot connect a directory');

select tests.act_as('e0000000-0000-4000-a000-000000000001');
select lives_ok($$select public.set_role_permission('f0000000-0000-4000-a000-000000000001', 'admin', 'directory.manage', true)$$,
  'the Owner grants directory.manage to Admin');
select tests.act_as('e0000000-0000-4000-a000-000000000002');
insert into t select 'conn', (public.create_directory_connection('f0000000-0000-4000-a000-000000000001', 'Okta')).id;
select is(tests.error_of($$select public.create_directory_connection('f0000000-0000-4000-a000-000000000001', 'okta')$$),
  '23505:duplicate_name', 'connection names are unique per workspace, case-insensitively');
select is(tests.error_of($$select public.create_directory_connection('f0000000-0000-4000-a000-000000000001', 'X', 'owner')$$),
  '22023:unknown_role', 'a connection never gives the Owner role');

-- ---------- Tokens -------------------------------------------------------------------
insert into t select 'token1', token from public.create_directory_token(pg_temp.v('conn')::uuid);
insert into t select 'token2', token from public.create_directory_token(pg_temp.v('conn')::uuid, now() + interval '30 days');
select is(tests.error_of($$select public.create_directory_token('$$ || pg_temp.v('conn') || $$')$$),
  '22023:too_many', 'at most two live tokens per connection');
select tests.act_as_system();
select ok(pg_temp.v('token1') ~ '^fxscim_[0-9a-f]{64}$', 'a token is shown once, 256 random bits');
insert into t select 'token1id', id from public.directory_tokens where token_hash = encode(extensions.digest(pg_temp.v('token1'), 'sha256'), 'hex');
select is((select count(*) from public.directory_tokens where token_hash = encode(extensions.digest(pg_temp.v('token1'), 'sha256'), 'hex')),
  1::bigint, '... and kept only as its sha256');
select is(array(select action from public.activity_log where entity_id = pg_temp.v('conn') order by id),
  array['directory.connected', 'directory.token_created', 'directory.token_rotated'],
  'connection, token creation and rotation are logged');

select tests.act_as('e0000000-0000-4000-a000-000000000003');
select is((select count(*) from public.directory_tokens), 0::bigint, 'a Member reads no tokens');
select is(tests.error_of($$select token_hash from public.directory_tokens$$), '42501:', 'nobody reads token hashes');
select tests.act_as_system();

-- ---------- Authentication -----------------------------------------------------------
select is(pg_temp.scim('fxscim_wrong', 'list_users', '{}') ->> 'status', '401', 'an unknown token gets 401');
select is((pg_temp.scim(pg_temp.v('token1'), 'list_users', '{}') #>> '{body,totalResults}'), '0', 'a token lists its connection''s users (none yet)');
select tests.act_as('e0000000-0000-4000-a000-000000000003');
select is(tests.error_of($$select public.scim_call('x', 'list_users', '{}', null)$$), '42501:', 'signed-in people cannot call scim_call');
select tests.act_as_system();

-- ---------- Create: a new account ----------------------------------------------------
select is(pg_temp.scim(pg_temp.v('token1'), 'create_user',
  '{"user": {"userName": "New.Person@fixture.test", "email": "new.person@fixture.test", "givenName": "New", "familyName": "Person", "externalId": "00u1", "active": true}}'),
  '{"status": 0, "needsAccount": true, "email": "new.person@fixture.test", "sendInvitation": false,
    "workspaceId": "f0000000-0000-4000-a000-000000000001", "workspaceName": "Fixture Co"}'::jsonb,
  'without an account the function is asked to make one');
select tests.create_user('e0000000-0000-4000-a000-000000000050', 'new.person@fixture.test');
insert into t select 'new', pg_temp.scim(pg_temp.v('token1'), 'create_user',
  '{"userId": "e0000000-0000-4000-a000-000000000050", "createdAccount": true,
    "user": {"userName": "New.Person@fixture.test", "email": "new.person@fixture.test", "givenName": "New", "familyName": "Person",
             "externalId": "00u1", "active": true, "department": "IT"}}') #>> '{body,id}';
select results_eq($$select role::text, status::text, workspace_id::text from public.memberships where id = pg_temp.v('new')::uuid$$,
  $$values ('member', 'active', 'f0000000-0000-4000-a000-000000000001')$$,
  'POST makes an active membership with the default role');
select results_eq(
  $$select actor_id, actor_email, action from public.activity_log where entity_id = pg_temp.v('new') order by id$$,
  $$values (null::uuid, 'Directory sync (Okta)'::text, 'member.joined'::text)$$,
  'its activity row names "Directory sync (Okta)" as the actor');
select is((select actor_email from reporting.activity where entity_id = pg_temp.v('new') limit 1), 'Directory sync (Okta)',
  '... and so does the analysts'' view');
select is((select full_name from public.profiles where id = 'e0000000-0000-4000-a000-000000000050'), 'New Person',
  'the name goes to the profile of an account made for the connection');
select is(pg_temp.scim(pg_temp.v('token1'), 'create_user', '{"userId": "e0000000-0000-4000-a000-000000000050", "user": {"userName": "new.person@FIXTURE.test", "email": "new.person@fixture.test"}}') ->> 'scimType',
  'uniqueness', 'userName is unique case-insensitively (409 uniqueness)');

-- ---------- Filters ------------------------------------------------------------------
select is(pg_temp.scim(pg_temp.v('token1'), 'list_users', '{"filter": {"op": "eq", "attr": "userName", "value": "NEW.PERSON@fixture.test"}}') #>> '{body,Resources,0,id}',
  pg_temp.v('new'), 'filter userName eq, case-insensitive');
select is(pg_temp.scim(pg_temp.v('token1'), 'list_users', '{"filter": {"op": "eq", "attr": "externalId", "value": "00u1"}}') #>> '{body,totalResults}',
  '1', 'filter externalId eq');
select is(pg_temp.scim(pg_temp.v('token1'), 'list_users', '{"filter": {"op": "or", "filters": [{"op": "eq", "attr": "email", "value": "nobody@x.test"}, {"op": "eq", "attr": "email", "value": "New.Person@fixture.test"}]}}') #>> '{body,totalResults}',
  '1', 'filter emails.value eq, with or');
select is(pg_temp.scim(pg_temp.v('token1'), 'list_users', '{"filter": {"op": "and", "filters": [{"op": "eq", "attr": "userName", "value": "new.person@fixture.test"}, {"op": "eq", "attr": "active", "value": false}]}}') #>> '{body,totalResults}',
  '0', 'filter with and');
select is(pg_temp.scim(pg_temp.v('token1'), 'list_users', '{"filter": {"op": "eq", "attr": "password", "value": "x"}}') ->> 'scimType',
  'invalidFilter', 'an unknown attribute is 400 invalidFilter');
select is(pg_temp.scim(pg_temp.v('token1'), 'list_users', '{"filter": {"op": "eq", "attr": "userName", "value": "x'') or true or (''"}}') #>> '{body,totalResults}',
  '0', 'a quote in a value stays a value');
select is(pg_temp.scim(pg_temp.v('token1'), 'get_user', jsonb_build_object('id', pg_temp.v('new'))) #>> '{body,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User,department}',
  'IT', 'the enterprise extension is kept and returned');

-- ---------- Adopting an existing member; never the Owner -------------------------------
insert into t select 'adopted', pg_temp.scim(pg_temp.v('token1'), 'create_user',
  '{"user": {"userName": "fx-member@example.test", "email": "fx-member@example.test", "active": true}}') #>> '{body,id}';
select is(pg_temp.v('adopted'), 'd0000000-0000-4000-a000-000000000003', 'an existing member is adopted, not duplicated');
select is(pg_temp.scim(pg_temp.v('token1'), 'create_user', '{"user": {"userName": "fx-owner@example.test", "email": "fx-owner@example.test"}}') ->> 'status',
  '403', 'the Owner is never taken over (403)');
select is((select count(*) from public.directory_users where membership_id = 'd0000000-0000-4000-a000-000000000001'), 0::bigint,
  '... nothing of it is kept');
select results_eq($$select action, actor_email from public.activity_log
                     where action = 'member.directory_change_refused' and workspace_id = 'f0000000-0000-4000-a000-000000000001'$$,
  $$values ('member.directory_change_refused'::text, 'Directory sync (Okta)'::text)$$,
  '... and the refusal is in the activity log');

-- ---------- Deactivation and reactivation, as the Users page -------------------------
select is(pg_temp.scim(pg_temp.v('token1'), 'replace_user', jsonb_build_object('id', pg_temp.v('adopted'),
  'user', '{"userName": "fx-member@example.test", "email": "fx-member@example.test", "active": false}'::jsonb)) #>> '{body,active}',
  'false', 'active false answers the user inactive');
select is((select status::text from public.memberships where id = pg_temp.v('adopted')::uuid), 'inactive', '... the membership is inactive');
select is((select banned_until from auth.users where id = 'e0000000-0000-4000-a000-000000000003'), private.indefinite_ban_until(),
  '... the Auth account is banned (no other active membership)');
select is((select count(*) from auth.sessions where user_id = 'e0000000-0000-4000-a000-000000000003'), 0::bigint, '... its sessions are gone');
select is(array(select action || ' by ' || actor_email from public.activity_log where subject_user_id = 'e0000000-0000-4000-a000-000000000003'
                 and action in ('member.deactivated', 'member.sessions_revoked') order by id),
  array['member.deactivated by Directory sync (Okta)', 'member.sessions_revoked by Directory sync (Okta)'],
  '... logged as the Users page does, by Directory sync (Okta)');

select tests.act_as('e0000000-0000-4000-a000-000000000002');
select is(tests.error_of($$select public.reactivate_member('d0000000-0000-4000-a000-000000000003')$$), '42501:directory_managed',
  'a person cannot reactivate a member the directory manages');
select is(tests.error_of($$select public.change_member_role('d0000000-0000-4000-a000-000000000003', 'viewer')$$), '42501:directory_managed',
  '... nor change their role (the groups set it)');
select is((select managed_by from public.member_directory where id = 'd0000000-0000-4000-a000-000000000003'), 'Okta',
  'the Users page reads "Managed by Okta"');
select is((select jsonb_agg(a ->> 'action' order by a ->> 'action') from public.member_directory d, jsonb_array_elements(d.actions) a
            where d.id = 'd0000000-0000-4000-a000-000000000003' and a ->> 'refusal' = 'directory_managed'),
  '["changeRole", "reactivate"]'::jsonb, '... and its menu refuses the role and the status actions, not removal');
select ok((select bool_and(a ->> 'reason' like 'Managed by Okta:%') from public.member_directory d, jsonb_array_elements(d.actions) a
            where d.id = 'd0000000-0000-4000-a000-000000000003' and a ->> 'refusal' = 'directory_managed'),
  '... with the reason naming the connection');
select is((select managed_by from public.member_directory_page('f0000000-0000-4000-a000-000000000001', p_limit => 1000)
            where id = 'd0000000-0000-4000-a000-000000000003'), 'Okta', 'member_directory_page carries managed_by too');
select tests.act_as_system();

select is(pg_temp.scim(pg_temp.v('token1'), 'replace_user', jsonb_build_object('id', pg_temp.v('adopted'),
  'user', '{"userName": "fx-member@example.test", "active": true}'::jsonb)) #>> '{body,active}', 'true', 'active true reactivates');
select is((select banned_until from auth.users where id = 'e0000000-0000-4000-a000-000000000003'), null, '... and lifts the ban');
select is(pg_temp.scim(pg_temp.v('token1'), 'replace_user', jsonb_build_object('id', pg_temp.v('adopted'),
  'user', '{"userName": "fx-member@example.test", "email": "someone.else@fixture.test"}'::jsonb)) ->> 'scimType',
  'mutability', 'the sign-in address is not changed by directory sync');

-- ---------- Groups map to roles ------------------------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select lives_ok($$select public.set_directory_group_roles('$$ || pg_temp.v('conn') || $$',
  '[{"group": "Fluxera Admins", "role": "admin"}, {"group": "Fluxera Viewers", "role": "viewer"}]')$$, 'groups are mapped to roles');
select tests.act_as_system();
insert into t select 'admins', pg_temp.scim(pg_temp.v('token1'), 'create_group',
  jsonb_build_object('group', jsonb_build_object('displayName', 'fluxera admins', 'members', jsonb_build_array(pg_temp.v('new'))))) #>> '{body,id}';
select is((select role::text from public.memberships where id = pg_temp.v('new')::uuid), 'admin', 'a member of a mapped group gets its role');
select ok(pg_temp.scim(pg_temp.v('token1'), 'create_group',
  jsonb_build_object('group', jsonb_build_object('displayName', 'Fluxera Viewers', 'members', jsonb_build_array(pg_temp.v('new'))))) ->> 'status' = '201',
  'a second mapped group');
select is((select role::text from public.memberships where id = pg_temp.v('new')::uuid), 'admin', 'in several mapped groups, the highest role wins');
select is(pg_temp.scim(pg_temp.v('token1'), 'replace_group', jsonb_build_object('id', pg_temp.v('admins'),
  'group', '{"displayName": "Fluxera Admins", "members": []}'::jsonb)) ->> 'status', '200', 'removed from the admins group');
select is((select role::text from public.memberships where id = pg_temp.v('new')::uuid), 'viewer', '... the remaining mapped group decides');
select is(pg_temp.scim(pg_temp.v('token1'), 'list_groups', '{"filter": {"op": "eq", "attr": "displayName", "value": "fluxera admins"}, "members": false}') #>> '{body,Resources,0,members}',
  null, 'groups filtered by displayName, members left out on request');
select is(pg_temp.scim(pg_temp.v('token1'), 'create_group', '{"group": {"displayName": "G", "members": ["d0000000-0000-4000-a000-000000000005"]}}') ->> 'scimType',
  'invalidValue', 'a group cannot hold another workspace''s member');

-- ---------- One workspace per token ------------------------------------------------------
select is(pg_temp.scim(pg_temp.v('token1'), 'get_user', '{"id": "d0000000-0000-4000-a000-000000000005"}') ->> 'status', '404',
  'another workspace''s member is not found');
select is(pg_temp.scim(pg_temp.v('token1'), 'replace_user', '{"id": "d0000000-0000-4000-a000-000000000005", "user": {"userName": "x", "active": false}}') ->> 'status', '404',
  '... cannot be changed');
select is(pg_temp.scim(pg_temp.v('token1'), 'delete_user', '{"id": "d0000000-0000-4000-a000-000000000005"}') ->> 'status', '404',
  '... nor removed');
select is((select status::text from public.memberships where id = 'd0000000-0000-4000-a000-000000000005'), 'active', '... and stays as it was');

-- ---------- DELETE -------------------------------------------------------------------
select is(pg_temp.scim(pg_temp.v('token1'), 'delete_user', jsonb_build_object('id', pg_temp.v('adopted'))) ->> 'status', '204', 'DELETE removes a member');
select is((select count(*) from auth.users where id = 'e0000000-0000-4000-a000-000000000003'), 1::bigint,
  '... an account the connection did not make is kept');
select tests.add_member('d0000000-0000-4000-a000-000000000051', 'f0000000-0000-4000-a000-000000000002', 'e0000000-0000-4000-a000-000000000050', 'member');
select is(pg_temp.scim(pg_temp.v('token1'), 'delete_user', jsonb_build_object('id', pg_temp.v('new'))) ->> 'status', '204', 'DELETE of the new member');
select is((select count(*) from auth.users where id = 'e0000000-0000-4000-a000-000000000050'), 1::bigint,
  '... never deletes an account with another membership');

-- ---------- Revoked tokens and the rate limit ------------------------------------------
update public.directory_connections set rate_limit_per_minute = 1 where id = pg_temp.v('conn')::uuid;
update public.directory_tokens set window_count = 0, window_start = null;
select is(pg_temp.scim(pg_temp.v('token2'), 'list_users', '{}') ->> 'status', '200', 'within the rate limit');
select ok((pg_temp.scim(pg_temp.v('token2'), 'list_users', '{}') ->> 'status') = '429', 'past it: 429');
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select public.revoke_directory_token(pg_temp.v('token1id')::uuid);
select tests.act_as_system();
select is(pg_temp.scim(pg_temp.v('token1'), 'list_users', '{}') ->> 'status', '401', 'a revoked token gets 401 at once');
select is((select status from public.directory_requests order by id desc limit 1), 401, '... and the refusal is in the recent requests');

select * from finish();
rollback;
