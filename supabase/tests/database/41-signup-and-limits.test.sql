-- =====================================================================================
-- Issue 19, the low findings and the per-person workspace limits (supabase/schemas: 10_workspaces_members, 50_activity_log, 90_auth_hooks):
-- the sign-up workspace waits for the confirmed address; workspaces per person are capped
-- (3 owned, 3 created per 24 hours) on every path; the Activity RPCs refuse values above their
-- documented maxima; the access token hook bounds user_metadata. Each block failed before.
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(32);

create or replace function pg_temp.signup(p_id uuid, p_email text, p_meta jsonb, p_confirmed boolean)
returns void language sql as $$
  insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                          raw_user_meta_data, created_at, updated_at)
  values ('00000000-0000-0000-0000-000000000000', p_id, 'authenticated', 'authenticated', p_email, '',
          case when p_confirmed then now() end, p_meta, now(), now())
$$;
create or replace function pg_temp.owned(p_user uuid) returns text language sql as $$
  select coalesce(string_agg(w.name, ',' order by w.name), '')
    from public.memberships m join public.workspaces w on w.id = m.workspace_id
   where m.user_id = p_user and m.role = 'owner' and m.status = 'active'
$$;
create or replace function pg_temp.error_text(p_sql text) returns text language plpgsql as $$
begin
  execute p_sql;
  return 'ok';
exception when others then
  return sqlerrm;
end;
$$;
grant execute on all functions in schema pg_temp to public;

-- ---------- 1. The sign-up workspace waits for the confirmed address -------------------
select pg_temp.signup('e4100000-0000-4000-a000-000000000001', 'squat@example.test',
  '{"full_name": "Sam Squatter", "workspace_name": "Victim Inc"}', false);
select is((select count(*) from public.memberships where user_id = 'e4100000-0000-4000-a000-000000000001'),
  0::bigint, 'an unconfirmed sign-up with workspace_name gets no membership');
select is((select count(*) from public.workspaces where name = 'Victim Inc'), 0::bigint,
  'and no workspace exists under the unconfirmed address');

-- Supabase Auth's user.Confirm(): update confirmation_token and email_confirmed_at only.
update auth.users set confirmation_token = '', email_confirmed_at = now()
 where id = 'e4100000-0000-4000-a000-000000000001';
select is(pg_temp.owned('e4100000-0000-4000-a000-000000000001'), 'Victim Inc',
  'confirming the address creates the workspace with the user as active Owner');
select is((select count(*) from public.activity_log l join public.workspaces w on w.id = l.workspace_id
            where w.name = 'Victim Inc' and l.action = 'workspace.created'), 1::bigint,
  'the creation is logged (workspace.created) in the confirming transaction');

update auth.users set email_confirmed_at = now() + interval '1 second', raw_user_meta_data = raw_user_meta_data || '{"email_verified": true}'
 where id = 'e4100000-0000-4000-a000-000000000001';
update auth.users set raw_user_meta_data = raw_user_meta_data || '{"workspace_name": "Second Try"}'
 where id = 'e4100000-0000-4000-a000-000000000001';
select is(pg_temp.owned('e4100000-0000-4000-a000-000000000001'), 'Victim Inc',
  'a later confirmation timestamp or metadata edit makes no second workspace');

select pg_temp.signup('e4100000-0000-4000-a000-000000000002', 'auto@example.test',
  '{"full_name": "Ada Auto", "workspace_name": "  Auto Co "}', true);
select is(pg_temp.owned('e4100000-0000-4000-a000-000000000002'), 'Auto Co',
  'a user inserted already confirmed (autoconfirm, admin createUser) gets the workspace at insert');

select pg_temp.signup('e4100000-0000-4000-a000-000000000003', 'invitee@example.test',
  '{"full_name": "Ivy Invitee", "invited_to": "x"}', false);
update auth.users set email_confirmed_at = now() where id = 'e4100000-0000-4000-a000-000000000003';
select is((select count(*) from public.memberships where user_id = 'e4100000-0000-4000-a000-000000000003'),
  0::bigint, 'an invitee (no workspace_name) gets no workspace on confirmation');

