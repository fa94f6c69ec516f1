-- =====================================================================================
-- Tenancy: workspaces, profiles and memberships, and the rules every other file asks.
-- A workspace is one customer organisation; a membership is a user's role and status in it
-- ("exactly one owner" enforced by the database). Profiles are the public face of auth.users,
-- kept by a trigger. The access helpers (who is an effectively active member, with which
-- permission, in which session) and the status, seat and rank rules are defined here once;
-- RLS policies and RPCs everywhere call them. Workspace creation and deletion live here too.
-- =====================================================================================

set local check_function_bodies = off;

-- ---------- Functions --------------------------------------------------------------

create or replace function private.sync_profile_from_auth_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_name text := left(private.clean_name(new.raw_user_meta_data ->> 'full_name'), 120);
begin
  if tg_op = 'INSERT' then
    insert into public.profiles (id, email, full_name)
    values (new.id, new.email, v_name)
    on conflict (id) do update
      set email = excluded.email,
          full_name = coalesce(excluded.full_name, public.profiles.full_name);
  else
    update public.profiles p
       set email = new.email,
           full_name = case
             when new.raw_user_meta_data ->> 'full_name' is distinct from old.raw_user_meta_data ->> 'full_name'
               then v_name
             else p.full_name
           end
     where p.id = new.id
       and (p.email is distinct from new.email
            or new.raw_user_meta_data ->> 'full_name' is distinct from old.raw_user_meta_data ->> 'full_name');
  end if;
  return null;
end;
$$;
comment on function private.sync_profile_from_auth_user() is
  'AFTER INSERT/UPDATE trigger on auth.users: creates or updates public.profiles (email, full_name from raw_user_meta_data, cleaned by private.clean_name and cut to 120 characters). Never blocks sign-up over a bad name.';

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
comment on function private.effective_status(p_status public.member_status, p_suspended_until timestamp with time zone) is
  'The status that counts: active for a suspension whose end has passed (private.suspension_elapsed), the stored status otherwise. Inlinable (plain SQL, no SET clause).';
grant execute on function private.effective_status(p_status public.member_status, p_suspended_until timestamp with time zone) to authenticated, service_role;

-- The partial unique index memberships_one_owner_idx gives "at most one"; this constraint
-- trigger gives "at least one" at commit, whatever the path (RPC, service role or a superuser session).
create or replace function private.assert_workspace_has_owner()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_workspace_id uuid;
begin
  if tg_table_name = 'workspaces' then
    v_workspace_id := new.id;
  else
    v_workspace_id := old.workspace_id;
  end if;

  if exists (select 1 from public.workspaces w where w.id = v_workspace_id)
     and not exists (
       select 1 from public.memberships m
        where m.workspace_id = v_workspace_id and m.role = 'owner'
     ) then
    raise exception 'A workspace must always have exactly one owner.'
      using errcode = '23514', hint = 'owner_required',
            detail = format('workspace %s would be left without an owner', v_workspace_id);
  end if;
  return null;
end;
$$;
comment on function private.assert_workspace_has_owner() is
  'Deferred constraint trigger: at commit, a workspace that still exists has an owner.';

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
comment on function private.active_workspace_ids() is
  'Workspaces where the caller is effectively active with a live session (2FA not considered). Used for the workspaces row itself, so the SPA can tell the member that 2FA is required.';
grant execute on function private.active_workspace_ids() to authenticated, service_role;

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
       and private.two_factor_satisfied(w.require_2fa, m.role, (select auth.jwt() ->> 'aal'))
       and private.sso_satisfied(w.id, m.role, (select auth.jwt()));
end;
$$;
comment on function private.accessible_workspace_ids() is
  'Workspaces whose data the caller may reach: live session, effectively active, with an aal2 session where require_2fa applies to the caller''s role, and through the workspace''s identity provider where it requires SSO (private.sso_satisfied).';
grant execute on function private.accessible_workspace_ids() to authenticated, service_role;

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
       and private.sso_satisfied(w.id, m.role, (select auth.jwt()))
       and case
             when m.role = 'owner' then exists (select 1 from public.permissions p where p.key = p_permission)
             else exists (
               select 1 from public.role_permissions rp
                where rp.workspace_id = m.workspace_id and rp.role = m.role and rp.permission = p_permission
             )
           end;
end;
$$;
comment on function private.workspaces_with(p_permission text) is
  'Workspaces where the caller (live session) is effectively active, passes the 2FA and SSO rules and holds p_permission (the owner holds all). Use in policies as workspace_id in (select private.workspaces_with(''x.y'')).';
grant execute on function private.workspaces_with(p_permission text) to authenticated, service_role;

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
       and private.sso_satisfied(w.id, m.role, (select auth.jwt()))
  );
end;
$$;
comment on function private.accessible_role(p_workspace_id uuid) is
  'The caller''s role in a workspace whose data they may reach (live session, effectively active, 2FA and SSO rules satisfied); null otherwise.';

create or replace function private.role_has_permission(
  p_workspace_id uuid, p_role public.workspace_role, p_permission text
)
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return (
    select case
      when p_role is null then false
      when p_role = 'owner' then exists (select 1 from public.permissions p where p.key = p_permission)
      else exists (
        select 1 from public.role_permissions rp
         where rp.workspace_id = p_workspace_id and rp.role = p_role and rp.permission = p_permission
      )
    end
  );
