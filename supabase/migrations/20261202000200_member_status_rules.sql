-- =====================================================================================
-- The member-status and two-factor rules, each written once. Until now the effective-status
-- rule ("a suspension whose end has passed counts as active") was spelt out in a dozen
-- function bodies, and the two-factor rule ("the workspace's require_2fa, the member's role
-- and the session's aal") in four. Here each becomes one small private SQL function, and
-- every function that applied a copy is redefined to call it, with the same result.
--
-- The predicates are plain `language sql` expressions without `set search_path` and without
-- `security definer`, so the planner inlines them into the queries that call them: the
-- plans stay what they were with the copies (checked with EXPLAIN, and by the plan tests).
-- A `set` clause would stop the inlining; the bodies name every object by schema instead.
--
-- public.workspace_report() takes the rule in 20261202000220_rpc_preludes.sql. Left for
-- later (another change optimises them): the directory (private.directory_where,
-- private.directory_page_sql, public.member_directory) and the reporting views keep their
-- own copies for now.
-- =====================================================================================

-- ---------- The effective-status rule ------------------------------------------------
create or replace function private.suspension_elapsed(
  p_status public.member_status, p_suspended_until timestamptz)
returns boolean
language sql
stable
as $$
  select p_status = 'suspended' and p_suspended_until is not null and p_suspended_until <= pg_catalog.now()
$$;
comment on function private.suspension_elapsed(public.member_status, timestamptz) is
  'The one place of the effective-status rule: a suspension whose end (suspended_until) has passed is over, and the member counts as active at once, before private.lift_expired_suspensions() rewrites the row. False (never null) for an open-ended suspension, so the predicates built on it are never null either. Inlinable (plain SQL, no SET clause).';

create or replace function private.effective_status(
  p_status public.member_status, p_suspended_until timestamptz)
returns public.member_status
language sql
stable
as $$
  select case when private.suspension_elapsed(p_status, p_suspended_until)
              then 'active'::public.member_status
              else p_status end
$$;
comment on function private.effective_status(public.member_status, timestamptz) is
  'The status that counts: active for a suspension whose end has passed (private.suspension_elapsed), the stored status otherwise. Inlinable (plain SQL, no SET clause).';

create or replace function private.is_effectively_active(
  p_status public.member_status, p_suspended_until timestamptz)
returns boolean
language sql
stable
as $$
  select p_status = 'active' or private.suspension_elapsed(p_status, p_suspended_until)
$$;
comment on function private.is_effectively_active(public.member_status, timestamptz) is
  'Whether a membership reaches workspace data by its status: active, or suspended with the end passed. Written as a boolean so that, inlined, it is the same index-friendly condition the helpers used before. Inlinable (plain SQL, no SET clause).';

create or replace function private.is_offboarded(
  p_status public.member_status, p_suspended_until timestamptz)
returns boolean
language sql
stable
as $$
  select private.effective_status(p_status, p_suspended_until) in ('inactive', 'suspended')
$$;
comment on function private.is_offboarded(public.member_status, timestamptz) is
  'Deactivated, or suspended and the suspension still running (open-ended or ending later): the states that ban the Auth account (private.sync_auth_access) and in which a member cannot leave on their own. Inlinable (plain SQL, no SET clause).';

-- ---------- The two-factor rule ------------------------------------------------------
create or replace function private.two_factor_satisfied(
  p_require_2fa text, p_role public.workspace_role, p_aal text)
returns boolean
language sql
immutable
as $$
  select p_require_2fa = 'off'
      or (p_require_2fa = 'admins' and p_role in ('member', 'viewer'))
      or coalesce(p_aal = 'aal2', false)
$$;
comment on function private.two_factor_satisfied(text, public.workspace_role, text) is
  'Whether a session at assurance level p_aal (the JWT''s aal claim; null counts as aal1) may open a workspace that requires two-factor authentication per p_require_2fa (off | admins | everyone) of a member with role p_role: admins means the Owner and Admins. Callers pass (select auth.jwt() ->> ''aal'') so that it is read once per query. Inlinable (plain SQL, no SET clause).';

revoke all on function private.suspension_elapsed(public.member_status, timestamptz) from public;
revoke all on function private.is_effectively_active(public.member_status, timestamptz) from public;
revoke all on function private.is_offboarded(public.member_status, timestamptz) from public;
revoke all on function private.two_factor_satisfied(text, public.workspace_role, text) from public;
-- private.effective_status is granted to authenticated already (RLS-side callers); the
-- rule it calls must be executable by the same roles, or the planner would not inline it.
grant execute on function private.suspension_elapsed(public.member_status, timestamptz) to authenticated, service_role;
grant execute on function private.is_effectively_active(public.member_status, timestamptz) to authenticated, service_role;
grant execute on function private.is_offboarded(public.member_status, timestamptz) to service_role;
grant execute on function private.two_factor_satisfied(text, public.workspace_role, text) to authenticated, service_role;

-- ---------- The access helpers (RLS) -------------------------------------------------
create or replace function private.active_workspace_ids()
returns setof uuid
language plpgsql
stable
security definer
rows 10
set search_path = ''
as $$
begin
  if not private.session_active() then
    return;
  end if;
  return query
    select m.workspace_id
      from public.memberships m
     where m.user_id = (select auth.uid())
       and private.is_effectively_active(m.status, m.suspended_until);
end;
$$;

create or replace function private.accessible_workspace_ids()
returns setof uuid
language plpgsql
stable
security definer
rows 10
set search_path = ''
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
       and private.is_effectively_active(m.status, m.suspended_until)
       and private.two_factor_satisfied(w.require_2fa, m.role, (select auth.jwt() ->> 'aal'));
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
       and private.is_effectively_active(m.status, m.suspended_until)
       and private.two_factor_satisfied(w.require_2fa, m.role, (select auth.jwt() ->> 'aal'))
  );
