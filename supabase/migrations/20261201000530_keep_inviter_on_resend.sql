-- =====================================================================================
-- "Invited by" stays the person who invited. Resending an invitation renews its dates; it
-- used to overwrite memberships.invited_by with whoever pressed Resend, so the Users page
-- credited the wrong person. Who resent it is in the activity log (member.invitation_resent).
-- A trigger rather than a new resend_invitation(), so every path that renews a pending
-- invitation (single, bulk, the edge function) keeps the inviter.
-- =====================================================================================

create or replace function private.keep_inviter()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if old.status = 'pending' and new.status = 'pending' and old.invited_by is not null then
    new.invited_by := old.invited_by;
  end if;
  return new;
end;
$$;
comment on function private.keep_inviter() is
  'BEFORE UPDATE trigger on memberships: while an invitation stays pending, invited_by keeps its first value (the inviter), whoever renews it.';

create trigger memberships_keep_inviter
  before update of invited_by on public.memberships
  for each row execute function private.keep_inviter();
comment on trigger memberships_keep_inviter on public.memberships is
  'Resending an invitation does not change who invited (issue 13, bug 6).';
