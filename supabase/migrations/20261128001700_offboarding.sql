-- =====================================================================================
-- Offboarding: "cannot log in" (PRODUCT.md, Statuses) enforced in the database, and the
-- offboarding step's view of what a member holds, with one call to reclaim it.
--
-- Why the Auth side is done here and not in an edge function: the ban and the session
-- revocation happen in the same transaction as the status change and its activity row, so
-- a deactivation can never half-succeed (status changed but account still usable, or the
-- reverse) and there is no second request that can fail or be skipped. What each part
-- covers:
--   * an access token issued before the change is already refused by RLS (the helpers read
--     memberships on every request, not the JWT), so nothing needs to wait for it to expire;
--   * deleting auth.sessions ends every session (on Supabase auth.refresh_tokens cascades
--     from it), so no refresh token can mint a new access token;
--   * auth.users.banned_until stops new sign-ins (password, magic link, OAuth) and refreshes.
-- Rule: a user whose memberships include an inactive or still-running suspension and none
-- that is effectively active is banned; anyone with an effectively active membership (in
-- any workspace) is never banned by Fluxera and keeps their sessions.
-- =====================================================================================

-- ---------- Bans Fluxera applied -----------------------------------------------------
-- Remembers the banned_until value Fluxera wrote, so that lifting only ever clears our own
-- ban: a ban set by someone else (dashboard, Auth admin API) is never cleared by a
-- reactivation (a shorter one that ours replaced is put back), and one that outlasts ours
-- is never shortened.
create table private.auth_bans (
  user_id uuid primary key references public.profiles (id) on delete cascade,
  banned_until timestamptz not null,
  replaced_banned_until timestamptz,
  banned_at timestamptz not null default now()
);
alter table private.auth_bans enable row level security;
revoke all on table private.auth_bans from public, anon, authenticated, service_role;

comment on table private.auth_bans is
  'Auth bans applied by Fluxera offboarding (one row per banned user): the banned_until value written to auth.users. No policies: only the security definer offboarding helpers touch it.';
comment on column private.auth_bans.banned_until is
  'The value written to auth.users.banned_until: private.indefinite_ban_until() for deactivations and open-ended suspensions, the suspension end otherwise.';
comment on column private.auth_bans.replaced_banned_until is
  'A shorter ban someone else had set when Fluxera''s ban replaced it; restored (if still running) when Fluxera lifts its ban.';
comment on column private.auth_bans.banned_at is 'When Fluxera first applied (or last changed) the ban.';

-- ---------- The "indefinite" ban -----------------------------------------------------
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

-- ---------- Applying the rule to one user --------------------------------------------
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
  'Applies the offboarding rule to one Auth user: with an inactive membership or a running suspension and no effectively active membership anywhere, bans the account (banned_until = end of the earliest dated suspension, else private.indefinite_ban_until()) and deletes their auth.sessions (refresh tokens cascade on Supabase), logging member.sessions_revoked in p_workspace_id when sessions were ended; otherwise clears a ban Fluxera applied (restoring a shorter foreign ban it had replaced, if still running). Returns the number of sessions ended. Locks the auth.users row.';

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

-- A trigger rather than calls in each RPC: deactivate_member, suspend_member, the bulk
-- versions, reactivation, lift_suspension, private.lift_expired_suspensions() (expiry),
-- removal, leaving, acceptance and workspace deletion are then all covered, whichever path.
create trigger memberships_sync_auth_access
  after update of status, suspended_until on public.memberships
  for each row
  when (old.status is distinct from new.status or old.suspended_until is distinct from new.suspended_until)
  execute function private.sync_auth_access_on_membership_change();
create trigger memberships_sync_auth_access_insert
  after insert on public.memberships
  for each row
  when (new.status <> 'pending')
  execute function private.sync_auth_access_on_membership_change();
create trigger memberships_sync_auth_access_delete
  after delete on public.memberships
  for each row
  when (old.status <> 'pending')
  execute function private.sync_auth_access_on_membership_change();

comment on trigger memberships_sync_auth_access on public.memberships is
  'Status or suspension end changed: ban the Auth account and end its sessions when no effectively active membership is left; lift Fluxera''s ban when one is back.';
comment on trigger memberships_sync_auth_access_insert on public.memberships is
  'A new non-pending membership (e.g. a new workspace) can end a Fluxera ban.';
comment on trigger memberships_sync_auth_access_delete on public.memberships is
  'Removing or leaving a membership can leave an offboarded user with no active one (ban), or remove the last reason for a ban (lift).';

