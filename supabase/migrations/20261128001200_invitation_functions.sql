-- =====================================================================================
-- Invitations: pending memberships. The invite edge function (service role) creates Auth
-- users and sends mail, then calls create_invitations(); invitees read, accept or decline
-- their invitation; admins resend (renews the expiry) or revoke (deletes) it.
-- =====================================================================================

-- ---------- Creating invitations (service role) --------------------------------------
create or replace function private.create_invitations(
  p_workspace_id uuid, p_inviter uuid, p_user_ids uuid[], p_role public.workspace_role
)
returns setof public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_workspace public.workspaces;
  v_inviter public.memberships;
  v_user_ids uuid[];
  v_list text;
begin
  if p_role is null then
    raise exception 'Choose a role: admin, member or viewer.' using errcode = '22023', hint = 'unknown_role';
  end if;
  if p_role = 'owner' then
    raise exception 'Nobody can be invited as owner; ownership moves only by transfer.'
      using errcode = '42501', hint = 'owner_via_transfer';
  end if;

  select array_agg(distinct u) into v_user_ids from unnest(p_user_ids) as u where u is not null;
  if v_user_ids is null then
    raise exception 'Give at least one person to invite.' using errcode = '22023', hint = 'no_invitees';
  end if;
  if cardinality(v_user_ids) > 500 then
    raise exception 'At most 500 people per invitation batch.' using errcode = '22023', hint = 'too_many';
  end if;

  select * into v_workspace from public.workspaces w where w.id = p_workspace_id for no key update;
  if not found then
    raise exception 'Workspace not found.' using errcode = 'P0002', hint = 'not_found';
  end if;

  select * into v_inviter from public.memberships m
   where m.workspace_id = p_workspace_id and m.user_id = p_inviter;
  if not found
     or private.effective_status(v_inviter.status, v_inviter.suspended_until) <> 'active'
     or not private.role_has_permission(p_workspace_id, v_inviter.role, 'members.invite') then
    raise exception 'You do not have permission to invite people here.' using errcode = '42501', hint = 'not_allowed';
  end if;

  select string_agg(u::text, ', ') into v_list
    from unnest(v_user_ids) as u
   where not exists (select 1 from public.profiles p where p.id = u);
  if v_list is not null then
    raise exception 'Unknown user(s): %.', v_list using errcode = 'P0002', hint = 'not_found';
  end if;

  select string_agg(p.email, ', ' order by p.email) into v_list
    from public.memberships m join public.profiles p on p.id = m.user_id
   where m.workspace_id = p_workspace_id and m.user_id = any (v_user_ids) and m.status = 'pending';
  if v_list is not null then
    raise exception 'Already invited: %. Resend the invitation instead.', v_list
      using errcode = '23505', hint = 'duplicate_invite';
  end if;

  select string_agg(p.email, ', ' order by p.email) into v_list
    from public.memberships m join public.profiles p on p.id = m.user_id
   where m.workspace_id = p_workspace_id and m.user_id = any (v_user_ids);
  if v_list is not null then
    raise exception 'Already a member: %.', v_list using errcode = '23505', hint = 'already_member';
  end if;

  perform private.assert_seat_available(p_workspace_id, cardinality(v_user_ids));

  -- The inviter is the actor of the member.invited rows (no JWT on this path).
  perform set_config('fluxera.actor_id', p_inviter::text, true);
  return query
    insert into public.memberships (workspace_id, user_id, role, status, invited_by, invited_at, invite_expires_at)
    select p_workspace_id, u, p_role, 'pending', p_inviter, now(),
           now() + make_interval(days => v_workspace.invite_expiry_days)
      from unnest(v_user_ids) as u
    returning *;
  perform set_config('fluxera.actor_id', '', true);
end;
$$;
comment on function private.create_invitations(uuid, uuid, uuid[], public.workspace_role) is
  'Creates pending memberships for existing Auth users (the invite edge function creates them first). All or nothing. Errors: 22023 unknown_role/no_invitees/too_many/seat_limit_reached, 42501 owner_via_transfer/not_allowed, P0002 not_found, 23505 duplicate_invite/already_member. Service role only.';

create or replace function public.create_invitations(
  p_workspace_id uuid, p_inviter uuid, p_user_ids uuid[], p_role public.workspace_role
)
returns setof public.memberships
language sql
security definer
set search_path = ''
as $$
  select * from private.create_invitations(p_workspace_id, p_inviter, p_user_ids, p_role)
$$;
comment on function public.create_invitations(uuid, uuid, uuid[], public.workspace_role) is
  'RPC entry for the invite edge function (service role only; never granted to authenticated): see private.create_invitations.';

-- ---------- Checking a batch of emails before sending ---------------------------------
create or replace function private.is_valid_email(p_email text)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select p_email is not null
     and char_length(p_email) <= 320
     and p_email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'
$$;
comment on function private.is_valid_email(text) is
  'The email shape profiles.email accepts (same expression as its check constraint).';

create or replace function public.check_invitees(p_workspace_id uuid, p_emails text[])
returns table (email text, status text)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not private.is_member(p_workspace_id) then
    raise exception 'Workspace not found.' using errcode = 'P0002', hint = 'not_found';
  end if;
  perform private.require_permission(p_workspace_id, 'members.invite');
  if cardinality(p_emails) > 500 then
    raise exception 'At most 500 people per invitation batch.' using errcode = '22023', hint = 'too_many';
  end if;

  return query
    with input as (
      select lower(btrim(e.raw)) as email, e.ord
        from unnest(p_emails) with ordinality as e(raw, ord)
    )
    select i.email,
           case
             when not private.is_valid_email(i.email) then 'invalid_email'
             when count(*) over (partition by i.email) > 1
                  and i.ord > min(i.ord) over (partition by i.email) then 'duplicate_in_list'
             when m.status = 'pending' then 'duplicate_invite'
             when m.status is not null then 'already_member'
             else 'ok'
           end
      from input i
      left join public.profiles p on lower(p.email) = i.email
      left join public.memberships m on m.workspace_id = p_workspace_id and m.user_id = p.id
     order by i.ord;
