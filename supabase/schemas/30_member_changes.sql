-- =====================================================================================
-- Member changes: roles, statuses, removal, leaving, ownership transfer, offboarding.
-- Every change goes through private.prepare_member_change (lock the workspace row, check
-- permission and rank), so the single, bulk and offboarding RPCs share one set of rules and
-- errors. Deactivation and suspension reach Supabase Auth in the same transaction (bans,
-- session revocation), so "cannot log in" holds the moment the status changes.
-- =====================================================================================

set local check_function_bodies = off;

-- ---------- Functions --------------------------------------------------------------

-- What a member row's menu offers, by the member's (effective) status, in menu order. The
-- single-member RPCs refuse the other actions with invalid_status / not_pending.
create or replace function private.member_menu(p_status public.member_status)
returns text[]
language sql
immutable
as $$
  select case p_status
    when 'active' then array['changeRole', 'suspend', 'deactivate', 'remove']
    when 'suspended' then array['changeRole', 'lift', 'deactivate', 'remove']
    when 'inactive' then array['changeRole', 'reactivate', 'remove']
    when 'pending' then array['changeRole', 'resend', 'revoke']
    else array[]::text[]
  end
$$;
comment on function private.member_menu(p_status public.member_status) is
  'The actions that fit a member in this effective status, in menu order: changeRole, suspend, lift, deactivate, reactivate, remove, resend, revoke.';

-- The guard of every member RPC, as a value: private.prepare_member_change raises on it, and
-- the Users page reads it per row (private.member_actions), so the menu and the database
-- refuse the same things. Order as the RPCs check: permission, self, owner, rank, directory
-- sync, status. A member a directory connection manages (p_managed_by, its name) has their
-- role and status owned by the identity provider (docs/directory-sync.md): a change made here
-- would be undone by the next sync, or keep a leaver in until then. Removal stays possible.
create or replace function private.member_action_refusal(
  p_action text, p_caller_id uuid, p_caller_rank integer, p_manage boolean, p_invite boolean,
  p_user_id uuid, p_role public.workspace_role, p_status public.member_status, p_managed_by text)
returns text
language sql
immutable
as $$
  select case
    when not coalesce(case when p_action in ('resend', 'revoke') then p_invite else p_manage end, false)
      then 'not_allowed'
    when p_user_id = p_caller_id then 'self_change'
    when p_role = 'owner' then 'owner_protected'
    when private.role_rank(p_role) > coalesce(p_caller_rank, 0) then 'higher_rank_member'
    when p_managed_by is not null and p_action in ('changeRole', 'suspend', 'lift', 'deactivate', 'reactivate')
      then 'directory_managed'
    when p_action is not null and not (p_action = any (private.member_menu(p_status))) then 'invalid_status'
  end
$$;
comment on function private.member_action_refusal(p_action text, p_caller_id uuid, p_caller_rank integer, p_manage boolean, p_invite boolean, p_user_id uuid, p_role public.workspace_role, p_status public.member_status, p_managed_by text) is
  'Why the caller (id, rank, holds members.manage / members.invite) may not take p_action (null: any) on a member (user id, role, effective status, name of the directory connection managing them or null): the hint the RPC raises (not_allowed, self_change, owner_protected, higher_rank_member, directory_managed, invalid_status), or null when it may. directory_managed covers changeRole and the status actions; the trigger memberships_directory_managed enforces it.';

create or replace function private.member_managed_reason(p_action text, p_managed_by text)
returns text
language sql
immutable
as $$
  select case when p_action = 'changeRole'
    then format('Managed by %s: the role follows the groups in %s. Change the person''s groups there, or the group mappings in Settings → Directory sync.', p_managed_by, p_managed_by)
    else format('Managed by %s: change this in %s. Directory sync would undo a change made here.', p_managed_by, p_managed_by)
  end
$$;
comment on function private.member_managed_reason(p_action text, p_managed_by text) is
  'The words for a directory_managed refusal of p_action, naming the connection ("Managed by Okta: change this in Okta. ...").';

create or replace function private.member_actions(
  p_caller_id uuid, p_caller_rank integer, p_manage boolean, p_invite boolean,
  p_user_id uuid, p_role public.workspace_role, p_status public.member_status, p_managed_by text)
returns jsonb
language sql
immutable
as $$
  select coalesce(jsonb_agg(jsonb_build_object(
           'action', a.action,
           'refusal', r.refusal,
           'reason', case r.refusal
             when 'not_allowed' then format('You need the %s permission for this.',
                                            case when a.action in ('resend', 'revoke') then 'members.invite' else 'members.manage' end)
             when 'self_change' then 'You cannot change your own role or status.'
             when 'owner_protected' then 'The Owner cannot be changed, deactivated, suspended or removed. Ownership moves only by transfer, in Settings.'
             when 'higher_rank_member' then 'You cannot act on a member whose role is above yours.'
             when 'directory_managed' then private.member_managed_reason(a.action, p_managed_by)
           end) order by a.n), '[]'::jsonb)
    from unnest(private.member_menu(p_status)) with ordinality as a(action, n)
   cross join lateral (
     select private.member_action_refusal(a.action, p_caller_id, p_caller_rank, p_manage, p_invite,
                                          p_user_id, p_role, p_status, p_managed_by) as refusal) r
