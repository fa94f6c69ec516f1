-- =====================================================================================
-- Local stack bootstrap: what a hosted Supabase database already has before any project
-- migration runs. Applied once, as superuser, to a fresh cluster by local-stack/cli.ts.
-- Not a project migration: hosted Supabase (and `supabase start`) provide all of this.
-- =====================================================================================

-- ---------- API roles, as in Supabase's images --------------------------------------
do $$
begin
  if not exists (select from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit password 'postgres';
  end if;
  if not exists (select from pg_roles where rolname = 'supabase_auth_admin') then
    create role supabase_auth_admin login createrole noinherit password 'postgres';
  end if;
  if not exists (select from pg_roles where rolname = 'supabase_admin') then
    create role supabase_admin login superuser createrole createdb replication bypassrls password 'postgres';
  end if;
end
$$;

grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to postgres;
grant supabase_auth_admin to postgres;

-- Statement timeouts like Supabase's.
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';

-- ---------- Schemas and extensions ---------------------------------------------------
create schema if not exists extensions;
create extension if not exists pgcrypto with schema extensions;
create extension if not exists "uuid-ossp" with schema extensions;
grant usage on schema extensions to anon, authenticated, service_role;
alter database postgres set search_path = "$user", public, extensions;

grant usage on schema public to anon, authenticated, service_role;
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;

-- ---------- The auth schema ----------------------------------------------------------
-- Owned by supabase_auth_admin, whose search_path is auth (Auth queries unqualified names).
-- Its tables and functions come from Supabase Auth's own migrations (`$SUPABASE_AUTH_BIN migrate`)
-- or, by default, from the local stand-in's local-stack/auth/schema.sql.
create schema if not exists auth authorization supabase_auth_admin;
grant usage on schema auth to anon, authenticated, service_role, postgres;
alter role supabase_auth_admin set search_path = auth;
grant usage on schema extensions to supabase_auth_admin;

-- ---------- pgTAP for SQL tests (kept out of the API schemas) -----------------------
create extension if not exists pgtap with schema extensions;
