-- =====================================================================================
-- Tenancy: workspaces (one per customer organisation) and memberships (role + status of a
-- user in a workspace), with the "exactly one owner" invariant enforced by the database.
-- =====================================================================================

-- ---------- Workspaces ---------------------------------------------------------------
create table public.workspaces (
  id uuid primary key default gen_random_uuid(),
  name text not null
    constraint workspaces_name_length check (char_length(btrim(name)) between 1 and 80),
  invite_expiry_days integer not null default 7
    constraint workspaces_invite_expiry_days_range check (invite_expiry_days between 1 and 30),
  require_2fa text not null default 'off'
    constraint workspaces_require_2fa_values check (require_2fa in ('off', 'admins', 'everyone')),
  plan text not null default 'free'
    constraint workspaces_plan_values check (plan in ('free', 'team', 'business', 'enterprise')),
  seat_limit integer
    constraint workspaces_seat_limit_positive check (seat_limit > 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
alter table public.workspaces enable row level security;

comment on table public.workspaces is
  'A customer organisation. Created by create_workspace() (or at sign-up), deleted by delete_workspace() (owner only).';
comment on column public.workspaces.name is 'Display name, 1..80 characters after trimming.';
comment on column public.workspaces.invite_expiry_days is 'Days an invitation stays valid (1..30, default 7).';
comment on column public.workspaces.require_2fa is
  '2FA requirement: off, admins (owner and admins need an aal2 session to reach data), everyone.';
comment on column public.workspaces.plan is 'Billing plan; changed by billing tooling (service role), not by members.';
comment on column public.workspaces.seat_limit is 'Maximum non-inactive members (null = unlimited). Checked by invitations and reactivation.';

create trigger workspaces_touch_updated_at
  before update on public.workspaces
  for each row execute function private.touch_updated_at();
comment on trigger workspaces_touch_updated_at on public.workspaces is 'Maintains updated_at.';

-- ---------- Memberships --------------------------------------------------------------
create table public.memberships (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  role public.workspace_role not null default 'member',
  status public.member_status not null default 'pending',
  suspended_until timestamptz,
  status_reason text
    constraint memberships_status_reason_length check (char_length(status_reason) <= 2000),
  invited_by uuid references public.profiles (id) on delete set null,
  invited_at timestamptz,
  invite_expires_at timestamptz,
  joined_at timestamptz,
  last_active_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint memberships_workspace_user_key unique (workspace_id, user_id),
  constraint memberships_owner_is_active check (role <> 'owner' or status = 'active'),
  constraint memberships_suspended_until_only_when_suspended check (suspended_until is null or status = 'suspended'),
  constraint memberships_pending_has_expiry check (status <> 'pending' or invite_expires_at is not null)
);
alter table public.memberships enable row level security;

comment on table public.memberships is
  'A user''s role and status in a workspace; a pending row is an invitation. Written only by functions (RPC).';
comment on column public.memberships.role is 'owner | admin | member | viewer. Exactly one owner per workspace.';
comment on column public.memberships.status is
  'pending (invited) | active | inactive (offboarded) | suspended (until suspended_until, or until lifted).';
comment on column public.memberships.suspended_until is
  'End of a suspension; null = until lifted. Once past, the member counts as active at once (effective status).';
comment on column public.memberships.status_reason is 'Why the member was suspended (free text, at most 2000 characters).';
comment on column public.memberships.invited_by is 'Who sent (or last resent) the invitation.';
comment on column public.memberships.invite_expires_at is 'When a pending invitation expires; renewed by resend_invitation().';
comment on column public.memberships.joined_at is 'When the member accepted the invitation (or created the workspace).';
comment on column public.memberships.last_active_at is 'Last sign-in into this workspace, set by the custom access token hook.';

-- Indexes: everything the RLS helpers, access reviews and filters use.
create unique index memberships_one_owner_idx on public.memberships (workspace_id) where role = 'owner';
create index memberships_user_workspace_status_idx on public.memberships (user_id, workspace_id, status);
create index memberships_workspace_status_role_idx on public.memberships (workspace_id, status, role);
create index memberships_workspace_last_active_idx on public.memberships (workspace_id, last_active_at);
create index memberships_invited_by_idx on public.memberships (invited_by) where invited_by is not null;
create index memberships_suspended_until_idx on public.memberships (suspended_until) where status = 'suspended';

comment on index public.memberships_one_owner_idx is 'At most one owner per workspace.';
comment on index public.memberships_user_workspace_status_idx is 'RLS helpers: the caller''s memberships.';
comment on index public.memberships_workspace_status_role_idx is 'Directory filters by status and role.';
comment on index public.memberships_workspace_last_active_idx is 'Access reviews: idle members.';
comment on index public.memberships_suspended_until_idx is 'private.lift_expired_suspensions().';
comment on index public.memberships_invited_by_idx is 'Profile deletion (on delete set null).';
comment on constraint memberships_workspace_user_key on public.memberships is
  'One membership per user and workspace; also the target of assets'' and license_seats'' member foreign keys.';

create trigger memberships_touch_updated_at
  before update on public.memberships
  for each row execute function private.touch_updated_at();
comment on trigger memberships_touch_updated_at on public.memberships is 'Maintains updated_at.';

-- ---------- Effective status ---------------------------------------------------------
create or replace function private.effective_status(p_status public.member_status, p_suspended_until timestamptz)
returns public.member_status
language plpgsql
stable
set search_path = ''
as $$
begin
  return case
    when p_status = 'suspended' and p_suspended_until <= now() then 'active'::public.member_status
    else p_status
  end;
end;
$$;
comment on function private.effective_status(public.member_status, timestamptz) is
  'A suspended membership whose suspended_until has passed counts as active.';

-- ---------- At least one owner (deferred, so a transfer can move it) -----------------
-- The partial unique index above gives "at most one"; this constraint trigger gives "at least
-- one" at commit, whatever the path (RPC, service role or a superuser session).
create or replace function private.assert_workspace_has_owner()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_workspace_id uuid;
begin
  if tg_table_name = 'workspaces' then
    v_workspace_id := new.id;
  else
    v_workspace_id := old.workspace_id;
  end if;

  if exists (select 1 from public.workspaces w where w.id = v_workspace_id)
     and not exists (
       select 1 from public.memberships m
        where m.workspace_id = v_workspace_id and m.role = 'owner'
     ) then
    raise exception 'A workspace must always have exactly one owner.'
      using errcode = '23514', hint = 'owner_required',
            detail = format('workspace %s would be left without an owner', v_workspace_id);
  end if;
  return null;
end;
$$;
comment on function private.assert_workspace_has_owner() is
  'Deferred constraint trigger: at commit, a workspace that still exists has an owner.';

create constraint trigger memberships_owner_required
  after update or delete on public.memberships
  deferrable initially deferred
  for each row
  when (old.role = 'owner')
  execute function private.assert_workspace_has_owner();

create constraint trigger workspaces_owner_required
  after insert on public.workspaces
  deferrable initially deferred
  for each row
  execute function private.assert_workspace_has_owner();

comment on trigger memberships_owner_required on public.memberships is
  'At commit: removing, demoting or deleting the owner row must leave the workspace with an owner (or the workspace gone).';
comment on trigger workspaces_owner_required on public.workspaces is
  'At commit: a new workspace has its owner membership.';