end;
$$;
comment on function private.role_has_permission(p_workspace_id uuid, p_role public.workspace_role, p_permission text) is
  'Whether a role holds a permission in a workspace (owner: every catalogued permission).';

create or replace function private.has_permission(p_workspace_id uuid, p_permission text)
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return (
    select private.role_has_permission(p_workspace_id, private.accessible_role(p_workspace_id), p_permission)
  );
end;
$$;
comment on function private.has_permission(p_workspace_id uuid, p_permission text) is
  'Whether the caller may use p_permission in the workspace right now (status, 2FA and matrix all checked).';
grant execute on function private.has_permission(p_workspace_id uuid, p_permission text) to authenticated, service_role;

create or replace function private.require_permission(p_workspace_id uuid, p_permission text)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not private.has_permission(p_workspace_id, p_permission) then
    raise exception 'You do not have permission to do this (%).', p_permission
      using errcode = '42501', hint = 'not_allowed';
  end if;
end;
$$;
comment on function private.require_permission(p_workspace_id uuid, p_permission text) is
  'Raises 42501 / not_allowed unless the caller holds the permission in the workspace.';

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
comment on function private.is_member(p_workspace_id uuid) is
  'Whether the caller (live session) is an effectively active member (used to answer not_found rather than reveal other workspaces).';

create or replace function private.visible_profile_ids()
returns setof uuid
language plpgsql
stable
security definer
set search_path = ''
rows 100
as $$
begin
  return query
    select m.user_id
      from public.memberships m
     where m.workspace_id in (select private.workspaces_with('members.view'));
end;
$$;
comment on function private.visible_profile_ids() is
  'Users who share a workspace with the caller where the caller holds members.view.';
grant execute on function private.visible_profile_ids() to authenticated, service_role;

-- Sign-up with `data: { workspace_name }` in the user metadata creates the workspace at once
-- (docs/product-rules.md, Workspaces and memberships: signing up creates a workspace whose Owner
-- is the new user). Invitees are created without it. A bad name never blocks the sign-up: it is trimmed to 80 characters.
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
    -- A workspace limit (private.check_workspace_creation) must never fail Auth's /verify or sign-up with a 500:
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

