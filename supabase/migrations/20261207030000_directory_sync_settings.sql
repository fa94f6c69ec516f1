-- =====================================================================================
-- Directory sync, the settings side (issue 21): "Managed by <connection>" on the Users page,
-- and the identity provider owns the status and the role of the members it manages.
--   * private.member_action_refusal / member_actions take the name of the managing connection:
--     changeRole and the status actions of a managed member are refused (directory_managed)
--     with the reason in words (private.member_managed_reason), so the row's menu shows them
--     disabled; member_directory and member_directory_page gain the column managed_by.
--   * the trigger memberships_directory_managed (was ..._status) refuses role changes too,
--     except the group mappings' own re-application (fluxera.directory_roles, set by
--     private.scim_apply_roles) and an ownership transfer.
-- Defined in supabase/schemas/30_member_changes.sql, 35_member_directory.sql and
-- 95_directory_sync.sql.
-- =====================================================================================

set local check_function_bodies = off;

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

create or replace view public.member_directory
with (security_barrier = true)
as
select
  m.id,
  m.workspace_id,
  m.user_id,
  p.email,
  p.full_name,
  m.role,
  m.status,
  private.effective_status(m.status, m.suspended_until) as effective_status,
  m.suspended_until,
  case when s.can_manage then m.status_reason end as status_reason,
  case when s.can_manage then m.invited_by end as invited_by,
  case when s.can_manage then inviter.email end as invited_by_email,
  m.invited_at,
  m.invite_expires_at,
  (m.status = 'pending' and m.invite_expires_at <= now()) as invitation_expired,
  m.joined_at,
  case when s.can_manage then m.last_active_at end as last_active_at,
  m.created_at,
  private.member_actions((select auth.uid()), private.caller_rank(m.workspace_id), s.can_manage,
                         private.has_permission(m.workspace_id, 'members.invite'), m.user_id, m.role,
                         private.effective_status(m.status, m.suspended_until), mb.managed_by) as actions,
  mb.managed_by
from public.memberships m
join private.directory_scope() s on s.workspace_id = m.workspace_id
cross join lateral (select private.member_managed_by(m.id) as managed_by) mb
left join public.profiles p on p.id = m.user_id
left join public.profiles inviter on inviter.id = m.invited_by;
comment on view public.member_directory is
  'The team directory (Users page, pickers, name lookups): memberships of the caller''s members.view workspaces with name, email, role and status. Runs with the owner''s rights; access is the join with private.directory_scope(). status_reason, last_active_at, invited_by and invited_by_email are NULL unless the caller holds members.manage in that workspace.';
comment on column public.member_directory.effective_status is
  'status, except that a suspension whose end has passed reads as active (private.effective_status).';
comment on column public.member_directory.status_reason is
  'Why the member was suspended; members.manage only (NULL otherwise).';
comment on column public.member_directory.invited_by is
  'Who sent the invitation; members.manage only (NULL otherwise).';
comment on column public.member_directory.invited_by_email is
  'Inviter''s email; members.manage only (NULL otherwise).';
comment on column public.member_directory.invitation_expired is
  'Pending invitation past its expiry (can be resent).';
comment on column public.member_directory.last_active_at is
  'Last activity in the workspace; members.manage only (NULL otherwise).';
comment on column public.member_directory.actions is
  'The row''s menu for the caller, from the member RPCs'' own guard: [{action, refusal, reason}] (private.member_actions); refusal null = the database takes it.';
comment on column public.member_directory.managed_by is
  'Name of the directory connection (SCIM, docs/directory-sync.md) that manages the member ("Managed by Okta"), null when none: their role and status are then the identity provider''s.';

create or replace function public.member_directory_page(
  p_workspace_id uuid,
  p_sort text default 'full_name',
  p_descending boolean default false,
  p_role public.workspace_role default null,
  p_status public.member_status default null,
  p_search text default null,
  p_offset integer default 0,
  p_limit integer default 50
)
returns setof public.member_directory
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_rights text[];
  v_manage boolean;
  v_invite boolean;
  v_rank integer;
  v_pattern text := private.like_pattern(coalesce(p_search, ''));
  v_total bigint;
  v_reverse boolean := false;
  v_offset integer := p_offset;
  v_limit integer := p_limit;
  v_ids uuid[];
  v_matches uuid[];
  -- A search with at most this many matches is answered from an index (below).
  c_few constant integer := 300;
