-- =====================================================================================
-- Invariant 11 (PRODUCT.md): "the reason for a status, last activity and who invited whom need
-- members.manage". The Users page (member_directory_page) and the member_directory view hide
-- them from other callers, but the table granted every column to authenticated, and its policy
-- lets every holder of members.view, Viewers included, read the workspace's rows: a Viewer's
-- GET /rest/v1/memberships?select=status_reason,last_active_at,invited_by answered with every
-- member's suspension reason, last sign-in and inviter.
--
-- Now authenticated reads the other columns of memberships only. The three come through the
-- functions that check members.manage (member_directory_page, member_directory) and, for a
-- person's own memberships, through my_memberships() (the workspace switcher and the page of a
-- suspended member say "suspended until ..., because ..."). The computed field
-- public.effective_status(memberships) takes the whole row, so it is left to callers that may
-- read the whole row (the service role); my_memberships() returns the effective status.
-- =====================================================================================

revoke select on public.memberships from authenticated;
grant select (id, workspace_id, user_id, role, status, suspended_until, invited_at, invite_expires_at,
              joined_at, created_at, updated_at, member_name, member_email)
  on public.memberships to authenticated;

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
revoke all on function public.my_memberships() from public, anon;
grant execute on function public.my_memberships() to authenticated;

comment on function public.effective_status(public.memberships) is
  'PostgREST computed field memberships.effective_status for callers who may read the whole row (the service role): the status that counts (private.effective_status). Signed-in people get it from my_memberships() and member_directory.';