create or replace function public.delete_workspace(p_workspace_id uuid, p_confirm_name text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_workspace public.workspaces;
begin
  perform private.require_workspace(p_workspace_id);
  select * into v_workspace from public.workspaces w where w.id = p_workspace_id for update;
  perform private.require_permission(p_workspace_id, 'workspace.delete');
  if p_confirm_name is distinct from v_workspace.name then
    raise exception 'Type the workspace name exactly to confirm.' using errcode = '22023', hint = 'confirm_mismatch';
  end if;

  -- One workspace.deleted row; the cascade (members, assets, ...) is not logged row by row.
  perform set_config('fluxera.muted_workspace', p_workspace_id::text, true);
  delete from public.workspaces w where w.id = p_workspace_id;
  perform set_config('fluxera.muted_workspace', '', true);
end;
$$;
comment on function public.delete_workspace(p_workspace_id uuid, p_confirm_name text) is
  'Deletes the workspace and everything in it (owner only: workspace.delete). p_confirm_name must equal the name. The activity log keeps its history. Errors: PT404 not_found, 42501 not_allowed, 22023 confirm_mismatch.';
grant execute on function public.delete_workspace(p_workspace_id uuid, p_confirm_name text) to authenticated;

create or replace function private.assert_seat_available(p_workspace_id uuid, p_extra integer)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_limit integer;
  v_used integer;
begin
  select w.seat_limit into v_limit from public.workspaces w where w.id = p_workspace_id;
  if v_limit is null then
    return;
  end if;
  select count(*) into v_used from public.memberships m
   where m.workspace_id = p_workspace_id and private.takes_seat(m.status);
  if v_used + p_extra > v_limit then
    raise exception 'This workspace has % of % seats in use.', v_used, v_limit
      using errcode = '22023', hint = 'seat_limit_reached';
  end if;
end;
$$;
comment on function private.assert_seat_available(p_workspace_id uuid, p_extra integer) is
  'Raises 22023 seat_limit_reached when p_extra more non-inactive members would exceed workspaces.seat_limit.';

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
grant execute on function private.session_active() to authenticated, service_role;

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
grant execute on function private.caller_id() to service_role;

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
grant execute on function private.require_caller() to service_role;

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
grant execute on function public.session_alive() to authenticated;

create or replace function private.role_rank(p_role public.workspace_role)
returns integer
language sql
immutable
set search_path = ''
as $$
  select case p_role when 'owner' then 4 when 'admin' then 3 when 'member' then 2 when 'viewer' then 1 end
$$;
comment on function private.role_rank(p_role public.workspace_role) is
  'Rank of a role for rule 9: owner 4, admin 3, member 2, viewer 1 (null for null).';
grant execute on function private.role_rank(p_role public.workspace_role) to authenticated;

create or replace function private.suspension_elapsed(
  p_status public.member_status, p_suspended_until timestamptz)
returns boolean
language sql
stable
as $$
  select p_status = 'suspended' and p_suspended_until is not null and p_suspended_until <= pg_catalog.now()
$$;
comment on function private.suspension_elapsed(p_status public.member_status, p_suspended_until timestamp with time zone) is
  'The one place of the effective-status rule: a suspension whose end (suspended_until) has passed is over, and the member counts as active at once, before private.lift_expired_suspensions() rewrites the row. False (never null) for an open-ended suspension, so the predicates built on it are never null either. Inlinable (plain SQL, no SET clause).';
grant execute on function private.suspension_elapsed(p_status public.member_status, p_suspended_until timestamp with time zone) to authenticated, fluxera_analyst, fluxera_workspace_analyst, service_role;

create or replace function private.is_effectively_active(
  p_status public.member_status, p_suspended_until timestamptz)
returns boolean
language sql
stable
as $$
  select p_status = 'active' or private.suspension_elapsed(p_status, p_suspended_until)
$$;
comment on function private.is_effectively_active(p_status public.member_status, p_suspended_until timestamp with time zone) is
  'Whether a membership reaches workspace data by its status: active, or suspended with the end passed. Written as a boolean so that, inlined, it is the same index-friendly condition the helpers used before. Inlinable (plain SQL, no SET clause).';
grant execute on function private.is_effectively_active(p_status public.member_status, p_suspended_until timestamp with time zone) to authenticated, service_role;

create or replace function private.is_offboarded(
  p_status public.member_status, p_suspended_until timestamptz)
returns boolean
language sql
stable
as $$
  select private.effective_status(p_status, p_suspended_until) in ('inactive', 'suspended')
$$;
comment on function private.is_offboarded(p_status public.member_status, p_suspended_until timestamp with time zone) is
  'Deactivated, or suspended and the suspension still running (open-ended or ending later): the states that ban the Auth account (private.sync_auth_access) and in which a member cannot leave on their own. Inlinable (plain SQL, no SET clause).';
grant execute on function private.is_offboarded(p_status public.member_status, p_suspended_until timestamp with time zone) to service_role;

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
comment on function private.two_factor_satisfied(p_require_2fa text, p_role public.workspace_role, p_aal text) is
  'Whether a session at assurance level p_aal (the JWT''s aal claim; null counts as aal1) may open a workspace that requires two-factor authentication per p_require_2fa (off | admins | everyone) of a member with role p_role: admins means the Owner and Admins. Callers pass (select auth.jwt() ->> ''aal'') so that it is read once per query. Inlinable (plain SQL, no SET clause).';
grant execute on function private.two_factor_satisfied(p_require_2fa text, p_role public.workspace_role, p_aal text) to authenticated, service_role;

create or replace function private.takes_seat(p_status public.member_status)
returns boolean
language sql
immutable
as $$
  select p_status <> 'inactive'
$$;
comment on function private.takes_seat(p_status public.member_status) is
  'The seat rule: a membership takes a seat of workspaces.seat_limit unless it is inactive (pending invitations count). Inlinable (plain SQL, no SET clause).';
grant execute on function private.takes_seat(p_status public.member_status) to authenticated, service_role;

create or replace function public.workspace_headcount(p_workspace_id uuid)
returns table (
  role public.workspace_role,
  members bigint,
  invitations_pending bigint,
  deactivated bigint,
  seat_limit integer
)
language sql
stable
security invoker
set search_path = ''
as $$
  -- The one definition of the headcount (issue 23): a member is someone who joined and keeps
  -- access or may get it back by date (active, suspended); a pending membership is an
  -- invitation, not a member; deactivated people are counted apart. Seats (docs/product-rules.md,
  -- "Statuses"; private.takes_seat) = members + invitations pending.
  select r.role,
         count(m.id) filter (where m.status in ('active', 'suspended')),
         count(m.id) filter (where m.status = 'pending'),
         count(m.id) filter (where m.status = 'inactive'),
         (select w.seat_limit from public.workspaces w where w.id = p_workspace_id)
    from unnest(enum_range(null::public.workspace_role)) as r(role)
    left join public.memberships m on m.workspace_id = p_workspace_id and m.role = r.role
   group by r.role
   order by r.role
$$;
comment on function public.workspace_headcount(p_workspace_id uuid) is
  'The headcount every page reads (Users header, Roles cards, Reports, Billing), one row per role: members (joined: active or suspended), invitations_pending (pending memberships), deactivated (inactive), and the plan''s seat_limit (null = unlimited). Seats in use = members + invitations_pending (private.takes_seat). Security invoker: counts the memberships the caller''s RLS lets them see.';
grant execute on function public.workspace_headcount(p_workspace_id uuid) to authenticated, service_role;

create or replace function public.seat_usage(p_workspace_id uuid)
returns table (members bigint, seats_in_use bigint, seat_limit integer)
language sql
stable
security invoker
set search_path = ''
as $$
  select sum(h.members)::bigint, sum(h.members + h.invitations_pending)::bigint, max(h.seat_limit)
    from public.workspace_headcount(p_workspace_id) h
$$;
comment on function public.seat_usage(p_workspace_id uuid) is
  'Seats of a workspace for "42 of 50 seats", summed from public.workspace_headcount: members (active or suspended), seats in use (members + invitations pending; private.takes_seat) and the plan''s seat_limit (null = unlimited). Security invoker.';
grant execute on function public.seat_usage(p_workspace_id uuid) to authenticated;

create or replace function private.require_workspace(p_workspace_id uuid)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not private.is_member(p_workspace_id) then
    raise exception 'Workspace not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
end;
$$;
comment on function private.require_workspace(p_workspace_id uuid) is
  'RPC prelude: raises PT404 not_found ("Workspace not found.") unless the caller can open the workspace (private.is_member: live session, effectively active membership). A workspace the caller cannot see is reported as missing, never as forbidden.';

create or replace function private.require_workspace_permission(p_workspace_id uuid, p_permission text)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_workspace(p_workspace_id);
  perform private.require_permission(p_workspace_id, p_permission);
end;
$$;
comment on function private.require_workspace_permission(p_workspace_id uuid, p_permission text) is
  'RPC prelude: private.require_workspace (PT404 not_found), then private.require_permission (42501 not_allowed). Functions that lock the workspace row between the two checks call them one by one.';

create or replace function private.caller_rank(p_workspace_id uuid)
returns integer
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(private.role_rank(private.accessible_role(p_workspace_id)), 0)
$$;
comment on function private.caller_rank(p_workspace_id uuid) is
  'The caller''s rank in the workspace (private.role_rank of the role they can use there), 0 when they cannot open it. The rank checks compare against it.';
-- member_directory's `actions` calls it as the caller (a view checks EXECUTE as the invoker).
grant execute on function private.caller_rank(p_workspace_id uuid) to authenticated;

create or replace function public.my_memberships()
returns table (
  id uuid,
  workspace_id uuid,
  workspace_name text,
  role public.workspace_role,
  status public.member_status,
  effective_status public.member_status,
  suspended_until timestamptz,
  status_reason text
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  -- as the table's own-rows policy: any status, a live Auth session
  if (select auth.uid()) is null or not private.session_active() then
    return;
  end if;
  return query
    select m.id,
           m.workspace_id,
           -- the workspace's name where its row is readable (the workspaces policy)
           case when m.workspace_id in (select private.active_workspace_ids()) then w.name end,
           m.role,
           m.status,
           private.effective_status(m.status, m.suspended_until),
           m.suspended_until,
           m.status_reason
      from public.memberships m
      join public.workspaces w on w.id = m.workspace_id
     where m.user_id = (select auth.uid())
     order by m.created_at, m.id;
end;
$$;
comment on function public.my_memberships() is
  'The caller''s own memberships in every status, oldest first, with the workspace''s name where the caller may read the workspace, the effective status and the reason an admin gave for a suspension or deactivation (which the table no longer shows to authenticated). Empty without a live session.';
grant execute on function public.my_memberships() to authenticated;

-- ---------- Tables -----------------------------------------------------------------

create table public.workspaces (
  id uuid default gen_random_uuid() not null,
  name text not null,
  invite_expiry_days integer default 7 not null,
  require_2fa text default 'off'::text not null,
  plan text default 'free'::text not null,
  seat_limit integer,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  activity_retention_days integer,
  constraint workspaces_invite_expiry_days_range check (((invite_expiry_days >= 1) and (invite_expiry_days <= 30))),
  constraint workspaces_name_length check (((char_length(btrim(name)) >= 1) and (char_length(btrim(name)) <= 80))),
  constraint workspaces_plan_values check ((plan = any (array['free'::text, 'team'::text, 'business'::text, 'enterprise'::text]))),
  constraint workspaces_require_2fa_values check ((require_2fa = any (array['off'::text, 'admins'::text, 'everyone'::text]))),
  constraint workspaces_seat_limit_positive check ((seat_limit > 0)),
  constraint workspaces_activity_retention_days_range check (((activity_retention_days >= 30) and (activity_retention_days <= 3650))),
  constraint workspaces_pkey primary key (id)
);

-- ---------- Functions --------------------------------------------------------------

create or replace function private.create_workspace_for(p_owner uuid, p_name text)
returns public.workspaces
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_name text := private.clean_name(p_name);
  v_workspace public.workspaces;
begin
  if v_name is null or char_length(v_name) not between 1 and 80 then
    raise exception 'A workspace name needs 1 to 80 characters.'
      using errcode = '22023', hint = 'invalid_name';
  end if;
  perform private.check_workspace_creation(p_owner);

  insert into public.workspaces (name) values (v_name) returning * into v_workspace;
  insert into public.memberships (workspace_id, user_id, role, status, joined_at)
  values (v_workspace.id, p_owner, 'owner', 'active', now());
  insert into private.workspace_creations (user_id, workspace_id) values (p_owner, v_workspace.id);
  return v_workspace;
end;
$$;
comment on function private.create_workspace_for(uuid, text) is
  'Creates a workspace with p_owner as its active owner (name cleaned by private.clean_name; 22023 invalid_name when nothing visible is left or it is longer than 80 characters), within the per-person limits of private.check_workspace_creation (42501 workspace_limit_reached: 3 owned; PT429 workspace_rate_limited: 3 created per 24 hours), and records the creation in private.workspace_creations. The only path that creates workspaces (create_workspace() and the sign-up trigger).';

create or replace function public.create_workspace(p_name text)
returns public.workspaces
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := private.require_caller();
begin
  if private.account_disabled(v_uid) then
    raise exception 'This account is disabled. Ask an Admin of your workspace to reactivate it.'
      using errcode = '42501', hint = 'account_disabled';
  end if;
  return private.create_workspace_for(v_uid, p_name);
end;
$$;
comment on function public.create_workspace(p_name text) is
  'Creates a workspace owned by the caller. Limits per person (private.workspace_limits): at most 3 owned workspaces and 3 created in a sliding 24 hours (deleted ones count). Errors: 22023 invalid_name; 42501 not_authenticated/account_disabled (a banned account cannot give itself an active membership); 42501 workspace_limit_reached (HTTP 403, already owns the maximum); PT429 workspace_rate_limited (HTTP 429, detail retry_at=<UTC instant>); PT401 session_revoked.';
grant execute on function public.create_workspace(p_name text) to authenticated;

-- ---------- Tables -----------------------------------------------------------------

alter table public.workspaces
  add constraint workspaces_name_clean check (private.is_clean_name(name)) not valid;

comment on table public.workspaces is
  'A customer organisation. Created by create_workspace() (or at sign-up), deleted by delete_workspace() (owner only).';
comment on column public.workspaces.name is 'Display name, 1..80 characters after trimming.';
comment on column public.workspaces.activity_retention_days is
  'How long activity entries are kept, in days (30..3650); null = for ever. Set by the Owner (set_activity_retention); enforced by private.apply_activity_retention().';
comment on column public.workspaces.invite_expiry_days is
  'Days an invitation stays valid (1..30, default 7).';
comment on column public.workspaces.require_2fa is
  '2FA requirement: off, admins (owner and admins need an aal2 session to reach data), everyone.';
comment on column public.workspaces.plan is
  'Billing plan; changed by billing tooling (service role), not by members.';
comment on column public.workspaces.seat_limit is
  'Maximum non-inactive members (null = unlimited). Checked by invitations and reactivation.';
comment on constraint workspaces_name_clean on public.workspaces is
  'A workspace name has a visible character and no control characters (tabs, newlines, ...).';

alter table public.workspaces enable row level security;

create policy "Active members can read their workspaces"
  on public.workspaces for select to authenticated
  using (id in (select private.active_workspace_ids()));
comment on policy "Active members can read their workspaces" on public.workspaces is
  'Effectively active members read the workspace row (name, settings) even before completing 2FA, so the SPA can ask for it; all other data needs 2FA where required.';

create policy "Settings managers can update the workspace"
  on public.workspaces for update to authenticated
  using (id in (select private.workspaces_with('settings.manage')))
  with check (id in (select private.workspaces_with('settings.manage')));
comment on policy "Settings managers can update the workspace" on public.workspaces is
  'settings.manage may change name, invite_expiry_days and require_2fa (column privileges); plan and seat_limit belong to billing tooling.';

create trigger workspaces_touch_updated_at
  before update on public.workspaces
  for each row execute function private.touch_updated_at();
comment on trigger workspaces_touch_updated_at on public.workspaces is 'Maintains updated_at.';

create constraint trigger workspaces_owner_required
  after insert on public.workspaces
  deferrable initially deferred
  for each row
  execute function private.assert_workspace_has_owner();
comment on trigger workspaces_owner_required on public.workspaces is
  'At commit: a new workspace has its owner membership.';

revoke all on table public.workspaces from anon, authenticated;
grant select on table public.workspaces to authenticated;
grant update (name, invite_expiry_days, require_2fa) on table public.workspaces to authenticated;

create table public.profiles (
  id uuid not null,
  email text,
  full_name text,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint profiles_email_format check (((email is null) or ((char_length(email) <= 320) and (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'::text)))),
  constraint profiles_full_name_length check ((char_length(full_name) <= 120)),
  constraint profiles_pkey primary key (id),
  constraint profiles_id_fkey foreign key (id) references auth.users(id) on delete cascade
);

create table public.memberships (
  id uuid default gen_random_uuid() not null,
  workspace_id uuid not null,
  user_id uuid not null,
  role public.workspace_role default 'member'::public.workspace_role not null,
  status public.member_status default 'pending'::public.member_status not null,
  suspended_until timestamp with time zone,
  status_reason text,
  invited_by uuid,
  invited_at timestamp with time zone,
  invite_expires_at timestamp with time zone,
  joined_at timestamp with time zone,
  last_active_at timestamp with time zone,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  member_name text,
  member_email text,
  constraint memberships_owner_is_active check (((role <> 'owner'::public.workspace_role) or (status = 'active'::public.member_status))),
  constraint memberships_pending_has_expiry check (((status <> 'pending'::public.member_status) or (invite_expires_at is not null))),
  constraint memberships_status_reason_length check ((char_length(status_reason) <= 2000)),
  constraint memberships_suspended_until_only_when_suspended check (((suspended_until is null) or (status = 'suspended'::public.member_status))),
  constraint memberships_pkey primary key (id),
  constraint memberships_workspace_user_key unique (workspace_id, user_id),
  constraint memberships_invited_by_fkey foreign key (invited_by) references public.profiles(id) on delete set null,
  constraint memberships_user_id_fkey foreign key (user_id) references public.profiles(id) on delete cascade,
  constraint memberships_workspace_id_fkey foreign key (workspace_id) references public.workspaces(id) on delete cascade
);

-- ---------- Functions --------------------------------------------------------------

create or replace function private.require_member(p_membership_id uuid)
returns public.memberships
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_row public.memberships;
begin
  select * into v_row from public.memberships m where m.id = p_membership_id;
  if not found or not private.is_member(v_row.workspace_id) then
    raise exception 'Member not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  return v_row;
end;
$$;
comment on function private.require_member(p_membership_id uuid) is
  'RPC prelude for functions about one member: the membership row (not locked), or PT404 not_found ("Member not found.") when it does not exist or lies in a workspace the caller cannot open. The caller checks the permission next.';

create or replace function public.effective_status(p_membership public.memberships)
returns public.member_status
language sql
stable
security invoker
set search_path = ''
as $$
  select private.effective_status(p_membership.status, p_membership.suspended_until)
$$;
comment on function public.effective_status(p_membership public.memberships) is
  'PostgREST computed field memberships.effective_status for callers who may read the whole row (the service role): the status that counts (private.effective_status). Signed-in people get it from my_memberships() and member_directory.';
grant execute on function public.effective_status(p_membership public.memberships) to authenticated;

-- ---------- Tables -----------------------------------------------------------------

comment on table public.memberships is
  'A user''s role and status in a workspace; a pending row is an invitation. Written only by functions (RPC).';
comment on column public.memberships.role is
  'owner | admin | member | viewer. Exactly one owner per workspace.';
comment on column public.memberships.status is
  'pending (invited) | active | inactive (offboarded) | suspended (until suspended_until, or until lifted).';
comment on column public.memberships.suspended_until is
  'End of a suspension; null = until lifted. Once past, the member counts as active at once (effective status).';
comment on column public.memberships.status_reason is
  'Why the member was suspended (free text, at most 2000 characters).';
comment on column public.memberships.invited_by is 'Who sent (or last resent) the invitation.';
comment on column public.memberships.invite_expires_at is
  'When a pending invitation expires; renewed by resend_invitation().';
comment on column public.memberships.joined_at is
  'When the member accepted the invitation (or created the workspace).';
comment on column public.memberships.last_active_at is
  '"Last active": the latest of the member''s sign-ins into this workspace (custom access token hook) and of any activity row they authored there (private.touch_member_last_active, to the minute). Access reviews'' idle rule and the Users page read it.';
comment on column public.memberships.member_name is
  'Copy of the member''s profiles.full_name, kept by trigger (memberships_copy_profile, profiles_sync_member_copies), for ordering and searching the Users page within the workspace.';
comment on column public.memberships.member_email is
  'Copy of the member''s profiles.email, kept by trigger (memberships_copy_profile, profiles_sync_member_copies), for ordering and searching the Users page within the workspace.';
comment on constraint memberships_workspace_user_key on public.memberships is
  'One membership per user and workspace; also the target of assets'' and license_seats'' member foreign keys.';

-- Indexes: everything the RLS helpers, access reviews and filters use.
create unique index memberships_one_owner_idx on public.memberships (workspace_id) where role = 'owner';
comment on index public.memberships_one_owner_idx is 'At most one owner per workspace.';

create index memberships_user_workspace_status_idx on public.memberships (user_id, workspace_id, status);
comment on index public.memberships_user_workspace_status_idx is
  'RLS helpers: the caller''s memberships.';

create index memberships_workspace_status_role_idx on public.memberships (workspace_id, status, role);
comment on index public.memberships_workspace_status_role_idx is
  'Directory filters by status and role.';

create index memberships_workspace_last_active_idx on public.memberships (workspace_id, last_active_at);
comment on index public.memberships_workspace_last_active_idx is 'Access reviews: idle members.';

create index memberships_invited_by_idx on public.memberships (invited_by) where invited_by is not null;
comment on index public.memberships_invited_by_idx is 'Profile deletion (on delete set null).';

create index memberships_suspended_until_idx on public.memberships (suspended_until) where status = 'suspended';
comment on index public.memberships_suspended_until_idx is 'private.lift_expired_suspensions().';

create index memberships_workspace_role_idx on public.memberships (workspace_id, role, id);
comment on index public.memberships_workspace_role_idx is 'Users page sorted by role (then id).';

create index memberships_workspace_status_id_idx on public.memberships (workspace_id, status, id);
comment on index public.memberships_workspace_status_id_idx is
  'Users page sorted or filtered by the stored status (then id).';

create index memberships_workspace_created_idx on public.memberships (workspace_id, created_at, id);
comment on index public.memberships_workspace_created_idx is
  'Users page sorted by join date (then id).';

-- Each order's index carries name and email (INCLUDE), so that a search walking the order
-- tests each member inside the index (index-only while the table's pages are all-visible)
-- instead of reading the row: a search by the default order for a name held by 2% of 10,000
-- members walks ~1,000 entries, 2.1 ms reading rows, 0.6 ms in the index.
create index memberships_workspace_name_idx on public.memberships (workspace_id, member_name, id) include (member_email);
comment on index public.memberships_workspace_name_idx is
  'Users page sorted by name, A to Z (nameless last), then id; with the email, for searching in that order.';

create index memberships_workspace_name_desc_idx on public.memberships (workspace_id, member_name desc nulls last, id desc) include (member_email);
comment on index public.memberships_workspace_name_desc_idx is
  'Users page sorted by name, Z to A (nameless last), then id; with the email, for searching in that order.';

create index memberships_workspace_email_idx on public.memberships (workspace_id, member_email, id) include (member_name);
comment on index public.memberships_workspace_email_idx is
  'Users page sorted by email, A to Z, then id; with the name, for searching in that order.';

create index memberships_workspace_email_desc_idx on public.memberships (workspace_id, member_email desc nulls last, id desc) include (member_name);
comment on index public.memberships_workspace_email_desc_idx is
  'Users page sorted by email, Z to A, then id; with the name, for searching in that order.';

create index memberships_workspace_last_active_desc_idx on public.memberships
  (workspace_id, last_active_at desc nulls last, id) include (member_name, member_email);
comment on index public.memberships_workspace_last_active_desc_idx is
  'Users page in its default order (last activity, newest first; read backwards for oldest first), then id; with name and email, for searching in that order.';

create index memberships_search_trgm_idx on public.memberships
  using gin ((coalesce(member_name, '') || ' ' || coalesce(member_email, '')) extensions.gin_trgm_ops);
comment on index public.memberships_search_trgm_idx is
  'Users page: search by a substring of name or email (ilike ''%term%'' over "name email", exactly the expression of private.directory_where).';

alter table public.memberships enable row level security;

create policy "Users can read their own memberships"
  on public.memberships for select to authenticated
  using (user_id = (select auth.uid()));
comment on policy "Users can read their own memberships" on public.memberships is
  'A user sees their own memberships in any status (pending invitations, suspension notice, workspace switcher).';

create policy "Members with members.view can read the workspace roster"
  on public.memberships for select to authenticated
  using (workspace_id in (select private.workspaces_with('members.view')));
comment on policy "Members with members.view can read the workspace roster" on public.memberships is
  'All memberships of a workspace where the caller holds members.view. Writes only through functions.';

-- Restrictive: they are ANDed with every permissive policy of the table.
create policy "Only live sessions reach memberships"
  on public.memberships as restrictive for all to authenticated
  using ((select private.session_active()));
comment on policy "Only live sessions reach memberships" on public.memberships is
  'A token whose Auth session was revoked reads nothing, its own memberships included.';

create trigger memberships_touch_updated_at
  before update on public.memberships
  for each row execute function private.touch_updated_at();
comment on trigger memberships_touch_updated_at on public.memberships is 'Maintains updated_at.';

create constraint trigger memberships_owner_required
  after update or delete on public.memberships
  deferrable initially deferred
  for each row
  when (old.role = 'owner')
  execute function private.assert_workspace_has_owner();
comment on trigger memberships_owner_required on public.memberships is
  'At commit: removing, demoting or deleting the owner row must leave the workspace with an owner (or the workspace gone).';

revoke all on table public.memberships from anon, authenticated;
grant select (id, workspace_id, user_id, role, status, suspended_until, invited_at, invite_expires_at, joined_at, created_at, updated_at, member_name, member_email) on table public.memberships to authenticated;

alter table public.profiles
  add constraint profiles_full_name_clean check (private.is_clean_name(full_name)) not valid;

comment on table public.profiles is
  'One row per auth user: email and display name. Written by the auth.users trigger; users may edit their own full_name.';
comment on column public.profiles.id is 'Same id as auth.users.id.';
comment on column public.profiles.email is 'Copy of auth.users.email (null for phone-only users).';
comment on column public.profiles.full_name is
  'Display name, from raw_user_meta_data->>''full_name'' at sign-up; at most 120 characters.';
comment on constraint profiles_full_name_clean on public.profiles is
  'A display name has a visible character and no control characters.';

create index profiles_email_idx on public.profiles (lower(email));
comment on index public.profiles_email_idx is 'Lookup by email (invitations, check_invitees).';

create index profiles_full_name_trgm_idx on public.profiles using gin (full_name extensions.gin_trgm_ops);
comment on index public.profiles_full_name_trgm_idx is
  'Users page: search by a substring of the name (ilike ''%term%'').';

create index profiles_email_trgm_idx on public.profiles using gin (email extensions.gin_trgm_ops);
comment on index public.profiles_email_trgm_idx is
  'Users page: search by a substring of the email (ilike ''%term%'').';

create index profiles_full_name_idx on public.profiles (full_name);
comment on index public.profiles_full_name_idx is
  'Users page sorted by name, A to Z (nameless last).';

create index profiles_full_name_desc_idx on public.profiles (full_name desc nulls last);
comment on index public.profiles_full_name_desc_idx is
  'Users page sorted by name, Z to A (nameless last).';

create index profiles_email_order_idx on public.profiles (email);
comment on index public.profiles_email_order_idx is 'Users page sorted by email, A to Z.';

create index profiles_email_desc_idx on public.profiles (email desc nulls last);
comment on index public.profiles_email_desc_idx is 'Users page sorted by email, Z to A.';

alter table public.profiles enable row level security;

create policy "Users can read their own profile"
  on public.profiles for select to authenticated
  using (id = (select auth.uid()));
comment on policy "Users can read their own profile" on public.profiles is
  'Everyone reads their own profile.';

create policy "Members with members.view can read co-member profiles"
  on public.profiles for select to authenticated
  using (id in (select private.visible_profile_ids()));
comment on policy "Members with members.view can read co-member profiles" on public.profiles is
  'Profiles of people in a workspace where the caller holds members.view (the team directory).';

create policy "Users can update their own profile"
  on public.profiles for update to authenticated
  using (id = (select auth.uid()))
  with check (id = (select auth.uid()));
comment on policy "Users can update their own profile" on public.profiles is
  'Only full_name is updatable (column privilege).';

create policy "Only live sessions reach profiles"
  on public.profiles as restrictive for all to authenticated
  using ((select private.session_active()))
  with check ((select private.session_active()));
comment on policy "Only live sessions reach profiles" on public.profiles is
  'A token whose Auth session was revoked reads or edits no profile, its own included.';

create trigger profiles_touch_updated_at
  before update on public.profiles
  for each row execute function private.touch_updated_at();
comment on trigger profiles_touch_updated_at on public.profiles is 'Maintains updated_at.';

revoke all on table public.profiles from anon, authenticated;
grant select on table public.profiles to authenticated;
grant update (full_name) on table public.profiles to authenticated;

-- ---------- Per-person workspace limits ---------------------------------------------

create table private.workspace_limits (
  singleton boolean primary key default true
    constraint workspace_limits_singleton check (singleton),
  owned_per_user integer not null default 3
    constraint workspace_limits_owned_positive check (owned_per_user > 0),
  created_per_day integer not null default 3
    constraint workspace_limits_created_positive check (created_per_day > 0)
);
alter table private.workspace_limits enable row level security;
revoke all on table private.workspace_limits from public, anon, authenticated, service_role;
insert into private.workspace_limits default values;

comment on table private.workspace_limits is
  'Per-person workspace limits (one row; change as postgres). No policies, no API access. Read by private.check_workspace_creation.';
comment on column private.workspace_limits.owned_per_user is
  'Workspaces one person may own (role owner) when creating another one.';
comment on column private.workspace_limits.created_per_day is
  'Workspaces one person may create in a sliding 24 hours, counting ones deleted since.';

-- ---------- Ledger of creations -------------------------------------------------------
create table private.workspace_creations (
  id bigint generated always as identity primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  workspace_id uuid not null,
  created_at timestamptz not null default now()
);
alter table private.workspace_creations enable row level security;
revoke all on table private.workspace_creations from public, anon, authenticated, service_role;
create index workspace_creations_user_created_idx
  on private.workspace_creations (user_id, created_at);

comment on table private.workspace_creations is
  'One row per workspace created through private.create_workspace_for (RPC or sign-up), kept after the workspace is deleted, for the created_per_day rate. No API access.';
comment on column private.workspace_creations.user_id is 'Who created it (its first Owner).';
comment on column private.workspace_creations.workspace_id is
  'The workspace made (no foreign key: the row outlives a deleted workspace).';
comment on column private.workspace_creations.created_at is 'When it was created.';
comment on index private.workspace_creations_user_created_idx is
  'The rate check: one range scan over a person''s creations of the last 24 hours.';

-- Workspaces created in the last 24 hours before this migration count towards the rate.

-- ---------- Triggers on tables defined elsewhere, calling functions of this file ---

create trigger fluxera_a_sync_profile
  after insert or update of email, raw_user_meta_data on auth.users
  for each row execute function private.sync_profile_from_auth_user();

create trigger fluxera_b_create_signup_workspace
  after insert on auth.users
  for each row
  when (new.raw_user_meta_data ? 'workspace_name')
  execute function private.create_signup_workspace();

-- Fires only on the null -> set transition: a later re-confirmation (email change keeps
-- email_confirmed_at), a metadata edit or a sign-in never makes a second workspace.
create trigger fluxera_b_create_signup_workspace_on_confirm
  after update of email_confirmed_at on auth.users
  for each row
  when (old.email_confirmed_at is null and new.email_confirmed_at is not null
        and new.raw_user_meta_data ? 'workspace_name')
  execute function private.create_signup_workspace();

create or replace function private.check_workspace_creation(p_user_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_limits private.workspace_limits;
  v_owned integer;
  v_recent integer;
  v_oldest timestamptz;
begin
  -- One creation per person at a time: two concurrent calls would otherwise both count 2 and
  -- both create. The lock is released at commit or rollback.
  perform pg_advisory_xact_lock(hashtextextended('fluxera.workspace_creation:' || p_user_id::text, 0));

  select * into v_limits from private.workspace_limits;

  select count(*) into v_owned
    from public.memberships m
   where m.user_id = p_user_id and m.role = 'owner';
  if v_owned >= v_limits.owned_per_user then
    raise exception 'You own % workspaces, and one person may own at most %. Delete one or transfer its ownership before creating another.',
        v_owned, v_limits.owned_per_user
      using errcode = '42501', hint = 'workspace_limit_reached',
            detail = format('owned=%s limit=%s', v_owned, v_limits.owned_per_user);
  end if;

  select count(*), min(c.created_at) into v_recent, v_oldest
    from private.workspace_creations c
   where c.user_id = p_user_id and c.created_at > now() - interval '24 hours';
  if v_recent >= v_limits.created_per_day then
    raise exception 'You have created % workspaces in the last 24 hours, and at most % are allowed. Try again after %.',
        v_recent, v_limits.created_per_day, to_char((v_oldest + interval '24 hours') at time zone 'UTC', 'YYYY-MM-DD HH24:MI "UTC"')
      using errcode = 'PT429', hint = 'workspace_rate_limited',
            detail = format('retry_at=%s', to_char((v_oldest + interval '24 hours') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'));
  end if;
end;
$$;
comment on function private.check_workspace_creation(uuid) is
  'Refuses a new workspace for p_user_id when they already own private.workspace_limits.owned_per_user (default 3) workspaces: 42501 (HTTP 403) workspace_limit_reached; or created created_per_day (default 3) in the last 24 hours, deleted ones included: PT429 (HTTP 429) workspace_rate_limited, detail retry_at=<UTC instant>. Takes a per-person transaction lock first, so concurrent creations are counted one after the other.';