begin
  -- The prelude, asking for the caller's rights once: members.view to see the page,
  -- members.manage for the manage-only columns (has_permission costs 0.17 ms of CPU a call;
  -- the refusal itself stays require_permission's).
  perform private.require_workspace(p_workspace_id);
  v_rights := array(select public.my_permissions(p_workspace_id));
  if not 'members.view' = any(v_rights) then
    perform private.require_permission(p_workspace_id, 'members.view');
  end if;
  v_manage := 'members.manage' = any(v_rights);
  v_invite := 'members.invite' = any(v_rights);
  v_rank := private.caller_rank(p_workspace_id);
  if p_offset is null or p_offset < 0 or p_limit is null or p_limit < 1 or p_limit > 1000 then
    raise exception 'Page out of range (offset >= 0, limit 1 to 1000).' using errcode = '22023', hint = 'invalid_page';
  end if;

  -- Past the middle of a long list (the paginator's last pages), walking the index from the
  -- far end is shorter: the total (the Users page's own) costs a tenth of walking past the
  -- rows (offset 9,950 of 10,000: ~11 ms forwards, ~3 ms this way).
  if p_offset >= 1000 then
    v_total := private.directory_total(p_workspace_id, p_role, p_status, p_search);  -- private.member_tallies
    if p_offset >= v_total then
      return;
    end if;
    if p_offset > v_total / 2 then
      v_reverse := true;
      v_limit := least(p_limit, v_total - p_offset);
      v_offset := v_total - p_offset - v_limit;
    end if;
  end if;

  -- 1. The page's ids, in order.
  -- A search first asks an index for its matches, at most c_few + 1 (the trigram index for
  -- three characters or more, the grams index for one or two: cost follows the matches, not
  -- the workspace). Few matches (one person, a handful, up to c_few): they are sorted in memory
  -- and paged. Many: walking the order's index finds a page of them within a few hundred
  -- entries, so that walk answers as before. (Walking for a rare term tested most of the
  -- workspace's entries: 'adm', one match in 10,000, cost ~10 ms of Postgres time, issue 26.)
  if private.directory_match_where(p_search) is not null and not v_reverse then
    execute private.directory_match_sql(p_role, p_status, p_search, c_few)
      into v_matches
      using p_workspace_id, p_role, p_status, v_pattern, null::integer, null::integer, lower(btrim(p_search));
    if cardinality(v_matches) <= c_few then
      execute 'select array('
          || private.directory_page_sql(p_sort, p_descending, p_role, p_status, p_search, v_manage, false, true) || ')'
        into v_ids
        using p_workspace_id, p_role, p_status, v_pattern, v_limit, v_offset, v_matches;
    end if;
  end if;
  -- Otherwise the walk of the order's index (planned for these arguments).
  if v_ids is null then
    execute 'select array(' || private.directory_page_sql(p_sort, p_descending, p_role, p_status, p_search, v_manage, v_reverse) || ')'
      into v_ids
      using p_workspace_id, p_role, p_status, v_pattern, v_limit, v_offset;
  end if;
  -- 2. Their rows, by primary key, in that order (a plan kept for the connection); the columns
  --    of member_directory, manage-only ones NULL without members.manage.
  return query
    select m.id, m.workspace_id, m.user_id, m.member_email, m.member_name, m.role, m.status,
           private.effective_status(m.status, m.suspended_until),
           m.suspended_until,
           case when v_manage then m.status_reason end,
           case when v_manage then m.invited_by end,
           case when v_manage then (select i.email from public.profiles i where i.id = m.invited_by) end,
           m.invited_at, m.invite_expires_at,
           (m.status = 'pending' and m.invite_expires_at <= now()),
           m.joined_at,
           case when v_manage then m.last_active_at end,
           m.created_at,
           private.member_actions(auth.uid(), v_rank, v_manage, v_invite, m.user_id, m.role,
                                  private.effective_status(m.status, m.suspended_until), mb.managed_by),
           mb.managed_by
      from unnest(v_ids) with ordinality as page(id, n)
      join public.memberships m on m.id = page.id
     cross join lateral (select private.member_managed_by(m.id) as managed_by) mb
     order by case when v_reverse then -page.n else page.n end;
end;
$$;
comment on function public.member_directory_page(p_workspace_id uuid, p_sort text, p_descending boolean, p_role public.workspace_role, p_status public.member_status, p_search text, p_offset integer, p_limit integer) is
  'Users page: one page (p_offset, p_limit <= 1000) of the directory of a workspace where the caller holds members.view, sorted by p_sort (full_name, email, role, effective_status, created_at, last_active_at, invited_by_email; the last two only for members.manage, otherwise by name A to Z) and filtered by role, effective status and a substring of name or email (the matches from the trigram or grams index when at most 300, else a walk of the order''s index). Rows as in member_directory, manage-only columns NULL without members.manage; actions = each row''s menu for the caller (private.member_actions), managed_by = the directory connection managing the member. Errors: PT404 not_found (HTTP 404), 42501 not_allowed, 22023 invalid_page / invalid_sort.';
grant execute on function public.member_directory_page(p_workspace_id uuid, p_sort text, p_descending boolean, p_role public.workspace_role, p_status public.member_status, p_search text, p_offset integer, p_limit integer) to authenticated;

-- The old signatures: nothing calls them any more.
drop function private.member_actions(uuid, integer, boolean, boolean, uuid, public.workspace_role, public.member_status);
drop function private.member_action_refusal(text, uuid, integer, boolean, boolean, uuid, public.workspace_role, public.member_status);

drop trigger memberships_directory_managed_status on public.memberships;

create or replace function private.refuse_manual_change_of_managed_member()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_name text;
  v_role_change boolean := old.role is distinct from new.role and 'owner' not in (old.role, new.role);
begin
  if auth.uid() is null or coalesce(current_setting('fluxera.actor_label', true), '') <> ''
     or coalesce(current_setting('fluxera.directory_roles', true), '') <> '' then
    return new;
  end if;
  if old.status is not distinct from new.status and not v_role_change then
    return new;
  end if;
  v_name := private.member_managed_by(new.id);
  if v_name is not null then
    raise exception '%', private.member_managed_reason(
        case when old.status is distinct from new.status then 'deactivate' else 'changeRole' end, v_name)
      using errcode = '42501', hint = 'directory_managed';
  end if;
  return new;
end;
$$;
comment on function private.refuse_manual_change_of_managed_member() is
  'BEFORE UPDATE OF status, role trigger on memberships: a signed-in person may not change the status or the role (except to or from Owner, a transfer) of a member a directory connection manages (42501 directory_managed, naming the connection: private.member_managed_reason).';

create trigger memberships_directory_managed
  before update of status, role on public.memberships
  for each row
  when (old.status is distinct from new.status or old.role is distinct from new.role)
  execute function private.refuse_manual_change_of_managed_member();
comment on trigger memberships_directory_managed on public.memberships is
  'The identity provider owns the status and the role of the members it manages.';

-- Applies the desired role to members of the connection; the Owner is never changed.
create or replace function private.scim_apply_roles(p_connection_id uuid, p_membership_ids uuid[])
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  -- The mappings' own re-application, also when a person saves them on the settings page.
  perform set_config('fluxera.directory_roles', p_connection_id::text, true);
  update public.memberships m
     set role = d.role
    from (select x.id, private.scim_desired_role(p_connection_id, x.id) as role
            from unnest(p_membership_ids) as x(id)) d
   where m.id = d.id
     and m.role <> 'owner'
     and m.role is distinct from d.role
     and exists (select 1 from public.directory_users u where u.membership_id = m.id and u.connection_id = p_connection_id);
  get diagnostics v_count = row_count;
  perform set_config('fluxera.directory_roles', '', true);
  return v_count;
end;
$$;
comment on function private.scim_apply_roles(uuid, uuid[]) is
  'Sets the role of the given managed members to private.scim_desired_role (member.role_changed rows by the trigger); never the Owner. Returns how many changed.';