end;
$$;
comment on function public.check_invitees(uuid, text[]) is
  'Pre-flight for a batch of invitations (members.invite): per email, in input order, ok | invalid_email | duplicate_in_list | duplicate_invite | already_member. Changes nothing; the SPA lists the problems before sending; the invite edge function invites the ok addresses and reports every other one with its reason.';

-- ---------- Admin side: resend and revoke --------------------------------------------
create or replace function public.resend_invitation(p_membership_id uuid)
returns public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_target public.memberships := private.prepare_member_change(p_membership_id, 'members.invite');
begin
  if v_target.status <> 'pending' then
    raise exception 'This person has already joined.' using errcode = '22023', hint = 'not_pending';
  end if;
  update public.memberships m
     set invited_at = now(),
         invited_by = auth.uid(),
         invite_expires_at = now() + make_interval(days => (
           select w.invite_expiry_days from public.workspaces w where w.id = m.workspace_id))
   where m.id = p_membership_id
  returning * into v_target;
  return v_target;
end;
$$;
comment on function public.resend_invitation(uuid) is
  'Renews a pending invitation''s expiry (members.invite); the edge function sends the mail. Logs member.invitation_resent. Errors: 22023 not_pending, 42501 not_allowed, P0002 not_found.';

create or replace function public.revoke_invitation(p_membership_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_target public.memberships := private.prepare_member_change(p_membership_id, 'members.invite');
begin
  if v_target.status <> 'pending' then
    raise exception 'This person has already joined; remove them instead.' using errcode = '22023', hint = 'not_pending';
  end if;
  delete from public.memberships m where m.id = p_membership_id;
end;
$$;
comment on function public.revoke_invitation(uuid) is
  'Deletes a pending invitation (members.invite). Logs member.invitation_revoked.';

-- ---------- Invitee side -------------------------------------------------------------
create or replace function public.invitation_details(p_workspace_id uuid)
returns table (
  membership_id uuid,
  workspace_id uuid,
  workspace_name text,
  role public.workspace_role,
  invited_by_email text,
  invited_by_name text,
  invited_at timestamptz,
  invite_expires_at timestamptz,
  expired boolean
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return query
    select m.id, w.id, w.name, m.role, p.email, p.full_name, m.invited_at, m.invite_expires_at,
           m.invite_expires_at <= now()
      from public.memberships m
      join public.workspaces w on w.id = m.workspace_id
      left join public.profiles p on p.id = m.invited_by
     where m.workspace_id = p_workspace_id and m.user_id = auth.uid() and m.status = 'pending';
  if not found then
    raise exception 'No pending invitation to this workspace.' using errcode = 'P0002', hint = 'not_found';
  end if;
end;
$$;
comment on function public.invitation_details(uuid) is
  'The caller''s pending invitation: workspace name, role, inviter, expiry (for "Join X as Y"). Errors: P0002 not_found.';

create or replace function public.accept_invitation(p_workspace_id uuid)
returns public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_own public.memberships;
begin
  select * into v_own from public.memberships m
   where m.workspace_id = p_workspace_id and m.user_id = auth.uid()
   for update;
  if not found or v_own.status not in ('pending', 'active') then
    raise exception 'No pending invitation to this workspace.' using errcode = 'P0002', hint = 'not_found';
  end if;
  if v_own.status = 'active' then
    return v_own;  -- accepting twice (double click, second tab) is harmless
  end if;
  if v_own.invite_expires_at <= now() then
    raise exception 'This invitation has expired; ask for a new one.' using errcode = '22023', hint = 'invitation_expired';
  end if;
  update public.memberships m set status = 'active', joined_at = now()
   where m.id = v_own.id
  returning * into v_own;
  return v_own;
end;
$$;
comment on function public.accept_invitation(uuid) is
  'The caller accepts their pending invitation and becomes active. Idempotent. Logs member.joined. Errors: P0002 not_found, 22023 invitation_expired.';

create or replace function public.decline_invitation(p_workspace_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from public.memberships m
   where m.workspace_id = p_workspace_id and m.user_id = auth.uid() and m.status = 'pending';
  if not found then
    raise exception 'No pending invitation to this workspace.' using errcode = 'P0002', hint = 'not_found';
  end if;
end;
$$;
comment on function public.decline_invitation(uuid) is
  'The caller declines (deletes) their pending invitation. Logs member.declined.';

-- ---------- Grants -------------------------------------------------------------------
revoke all on function private.create_invitations(uuid, uuid, uuid[], public.workspace_role) from public, anon, authenticated;
revoke all on function public.create_invitations(uuid, uuid, uuid[], public.workspace_role) from public, anon, authenticated;
grant execute on function private.create_invitations(uuid, uuid, uuid[], public.workspace_role) to service_role;
grant execute on function public.create_invitations(uuid, uuid, uuid[], public.workspace_role) to service_role;

revoke all on function
  public.check_invitees(uuid, text[]),
  public.resend_invitation(uuid),
  public.revoke_invitation(uuid),
  public.invitation_details(uuid),
  public.accept_invitation(uuid),
  public.decline_invitation(uuid)
from public, anon;
grant execute on function
  public.check_invitees(uuid, text[]),
  public.resend_invitation(uuid),
  public.revoke_invitation(uuid),
  public.invitation_details(uuid),
  public.accept_invitation(uuid),
  public.decline_invitation(uuid)
to authenticated;
