-- =====================================================================================
-- member_directory, rebuilt for speed and for column-level need-to-know.
--
-- Before: a security_invoker view, so every row paid the RLS of memberships and, twice, the
-- co-member policy of profiles (private.visible_profile_ids() materialised every visible user
-- id, 10,000+ at Bench Corp, and each joined profile was checked against them). Every directory
-- read joined and sorted the whole workspace (docs/benchmarks.md: 41-67 ms p95).
--
-- Now: the view runs with its owner's rights and does the access check itself, once, by joining
-- private.directory_scope(): the caller's workspaces with members.view (the same rule as the
-- roster policy on memberships and the co-member policy on profiles), with whether the caller
-- also holds members.manage there. Profiles are joined by primary key without RLS: the scope
-- already limits the rows to co-members the caller may see, which is exactly what the profiles
-- policy allowed. Filters the API applies (eq, ilike, order) can then use plain indexes,
-- including the trigram indexes on profiles for the substring search.
--
-- Need-to-know (issue 12, item 5): the directory is name, email, role and status for anyone with
-- members.view. status_reason, last_active_at, invited_by and invited_by_email are shown only
-- where the caller holds members.manage, NULL otherwise.
--
-- Only callers with members.view in a workspace see its rows; a member's own row in a workspace
-- where they lack members.view is not in the directory (their memberships stay readable through
-- the memberships table, as before). PostgREST is the only way in for API roles, and it only
-- offers built-in operators, so no caller-supplied function can observe rows outside the scope
-- before the join removes them.
-- =====================================================================================

create or replace function private.directory_scope()
returns table (workspace_id uuid, can_manage boolean)
language plpgsql
stable
security definer
set search_path = ''
rows 5
as $$
begin
  return query
    select v.id, v.id in (select private.workspaces_with('members.manage'))
      from private.workspaces_with('members.view') as v(id);
end;
$$;
comment on function private.directory_scope() is
  'The caller''s workspaces where they hold members.view (effectively active, 2FA satisfied), and whether they also hold members.manage there. The access rule of public.member_directory.';
revoke all on function private.directory_scope() from public, anon;
grant execute on function private.directory_scope() to authenticated, service_role;

drop view public.member_directory;

create view public.member_directory
as
select
  m.id,
  m.workspace_id,
  m.user_id,
  p.email,
  p.full_name,
  m.role,
  m.status,
  case when m.status = 'suspended' and m.suspended_until <= now()
       then 'active'::public.member_status else m.status end as effective_status,
  m.suspended_until,
  case when s.can_manage then m.status_reason end as status_reason,
  case when s.can_manage then m.invited_by end as invited_by,
  case when s.can_manage then inviter.email end as invited_by_email,
  m.invited_at,
  m.invite_expires_at,
  (m.status = 'pending' and m.invite_expires_at <= now()) as invitation_expired,
  m.joined_at,
  case when s.can_manage then m.last_active_at end as last_active_at,
  m.created_at
from public.memberships m
join private.directory_scope() s on s.workspace_id = m.workspace_id
left join public.profiles p on p.id = m.user_id
left join public.profiles inviter on inviter.id = m.invited_by;

comment on view public.member_directory is
  'The team directory (Users page, pickers, name lookups): memberships of the caller''s members.view workspaces with name, email, role and status. Runs with the owner''s rights; access is the join with private.directory_scope(). status_reason, last_active_at, invited_by and invited_by_email are NULL unless the caller holds members.manage in that workspace.';
comment on column public.member_directory.effective_status is
  'status, except that a suspension whose end has passed reads as active.';
comment on column public.member_directory.invitation_expired is 'Pending invitation past its expiry (can be resent).';
comment on column public.member_directory.status_reason is 'Why the member was suspended; members.manage only (NULL otherwise).';
comment on column public.member_directory.invited_by is 'Who sent the invitation; members.manage only (NULL otherwise).';
comment on column public.member_directory.invited_by_email is 'Inviter''s email; members.manage only (NULL otherwise).';
comment on column public.member_directory.last_active_at is 'Last activity in the workspace; members.manage only (NULL otherwise).';

revoke all on public.member_directory from public, anon, authenticated, service_role;
grant select on public.member_directory to authenticated, service_role;

-- Read-only, as 20261201000205_read_only_views made the previous definition: writes answer
-- 401/403 (no privilege) or 405 (read_only), never 500.
create trigger member_directory_read_only
  instead of insert or update or delete on public.member_directory
  for each row execute function private.refuse_view_write();
comment on trigger member_directory_read_only on public.member_directory is
  'The directory is read-only: writes answer 401/403 (no privilege) or 405 (read_only), never 500.';
