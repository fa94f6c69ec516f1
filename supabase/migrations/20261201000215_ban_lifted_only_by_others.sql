-- =====================================================================================
-- An offboarding ban is lifted only by someone allowed to (issue 12, finding 1; PRODUCT.md
-- rule 10). Before: a deactivated member with a still-valid token called create_workspace,
-- got an active membership, and the memberships_sync_auth_access_insert trigger cleared
-- auth.users.banned_until; a suspended member did the same with leave_workspace.
-- Now:
--   * private.sync_auth_access never clears a ban in a change made by the banned user;
--   * create_workspace and accept_invitation refuse a banned account (42501 account_disabled);
--   * leave_workspace refuses a member whose own membership is inactive or suspended
--     (42501 offboarded): leaving would remove the reason for the ban;
--   * the self-service RPCs refuse a revoked session (PT401 session_revoked).
-- =====================================================================================

-- ---------- The ban rule ------------------------------------------------------------
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

  select coalesce(bool_or(m.status = 'active' or (m.status = 'suspended' and m.suspended_until <= now())), false),
         coalesce(bool_or(m.status = 'inactive'
                          or (m.status = 'suspended' and (m.suspended_until is null or m.suspended_until > now()))), false),
         -- The first dated suspension to end gives access back (in that workspace); with
         -- none, the ban has no end.
         coalesce(min(m.suspended_until) filter (where m.status = 'suspended' and m.suspended_until > now()),
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
comment on function private.sync_auth_access(uuid, uuid) is
  'Applies the offboarding rule to one Auth user: with an inactive membership or a running suspension and no effectively active membership anywhere, bans the account (banned_until = end of the earliest dated suspension, else private.indefinite_ban_until()) and deletes their auth.sessions (refresh tokens cascade on Supabase), logging member.sessions_revoked in p_workspace_id when sessions were ended; otherwise clears a ban Fluxera applied (restoring a shorter foreign ban it had replaced, if still running), except in a change made by the banned user themselves. Returns the number of sessions ended. Locks the auth.users row.';

-- ---------- Is this account disabled? -------------------------------------------------
create or replace function private.account_disabled(p_user_id uuid)
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return exists (select 1 from auth.users u where u.id = p_user_id and u.banned_until > now())
      or exists (select 1 from private.auth_bans b where b.user_id = p_user_id);
end;
$$;
comment on function private.account_disabled(uuid) is
  'Whether the Auth account is banned now (by Fluxera offboarding or anyone else).';
revoke all on function private.account_disabled(uuid) from public, anon, authenticated;

-- ---------- Self-service RPCs --------------------------------------------------------
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
comment on function public.create_workspace(text) is
  'Creates a workspace owned by the caller. Errors: 22023 invalid_name, 42501 not_authenticated/account_disabled (a banned account cannot give itself an active membership), PT401 session_revoked.';

create or replace function public.accept_invitation(p_workspace_id uuid)
returns public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := private.require_caller();
  v_own public.memberships;
begin
  select * into v_own from public.memberships m
   where m.workspace_id = p_workspace_id and m.user_id = v_uid
   for update;
  if not found or v_own.status not in ('pending', 'active') then
    raise exception 'No pending invitation to this workspace.' using errcode = 'PT404', hint = 'not_found';
  end if;
  if v_own.status = 'active' then
    return v_own;  -- accepting twice (double click, second tab) is harmless
  end if;
  if private.account_disabled(v_uid) then
    raise exception 'This account is disabled. Ask an Admin of your workspace to reactivate it.'
      using errcode = '42501', hint = 'account_disabled';
  end if;
  if v_own.invite_expires_at <= now() then
    raise exception 'This invitation has expired; ask for a new one.' using errcode = '22023', hint = 'invitation_expired';
  end if;
  update public.memberships m set status = 'active', joined_at = now()
   where m.id = v_own.id
  returning * into v_own;
  return v_own;
end;
$$;
comment on function public.accept_invitation(uuid) is
  'The caller accepts their pending invitation and becomes active. Idempotent. Logs member.joined. Errors: PT404 not_found, 22023 invitation_expired, 42501 account_disabled, PT401 session_revoked.';

create or replace function public.decline_invitation(p_workspace_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := private.require_caller();
begin
  delete from public.memberships m
   where m.workspace_id = p_workspace_id and m.user_id = v_uid and m.status = 'pending';
  if not found then
    raise exception 'No pending invitation to this workspace.' using errcode = 'PT404', hint = 'not_found';
  end if;
end;
$$;
comment on function public.decline_invitation(uuid) is
  'The caller declines (deletes) their pending invitation. Logs member.declined. Errors: PT404 not_found, PT401 session_revoked.';

create or replace function public.invitation_details(p_workspace_id uuid)
returns table (
  membership_id uuid,
  workspace_id uuid,
  workspace_name text,
  role public.workspace_role,
  invited_by_email text,
  invited_by_name text,
  invited_at timestamptz,
  invite_expires_at timestamptz,
  expired boolean
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_uid uuid := private.require_caller();
begin
  return query
    select m.id, w.id, w.name, m.role, p.email, p.full_name, m.invited_at, m.invite_expires_at,
           m.invite_expires_at <= now()
      from public.memberships m
      join public.workspaces w on w.id = m.workspace_id
      left join public.profiles p on p.id = m.invited_by
     where m.workspace_id = p_workspace_id and m.user_id = v_uid and m.status = 'pending';
  if not found then
    raise exception 'No pending invitation to this workspace.' using errcode = 'PT404', hint = 'not_found';
  end if;
end;
$$;
comment on function public.invitation_details(uuid) is
  'The caller''s pending invitation: workspace name, role, inviter, expiry (for "Join X as Y"). Errors: PT404 not_found, PT401 session_revoked.';

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
  if v_own.status = 'inactive'
     or (v_own.status = 'suspended' and (v_own.suspended_until is null or v_own.suspended_until > now())) then
    raise exception 'Your access to this workspace is deactivated or suspended; an Admin can reactivate or remove you.'
      using errcode = '42501', hint = 'offboarded';
  end if;
  delete from public.memberships m where m.id = v_own.id;
end;
$$;
comment on function public.leave_workspace(uuid) is
  'The caller leaves the workspace (active or pending, not the owner). Logs member.left. A deactivated or suspended member cannot leave (that would lift their offboarding ban). Errors: PT404 not_found, 42501 owner_must_transfer/offboarded, PT401 session_revoked.';
