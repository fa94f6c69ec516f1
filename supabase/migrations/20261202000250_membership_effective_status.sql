-- =====================================================================================
-- The effective status of a membership, readable by the SPA. The SPA computed it itself (a
-- copy of the rule in src/lib/lockout.ts) from status and suspended_until to decide which
-- workspaces the signed-in person can open and why one is locked. Now it selects
-- `effective_status` with the memberships it reads: a PostgREST computed field, i.e. a
-- function taking the table's row, which applies the database's one rule
-- (private.effective_status).
-- =====================================================================================

create or replace function public.effective_status(p_membership public.memberships)
returns public.member_status
language sql
stable
security invoker
set search_path = ''
as $$
  select private.effective_status(p_membership.status, p_membership.suspended_until)
$$;
comment on function public.effective_status(public.memberships) is
  'Computed field of public.memberships (select=...,effective_status): the status that counts, active once a suspension''s end has passed (private.effective_status). Security invoker: it only reads the row the caller already has.';

revoke all on function public.effective_status(public.memberships) from public, anon;
grant execute on function public.effective_status(public.memberships) to authenticated, service_role;
