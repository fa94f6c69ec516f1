-- =====================================================================================
-- Test helpers (schema `tests`), used by every other test file. This file COMMITS (it runs
-- first: "00-helpers" sorts before the other files), so later files, each wrapped in its own
-- rolled-back transaction, can call the helpers. Everything here is create-or-replace.
-- Local/CI databases only.
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(8);

drop schema if exists tests cascade;
create schema tests;
grant usage on schema tests to public;

-- A confirmed email user (auth.users + identity) with a fixed id; the profile comes from
-- the auth.users trigger.
create or replace function tests.create_user(p_id uuid, p_email text, p_full_name text default null)
returns uuid
language plpgsql
as $$
begin
  insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                          raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
  values ('00000000-0000-0000-0000-000000000000', p_id, 'authenticated', 'authenticated', p_email, '',
          now(), '{"provider":"email","providers":["email"]}',
          jsonb_build_object('full_name', coalesce(p_full_name, split_part(p_email, '@', 1))), now(), now());
  insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
  values (p_id::text, p_id, jsonb_build_object('sub', p_id::text, 'email', p_email), 'email', now(), now());
  return p_id;
end;
$$;

-- A workspace with a fixed id owned by p_owner (as the database, no JWT).
create or replace function tests.create_workspace(p_id uuid, p_owner uuid, p_name text default 'Test workspace')
returns uuid
language plpgsql
as $$
begin
  insert into public.workspaces (id, name) values (p_id, p_name);
  insert into public.memberships (workspace_id, user_id, role, status, joined_at)
  values (p_id, p_owner, 'owner', 'active', now());
  return p_id;
end;
$$;

-- A membership with a fixed id in any role/status.
create or replace function tests.add_member(
  p_id uuid, p_workspace_id uuid, p_user_id uuid,
  p_role public.workspace_role default 'member',
  p_status public.member_status default 'active',
  p_suspended_until timestamptz default null
)
returns uuid
language sql
as $$
  insert into public.memberships (id, workspace_id, user_id, role, status, suspended_until, invited_at, invite_expires_at, joined_at)
  values (p_id, p_workspace_id, p_user_id, p_role, p_status, p_suspended_until, now(),
          case when p_status = 'pending' then now() + interval '7 days' end,
          case when p_status <> 'pending' then now() end)
  returning id
$$;

-- The standard fixture most files start from (ids are easy to read in tests):
--   users      e...01 owner, e...02 admin, e...03 member, e...04 viewer, e...05 other owner
--   workspaces f...01 "Fixture Co" (those four), f...02 "Other Co" (e...05)
--   members    d...01 owner, d...02 admin, d...03 member, d...04 viewer (Fixture Co); d...05 (Other Co)
--   assets     c...01 unassigned, c...02 assigned to the member (Fixture Co); c...03 (Other Co)
--   licence    b...01 (Fixture Co, 2 seats, one held by the member)
create or replace function tests.seed_fixture()
returns void
language plpgsql
as $$
begin
  perform tests.create_user('e0000000-0000-4000-a000-000000000001', 'fx-owner@example.test', 'Fx Owner');
  perform tests.create_user('e0000000-0000-4000-a000-000000000002', 'fx-admin@example.test', 'Fx Admin');
  perform tests.create_user('e0000000-0000-4000-a000-000000000003', 'fx-member@example.test', 'Fx Member');
  perform tests.create_user('e0000000-0000-4000-a000-000000000004', 'fx-viewer@example.test', 'Fx Viewer');
  perform tests.create_user('e0000000-0000-4000-a000-000000000005', 'fx-other@example.test', 'Fx Other');

  insert into public.workspaces (id, name) values
    ('f0000000-0000-4000-a000-000000000001', 'Fixture Co'),
    ('f0000000-0000-4000-a000-000000000002', 'Other Co');
  perform tests.add_member('d0000000-0000-4000-a000-000000000001', 'f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000001', 'owner');
  perform tests.add_member('d0000000-0000-4000-a000-000000000002', 'f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000002', 'admin');
  perform tests.add_member('d0000000-0000-4000-a000-000000000003', 'f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000003', 'member');
  perform tests.add_member('d0000000-0000-4000-a000-000000000004', 'f0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000004', 'viewer');
  perform tests.add_member('d0000000-0000-4000-a000-000000000005', 'f0000000-0000-4000-a000-000000000002', 'e0000000-0000-4000-a000-000000000005', 'owner');

  insert into public.assets (id, workspace_id, name, asset_tag, status, assigned_to) values
    ('c0000000-0000-4000-a000-000000000001', 'f0000000-0000-4000-a000-000000000001', 'Fixture laptop', 'FX-1', 'in_stock', null),
    ('c0000000-0000-4000-a000-000000000002', 'f0000000-0000-4000-a000-000000000001', 'Member phone', 'FX-2', 'assigned', 'e0000000-0000-4000-a000-000000000003'),
    ('c0000000-0000-4000-a000-000000000003', 'f0000000-0000-4000-a000-000000000002', 'Other asset', 'OT-1', 'in_stock', null);
  insert into public.licenses (id, workspace_id, product, seats) values
    ('b0000000-0000-4000-a000-000000000001', 'f0000000-0000-4000-a000-000000000001', 'Fixture Suite', 2);
  insert into public.license_seats (workspace_id, license_id, user_id) values
    ('f0000000-0000-4000-a000-000000000001', 'b0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000003');