$$;
comment on function private.member_actions(p_caller_id uuid, p_caller_rank integer, p_manage boolean, p_invite boolean, p_user_id uuid, p_role public.workspace_role, p_status public.member_status, p_managed_by text) is
  'A member row''s menu for the caller: [{action, refusal, reason}] in menu order (private.member_menu), refusal and reason null when the database would take the action (private.member_action_refusal).';

-- The name of the directory connection that manages a membership, or null (the Users page's
-- "Managed by Okta"; the tables are in 95_directory_sync.sql).
create or replace function private.member_managed_by(p_membership_id uuid)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select c.name
    from public.directory_users u
    join public.directory_connections c on c.id = u.connection_id
   where u.membership_id = p_membership_id
$$;
comment on function private.member_managed_by(p_membership_id uuid) is
  'Name of the directory connection managing the membership (docs/directory-sync.md), null when none. No permission check: the callers (member_directory, member_directory_page, the managed-member trigger) check first.';
grant execute on function private.member_menu(p_status public.member_status) to authenticated, service_role;
grant execute on function private.member_action_refusal(p_action text, p_caller_id uuid, p_caller_rank integer, p_manage boolean, p_invite boolean, p_user_id uuid, p_role public.workspace_role, p_status public.member_status, p_managed_by text) to authenticated, service_role;
grant execute on function private.member_managed_reason(p_action text, p_managed_by text) to authenticated, service_role;
grant execute on function private.member_actions(p_caller_id uuid, p_caller_rank integer, p_manage boolean, p_invite boolean, p_user_id uuid, p_role public.workspace_role, p_status public.member_status, p_managed_by text) to authenticated, service_role;
revoke all on function private.member_managed_by(p_membership_id uuid) from public, anon;
grant execute on function private.member_managed_by(p_membership_id uuid) to authenticated, service_role;

create or replace function private.prepare_member_change(p_membership_id uuid, p_permission text)
returns public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_workspace_id uuid;
  v_target public.memberships;
begin
  v_workspace_id := (private.require_member(p_membership_id)).workspace_id;

  perform 1 from public.workspaces w where w.id = v_workspace_id for no key update;
  perform private.require_permission(v_workspace_id, p_permission);

  select * into v_target from public.memberships m where m.id = p_membership_id for update;
  if not found then
    raise exception 'Member not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  -- The same rules, in the same order, that the Users page shows per row (member_actions).
  case private.member_action_refusal(null, auth.uid(), private.caller_rank(v_workspace_id), true, true,
                                     v_target.user_id, v_target.role, v_target.status, null)
    when 'self_change' then
      raise exception 'You cannot change your own role or status.' using errcode = '42501', hint = 'self_change';
    when 'owner_protected' then
      raise exception 'The workspace owner cannot be changed, deactivated, suspended or removed.'
        using errcode = '42501', hint = 'owner_protected';
    when 'higher_rank_member' then
      raise exception 'You cannot act on a member whose role (%) is above yours.', v_target.role
        using errcode = '42501', hint = 'higher_rank_member';
    else
      null;
  end case;
  return v_target;
end;
$$;
comment on function private.prepare_member_change(p_membership_id uuid, p_permission text) is
  'Locks the workspace, checks the caller''s permission and rank and returns the locked target membership. Raises PT404 not_found, 42501 not_allowed / self_change / owner_protected / higher_rank_member.';

create or replace function public.change_member_role(p_membership_id uuid, p_role public.workspace_role)
returns public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_target public.memberships;
begin
  if p_role is null then
    raise exception 'Choose a role: admin, member or viewer.' using errcode = '22023', hint = 'unknown_role';
  end if;
  v_target := private.prepare_member_change(p_membership_id, 'members.manage');
  if p_role = 'owner' then
    raise exception 'Ownership moves only through a transfer by the owner.'
      using errcode = '42501', hint = 'owner_via_transfer';
  end if;
  perform private.assert_rank_for_role(v_target.workspace_id, p_role);
  if v_target.role = p_role then
    return v_target;
  end if;

  update public.memberships m set role = p_role where m.id = p_membership_id returning * into v_target;
  return v_target;
end;
$$;
comment on function public.change_member_role(p_membership_id uuid, p_role public.workspace_role) is
  'Sets a member''s role to admin, member or viewer (members.manage), never above the caller''s own role nor on a member above it. Logs member.role_changed. Errors: 22023 unknown_role, 42501 not_allowed/self_change/owner_protected/owner_via_transfer/higher_rank_member/higher_rank_role, PT404 not_found.';
grant execute on function public.change_member_role(p_membership_id uuid, p_role public.workspace_role) to authenticated;

create or replace function public.deactivate_member(p_membership_id uuid)
returns public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_target public.memberships := private.prepare_member_change(p_membership_id, 'members.manage');
begin
  if v_target.status = 'pending' then
    raise exception 'This invitation has not been accepted; revoke it instead.'
      using errcode = '22023', hint = 'invalid_status';
  end if;
  if v_target.status = 'inactive' then
    return v_target;
  end if;
  update public.memberships m
     set status = 'inactive', suspended_until = null, status_reason = null
   where m.id = p_membership_id
  returning * into v_target;
  return v_target;
