-- =====================================================================================
-- Access review API: record that a review was done, with the numbers at that moment.
-- =====================================================================================

create or replace function public.complete_access_review(
  p_workspace_id uuid, p_notes text default null, p_deactivated integer default 0
)
returns public.access_reviews
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_review public.access_reviews;
begin
  if not private.is_member(p_workspace_id) then
    raise exception 'Workspace not found.' using errcode = 'P0002', hint = 'not_found';
  end if;
  perform private.require_permission(p_workspace_id, 'members.manage');
  if char_length(p_notes) > 2000 then
    raise exception 'The notes are too long (at most 2000 characters).' using errcode = '22023', hint = 'too_long';
  end if;
  if coalesce(p_deactivated, 0) < 0 then
    raise exception 'The number of deactivated members cannot be negative.' using errcode = '22023', hint = 'invalid_input';
  end if;

  insert into public.access_reviews (workspace_id, reviewer_id, members_reviewed, flagged, deactivated, notes)
  select p_workspace_id,
         auth.uid(),
         count(*) filter (where m.status <> 'pending'),
         count(*) filter (where private.effective_status(m.status, m.suspended_until) = 'active'
                            and m.role <> 'owner'
                            and coalesce(m.last_active_at, m.joined_at, m.created_at) < now() - interval '90 days'),
         coalesce(p_deactivated, 0),
         nullif(btrim(p_notes), '')
    from public.memberships m
   where m.workspace_id = p_workspace_id
  returning * into v_review;
  return v_review;
end;
$$;
comment on function public.complete_access_review(uuid, text, integer) is
  'Records a completed access review (members.manage): members reviewed, active members idle 90+ days (flagged), how many the reviewer deactivated, notes. Logs access_review.completed. Errors: 42501 not_allowed, 22023 too_long/invalid_input, P0002 not_found.';

revoke all on function public.complete_access_review(uuid, text, integer) from public, anon;
grant execute on function public.complete_access_review(uuid, text, integer) to authenticated;
