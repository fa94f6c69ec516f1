-- =====================================================================================
-- Foundation: default privileges, enums, the private schema and shared trigger helpers.
-- Everything later builds on this file.
-- =====================================================================================

-- ---------- Default privileges -------------------------------------------------------
-- New functions are callable by nobody until a migration grants EXECUTE explicitly.
-- Per-schema defaults can only add to the global ones, so PUBLIC is revoked globally, and the
-- per-schema grants that Supabase sets up for the API roles in `public` are revoked too.
alter default privileges revoke execute on functions from public;
alter default privileges in schema public revoke execute on functions from anon, authenticated;

-- ---------- Enums --------------------------------------------------------------------
create type public.workspace_role as enum ('owner', 'admin', 'member', 'viewer');
comment on type public.workspace_role is
  'Role of a member in a workspace. Exactly one owner per workspace; the owner implicitly holds every permission.';

create type public.member_status as enum ('pending', 'active', 'inactive', 'suspended');
comment on type public.member_status is
  'Membership status. Only effectively active members (active, or suspended with suspended_until in the past) reach workspace data.';

-- ---------- Private schema -----------------------------------------------------------
-- Helpers that policies and RPCs use. PostgREST does not expose this schema. The API role
-- `authenticated` needs USAGE because RLS policies call helpers from here; individual
-- functions are still only executable where granted.
create schema if not exists private;
comment on schema private is
  'Internal helpers (security definer, search_path = ''''), trigger functions and privileged operations. Never exposed through the API.';

revoke all on schema private from public, anon, authenticated;
grant usage on schema private to authenticated, service_role;
alter default privileges in schema private revoke execute on functions from public;

-- ---------- Shared trigger helpers ---------------------------------------------------
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