end;
$$;

-- Act as a signed-in user, the way PostgREST does (role + request.jwt.claims), for the rest
-- of the transaction or until the next act_as/act_as_system.
create or replace function tests.act_as(p_user_id uuid, p_aal text default 'aal1')
returns void
language plpgsql
as $$
begin
  perform set_config('role', 'authenticated', true);
  perform set_config('request.jwt.claims',
    json_build_object('sub', p_user_id, 'role', 'authenticated', 'aal', p_aal)::text, true);
end;
$$;

-- Back to the database owner with no JWT.
create or replace function tests.act_as_system()
returns void
language plpgsql
as $$
begin
  perform set_config('role', 'postgres', true);
  perform set_config('request.jwt.claims', '', true);
end;
$$;

-- Runs a statement and returns 'ok', or '<sqlstate>:<hint>' (hint may be empty) of the
-- error it raised. Lets tests assert the stable hint code, not just the SQLSTATE.
create or replace function tests.error_of(p_sql text)
returns text
language plpgsql
as $$
declare
  v_state text;
  v_hint text;
begin
  execute p_sql;
  return 'ok';
exception when others then
  get stacked diagnostics v_state = returned_sqlstate, v_hint = pg_exception_hint;
  return v_state || ':' || coalesce(v_hint, '');
end;
$$;

-- The plan PostgreSQL picks for a query, as text (EXPLAIN, costs off), as the current role.
create or replace function tests.plan_of(p_sql text)
returns text
language plpgsql
as $$
declare
  v_line text;
  v_plan text := '';
begin
  for v_line in execute 'explain (costs off) ' || p_sql loop
    v_plan := v_plan || v_line || E'\n';
  end loop;
  return v_plan;
end;
$$;

-- The same with the output columns of every node (EXPLAIN VERBOSE): shows what a view's
-- expression became after inlining, above a security-barrier subquery too.
create or replace function tests.verbose_plan_of(p_sql text)
returns text
language plpgsql
as $$
declare
  v_line text;
  v_plan text := '';
begin
  for v_line in execute 'explain (costs off, verbose) ' || p_sql loop
    v_plan := v_plan || v_line || E'\n';
  end loop;
  return v_plan;
end;
$$;

grant execute on all functions in schema tests to public;

-- ---------- The helpers exist --------------------------------------------------------
-- (They are exercised with data in 01-schema.test.sql, inside a rolled-back transaction:
-- nothing committed here may write activity rows, which are permanent.)
select has_function('tests', 'create_user', array['uuid', 'text', 'text'], 'tests.create_user()');
select has_function('tests', 'create_workspace', array['uuid', 'uuid', 'text'], 'tests.create_workspace()');
select has_function('tests', 'add_member', 'tests.add_member()');
select has_function('tests', 'seed_fixture', 'tests.seed_fixture()');
select has_function('tests', 'act_as', array['uuid', 'text'], 'tests.act_as()');
select has_function('tests', 'act_as_system', 'tests.act_as_system()');
select is(tests.error_of('select 1/0'), '22012:', 'error_of reports the SQLSTATE and (empty) hint');
select matches(tests.plan_of('select 1'), 'Result', 'plan_of returns the plan text');

select * from finish();
commit;
