-- =====================================================================================
-- A revoked session's token gets nothing, anywhere (issue 12, finding 1).
-- Supabase Auth access tokens carry `session_id`; revoking a session (sign-out everywhere,
-- offboarding: private.sync_auth_access deletes auth.sessions rows) removes that row, but
-- the JWT itself stays valid until it expires. The access helpers and the RPCs therefore
-- also ask whether the token's session still exists.
--
-- Cost: one primary-key lookup on auth.sessions per helper call, and helpers run once per
-- statement (policies call them as `(select private.fn())`), so RLS paths pay one index
-- probe per request, not per row (EXPLAIN ANALYZE in supabase/tests/database/13-*.sql).
--
-- A token without a session_id claim (only ever minted by someone holding the JWT secret,
-- who could equally mint a service_role token) is judged by the membership rules alone, as
-- before; every token Supabase Auth issues has the claim.
-- =====================================================================================

-- ---------- The check ----------------------------------------------------------------
create or replace function private.session_active()
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_sid text := (select auth.jwt() ->> 'session_id');
begin
  if v_sid is null then
    return true;
  end if;
  if v_sid !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    return false;
  end if;
  return exists (
    select 1 from auth.sessions s
     where s.id = v_sid::uuid
       and (s.not_after is null or s.not_after > now())
  );
end;
$$;
comment on function private.session_active() is
  'Whether the caller''s Auth session (JWT claim session_id) still exists in auth.sessions and has not passed not_after. A token without the claim counts as active (see the migration header).';

create or replace function private.caller_id()
returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if private.session_active() then
    return (select auth.uid());
  end if;
  return null;
end;
$$;
comment on function private.caller_id() is
  'auth.uid() while the caller''s session is alive, else null: what RPCs use to say who is calling.';

create or replace function private.require_caller()
returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
begin
  if v_uid is null then
    raise exception 'Sign in first.' using errcode = '42501', hint = 'not_authenticated';
  end if;
  if not private.session_active() then
    raise exception 'Your session has ended. Sign in again.' using errcode = 'PT401', hint = 'session_revoked';
  end if;
  return v_uid;
end;
$$;
comment on function private.require_caller() is
  'The signed-in caller''s id; raises 42501 not_authenticated without one, PT401 (HTTP 401) session_revoked when the token''s session was revoked.';

-- ---------- Access helpers: same rules plus the session ------------------------------
create or replace function private.active_workspace_ids()
returns setof uuid
language plpgsql
stable
security definer
set search_path = ''
rows 10
as $$
begin
  if not private.session_active() then
    return;
  end if;
  return query
    select m.workspace_id
      from public.memberships m
     where m.user_id = (select auth.uid())
       and (m.status = 'active' or (m.status = 'suspended' and m.suspended_until <= now()));
end;
$$;

create or replace function private.accessible_workspace_ids()
returns setof uuid
language plpgsql
stable
security definer
set search_path = ''
rows 10
as $$
begin
  if not private.session_active() then
    return;
  end if;
  return query
    select m.workspace_id
      from public.memberships m
      join public.workspaces w on w.id = m.workspace_id
     where m.user_id = (select auth.uid())
       and (m.status = 'active' or (m.status = 'suspended' and m.suspended_until <= now()))
       and (w.require_2fa = 'off'
            or (w.require_2fa = 'admins' and m.role in ('member', 'viewer'))
            or (select auth.jwt() ->> 'aal') = 'aal2');
end;
$$;

create or replace function private.workspaces_with(p_permission text)
returns setof uuid
language plpgsql
stable
security definer
set search_path = ''
rows 10
as $$
begin
  if not private.session_active() then
    return;
  end if;
  return query
    select m.workspace_id
      from public.memberships m
      join public.workspaces w on w.id = m.workspace_id
     where m.user_id = (select auth.uid())
       and (m.status = 'active' or (m.status = 'suspended' and m.suspended_until <= now()))
       and (w.require_2fa = 'off'
            or (w.require_2fa = 'admins' and m.role in ('member', 'viewer'))
            or (select auth.jwt() ->> 'aal') = 'aal2')
       and case
             when m.role = 'owner' then exists (select 1 from public.permissions p where p.key = p_permission)
             else exists (
               select 1 from public.role_permissions rp
                where rp.workspace_id = m.workspace_id and rp.role = m.role and rp.permission = p_permission
             )
           end;
