-- =====================================================================================
-- Supabase Auth hooks (Postgres functions), run by Auth as supabase_auth_admin.
-- custom_access_token_hook records auth.sign_in and bumps last_active_at;
-- password_verification_attempt_hook records auth.sign_in_failed. Enabled in config.toml
-- ([auth.hook.*]) and, on a hosted project, in the dashboard.
-- =====================================================================================

set local check_function_bodies = off;

-- Auth calls the hooks as supabase_auth_admin, which needs to reach schema public.
grant usage on schema public to supabase_auth_admin;

-- ---------- Functions --------------------------------------------------------------

create or replace function public.custom_access_token_hook(event jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := (event ->> 'user_id')::uuid;
  v_method text := event ->> 'authentication_method';
  v_workspace_id uuid;
begin
  -- Refreshes are not sign-ins; every other method (password, otp, magiclink, invite,
  -- oauth, totp/mfa step-up, ...) is.
  if v_user_id is not null and coalesce(v_method, '') <> 'token_refresh' then
    for v_workspace_id in
      update public.memberships m
         set last_active_at = now()
       where m.user_id = v_user_id
         and private.is_effectively_active(m.status, m.suspended_until)
      returning m.workspace_id
    loop
      perform private.log_activity(
        v_workspace_id, 'auth.sign_in', 'user', v_user_id::text,
        null, jsonb_build_object('method', v_method, 'aal', event -> 'claims' ->> 'aal'),
        v_user_id, v_user_id);
    end loop;
  end if;
  return jsonb_build_object('claims', event -> 'claims');
end;
$$;
comment on function public.custom_access_token_hook(event jsonb) is
  'Supabase Custom Access Token Hook: input {user_id, claims, authentication_method}, output {claims} (unchanged). For non-refresh methods records auth.sign_in in each workspace where the user is effectively active and sets memberships.last_active_at. Executable by supabase_auth_admin only.';
revoke all on function public.custom_access_token_hook(event jsonb) from service_role;
grant execute on function public.custom_access_token_hook(event jsonb) to supabase_auth_admin;

create or replace function public.password_verification_attempt_hook(event jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := (event ->> 'user_id')::uuid;
  v_workspace_id uuid;
begin
  if v_user_id is not null and coalesce((event ->> 'valid')::boolean, false) = false then
    for v_workspace_id in
      select m.workspace_id from public.memberships m
       where m.user_id = v_user_id and m.status <> 'pending'
    loop
      perform private.log_activity(
        v_workspace_id, 'auth.sign_in_failed', 'user', v_user_id::text,
        null, null, v_user_id, v_user_id);
    end loop;
  end if;
  return jsonb_build_object('decision', 'continue');
end;
$$;
comment on function public.password_verification_attempt_hook(event jsonb) is
  'Supabase Password Verification Attempt Hook: input {user_id, valid}, output {decision: continue}. Records auth.sign_in_failed in every workspace the user belongs to (not pending), so admins see attempts on deactivated accounts too. Executable by supabase_auth_admin only.';
revoke all on function public.password_verification_attempt_hook(event jsonb) from service_role;
grant execute on function public.password_verification_attempt_hook(event jsonb) to supabase_auth_admin;
