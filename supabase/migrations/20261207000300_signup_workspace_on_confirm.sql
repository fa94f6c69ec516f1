-- =====================================================================================
-- The workspace asked for at sign-up is created when the address is confirmed, not when the
-- account row is inserted (issue 19, finding 8).
--
-- Before: `signUp({ data: { workspace_name } })` made the workspace, with the new user as its
-- Owner, in the same statement that inserted the auth.users row, so anyone could sign up under
-- someone else's address and hold a workspace in their name without ever proving the address.
-- Now the workspace is made by whichever comes first:
--   * the INSERT of a user whose address is already confirmed (Auth with autoconfirm, an admin
--     createUser with email_confirm, a user made by SQL with email_confirmed_at set);
--   * the UPDATE that sets email_confirmed_at from null (Auth's /verify of the signup, invite or
--     magic-link mail, the admin API's email_confirm). Supabase Auth's user.Confirm() runs
--     `update users set confirmation_token = ?, email_confirmed_at = ? where id = ?`; the local
--     stand-in's confirmUser() sets email_confirmed_at in one UPDATE too, so the column trigger
--     below fires for both.
-- An unconfirmed user cannot sign in (Auth answers email_not_confirmed), so "at confirmation" is
-- also "before the first sign-in". Invitees (no workspace_name in their metadata) are untouched:
-- they join the inviting workspace through accept_invitation, as before.
--
-- The existing INSERT trigger (fluxera_b_create_signup_workspace) is kept, not dropped: dropping a
-- trigger needs ownership of auth.users, which a hosted project's `postgres` does not have; its
-- function now skips unconfirmed rows instead.
-- =====================================================================================

create or replace function private.create_signup_workspace()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_name text;
  v_hint text;
begin
  -- Not confirmed yet: the UPDATE trigger below makes the workspace when the address is proven.
  if new.email_confirmed_at is null then
    return null;
  end if;
  v_name := left(private.clean_name(new.raw_user_meta_data ->> 'workspace_name'), 80);
  if coalesce(v_name, '') = '' then
    return null;
  end if;
  begin
    perform private.create_workspace_for(new.id, v_name);
  exception when others then
    -- A workspace limit (20261207000310) must never fail Auth's /verify or sign-up with a 500:
    -- the account is confirmed without a workspace, and create_workspace() later says why.
    get stacked diagnostics v_hint = pg_exception_hint;
    if v_hint in ('workspace_limit_reached', 'workspace_rate_limited') then
      raise warning 'sign-up workspace for % not created: %', new.id, v_hint;
    else
      raise;
    end if;
  end;
  return null;
end;
$$;
comment on function private.create_signup_workspace() is
  'Trigger on auth.users (AFTER INSERT, and AFTER UPDATE OF email_confirmed_at from null): once the address is confirmed and raw_user_meta_data has workspace_name with a visible character, creates that workspace (name cleaned, cut to 80 characters) with the user as owner, through private.create_workspace_for (its per-user limits apply; a limit reached skips the workspace with a warning). Unconfirmed rows are skipped, so nobody holds a workspace under an address they have not proven. Never blocks the sign-up or the confirmation over the name or a limit.';

-- Fires only on the null -> set transition: a later re-confirmation (email change keeps
-- email_confirmed_at), a metadata edit or a sign-in never makes a second workspace.
create trigger fluxera_b_create_signup_workspace_on_confirm
  after update of email_confirmed_at on auth.users
  for each row
  when (old.email_confirmed_at is null and new.email_confirmed_at is not null
        and new.raw_user_meta_data ? 'workspace_name')
  execute function private.create_signup_workspace();
-- (No COMMENT ON TRIGGER: it needs ownership of auth.users; the function's comment says it.)
