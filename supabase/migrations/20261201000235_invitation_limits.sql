-- =====================================================================================
-- Abuse limits on invitations (issue 12, finding 7). Every member.invited row is a mail
-- sent by Supabase Auth, so an Admin looping invite -> revoke -> invite could mail any
-- address without limit. Two limits over a sliding 24 hours, counted from the activity log
-- (the record of every invitation sent):
--   * per workspace: member.invited rows of the workspace (default 200);
--   * per address: member.invited rows about the same user, in any workspace (default 5),
--     so creating more workspaces does not buy more mail to one person.
-- Both live in private.invitation_limits (operator-owned: an Admin cannot raise the limit
-- that is meant to stop a rogue Admin). Over a limit: SQLSTATE PT429 (HTTP 429), hint
-- invite_rate_limited, a message naming the limit. check_invitees (the pre-flight the invite
-- edge function runs before any mail) and create_invitations (the recording step) both
-- refuse. The refusal is logged as member.invite_rate_limited through
-- log_invite_rate_limited(), called by whoever received the 429 (a refused transaction
-- rolls back, so the log row is written by that second call, which re-checks the limit and
-- so cannot be used to write rows at will).
-- Invitations also follow rank (finding 4): nobody invites a role above their own.
-- =====================================================================================

-- ---------- Limits -------------------------------------------------------------------
create table private.invitation_limits (
  singleton boolean primary key default true
    constraint invitation_limits_singleton check (singleton),
  per_workspace_per_day integer not null default 200
    constraint invitation_limits_workspace_positive check (per_workspace_per_day > 0),
  per_address_per_day integer not null default 5
    constraint invitation_limits_address_positive check (per_address_per_day > 0)
);
alter table private.invitation_limits enable row level security;
revoke all on table private.invitation_limits from public, anon, authenticated, service_role;
insert into private.invitation_limits default values;

comment on table private.invitation_limits is
  'Invitation abuse limits over a sliding 24 hours (one row; change as postgres). No policies, no API access.';
comment on column private.invitation_limits.per_workspace_per_day is 'Invitations (member.invited) one workspace may send per 24 hours.';
comment on column private.invitation_limits.per_address_per_day is 'Invitations one person may receive per 24 hours, across all workspaces.';

create index activity_log_invited_subject_idx
  on public.activity_log (subject_user_id, occurred_at)
  where action = 'member.invited';
comment on index public.activity_log_invited_subject_idx is
  'Per-address invitation limit: invitations a person received recently, across workspaces.';

-- ---------- The check ----------------------------------------------------------------
create or replace function private.invite_quota_problem(p_workspace_id uuid, p_user_ids uuid[], p_new integer)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_limits private.invitation_limits;
  v_sent integer;
  v_over text;
begin
  select * into v_limits from private.invitation_limits limit 1;
  select count(*) into v_sent
    from public.activity_log a
   where a.workspace_id = p_workspace_id and a.action = 'member.invited'
     and a.occurred_at > now() - interval '24 hours';
  if v_sent + coalesce(p_new, 0) > coalesce(v_limits.per_workspace_per_day, 200) then
    return format('This workspace has sent %s invitations in the last 24 hours; the limit is %s. Try again later.',
                  v_sent, coalesce(v_limits.per_workspace_per_day, 200));
  end if;

  select string_agg(p.email, ', ' order by p.email) into v_over
    from public.profiles p
   where p.id = any (coalesce(p_user_ids, '{}'))
     and (select count(*) from public.activity_log a
           where a.subject_user_id = p.id and a.action = 'member.invited'
             and a.occurred_at > now() - interval '24 hours') >= coalesce(v_limits.per_address_per_day, 5);
  if v_over is not null then
    return format('Too many invitations were sent to %s in the last 24 hours. Try again tomorrow.', v_over);
  end if;
  return null;
end;
$$;
comment on function private.invite_quota_problem(uuid, uuid[], integer) is
  'Null when p_new more invitations from the workspace, to p_user_ids (existing users), stay within private.invitation_limits; else the refusal message.';

create or replace function private.assert_invite_quota(p_workspace_id uuid, p_user_ids uuid[], p_new integer default null)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_problem text := private.invite_quota_problem(p_workspace_id, p_user_ids, coalesce(p_new, cardinality(p_user_ids)));
begin
  if v_problem is not null then
    raise exception '%', v_problem using errcode = 'PT429', hint = 'invite_rate_limited';
  end if;
