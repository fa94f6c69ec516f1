-- =====================================================================================
-- Member security state for the Users page: whether each member has a verified TOTP factor.
-- The SPA cannot read auth.mfa_factors (the auth schema is not exposed, and a user may only
-- list their own factors through Supabase Auth), so members.manage holders ask this function
-- instead. It reveals one boolean per member of the caller's workspace, never the factors
-- themselves (secrets, names, dates).
-- =====================================================================================

create or replace function public.member_mfa_status(p_workspace_id uuid)
returns table (user_id uuid, totp_enrolled boolean)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not private.is_member(p_workspace_id) then
    raise exception 'Workspace not found.' using errcode = 'P0002', hint = 'not_found';
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
     order by m.created_at, m.user_id;
end;
$$;
comment on function public.member_mfa_status(uuid) is
  'Two-factor state of every member of the workspace (any status), for the member detail drawer (members.manage): totp_enrolled = the user has a verified TOTP factor in auth.mfa_factors. Reveals nothing else about the factors. Errors: P0002 not_found (not an active member of the workspace), 42501 not_allowed.';

revoke all on function public.member_mfa_status(uuid) from public, anon;
grant execute on function public.member_mfa_status(uuid) to authenticated;