-- ---------- 2. Workspaces per person: 3 owned, 3 created per 24 hours -----------------
select tests.create_user('e4100000-0000-4000-a000-000000000010', 'maker@example.test', 'Max Maker');
select tests.act_as('e4100000-0000-4000-a000-000000000010');
select is((public.create_workspace('One')).name, 'One', 'first workspace');
select is((public.create_workspace('Two')).name, 'Two', 'second workspace');
select is((public.create_workspace('Three')).name, 'Three', 'third workspace');
select is(tests.error_of($$select public.create_workspace('Four')$$), '42501:workspace_limit_reached',
  'a fourth owned workspace: 42501 (HTTP 403) workspace_limit_reached');
select matches(pg_temp.error_text($$select public.create_workspace('Four')$$),
  'own 3 workspaces, and one person may own at most 3', 'the message states the limit');

select lives_ok(format('select public.delete_workspace(%L, %L)',
  (select w.id from public.workspaces w join public.memberships m on m.workspace_id = w.id
    where w.name = 'Three' and m.user_id = 'e4100000-0000-4000-a000-000000000010'), 'Three'),
  'the owner deletes one');
select is(tests.error_of($$select public.create_workspace('Three again')$$), 'PT429:workspace_rate_limited',
  'owning 2 but created 3 in 24 hours: PT429 (HTTP 429) workspace_rate_limited (deleted ones count)');
select matches(pg_temp.error_text($$select public.create_workspace('Three again')$$),
  'created 3 workspaces in the last 24 hours, and at most 3 are allowed. Try again after',
  'the message states the limit and when to retry');
select tests.act_as_system();
select is((select count(*) from public.workspaces where name in ('Four', 'Three again')), 0::bigint,
  'refused creations change nothing');

update private.workspace_creations set created_at = created_at - interval '25 hours'
 where user_id = 'e4100000-0000-4000-a000-000000000010';
select tests.act_as('e4100000-0000-4000-a000-000000000010');
select is((public.create_workspace('Three again')).name, 'Three again',
  'once the creations are older than 24 hours, a third owned workspace may be created');
select tests.act_as_system();
select is((select count(*) from private.workspace_creations where user_id = 'e4100000-0000-4000-a000-000000000010'),
  4::bigint, 'every creation is in the ledger, the deleted workspace''s included');

-- Ownership received by transfer is never refused, but counts for the next creation.
select tests.create_user('e4100000-0000-4000-a000-000000000011', 'heir@example.test', 'Hal Heir');
select tests.create_workspace('f4100000-0000-4000-a000-000000000001', 'e4100000-0000-4000-a000-000000000011', 'Heir 1');
select tests.create_workspace('f4100000-0000-4000-a000-000000000002', 'e4100000-0000-4000-a000-000000000011', 'Heir 2');
select tests.create_workspace('f4100000-0000-4000-a000-000000000003', 'e4100000-0000-4000-a000-000000000011', 'Heir 3');
select tests.act_as('e4100000-0000-4000-a000-000000000011');
select is(tests.error_of($$select public.create_workspace('Heir 4')$$), '42501:workspace_limit_reached',
  'owning 3 by any route: the next creation is refused');
select tests.act_as_system();

-- The sign-up path obeys the limits without failing the confirmation.
select pg_temp.signup('e4100000-0000-4000-a000-000000000012', 'busy@example.test',
  '{"workspace_name": "Busy Co"}', false);
insert into private.workspace_creations (user_id, workspace_id)
select 'e4100000-0000-4000-a000-000000000012', gen_random_uuid() from generate_series(1, 3);
select lives_ok($$update auth.users set email_confirmed_at = now() where id = 'e4100000-0000-4000-a000-000000000012'$$,
  'confirming an address whose owner is at the rate limit still succeeds');
select is((select email_confirmed_at is not null from auth.users where id = 'e4100000-0000-4000-a000-000000000012'), true,
  'the address is confirmed');
select is(pg_temp.owned('e4100000-0000-4000-a000-000000000012'), '',
  'but no workspace is created past the limit (create_workspace later says why)');

