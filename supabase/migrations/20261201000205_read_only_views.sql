-- =====================================================================================
-- Views are read-only. A write to member_directory (a join, so not auto-updatable) used to
-- fail in the rewriter with SQLSTATE 55000, which PostgREST answers with HTTP 500, and that
-- before any privilege check, so even anonymous callers got a 500. An INSTEAD OF trigger
-- makes the view formally updatable: PostgreSQL then checks privileges first (anon: 42501 ->
-- 401, authenticated, which only has SELECT: 42501 -> 403), and a role that does hold a
-- write privilege (service_role by Supabase's default grants) reaches the trigger, which
-- refuses with PT405 (HTTP 405 Method Not Allowed) and hint read_only.
-- The view's definition and grants are untouched.
-- =====================================================================================

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
revoke all on function private.refuse_view_write() from public, anon, authenticated;

create trigger member_directory_read_only
  instead of insert or update or delete on public.member_directory
  for each row execute function private.refuse_view_write();
comment on trigger member_directory_read_only on public.member_directory is
  'The directory is read-only: writes answer 401/403 (no privilege) or 405 (read_only), never 500.';