end;
$$;
comment on function public.deactivate_member(p_membership_id uuid) is
  'Offboards a member: status inactive, no access at once (members.manage). Logs member.deactivated. When the user has no other effectively active membership, in the same transaction their Auth account is banned (indefinitely) and their sessions deleted (member.sessions_revoked when there were any): trigger memberships_sync_auth_access.';
grant execute on function public.deactivate_member(p_membership_id uuid) to authenticated;

create or replace function public.reactivate_member(p_membership_id uuid)
returns public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_target public.memberships := private.prepare_member_change(p_membership_id, 'members.manage');
begin
  if v_target.status = 'pending' then
    raise exception 'This invitation has not been accepted yet.' using errcode = '22023', hint = 'invalid_status';
  end if;
  if v_target.status = 'active' then
    return v_target;
  end if;
  if v_target.status = 'inactive' then
    perform private.assert_seat_available(v_target.workspace_id, 1);
  end if;
  update public.memberships m
     set status = 'active', suspended_until = null, status_reason = null
   where m.id = p_membership_id
  returning * into v_target;
  return v_target;
end;
$$;
comment on function public.reactivate_member(p_membership_id uuid) is
  'Gives an inactive (or suspended) member access again (members.manage). Logs member.reactivated (or member.suspension_lifted) and lifts the Auth ban Fluxera applied, in the same transaction.';
grant execute on function public.reactivate_member(p_membership_id uuid) to authenticated;

create or replace function public.suspend_member(
  p_membership_id uuid, p_until timestamptz default null, p_reason text default null
)
returns public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_target public.memberships;
begin
  if p_until is not null and not isfinite(p_until) then
    raise exception 'A suspension needs a real end date, or none to suspend until lifted.'
      using errcode = '22023', hint = 'invalid_date';
  end if;
  if p_until is not null and p_until <= now() then
    raise exception 'A suspension must end in the future.' using errcode = '22023', hint = 'invalid_date';
  end if;
  if p_until > now() + private.max_suspension() then
    raise exception 'A suspension can last at most %; leave the end date empty to suspend until lifted.',
      private.max_suspension() using errcode = '22023', hint = 'invalid_date';
  end if;
  if char_length(p_reason) > 2000 then
    raise exception 'The reason is too long (at most 2000 characters).' using errcode = '22023', hint = 'too_long';
  end if;
  v_target := private.prepare_member_change(p_membership_id, 'members.manage');
  if v_target.status not in ('active', 'suspended') then
    raise exception 'Only active members can be suspended.' using errcode = '22023', hint = 'invalid_status';
  end if;
  update public.memberships m
     set status = 'suspended', suspended_until = p_until, status_reason = nullif(btrim(p_reason), '')
   where m.id = p_membership_id
  returning * into v_target;
  return v_target;
end;
$$;
comment on function public.suspend_member(p_membership_id uuid, p_until timestamp with time zone, p_reason text) is
  'Suspends a member until p_until (null = until lifted; a finite instant in the future, at most private.max_suspension() ahead), with an optional reason (members.manage, rank). Logs member.suspended. When the user has no other effectively active membership, their Auth account is banned until p_until (indefinitely when null) and their sessions deleted, in the same transaction. Errors add 22023 invalid_date/too_long/invalid_status.';
grant execute on function public.suspend_member(p_membership_id uuid, p_until timestamp with time zone, p_reason text) to authenticated;

create or replace function public.lift_suspension(p_membership_id uuid)
returns public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_target public.memberships := private.prepare_member_change(p_membership_id, 'members.manage');
begin
  if v_target.status <> 'suspended' then
    raise exception 'This member is not suspended.' using errcode = '22023', hint = 'invalid_status';
  end if;
  update public.memberships m
     set status = 'active', suspended_until = null, status_reason = null
   where m.id = p_membership_id
  returning * into v_target;
  return v_target;
end;
$$;
comment on function public.lift_suspension(p_membership_id uuid) is
  'Ends a suspension now (members.manage). Logs member.suspension_lifted and lifts the Auth ban Fluxera applied.';
grant execute on function public.lift_suspension(p_membership_id uuid) to authenticated;

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
comment on function private.lift_expired_suspensions() is
  'Flips suspensions whose end has passed to active (one member.suspension_lifted row each, actor system) and clears the Auth ban Fluxera applied (Auth already ignores a banned_until in the past). Access already follows the effective status; this keeps the rows honest. Schedule it (pg_cron) every few minutes.';
grant execute on function private.lift_expired_suspensions() to service_role;

