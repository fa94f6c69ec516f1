-- =====================================================================================
-- member_directory: the Users table of the SPA (server-side paging, sorting, filtering).
-- security_invoker, so the caller's RLS on memberships and profiles applies.
-- =====================================================================================

create view public.member_directory
with (security_invoker = true)
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
  m.status_reason,
  m.invited_by,
  inviter.email as invited_by_email,
  m.invited_at,
  m.invite_expires_at,
  (m.status = 'pending' and m.invite_expires_at <= now()) as invitation_expired,
  m.joined_at,
  m.last_active_at,
  m.created_at
from public.memberships m
left join public.profiles p on p.id = m.user_id
left join public.profiles inviter on inviter.id = m.invited_by;

comment on view public.member_directory is
  'Memberships with name, email, inviter and effective status, for the Users table. RLS of the caller applies (security_invoker).';
comment on column public.member_directory.effective_status is
  'status, except that a suspension whose end has passed reads as active.';
comment on column public.member_directory.invitation_expired is 'Pending invitation past its expiry (can be resent).';
comment on column public.member_directory.invited_by_email is 'Inviter''s email, when the caller may see the inviter''s profile.';

revoke all on public.member_directory from anon, authenticated;
grant select on public.member_directory to authenticated;