-- ---------- The member RPCs now do the Auth side (same code, new contract) -----------
comment on function public.deactivate_member(uuid) is
  'Offboards a member: status inactive, no access at once (members.manage). Logs member.deactivated. When the user has no other effectively active membership, in the same transaction their Auth account is banned (indefinitely) and their sessions deleted (member.sessions_revoked when there were any): trigger memberships_sync_auth_access.';
comment on function public.suspend_member(uuid, timestamptz, text) is
  'Suspends a member until p_until (null = until lifted), with an optional reason (members.manage). Logs member.suspended. When the user has no other effectively active membership, their Auth account is banned until p_until (indefinitely when null) and their sessions deleted, in the same transaction. Errors add 22023 invalid_date/too_long/invalid_status.';
comment on function public.reactivate_member(uuid) is
  'Gives an inactive (or suspended) member access again (members.manage). Logs member.reactivated (or member.suspension_lifted) and lifts the Auth ban Fluxera applied, in the same transaction.';
comment on function public.lift_suspension(uuid) is
  'Ends a suspension now (members.manage). Logs member.suspension_lifted and lifts the Auth ban Fluxera applied.';
comment on function private.lift_expired_suspensions() is
  'Flips suspensions whose end has passed to active (one member.suspension_lifted row each, actor system) and clears the Auth ban Fluxera applied (Auth already ignores a banned_until in the past). Access already follows the effective status; this keeps the rows honest. Schedule it (pg_cron) every few minutes.';

-- ---------- What a member holds ------------------------------------------------------
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
  select * into v_target from public.memberships m where m.id = p_membership_id;
  if not found or not private.is_member(v_target.workspace_id) then
    raise exception 'Member not found.' using errcode = 'P0002', hint = 'not_found';
  end if;
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
comment on function public.offboarding_summary(uuid) is
  'The offboarding step''s list (members.manage): assets assigned to the member (kind asset: id, name, tag = asset_tag, assigned_at = last change of the asset) and their licence seats (kind license_seat: seat id, name = licence product, license_id, assigned_at). Works for any status. Errors: P0002 not_found, 42501 not_allowed.';

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
  select * into v_source from public.memberships m where m.id = p_membership_id;
  if not found or not private.is_member(v_source.workspace_id) then
    raise exception 'Member not found.' using errcode = 'P0002', hint = 'not_found';
  end if;
  -- Same lock as the member RPCs: the recipient cannot be deactivated or removed meanwhile.
  perform 1 from public.workspaces w where w.id = v_source.workspace_id for no key update;
  perform private.require_permission(v_source.workspace_id, 'assets.assign');

  if p_to_user_id is not null then
    if p_to_user_id = v_source.user_id then
      raise exception 'Choose someone else to take over these items.' using errcode = '22023', hint = 'invalid_input';
    end if;
    select * into v_target from public.memberships m
     where m.workspace_id = v_source.workspace_id and m.user_id = p_to_user_id
     for share;
    if not found then
      raise exception 'The person to hand the items to is not a member of this workspace.'
        using errcode = 'P0002', hint = 'not_found';
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
comment on function public.reassign_member_holdings(uuid, uuid) is
  'Reclaims everything a member holds in their workspace, atomically (assets.assign). With p_to_user_id (an effectively active member of the same workspace): their assets are assigned to that person and their licence seats move to them (a seat of a licence the recipient already holds is just freed). Without: assets are checked in (assigned_to null; status in_stock unless in_repair or retired) and seats freed. Returns how many assets and seats were taken from the member. Each change is logged by the table triggers (asset.assigned, license_seat.revoked, license_seat.assigned). Errors: P0002 not_found, 42501 not_allowed, 22023 invalid_input/target_not_active.';

-- ---------- Grants -------------------------------------------------------------------
revoke all on function private.indefinite_ban_until() from public, anon, authenticated;
revoke all on function private.sync_auth_access(uuid, uuid) from public, anon, authenticated;
revoke all on function private.sync_auth_access_on_membership_change() from public, anon, authenticated;
grant execute on function private.sync_auth_access(uuid, uuid) to service_role;

revoke all on function
  public.offboarding_summary(uuid),
  public.reassign_member_holdings(uuid, uuid)
from public, anon;
grant execute on function
  public.offboarding_summary(uuid),
  public.reassign_member_holdings(uuid, uuid)
to authenticated;