end;
$$;

create or replace function private.accessible_role(p_workspace_id uuid)
returns public.workspace_role
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not private.session_active() then
    return null;
  end if;
  return (
    select m.role
      from public.memberships m
      join public.workspaces w on w.id = m.workspace_id
     where m.workspace_id = p_workspace_id
       and m.user_id = (select auth.uid())
       and (m.status = 'active' or (m.status = 'suspended' and m.suspended_until <= now()))
       and (w.require_2fa = 'off'
            or (w.require_2fa = 'admins' and m.role in ('member', 'viewer'))
            or (select auth.jwt() ->> 'aal') = 'aal2')
  );
end;
$$;

create or replace function private.is_member(p_workspace_id uuid)
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not private.session_active() then
    return false;
  end if;
  return (
    select exists (
      select 1 from public.memberships m
       where m.workspace_id = p_workspace_id
         and m.user_id = (select auth.uid())
         and (m.status = 'active' or (m.status = 'suspended' and m.suspended_until <= now()))
    )
  );
end;
$$;

comment on function private.active_workspace_ids() is
  'Workspaces where the caller is effectively active with a live session (2FA not considered). Used for the workspaces row itself, so the SPA can tell the member that 2FA is required.';
comment on function private.accessible_workspace_ids() is
  'Workspaces whose data the caller may reach: live session, effectively active, and with an aal2 session where require_2fa applies to the caller''s role.';
comment on function private.workspaces_with(text) is
  'Workspaces where the caller (live session) is effectively active, passes the 2FA rule and holds p_permission (the owner holds all). Use in policies as workspace_id in (select private.workspaces_with(''x.y'')).';
comment on function private.accessible_role(uuid) is
  'The caller''s role in a workspace whose data they may reach (live session, effectively active, 2FA satisfied); null otherwise.';
comment on function private.is_member(uuid) is
  'Whether the caller (live session) is an effectively active member (used to answer not_found rather than reveal other workspaces).';

-- ---------- Own-row policies that do not go through a helper -------------------------
-- Restrictive: they are ANDed with every permissive policy of the table.
create policy "Only live sessions reach memberships"
  on public.memberships as restrictive for all to authenticated
  using ((select private.session_active()));
comment on policy "Only live sessions reach memberships" on public.memberships is
  'A token whose Auth session was revoked reads nothing, its own memberships included.';

create policy "Only live sessions reach profiles"
  on public.profiles as restrictive for all to authenticated
  using ((select private.session_active()))
  with check ((select private.session_active()));
comment on policy "Only live sessions reach profiles" on public.profiles is
  'A token whose Auth session was revoked reads or edits no profile, its own included.';

create policy "Only live sessions read the catalogue"
  on public.permissions as restrictive for all to authenticated
  using ((select private.session_active()));
comment on policy "Only live sessions read the catalogue" on public.permissions is
  'A token whose Auth session was revoked gets nothing, not even the permission catalogue.';

-- ---------- Grants -------------------------------------------------------------------
revoke all on function private.session_active(), private.caller_id(), private.require_caller()
  from public, anon;
grant execute on function private.session_active() to authenticated, service_role;
grant execute on function private.caller_id(), private.require_caller() to service_role;

-- ---------- Telling the client its session is gone ------------------------------------
-- A revoked session reads nothing, so to the SPA its memberships simply vanish. This answer
-- (about the token itself, no data) lets it say "you were signed out" instead of "you are no
-- longer a member".
create or replace function public.session_alive()
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return (select auth.uid()) is not null and private.session_active();
end;
$$;
comment on function public.session_alive() is
  'Whether the caller''s token still belongs to a live Auth session (false once it was revoked, e.g. by offboarding). Reveals nothing else.';
revoke all on function public.session_alive() from public, anon;
grant execute on function public.session_alive() to authenticated;
