-- =====================================================================================
-- member_mfa_status for one member: the member drawer shows one person's 2FA state, and asked
-- for all 10,000 members of Bench Corp to print it (65 ms, docs/benchmarks.md). p_user_id
-- narrows the answer to that member; without it the function answers for everyone, as before.
-- =====================================================================================

drop function public.member_mfa_status(uuid);

create function public.member_mfa_status(p_workspace_id uuid, p_user_id uuid default null)
returns table (user_id uuid, totp_enrolled boolean)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not private.is_member(p_workspace_id) then
    raise exception 'Workspace not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  perform private.require_permission(p_workspace_id, 'members.manage');

  return query
    select m.user_id,
           exists (select 1
                     from auth.mfa_factors f
                    where f.user_id = m.user_id
                      and f.factor_type::text = 'totp'
                      and f.status::text = 'verified')
      from public.memberships m
     where m.workspace_id = p_workspace_id
       and (p_user_id is null or m.user_id = p_user_id)
     order by m.created_at, m.user_id;
end;
$$;
comment on function public.member_mfa_status(uuid, uuid) is
  'Two-factor state of the workspace''s members (any status), or of one member with p_user_id, for the member detail drawer (members.manage): totp_enrolled = the user has a verified TOTP factor in auth.mfa_factors. Reveals nothing else about the factors. Errors: PT404 not_found (HTTP 404) (not an active member of the workspace), 42501 not_allowed.';

revoke all on function public.member_mfa_status(uuid, uuid) from public, anon;
grant execute on function public.member_mfa_status(uuid, uuid) to authenticated;
