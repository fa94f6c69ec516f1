-- =====================================================================================
-- Why a workspace is closed to me for want of two-factor authentication. When a workspace
-- requires 2FA for the caller's role and the session is not aal2, RLS hides the workspace's
-- data (and its name) and my_permissions() is empty; without this the SPA could only guess,
-- and showed a permission error. The SPA shows "Set up two-factor authentication to
-- continue" with the enrolment (or the code prompt) right there.
-- =====================================================================================

create or replace function public.my_two_factor_gates()
returns table (workspace_id uuid, workspace_name text, require_2fa text, role public.workspace_role)
language sql
stable
security definer
set search_path = ''
as $$
  select w.id, w.name, w.require_2fa, m.role
    from public.memberships m
    join public.workspaces w on w.id = m.workspace_id
   where m.user_id = (select auth.uid())
     and (m.status = 'active' or (m.status = 'suspended' and m.suspended_until <= now()))
     and w.require_2fa <> 'off'
     and not (w.require_2fa = 'admins' and m.role in ('member', 'viewer'))
     and coalesce((select auth.jwt() ->> 'aal'), 'aal1') <> 'aal2'
   order by w.name, w.id
$$;
comment on function public.my_two_factor_gates() is
  'The caller''s effectively active workspaces that require two-factor authentication of the caller''s role while the session is not aal2 (so their data is hidden): workspace id and name, the rule (admins | everyone) and the caller''s role. Reveals only the caller''s own memberships. Empty for anonymous callers.';

revoke all on function public.my_two_factor_gates() from public, anon;
grant execute on function public.my_two_factor_gates() to authenticated;