end;
$$;
comment on function private.assert_invite_quota(uuid, uuid[], integer) is
  'Raises PT429 (HTTP 429) invite_rate_limited when the invitations would exceed private.invitation_limits.';

-- ---------- Recording a refusal --------------------------------------------------------
create or replace function public.log_invite_rate_limited(p_workspace_id uuid, p_emails text[] default null)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_problem text;
begin
  if not private.is_member(p_workspace_id) then
    raise exception 'Workspace not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  perform private.require_permission(p_workspace_id, 'members.invite');
  if cardinality(p_emails) > 500 then
    raise exception 'At most 500 people per invitation batch.' using errcode = '22023', hint = 'too_many';
  end if;
  v_problem := private.invite_quota_problem(
    p_workspace_id,
    array(select p.id from public.profiles p
           where lower(p.email) in (select lower(btrim(e)) from unnest(p_emails) as e)),
    greatest(1, (select count(distinct lower(btrim(e)))::integer from unnest(p_emails) as e
                  where private.is_valid_email(lower(btrim(e))))));
  if v_problem is null then
    return false;
  end if;
  perform private.log_activity(
    p_workspace_id, 'member.invite_rate_limited', 'workspace', p_workspace_id::text, null,
    jsonb_build_object('message', v_problem, 'addresses', coalesce(cardinality(p_emails), 0)));
  return true;
end;
$$;
comment on function public.log_invite_rate_limited(uuid, text[]) is
  'Appends member.invite_rate_limited (after: message, number of addresses) when invitations to p_emails would indeed be refused by the limits now (members.invite); returns whether it logged. Called after a PT429 invite_rate_limited (the refused call''s own transaction rolled back). Errors: PT404 not_found, 42501 not_allowed, 22023 too_many.';

-- ---------- Invitation RPCs with the limits ------------------------------------------
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
    raise exception 'Workspace not found.' using errcode = 'PT404', hint = 'not_found';
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
    raise exception 'Unknown user(s): %.', v_list using errcode = 'PT404', hint = 'not_found';
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

  if private.role_rank(p_role) > private.role_rank(v_inviter.role) then
    raise exception 'You cannot invite anyone as %, a role above your own.', p_role
      using errcode = '42501', hint = 'higher_rank_role';
  end if;

  perform private.assert_seat_available(p_workspace_id, cardinality(v_user_ids));
  perform private.assert_invite_quota(p_workspace_id, v_user_ids);

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
  'Creates pending memberships for existing Auth users (the invite edge function creates them first). All or nothing. Errors: 22023 unknown_role/no_invitees/too_many/seat_limit_reached, 42501 owner_via_transfer/not_allowed/higher_rank_role, PT404 not_found, 23505 duplicate_invite/already_member, PT429 invite_rate_limited. Service role only.';

create or replace function public.check_invitees(p_workspace_id uuid, p_emails text[])
returns table (email text, status text)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not private.is_member(p_workspace_id) then
    raise exception 'Workspace not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  perform private.require_permission(p_workspace_id, 'members.invite');
  if cardinality(p_emails) > 500 then
    raise exception 'At most 500 people per invitation batch.' using errcode = '22023', hint = 'too_many';
  end if;
  -- Addresses that already have an account count towards the per-address limit; every
  -- valid address counts towards the workspace's daily limit (each would be mailed).
  perform private.assert_invite_quota(
    p_workspace_id,
    array(select p.id from public.profiles p
           where lower(p.email) in (select lower(btrim(e)) from unnest(p_emails) as e)),
    (select count(distinct lower(btrim(e)))::integer from unnest(p_emails) as e
      where private.is_valid_email(lower(btrim(e)))));

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
  'Pre-flight for a batch of invitations (members.invite): per email, in input order, ok | invalid_email | duplicate_in_list | duplicate_invite | already_member. Changes nothing. Refuses the whole batch with PT429 invite_rate_limited when it would exceed the invitation limits. Errors: PT404 not_found, 42501 not_allowed, 22023 too_many, PT429 invite_rate_limited.';

-- ---------- Grants -------------------------------------------------------------------
revoke all on function
  private.invite_quota_problem(uuid, uuid[], integer),
  private.assert_invite_quota(uuid, uuid[], integer)
from public, anon, authenticated;
revoke all on function public.log_invite_rate_limited(uuid, text[]) from public, anon;
grant execute on function public.log_invite_rate_limited(uuid, text[]) to authenticated;