create or replace function public.remove_member(p_membership_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.prepare_member_change(p_membership_id, 'members.manage');
  delete from public.memberships m where m.id = p_membership_id;
end;
$$;
comment on function public.remove_member(p_membership_id uuid) is
  'Removes a member from the workspace (members.manage); their assets are unassigned and seats freed, each logged. Logs member.removed.';
grant execute on function public.remove_member(p_membership_id uuid) to authenticated;

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
comment on function public.leave_workspace(p_workspace_id uuid) is
  'The caller leaves the workspace (active or pending, not the owner). Logs member.left. A deactivated or suspended member cannot leave (that would lift their offboarding ban). Errors: PT404 not_found, 42501 owner_must_transfer/offboarded, PT401 session_revoked.';
grant execute on function public.leave_workspace(p_workspace_id uuid) to authenticated;

create or replace function public.transfer_ownership(p_workspace_id uuid, p_new_owner_membership_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_target public.memberships;
begin
  perform private.require_workspace(p_workspace_id);
  perform 1 from public.workspaces w where w.id = p_workspace_id for no key update;
  perform private.require_permission(p_workspace_id, 'ownership.transfer');

  select * into v_target from public.memberships m
   where m.id = p_new_owner_membership_id and m.workspace_id = p_workspace_id
   for update;
  if not found then
    raise exception 'Member not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  if v_target.user_id = auth.uid() then
    raise exception 'You already own this workspace.' using errcode = '42501', hint = 'self_change';
  end if;
  if private.effective_status(v_target.status, v_target.suspended_until) <> 'active' then
    raise exception 'Ownership can only go to an active member.' using errcode = '22023', hint = 'target_not_active';
  end if;

  -- Demote first: the partial unique index allows only one owner at any instant.
  update public.memberships m set role = 'admin'
   where m.workspace_id = p_workspace_id and m.role = 'owner';
  update public.memberships m
     set role = 'owner', status = 'active', suspended_until = null, status_reason = null
   where m.id = v_target.id;
end;
$$;
comment on function public.transfer_ownership(p_workspace_id uuid, p_new_owner_membership_id uuid) is
  'Owner only (ownership.transfer): the target (an effectively active member) becomes owner and the old owner becomes admin, atomically. Logs ownership.transferred and member.role_changed.';
grant execute on function public.transfer_ownership(p_workspace_id uuid, p_new_owner_membership_id uuid) to authenticated;

-- Not 'infinity': Supabase Auth (Go, pgx through database/sql) scans banned_until into a
-- time.Time, which cannot hold an infinite timestamp, so an 'infinity' ban would make every
-- Auth request for that user fail with a server error instead of a clean "user banned".
-- A fixed far-future instant behaves the same for Auth and stays readable by every client
-- (it is also far enough from year 10000 to survive any time-zone shift).
create or replace function private.indefinite_ban_until()
returns timestamptz
language sql
immutable
set search_path = ''
as $$
  select timestamptz '9999-01-01 00:00:00+00'
$$;
comment on function private.indefinite_ban_until() is
  'banned_until for a ban without an end (deactivation, open-ended suspension): 9999-01-01 UTC. A finite stand-in for ''infinity'', which Supabase Auth cannot read into a Go time.Time.';

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
    -- Nothing the banned user does lifts the ban (docs/product-rules.md rule 10): a change whose
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
comment on function private.sync_auth_access(p_user_id uuid, p_workspace_id uuid) is
  'Applies the offboarding rule to one Auth user: with an inactive membership or a running suspension and no effectively active membership anywhere, bans the account (banned_until = end of the earliest dated suspension, else private.indefinite_ban_until()) and deletes their auth.sessions (refresh tokens cascade on Supabase), logging member.sessions_revoked in p_workspace_id when sessions were ended; otherwise clears a ban Fluxera applied (restoring a shorter foreign ban it had replaced, if still running), except in a change made by the banned user themselves. Returns the number of sessions ended. Locks the auth.users row.';
grant execute on function private.sync_auth_access(p_user_id uuid, p_workspace_id uuid) to service_role;

create or replace function private.sync_auth_access_on_membership_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' then
    perform private.sync_auth_access(old.user_id, old.workspace_id);
  else
    perform private.sync_auth_access(new.user_id, new.workspace_id);
  end if;
  return null;
end;
$$;
comment on function private.sync_auth_access_on_membership_change() is
  'AFTER row trigger on memberships: re-applies the offboarding rule (private.sync_auth_access) to the member whose status changed, in the same transaction as the change and its activity row.';

create or replace function public.offboarding_summary(p_membership_id uuid)
returns table (kind text, id uuid, name text, tag text, license_id uuid, assigned_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_target public.memberships;
begin
  v_target := private.require_member(p_membership_id);
  perform private.require_permission(v_target.workspace_id, 'members.manage');

  return query
    select 'asset'::text, a.id, a.name, a.asset_tag, null::uuid, a.updated_at
      from public.assets a
     where a.workspace_id = v_target.workspace_id and a.assigned_to = v_target.user_id
    union all
    select 'license_seat'::text, s.id, l.product, null::text, l.id, s.assigned_at
      from public.license_seats s
      join public.licenses l on l.id = s.license_id
     where s.workspace_id = v_target.workspace_id and s.user_id = v_target.user_id
    order by 1, 3, 2;
end;
$$;
comment on function public.offboarding_summary(p_membership_id uuid) is
  'The offboarding step''s list (members.manage): assets assigned to the member (kind asset: id, name, tag = asset_tag, assigned_at = last change of the asset) and their licence seats (kind license_seat: seat id, name = licence product, license_id, assigned_at). Works for any status. Errors: PT404 not_found, 42501 not_allowed.';
grant execute on function public.offboarding_summary(p_membership_id uuid) to authenticated;

create or replace function public.reassign_member_holdings(p_membership_id uuid, p_to_user_id uuid default null)
returns table (assets integer, seats integer)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_source public.memberships;
  v_target public.memberships;
  v_assets integer := 0;
  v_seats integer := 0;
  v_licenses uuid[];
begin
  v_source := private.require_member(p_membership_id);
  -- Same lock as the member RPCs: the recipient cannot be deactivated or removed meanwhile.
  perform 1 from public.workspaces w where w.id = v_source.workspace_id for no key update;
  perform private.require_permission(v_source.workspace_id, 'assets.assign');
  perform private.assert_rank_over_member(v_source.workspace_id, v_source.role);

  if p_to_user_id is not null then
    if p_to_user_id = v_source.user_id then
      raise exception 'Choose someone else to take over these items.' using errcode = '22023', hint = 'invalid_input';
    end if;
    select * into v_target from public.memberships m
     where m.workspace_id = v_source.workspace_id and m.user_id = p_to_user_id
     for share;
    if not found then
      raise exception 'The person to hand the items to is not a member of this workspace.'
        using errcode = 'PT404', hint = 'not_found';
    end if;
    if private.effective_status(v_target.status, v_target.suspended_until) <> 'active' then
      raise exception 'Items can only be handed to an active member.' using errcode = '22023', hint = 'target_not_active';
    end if;
  end if;

  -- Assets: one asset.assigned row each (trigger). Checked in: back in stock unless in
  -- repair or retired; reassigned: status assigned unless in repair or retired.
  update public.assets a
     set assigned_to = p_to_user_id,
         status = case when a.status in ('assigned', 'in_stock')
                       then case when p_to_user_id is null then 'in_stock' else 'assigned' end
                       else a.status end
   where a.workspace_id = v_source.workspace_id and a.assigned_to = v_source.user_id;
  get diagnostics v_assets = row_count;

  -- Seats: freed (license_seat.revoked), then, when reassigning, given to the recipient
  -- (license_seat.assigned) unless they already hold a seat of that licence. Freeing first
  -- keeps the seat count guard satisfied.
  with freed as (
    delete from public.license_seats s
     where s.workspace_id = v_source.workspace_id and s.user_id = v_source.user_id
    returning s.license_id
  )
  select array_agg(f.license_id) into v_licenses from freed f;
  v_seats := coalesce(cardinality(v_licenses), 0);

  if p_to_user_id is not null and v_seats > 0 then
    insert into public.license_seats (workspace_id, license_id, user_id)
    select v_source.workspace_id, l.license_id, p_to_user_id
      from unnest(v_licenses) as l(license_id)
     where not exists (select 1 from public.license_seats s
                        where s.license_id = l.license_id and s.user_id = p_to_user_id);
  end if;

  return query select v_assets, v_seats;
end;
$$;
comment on function public.reassign_member_holdings(p_membership_id uuid, p_to_user_id uuid) is
  'Reclaims everything a member holds in their workspace, atomically (assets.assign; not from a member above the caller''s role). With p_to_user_id (an effectively active member of the same workspace): their assets are assigned to that person and their licence seats move to them (a seat of a licence the recipient already holds is just freed). Without: assets are checked in (assigned_to null; status in_stock unless in_repair or retired) and seats freed. Returns how many assets and seats were taken from the member. Each change is logged by the table triggers. Errors: PT404 not_found, 42501 not_allowed/higher_rank_member, 22023 invalid_input/target_not_active.';
grant execute on function public.reassign_member_holdings(p_membership_id uuid, p_to_user_id uuid) to authenticated;

create or replace function private.bulk_membership_ids(p_membership_ids uuid[])
returns uuid[]
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_ids uuid[];
begin
  -- Distinct, in the order given (the first offending member is the first in the list).
  select array_agg(t.id order by t.ord) into v_ids
    from (select e.id, min(e.ord) as ord
            from unnest(p_membership_ids) with ordinality as e(id, ord)
           where e.id is not null
           group by e.id) t;
  if v_ids is null then
    raise exception 'Choose at least one member.' using errcode = '22023', hint = 'no_members';
  end if;
  if cardinality(v_ids) > 500 then
    raise exception 'At most 500 members at once.' using errcode = '22023', hint = 'too_many';
  end if;
  return v_ids;
end;
$$;
comment on function private.bulk_membership_ids(p_membership_ids uuid[]) is
  'Validates a bulk selection: distinct non-null ids in input order, 1..500. Errors: 22023 no_members/too_many.';

create or replace function private.raise_bulk_error(
  p_membership_id uuid, p_state text, p_message text, p_hint text, p_detail text
)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_label text;
begin
  -- Name the member by email only when the caller may read the directory right now
  -- (members.view, effectively active, 2FA satisfied): the same rule as RLS on profiles.
  if coalesce(p_hint, '') <> 'not_found' then
    select p.email into v_label
      from public.memberships m join public.profiles p on p.id = m.user_id
     where m.id = p_membership_id and private.has_permission(m.workspace_id, 'members.view');
  end if;
  raise exception '%: %', coalesce(v_label, 'Member ' || p_membership_id::text), p_message
    using errcode = p_state, hint = coalesce(p_hint, ''),
          detail = concat_ws(' ', 'membership_id=' || p_membership_id::text, nullif(p_detail, ''));
end;
$$;
comment on function private.raise_bulk_error(p_membership_id uuid, p_state text, p_message text, p_hint text, p_detail text) is
  'Re-raises a single-member RPC''s error for a bulk call: same SQLSTATE and hint, message prefixed with the member''s email when the caller holds members.view there (with 2FA where required), else with the membership id; detail starts with membership_id=<id>.';

create or replace function public.deactivate_members(p_membership_ids uuid[])
returns setof public.memberships
language plpgsql
security definer
set search_path = ''
as $$
begin
  return query
    select * from private.bulk_member_action(private.bulk_membership_ids(p_membership_ids), 'deactivate');
end;
$$;
comment on function public.deactivate_members(p_membership_ids uuid[]) is
  'Deactivates up to 500 members at once, all or nothing (members.manage), each exactly as deactivate_member() (member.deactivated rows; Auth ban and session revocation for users left with no active membership). Returns the updated rows. Errors: those of deactivate_member, message prefixed with the first offending member''s email, detail membership_id=<id>; 22023 no_members/too_many.';
grant execute on function public.deactivate_members(p_membership_ids uuid[]) to authenticated;

create or replace function public.change_members_role(p_membership_ids uuid[], p_role public.workspace_role)
returns setof public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_ids uuid[] := private.bulk_membership_ids(p_membership_ids);
begin
  -- Refusals that concern no member in particular come first, unprefixed.
  if p_role is null then
    raise exception 'Choose a role: admin, member or viewer.' using errcode = '22023', hint = 'unknown_role';
  end if;
  if p_role = 'owner' then
    raise exception 'Ownership moves only through a transfer by the owner.'
      using errcode = '42501', hint = 'owner_via_transfer';
  end if;
  return query select * from private.bulk_member_action(v_ids, 'change_role', p_role => p_role);
end;
$$;
comment on function public.change_members_role(p_membership_ids uuid[], p_role public.workspace_role) is
  'Sets the role of up to 500 members at once, all or nothing (members.manage), each exactly as change_member_role() (rank rules included; member.role_changed rows; members already in the role are left alone). Returns the rows. Errors: 22023 unknown_role, 42501 owner_via_transfer (before any member), then those of change_member_role prefixed with the first offending member''s email (when the caller may see it); 22023 no_members/too_many.';
grant execute on function public.change_members_role(p_membership_ids uuid[], p_role public.workspace_role) to authenticated;

create or replace function public.resend_invitations(p_membership_ids uuid[])
returns setof public.memberships
language plpgsql
security definer
set search_path = ''
as $$
begin
  return query
    select * from private.bulk_member_action(private.bulk_membership_ids(p_membership_ids), 'resend');
end;
$$;
comment on function public.resend_invitations(p_membership_ids uuid[]) is
  'Renews up to 500 pending invitations at once, all or nothing (members.invite), each exactly as resend_invitation() (member.invitation_resent rows). It sends no mail itself: the invite-members edge function ({action: "resend"}, at most 100 ids per call) calls it as the caller and then mails each invitee a new link. Errors: those of resend_invitation prefixed with the first offending member''s email; 22023 no_members/too_many.';
grant execute on function public.resend_invitations(p_membership_ids uuid[]) to authenticated;

create or replace function public.reset_member_two_factor(p_membership_id uuid)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_target public.memberships;
  v_factors integer;
begin
  -- members.manage, rank (rule 9), not yourself (rule 2), never the Owner (rules 1 and 3)
  v_target := private.prepare_member_change(p_membership_id, 'members.manage');
  if v_target.status = 'pending' then
    raise exception 'This person has not joined yet: there is no two-factor authentication to reset.'
      using errcode = '22023', hint = 'not_joined';
  end if;
  -- Factors belong to the person, not to this workspace: an admin here must not strip the 2FA
  -- of someone who ranks above them (or whom they may not manage) in another workspace.
  if exists (
    select 1 from public.memberships o
     where o.user_id = v_target.user_id
       and o.workspace_id <> v_target.workspace_id
       and o.status <> 'pending'
       and not (o.workspace_id in (select private.workspaces_with('members.manage'))
                and private.caller_rank(o.workspace_id) > private.role_rank(o.role))
  ) then
    raise exception 'This person also belongs to another workspace where you cannot manage them; ask an admin of that workspace, or the person, to reset it.'
      using errcode = '42501', hint = 'other_workspace';
  end if;

  delete from auth.mfa_factors f where f.user_id = v_target.user_id;
  get diagnostics v_factors = row_count;
  if v_factors = 0 then
    raise exception 'This member has no two-factor authentication set up.'
      using errcode = '22023', hint = 'no_two_factor';
  end if;
  perform private.log_activity(
    v_target.workspace_id, 'member.two_factor_reset', 'membership', v_target.id::text,
    jsonb_build_object('factors', v_factors), jsonb_build_object('factors', 0), v_target.user_id);
  return v_factors;
end;
$$;
comment on function public.reset_member_two_factor(p_membership_id uuid) is
  'An admin resets a member''s two-factor authentication when they lost their device (issue 23): deletes every factor of the person in auth.mfa_factors (Supabase Auth has no recovery codes) and logs member.two_factor_reset; at their next sign-in a workspace that requires 2FA asks them to set it up again. members.manage, rank respected, never on the Owner nor yourself (private.prepare_member_change), refused when the person belongs to another workspace where the caller cannot manage them. Returns the number of factors removed. Errors: 22023 not_joined / no_two_factor, 42501 not_allowed / self_change / owner_protected / higher_rank_member / other_workspace, PT404 not_found.';
grant execute on function public.reset_member_two_factor(p_membership_id uuid) to authenticated;

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
comment on function private.account_disabled(p_user_id uuid) is
  'Whether the Auth account is banned now (by Fluxera offboarding or anyone else).';

create or replace function private.assert_rank_over_member(p_workspace_id uuid, p_target_role public.workspace_role)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if private.role_rank(p_target_role) > private.caller_rank(p_workspace_id) then
    raise exception 'You cannot act on a member whose role (%) is above yours.', p_target_role
      using errcode = '42501', hint = 'higher_rank_member';
  end if;
end;
$$;
comment on function private.assert_rank_over_member(p_workspace_id uuid, p_target_role public.workspace_role) is
  'Raises 42501 higher_rank_member when the target''s role is above the caller''s role in the workspace.';

create or replace function private.assert_rank_for_role(p_workspace_id uuid, p_role public.workspace_role)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if private.role_rank(p_role) > private.caller_rank(p_workspace_id) then
    raise exception 'You cannot give anyone a role (%) above your own.', p_role
      using errcode = '42501', hint = 'higher_rank_role';
  end if;
end;
$$;
comment on function private.assert_rank_for_role(p_workspace_id uuid, p_role public.workspace_role) is
  'Raises 42501 higher_rank_role when p_role is above the caller''s role in the workspace.';

create or replace function private.max_suspension()
returns interval
language sql
immutable
set search_path = ''
as $$
  select interval '5 years'
$$;
comment on function private.max_suspension() is
  'The longest dated suspension suspend_member accepts (5 years); longer means "until lifted" (no end date).';

create or replace function public.offboard_members(
  p_membership_ids uuid[],
  p_action text,
  p_holdings text default 'keep',
  p_to_user_id uuid default null,
  p_until timestamptz default null,
  p_reason text default null)
returns setof public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_ids uuid[] := private.bulk_membership_ids(p_membership_ids);
begin
  -- Refusals about the request as a whole come first, unprefixed.
  if p_action is null or p_action not in ('deactivate', 'suspend') then
    raise exception 'Choose deactivate or suspend.' using errcode = '22023', hint = 'invalid_input';
  end if;
  if p_holdings is null or p_holdings not in ('reassign', 'checkin', 'keep') then
    raise exception 'Choose what happens to their assets and seats: reassign, checkin or keep.'
      using errcode = '22023', hint = 'invalid_input';
  end if;
  if (p_holdings = 'reassign') <> (p_to_user_id is not null) then
    raise exception 'Name who takes over exactly when handing everything over.'
      using errcode = '22023', hint = 'invalid_input';
  end if;
  if p_action = 'deactivate' and (p_until is not null or p_reason is not null) then
    raise exception 'An end date and a reason belong to a suspension.' using errcode = '22023', hint = 'invalid_input';
  end if;
  if p_to_user_id is not null
     and exists (select 1 from public.memberships m where m.id = any (v_ids) and m.user_id = p_to_user_id) then
    raise exception 'The person taking over is being offboarded too; choose someone else.'
      using errcode = '22023', hint = 'invalid_input';
  end if;

  return query
    select * from private.bulk_member_action(
      v_ids, p_action, p_holdings => p_holdings, p_to_user_id => p_to_user_id,
      p_until => p_until, p_reason => p_reason);
end;
$$;
comment on function public.offboard_members(p_membership_ids uuid[], p_action text, p_holdings text, p_to_user_id uuid, p_until timestamp with time zone, p_reason text) is
  'The offboarding step in one transaction, all or nothing, for 1..500 members: p_holdings reassign (to p_to_user_id, an active member not being offboarded) | checkin | keep, as reassign_member_holdings() (assets.assign), then p_action deactivate | suspend (p_until, p_reason) as deactivate_member() / suspend_member() (members.manage, rank). Activity rows, Auth ban and session revocation as those functions. Returns the updated memberships. Errors: 22023 invalid_input/no_members/too_many, then those of the single-member functions prefixed with the first offending member (email when visible), detail membership_id=<id>.';
grant execute on function public.offboard_members(p_membership_ids uuid[], p_action text, p_holdings text, p_to_user_id uuid, p_until timestamp with time zone, p_reason text) to authenticated;

create or replace function private.bulk_member_action(
  p_membership_ids uuid[],
  p_action text,
  p_role public.workspace_role default null,
  p_holdings text default null,
  p_to_user_id uuid default null,
  p_until timestamptz default null,
  p_reason text default null)
returns setof public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id uuid;
  v_row public.memberships;
  v_state text;
  v_message text;
  v_hint text;
  v_detail text;
begin
  if p_action is null or p_action not in ('deactivate', 'suspend', 'change_role', 'resend') then
    raise exception 'Unknown bulk member action "%".', p_action using errcode = '22023', hint = 'invalid_input';
  end if;
  foreach v_id in array p_membership_ids loop
    begin
      if p_holdings is not null and p_holdings <> 'keep' then
        perform public.reassign_member_holdings(v_id, p_to_user_id);
      end if;
      case p_action
        when 'deactivate' then v_row := public.deactivate_member(v_id);
        when 'suspend' then v_row := public.suspend_member(v_id, p_until, p_reason);
        when 'change_role' then v_row := public.change_member_role(v_id, p_role);
        when 'resend' then v_row := public.resend_invitation(v_id);
      end case;
    exception when others then
      get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
                              v_hint = pg_exception_hint, v_detail = pg_exception_detail;
      perform private.raise_bulk_error(v_id, v_state, v_message, v_hint, v_detail);
    end;
    return next v_row;
  end loop;
end;
$$;
comment on function private.bulk_member_action(p_membership_ids uuid[], p_action text, p_role public.workspace_role, p_holdings text, p_to_user_id uuid, p_until timestamp with time zone, p_reason text) is
  'The loop of the bulk member RPCs. For each id of p_membership_ids (already checked by private.bulk_membership_ids), in order: when p_holdings is reassign or checkin, public.reassign_member_holdings(id, p_to_user_id) first; then the action: deactivate (public.deactivate_member), suspend (public.suspend_member with p_until, p_reason), change_role (public.change_member_role with p_role) or resend (public.resend_invitation). Returns each resulting membership. The first refusal is raised again as "<member>: <message>" with its SQLSTATE and hint (private.raise_bulk_error), so the batch is all or nothing.';

-- ---------- Tables -----------------------------------------------------------------

-- Remembers the banned_until value Fluxera wrote, so that lifting only ever clears our own
-- ban: a ban set by someone else (dashboard, Auth admin API) is never cleared by a
-- reactivation (a shorter one that ours replaced is put back), and one that outlasts ours
-- is never shortened.
create table private.auth_bans (
  user_id uuid not null,
  banned_until timestamp with time zone not null,
  replaced_banned_until timestamp with time zone,
  banned_at timestamp with time zone default now() not null,
  constraint auth_bans_pkey primary key (user_id),
  constraint auth_bans_user_id_fkey foreign key (user_id) references public.profiles(id) on delete cascade
);

comment on table private.auth_bans is
  'Auth bans applied by Fluxera offboarding (one row per banned user): the banned_until value written to auth.users. No policies: only the security definer offboarding helpers touch it.';
comment on column private.auth_bans.banned_until is
  'The value written to auth.users.banned_until: private.indefinite_ban_until() for deactivations and open-ended suspensions, the suspension end otherwise.';
comment on column private.auth_bans.replaced_banned_until is
  'A shorter ban someone else had set when Fluxera''s ban replaced it; restored (if still running) when Fluxera lifts its ban.';
comment on column private.auth_bans.banned_at is
  'When Fluxera first applied (or last changed) the ban.';

alter table private.auth_bans enable row level security;

-- ---------- Triggers on tables defined elsewhere, calling functions of this file ---

-- A trigger rather than calls in each RPC: deactivate_member, suspend_member, the bulk
-- versions, reactivation, lift_suspension, private.lift_expired_suspensions() (expiry),
-- removal, leaving, acceptance and workspace deletion are then all covered, whichever path.
create trigger memberships_sync_auth_access
  after update of status, suspended_until on public.memberships
  for each row
  when (old.status is distinct from new.status or old.suspended_until is distinct from new.suspended_until)
  execute function private.sync_auth_access_on_membership_change();
comment on trigger memberships_sync_auth_access on public.memberships is
  'Status or suspension end changed: ban the Auth account and end its sessions when no effectively active membership is left; lift Fluxera''s ban when one is back.';

create trigger memberships_sync_auth_access_insert
  after insert on public.memberships
  for each row
  when (new.status <> 'pending')
  execute function private.sync_auth_access_on_membership_change();
comment on trigger memberships_sync_auth_access_insert on public.memberships is
  'A new non-pending membership (e.g. a new workspace) can end a Fluxera ban.';

create trigger memberships_sync_auth_access_delete
  after delete on public.memberships
  for each row
  when (old.status <> 'pending')
  execute function private.sync_auth_access_on_membership_change();
comment on trigger memberships_sync_auth_access_delete on public.memberships is
  'Removing or leaving a membership can leave an offboarded user with no active one (ban), or remove the last reason for a ban (lift).';

-- ---------- Schedule ---------------------------------------------------------------------
-- Where pg_cron is available (hosted Supabase), lift elapsed suspensions every 5 minutes.
do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    perform cron.schedule('fluxera-lift-expired-suspensions', '*/5 * * * *',
                          'select private.lift_expired_suspensions()');
  end if;
end
$$;
