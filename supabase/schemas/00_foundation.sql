-- =====================================================================================
-- Foundation: default privileges, the private schema, extensions and small shared helpers.
-- Everything after this file builds on it. The current state of the database lives in
-- supabase/schemas/ (one concern per file, run in the order config.toml lists); migrations are
-- the steps between states (supabase/README.md). `set local check_function_bodies = off` at the
-- top of each file, as pg_dump does: function bodies may name tables of a later file; the pgTAP
-- suite runs every function.
-- =====================================================================================

set local check_function_bodies = off;

-- ---------- Default privileges ----------------------------------------------------------
-- New functions are callable by nobody until a file grants EXECUTE explicitly.
-- Per-schema defaults can only add to the global ones, so PUBLIC is revoked globally, and the
-- per-schema grants that Supabase sets up for the API roles in `public` are revoked too
-- (service_role keeps EXECUTE on public functions, as on hosted Supabase).
alter default privileges revoke execute on functions from public;
alter default privileges in schema public revoke execute on functions from anon, authenticated;

-- ---------- Private schema ---------------------------------------------------------------
-- Helpers that policies and RPCs use. PostgREST does not expose this schema. The API role
-- `authenticated` needs USAGE because RLS policies call helpers from here; individual
-- functions are still only executable where granted.
create schema if not exists private;
comment on schema private is
  'Internal helpers (security definer, search_path = ''''), trigger functions and privileged operations. Never exposed through the API.';
revoke all on schema private from public, anon, authenticated;
grant usage on schema private to authenticated, service_role;
alter default privileges in schema private revoke execute on functions from public;

-- ---------- Extensions -------------------------------------------------------------------
-- pg_trgm: trigram indexes, so that a substring search ("contains") of names, emails, asset
-- tags and licence products reads an index instead of every row of the workspace.
-- Installed in the `extensions` schema, as on hosted Supabase.
create schema if not exists extensions;
create extension if not exists pg_trgm with schema extensions;
comment on extension pg_trgm is 'Trigram matching: GIN indexes that serve ilike ''%term%'' searches.';

-- ---------- Analysts' roles --------------------------------------------------------------
-- Made here, before any object grants them something; what they may read is in
-- 80_reporting.sql and 85_sql_credentials.sql.
-- fluxera_analyst: the operator's own BI, every workspace. NOLOGIN and without a password (no
-- secret ever ships in a migration); the local stack's supabase/seed.sql gives it a local-only
-- password, an operator enables it on a hosted project with a secret of their own (README,
-- "Analysts"). jit off: the dashboards' queries are short and JIT compilation only adds latency.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'fluxera_analyst') then
    create role fluxera_analyst nologin
      nosuperuser nocreatedb nocreaterole noinherit connection limit 10;
  end if;
end
$$;
alter role fluxera_analyst set search_path = reporting;
alter role fluxera_analyst set default_transaction_read_only = on;
alter role fluxera_analyst set statement_timeout = '60s';
alter role fluxera_analyst set jit = off;
comment on role fluxera_analyst is
  'Vendor-wide read-only role for the operator''s dashboards: SELECT on the reporting views (all workspaces), nothing else. NOLOGIN until an operator enables it with their own password.';

-- fluxera_workspace_analyst: the NOLOGIN group of the workspace-scoped SQL credentials (fx_ro_*).
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'fluxera_workspace_analyst') then
    create role fluxera_workspace_analyst nologin
      nosuperuser nocreatedb nocreaterole nobypassrls noinherit;
  end if;
end
$$;
comment on role fluxera_workspace_analyst is
  'NOLOGIN group of the workspace-scoped SQL credentials (fx_ro_*): USAGE on schema reporting and SELECT on its views, nothing else. The views filter rows to the credential''s workspace.';

-- ---------- Types ------------------------------------------------------------------

create type public.member_status as enum (
  'pending',
  'active',
  'inactive',
  'suspended'
);
comment on type public.member_status is
  'Membership status. Only effectively active members (active, or suspended with suspended_until in the past) reach workspace data.';

create type public.workspace_role as enum (
  'owner',
  'admin',
  'member',
  'viewer'
);
comment on type public.workspace_role is
  'Role of a member in a workspace. Exactly one owner per workspace; the owner implicitly holds every permission.';

-- ---------- Functions --------------------------------------------------------------

create or replace function private.touch_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;
comment on function private.touch_updated_at() is
  'BEFORE UPDATE trigger: sets updated_at to the transaction time.';

create or replace function private.is_valid_email(p_email text)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select p_email is not null
     and char_length(p_email) <= 320
     and p_email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'
$$;
comment on function private.is_valid_email(p_email text) is
  'The email shape profiles.email accepts (same expression as its check constraint).';

create or replace function private.refuse_view_write()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception '% is read-only: % is not allowed.', tg_table_name, lower(tg_op)
    using errcode = 'PT405', hint = 'read_only';
end;
$$;
comment on function private.refuse_view_write() is
  'INSTEAD OF trigger for API views: refuses every insert, update and delete with PT405 (HTTP 405) / read_only.';

create or replace function private.clean_name(p_name text)
returns text
language sql
immutable
set search_path = ''
as $$
  select nullif(
           pg_catalog.regexp_replace(
             pg_catalog.regexp_replace(p_name, '[[:cntrl:]]+', ' ', 'g'),
             '^[[:space:]\u00a0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u3000\ufeff]+|[[:space:]\u00a0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u3000\ufeff]+$', '', 'g'),
           '')
$$;
comment on function private.clean_name(p_name text) is
  'A name as stored: control characters become spaces, leading and trailing whitespace (including Unicode spaces such as no-break and zero-width ones) is removed; null when nothing is left.';
grant execute on function private.clean_name(p_name text) to authenticated, service_role;

create or replace function private.is_clean_name(p_name text)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select p_name is null
      or (p_name !~ '[[:cntrl:]]' and p_name ~ '[^[:space:]\u00a0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u3000\ufeff]')
$$;
comment on function private.is_clean_name(p_name text) is
  'True for null or a name with at least one visible character (not whitespace, Unicode spaces included) and no control characters.';
grant execute on function private.is_clean_name(p_name text) to authenticated, service_role;

create or replace function private.like_pattern(p_text text)
returns text
language sql
immutable
set search_path = ''
as $$
  select '%' || replace(replace(replace(btrim(p_text), '\', '\\'), '%', '\%'), '_', '\_') || '%'
$$;
comment on function private.like_pattern(p_text text) is
  'Substring pattern for ilike: the text with its LIKE wildcards escaped, between %.';