end;
$$;

create or replace function private.workspaces_with(p_permission text)
returns setof uuid
language plpgsql
stable
security definer
rows 10
set search_path = ''
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
       and private.is_effectively_active(m.status, m.suspended_until)
       and private.two_factor_satisfied(w.require_2fa, m.role, (select auth.jwt() ->> 'aal'))
       and case
             when m.role = 'owner' then exists (select 1 from public.permissions p where p.key = p_permission)
             else exists (
               select 1 from public.role_permissions rp
                where rp.workspace_id = m.workspace_id and rp.role = m.role and rp.permission = p_permission
             )
           end;
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
         and private.is_effectively_active(m.status, m.suspended_until)
    )
  );
end;
$$;

create or replace function public.my_two_factor_gates()
returns table (workspace_id uuid, workspace_name text, require_2fa text, role public.workspace_role)
language sql
stable
security definer
set search_path = ''
as $$
  select w.id, w.name, w.require_2fa, m.role
    from public.memberships m
    join public.workspaces w on w.id = m.workspace_id
   where m.user_id = (select auth.uid())
     and private.is_effectively_active(m.status, m.suspended_until)
     and not private.two_factor_satisfied(w.require_2fa, m.role, (select auth.jwt() ->> 'aal'))
   order by w.name, w.id
$$;

-- ---------- Sign-in, bans, leaving, expiry --------------------------------------------
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

create or replace function private.sync_auth_access(p_user_id uuid, p_workspace_id uuid default null)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_current timestamptz;
  v_recorded timestamptz;
  v_has_access boolean;
  v_offboarded boolean;
  v_until timestamptz;
  v_sessions integer := 0;
