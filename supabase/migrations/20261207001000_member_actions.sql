-- =====================================================================================
-- The actions a caller may take on each member, from the database's own guard (issue 25).
-- The SPA used to mirror the member RPCs' rules in src/lib/memberRules.ts, without the rank
-- rule: a Member holding members.manage saw Deactivate and Suspend enabled on an Admin, and
-- the database refused. Now the guard is one value, private.member_action_refusal(), which
-- private.prepare_member_change raises on (same messages, SQLSTATEs and hints as before) and
-- which member_directory / member_directory_page return per row as `actions`
-- ([{action, refusal, reason}] in menu order, private.member_actions()).
-- Defined in supabase/schemas/30_member_changes.sql and 35_member_directory.sql.
-- =====================================================================================

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
-- refuse the same things. Order as the RPCs check: permission, self, owner, rank, status.
create or replace function private.member_action_refusal(
  p_action text, p_caller_id uuid, p_caller_rank integer, p_manage boolean, p_invite boolean,
  p_user_id uuid, p_role public.workspace_role, p_status public.member_status)
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
    when p_action is not null and not (p_action = any (private.member_menu(p_status))) then 'invalid_status'
  end
$$;
comment on function private.member_action_refusal(p_action text, p_caller_id uuid, p_caller_rank integer, p_manage boolean, p_invite boolean, p_user_id uuid, p_role public.workspace_role, p_status public.member_status) is
  'Why the caller (id, rank, holds members.manage / members.invite) may not take p_action (null: any) on a member (user id, role, effective status): the hint the RPC raises (not_allowed, self_change, owner_protected, higher_rank_member, invalid_status), or null when it may.';

create or replace function private.member_actions(
  p_caller_id uuid, p_caller_rank integer, p_manage boolean, p_invite boolean,
  p_user_id uuid, p_role public.workspace_role, p_status public.member_status)
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
           end) order by a.n), '[]'::jsonb)
    from unnest(private.member_menu(p_status)) with ordinality as a(action, n)
   cross join lateral (
     select private.member_action_refusal(a.action, p_caller_id, p_caller_rank, p_manage, p_invite,
                                          p_user_id, p_role, p_status) as refusal) r
$$;
comment on function private.member_actions(p_caller_id uuid, p_caller_rank integer, p_manage boolean, p_invite boolean, p_user_id uuid, p_role public.workspace_role, p_status public.member_status) is
  'A member row''s menu for the caller: [{action, refusal, reason}] in menu order (private.member_menu), refusal and reason null when the database would take the action (private.member_action_refusal).';
grant execute on function private.member_menu(p_status public.member_status) to authenticated, service_role;
grant execute on function private.member_action_refusal(p_action text, p_caller_id uuid, p_caller_rank integer, p_manage boolean, p_invite boolean, p_user_id uuid, p_role public.workspace_role, p_status public.member_status) to authenticated, service_role;
grant execute on function private.member_actions(p_caller_id uuid, p_caller_rank integer, p_manage boolean, p_invite boolean, p_user_id uuid, p_role public.workspace_role, p_status public.member_status) to authenticated, service_role;

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
                                     v_target.user_id, v_target.role, v_target.status)
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

-- member_directory's `actions` calls it as the caller (a view checks EXECUTE as the invoker).
grant execute on function private.caller_rank(p_workspace_id uuid) to authenticated;
grant execute on function private.role_rank(p_role public.workspace_role) to authenticated;

create or replace view public.member_directory
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
                         private.effective_status(m.status, m.suspended_until)) as actions
from public.memberships m
join private.directory_scope() s on s.workspace_id = m.workspace_id
left join public.profiles p on p.id = m.user_id
left join public.profiles inviter on inviter.id = m.invited_by;

comment on column public.member_directory.actions is
  'The row''s menu for the caller, from the member RPCs'' own guard: [{action, refusal, reason}] (private.member_actions); refusal null = the database takes it.';

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

  -- 1. The page's ids, in order (planned for these arguments).
  execute 'select array(' || private.directory_page_sql(p_sort, p_descending, p_role, p_status, p_search, v_manage, v_reverse) || ')'
    into v_ids
    using p_workspace_id, p_role, p_status, v_pattern, v_limit, v_offset;
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
                                  private.effective_status(m.status, m.suspended_until))
      from unnest(v_ids) with ordinality as page(id, n)
      join public.memberships m on m.id = page.id
     order by case when v_reverse then -page.n else page.n end;
end;
$$;

comment on function public.member_directory_page(p_workspace_id uuid, p_sort text, p_descending boolean, p_role public.workspace_role, p_status public.member_status, p_search text, p_offset integer, p_limit integer) is
  'Users page: one page (p_offset, p_limit <= 1000) of the directory of a workspace where the caller holds members.view, sorted by p_sort (full_name, email, role, effective_status, created_at, last_active_at, invited_by_email; the last two only for members.manage, otherwise by name A to Z) and filtered by role, effective status and a substring of name or email. Rows as in member_directory, manage-only columns NULL without members.manage; actions = each row''s menu for the caller (private.member_actions). Errors: PT404 not_found (HTTP 404), 42501 not_allowed, 22023 invalid_page / invalid_sort.';