-- ---------- 3. Documented maxima are refused, not clamped -------------------------------
select tests.seed_fixture();
select tests.act_as('e0000000-0000-4000-a000-000000000001');
select is(tests.error_of($$select count(*) from public.activity_of_people('f0000000-0000-4000-a000-000000000001',
  array['e0000000-0000-4000-a000-000000000001']::uuid[], p_limit => 100000)$$), '22023:invalid_page',
  'activity_of_people p_limit 100,000: 22023 invalid_page');
select is(tests.error_of($$select count(*) from public.activity_of_people('f0000000-0000-4000-a000-000000000001',
  array['e0000000-0000-4000-a000-000000000001']::uuid[], p_limit => 0)$$), '22023:invalid_page',
  'activity_of_people p_limit 0: 22023 invalid_page');
select is(tests.error_of($$select count(*) from public.activity_of_people('f0000000-0000-4000-a000-000000000001',
  array['e0000000-0000-4000-a000-000000000001']::uuid[], p_limit => 1000)$$), 'ok',
  'activity_of_people p_limit 1000 (the maximum) is accepted');
select is(tests.error_of($$select * from public.activity_count('f0000000-0000-4000-a000-000000000001', p_cap => 10000000)$$),
  '22023:invalid_cap', 'activity_count p_cap 10,000,000: 22023 invalid_cap');
select is(tests.error_of($$select * from public.activity_count('f0000000-0000-4000-a000-000000000001', p_cap => 0)$$),
  '22023:invalid_cap', 'activity_count p_cap 0: 22023 invalid_cap');
select is(tests.error_of($$select * from public.activity_count('f0000000-0000-4000-a000-000000000001', p_cap => 100000)$$),
  'ok', 'activity_count p_cap 100,000 (the maximum) is accepted');
select tests.act_as_system();

-- ---------- 4. The token hook bounds user_metadata ---------------------------------------
select is(public.custom_access_token_hook(jsonb_build_object(
    'user_id', 'e0000000-0000-4000-a000-000000000001', 'authentication_method', 'token_refresh',
    'claims', jsonb_build_object('sub', 'e0000000-0000-4000-a000-000000000001', 'aal', 'aal1',
      'user_metadata', '{"full_name": "Fx Owner", "email_verified": true}'::jsonb))) -> 'claims' -> 'user_metadata',
  '{"full_name": "Fx Owner", "email_verified": true}'::jsonb, 'small user_metadata reaches the token unchanged');
select is(public.custom_access_token_hook(jsonb_build_object(
    'user_id', 'e0000000-0000-4000-a000-000000000001', 'authentication_method', 'token_refresh',
    'claims', jsonb_build_object('sub', 'e0000000-0000-4000-a000-000000000001', 'aal', 'aal1',
      'user_metadata', jsonb_build_object('full_name', 'Fx Owner', 'email_verified', true,
                                          'blob', repeat('x', 1000000))))) -> 'claims' -> 'user_metadata',
  '{"full_name": "Fx Owner", "email_verified": true, "metadata_trimmed": true}'::jsonb,
  '1 MB of user_metadata: only the keys read from tokens, flagged metadata_trimmed');
select is(octet_length((public.custom_access_token_hook(jsonb_build_object(
    'user_id', 'e0000000-0000-4000-a000-000000000001', 'authentication_method', 'token_refresh',
    'claims', jsonb_build_object('sub', 'e0000000-0000-4000-a000-000000000001', 'aal', 'aal1',
      'user_metadata', jsonb_build_object('full_name', repeat('n', 1000000))))) -> 'claims' -> 'user_metadata')::text) < 200,
  true, 'a 1 MB full_name is cut to 120 characters in the token');
select is((public.custom_access_token_hook(jsonb_build_object(
    'user_id', 'e0000000-0000-4000-a000-000000000001', 'authentication_method', 'token_refresh',
    'claims', jsonb_build_object('sub', 'e0000000-0000-4000-a000-000000000001', 'aal', 'aal1', 'role', 'authenticated',
      'user_metadata', jsonb_build_object('blob', repeat('x', 5000))))) -> 'claims') - 'user_metadata',
  '{"sub": "e0000000-0000-4000-a000-000000000001", "aal": "aal1", "role": "authenticated"}'::jsonb,
  'the other claims are untouched');

select * from finish();
rollback;