begin
  -- Lock the Auth user first: two admins offboarding the same person from two workspaces
  -- at once are serialized here, and the second then reads the first one's committed
  -- membership change (READ COMMITTED, new snapshot per statement), so the last of them
  -- always sees "no active membership left" and bans.
  select u.banned_until into v_current from auth.users u where u.id = p_user_id for update;
  if not found then
    return 0;
  end if;

  select coalesce(bool_or(private.is_effectively_active(m.status, m.suspended_until)), false),
         coalesce(bool_or(private.is_offboarded(m.status, m.suspended_until)), false),
         -- The first dated suspension to end gives access back (in that workspace); with
         -- none, the ban has no end (min() passes over open-ended suspensions).
         coalesce(min(m.suspended_until)
                    filter (where private.effective_status(m.status, m.suspended_until) = 'suspended'),
                  private.indefinite_ban_until())
    into v_has_access, v_offboarded, v_until
    from public.memberships m
   where m.user_id = p_user_id;

  select b.banned_until into v_recorded from private.auth_bans b where b.user_id = p_user_id;

  if v_offboarded and not v_has_access then
    if v_current is null or v_current <= now() or v_current = v_recorded or v_current < v_until then
      if v_current is distinct from v_until then
        update auth.users u set banned_until = v_until where u.id = p_user_id;
      end if;
      insert into private.auth_bans as b (user_id, banned_until, replaced_banned_until)
      values (p_user_id, v_until, case when v_current > now() and v_recorded is null then v_current end)
      on conflict (user_id) do update
        set banned_until = excluded.banned_until, banned_at = now()
        where b.banned_until is distinct from excluded.banned_until;
    else
      -- Someone else's ban outlasts ours: leave it, and do not claim it.
      delete from private.auth_bans b where b.user_id = p_user_id;
    end if;

    delete from auth.sessions s where s.user_id = p_user_id;
    get diagnostics v_sessions = row_count;

    -- One row in the workspace whose change caused it (not during a workspace deletion,
    -- whose cascade is not logged row by row). Written only when sessions were ended.
    if v_sessions > 0 and p_workspace_id is not null
       and coalesce(current_setting('fluxera.muted_workspace', true), '') <> p_workspace_id::text then
      perform private.log_activity(
        p_workspace_id, 'member.sessions_revoked', 'user', p_user_id::text,
        null, jsonb_build_object('sessions', v_sessions, 'banned_until',
                                 (select u.banned_until from auth.users u where u.id = p_user_id)),
        p_user_id);
    end if;
  elsif v_recorded is not null then
    -- Nothing the banned user does lifts the ban (PRODUCT.md rule 10): a change whose
    -- actor is the user themselves (a workspace of their own, leaving, accepting an
    -- invitation) never clears it; reactivation, lifting or the expiry job do.
    if (select auth.uid()) = p_user_id then
      return v_sessions;
    end if;
    -- No reason for our ban holds any more: clear it, unless it is no longer ours.
    if v_current = v_recorded then
      update auth.users u
         set banned_until = (select case when b.replaced_banned_until > now() then b.replaced_banned_until end
                               from private.auth_bans b where b.user_id = p_user_id)
       where u.id = p_user_id;
    end if;
    delete from private.auth_bans b where b.user_id = p_user_id;
  end if;
  return v_sessions;
end;
$$;

create or replace function public.leave_workspace(p_workspace_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := private.require_caller();
  v_own public.memberships;
begin
  perform 1 from public.workspaces w where w.id = p_workspace_id for no key update;
  select * into v_own from public.memberships m
   where m.workspace_id = p_workspace_id and m.user_id = v_uid
   for update;
  if not found then
    raise exception 'You are not a member of this workspace.' using errcode = 'PT404', hint = 'not_found';
  end if;
  if v_own.role = 'owner' then
    raise exception 'Transfer ownership before leaving the workspace.'
      using errcode = '42501', hint = 'owner_must_transfer';
  end if;
  if private.is_offboarded(v_own.status, v_own.suspended_until) then
    raise exception 'Your access to this workspace is deactivated or suspended; an Admin can reactivate or remove you.'
      using errcode = '42501', hint = 'offboarded';
  end if;
  delete from public.memberships m where m.id = v_own.id;
end;
$$;

create or replace function private.lift_expired_suspensions()
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  -- Inlined, the rule is the same condition as before, which the partial index
  -- memberships_suspended_until_idx serves.
  update public.memberships m
     set status = 'active', suspended_until = null, status_reason = null
   where private.suspension_elapsed(m.status, m.suspended_until);
  get diagnostics v_count = row_count;
  return v_count;
end;
$$;
