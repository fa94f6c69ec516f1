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

create or replace function private.token_user_metadata(p_metadata jsonb)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select case
    when p_metadata is null or jsonb_typeof(p_metadata) <> 'object' then coalesce(p_metadata, '{}'::jsonb)
    when octet_length(p_metadata::text) <= 2048 then p_metadata
    else jsonb_strip_nulls(jsonb_build_object(
      'full_name', case when jsonb_typeof(p_metadata -> 'full_name') = 'string'
                        then to_jsonb(left(p_metadata ->> 'full_name', 120)) end,
      'email', case when jsonb_typeof(p_metadata -> 'email') = 'string'
                         and char_length(p_metadata ->> 'email') <= 320
                    then p_metadata -> 'email' end,
      'sub', case when jsonb_typeof(p_metadata -> 'sub') = 'string'
                       and char_length(p_metadata ->> 'sub') <= 64
                  then p_metadata -> 'sub' end,
      'email_verified', case when jsonb_typeof(p_metadata -> 'email_verified') = 'boolean'
                             then p_metadata -> 'email_verified' end,
      'phone_verified', case when jsonb_typeof(p_metadata -> 'phone_verified') = 'boolean'
                             then p_metadata -> 'phone_verified' end,
      'metadata_trimmed', true))
  end
$$;
comment on function private.token_user_metadata(jsonb) is
  'The user_metadata claim an access token may carry: the stored metadata when its JSON text is at most 2,048 bytes, else only full_name (cut to 120 characters), email, sub, email_verified and phone_verified (short scalars only) and "metadata_trimmed": true. Used by public.custom_access_token_hook.';


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
  v_claims jsonb := event -> 'claims';
  v_sso_provider uuid;
  v_sso public.sso_connections;
begin
  -- A SAML sign-in (docs/sso.md): Auth's amr names the provider; the account joins the
  -- workspace of that provider just in time (private.sso_join). A failure there never stops
  -- the sign-in: the person then simply has no new membership.
  if v_user_id is not null and v_method = 'sso/saml' and jsonb_typeof(v_claims -> 'amr') = 'array' then
    select (a ->> 'provider')::uuid into v_sso_provider
      from jsonb_array_elements(v_claims -> 'amr') a
     where a ->> 'method' = 'sso/saml'
       and a ->> 'provider' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
     limit 1;
    if v_sso_provider is not null then
      begin
        v_sso := private.sso_join(v_user_id, v_sso_provider);
      exception when others then
        raise warning 'custom_access_token_hook: SSO join of % failed: % (%)', v_user_id, sqlerrm, sqlstate;
        v_sso := null;
      end;
    end if;
  end if;
  -- Refreshes are not sign-ins; every other method (password, otp, magiclink, invite,
  -- oauth, sso/saml, totp/mfa step-up, ...) is.
  if v_user_id is not null and coalesce(v_method, '') <> 'token_refresh' then
    for v_workspace_id in
      update public.memberships m
         set last_active_at = now()
       where m.user_id = v_user_id
         and private.is_effectively_active(m.status, m.suspended_until)
      returning m.workspace_id
    loop
      if v_sso.workspace_id is not null and v_sso.workspace_id = v_workspace_id then
        perform private.log_activity(
          v_workspace_id, 'auth.sso_sign_in', 'user', v_user_id::text,
          null, jsonb_build_object('method', v_method, 'aal', v_claims ->> 'aal', 'connection', v_sso.name),
          v_user_id, v_user_id);
      else
        perform private.log_activity(
          v_workspace_id, 'auth.sign_in', 'user', v_user_id::text,
          null, jsonb_build_object('method', v_method, 'aal', v_claims ->> 'aal'),
          v_user_id, v_user_id);
      end if;
    end loop;
  end if;
  -- Bound what the user controls before it is signed into every token (at most 2,048 bytes).
  if v_claims ? 'user_metadata' then
    v_claims := jsonb_set(v_claims, '{user_metadata}',
                          private.token_user_metadata(v_claims -> 'user_metadata'));
  end if;
  return jsonb_build_object('claims', v_claims);
end;
$$;
comment on function public.custom_access_token_hook(jsonb) is
  'Supabase Custom Access Token Hook: input {user_id, claims, authentication_method}, output {claims}: unchanged except user_metadata, which is kept only when its JSON text is at most 2,048 bytes and otherwise replaced by full_name, email, sub, email_verified, phone_verified and "metadata_trimmed": true (private.token_user_metadata), so no one can inflate their own tokens. For an sso/saml sign-in first joins the provider''s workspace just in time (private.sso_join) and records auth.sso_sign_in ("via SSO (<connection>)") there. For non-refresh methods records auth.sign_in in each workspace where the user is effectively active and sets memberships.last_active_at. Executable by supabase_auth_admin only.';
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

create or replace function public.sign_in_refusal(p_email text, p_password text)
returns table (kind text, workspace_name text, suspended_until timestamptz, reason text)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_user auth.users;
begin
  -- Only after Auth refused a sign-in with user_banned (Auth says so to anyone who knows the
  -- address), and only to someone who knows the password: then the suspension's end date and
  -- reason are theirs to read (docs/product-rules.md, "Statuses"; issue 23).
  if p_email is null or p_password is null or length(p_password) > 200 or length(p_email) > 320 then
    return;
  end if;
  select * into v_user from auth.users u
   where lower(u.email) = lower(btrim(p_email)) and u.banned_until > now();
  if not found or v_user.encrypted_password is null or v_user.encrypted_password = '' then
    return;
  end if;
  -- the same throttle as the failed sign-in alert: 5 in 15 minutes
  if (select count(*) from public.activity_log a
       where a.subject_user_id = v_user.id and a.action = 'auth.sign_in_failed'
         and a.occurred_at > now() - interval '15 minutes') >= 5 then
    raise exception 'Too many attempts. Wait 15 minutes and try again.' using errcode = 'PT429', hint = 'rate_limited';
  end if;
  if extensions.crypt(p_password, v_user.encrypted_password) <> v_user.encrypted_password then
    perform public.password_verification_attempt_hook(
      jsonb_build_object('user_id', v_user.id, 'valid', false));
    return;
  end if;
  -- Not a Fluxera ban (someone else's, in Auth): say nothing more than Auth did.
  if not exists (select 1 from private.auth_bans b where b.user_id = v_user.id) then
    return;
  end if;
  return query
    select case when m.status = 'suspended' then 'suspended' else 'deactivated' end,
           w.name, m.suspended_until, m.status_reason
      from public.memberships m
      join public.workspaces w on w.id = m.workspace_id
     where m.user_id = v_user.id and m.status in ('suspended', 'inactive')
     order by m.status desc, m.suspended_until desc nulls first;
end;
$$;
comment on function public.sign_in_refusal(p_email text, p_password text) is
  'The sign-in page, after Auth answered user_banned: when the address and password match and the ban is Fluxera''s (private.auth_bans), one row per workspace the person is suspended in (until when, reason) or deactivated in, so the page says what happened and what to do instead of "account disabled". Nothing for a wrong password (counted as a failed sign-in) or a ban that is not ours. Service role only: the sign-in-help edge function asks for the sign-in page. Errors: PT429 rate_limited (5 failed sign-ins in 15 minutes).';
revoke all on function public.sign_in_refusal(p_email text, p_password text) from public, anon, authenticated;
grant execute on function public.sign_in_refusal(p_email text, p_password text) to service_role;

