-- =====================================================================================
-- Whom a two-factor rule would apply to, before it is saved. The Settings page warns who
-- would be stopped at the door by a stricter require_2fa; it applied its own copy of the
-- rule ("admins" means the Owner and Admins) to the member list. Now it asks the database,
-- which answers with the rule the access helpers use (private.two_factor_satisfied, for a
-- session without a second factor).
-- =====================================================================================

create or replace function public.two_factor_rule_applies_to(p_workspace_id uuid, p_require_2fa text)
returns table (user_id uuid)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_workspace_permission(p_workspace_id, 'members.view');
  if p_require_2fa is null or p_require_2fa not in ('off', 'admins', 'everyone') then
    raise exception 'Choose off, admins or everyone.' using errcode = '22023', hint = 'invalid_input';
  end if;
  return query
    select m.user_id
      from public.memberships m
     where m.workspace_id = p_workspace_id
       and not private.two_factor_satisfied(p_require_2fa, m.role, null)
     order by m.created_at, m.user_id;
end;
$$;
comment on function public.two_factor_rule_applies_to(uuid, text) is
  'The members (user ids, any status) whom require_2fa = p_require_2fa (off | admins | everyone) would ask for a second factor: private.two_factor_satisfied for a session without one. The Settings page previews a stricter rule with it. Needs members.view; PT404 not_found, 42501 not_allowed, 22023 invalid_input.';

revoke all on function public.two_factor_rule_applies_to(uuid, text) from public, anon;
grant execute on function public.two_factor_rule_applies_to(uuid, text) to authenticated;
