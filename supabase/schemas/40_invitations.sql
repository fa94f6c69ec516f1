-- =====================================================================================
-- Invitations: pending memberships, their limits and the links invitees follow.
-- The invite edge function (service role) creates Auth users and sends mail, then calls
-- create_invitations(); invitees read, accept or decline; admins resend or revoke. Abuse
-- limits per workspace and per address are counted from the activity log.
-- =====================================================================================

set local check_function_bodies = off;

-- ---------- Functions --------------------------------------------------------------

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
comment on function private.create_invitations(p_workspace_id uuid, p_inviter uuid, p_user_ids uuid[], p_role public.workspace_role) is
  'Creates pending memberships for existing Auth users (the invite edge function creates them first). All or nothing. Errors: 22023 unknown_role/no_invitees/too_many/seat_limit_reached, 42501 owner_via_transfer/not_allowed/higher_rank_role, PT404 not_found, 23505 duplicate_invite/already_member, PT429 invite_rate_limited. Service role only.';
grant execute on function private.create_invitations(p_workspace_id uuid, p_inviter uuid, p_user_ids uuid[], p_role public.workspace_role) to service_role;

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
comment on function public.create_invitations(p_workspace_id uuid, p_inviter uuid, p_user_ids uuid[], p_role public.workspace_role) is
  'RPC entry for the invite edge function (service role only; never granted to authenticated): see private.create_invitations.';

create or replace function public.check_invitees(p_workspace_id uuid, p_emails text[])
returns table (email text, status text)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_workspace_permission(p_workspace_id, 'members.invite');
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
comment on function public.check_invitees(p_workspace_id uuid, p_emails text[]) is
  'Pre-flight for a batch of invitations (members.invite): per email, in input order, ok | invalid_email | duplicate_in_list | duplicate_invite | already_member. Changes nothing. Refuses the whole batch with PT429 invite_rate_limited when it would exceed the invitation limits. Errors: PT404 not_found, 42501 not_allowed, 22023 too_many, PT429 invite_rate_limited.';
grant execute on function public.check_invitees(p_workspace_id uuid, p_emails text[]) to authenticated;

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
comment on function public.resend_invitation(p_membership_id uuid) is
  'Renews a pending invitation''s expiry (members.invite); the edge function sends the mail. Logs member.invitation_resent. Errors: 22023 not_pending, 42501 not_allowed, PT404 not_found.';
grant execute on function public.resend_invitation(p_membership_id uuid) to authenticated;

create or replace function public.revoke_invitation(p_membership_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_target public.memberships := private.prepare_member_change(p_membership_id, 'members.invite');
  v_workspace_name text;
  v_inviter text;
begin
  if v_target.status <> 'pending' then
    raise exception 'This person has already joined; remove them instead.' using errcode = '22023', hint = 'not_pending';
  end if;

  select w.name into v_workspace_name from public.workspaces w where w.id = v_target.workspace_id;
  select coalesce(nullif(p.full_name, ''), p.email) into v_inviter
    from public.profiles p where p.id = v_target.invited_by;
  insert into private.withdrawn_invitation_links (token_hash, workspace_id, workspace_name, invited_by_name, email)
    select distinct h, v_target.workspace_id, v_workspace_name, v_inviter, v_target.member_email
      from (
        select t.token_hash as h from auth.one_time_tokens t where t.user_id = v_target.user_id
        union select u.confirmation_token from auth.users u where u.id = v_target.user_id
        union select u.recovery_token from auth.users u where u.id = v_target.user_id
      ) s
     where h is not null and h <> ''
  on conflict (token_hash) do nothing;

  delete from public.memberships m where m.id = p_membership_id;

  -- An account Auth created for this invitation and that was never used (never confirmed,
  -- never signed in, no other workspace) goes too: it must not be able to sign in later.
  -- Deleting the auth.users row is what Auth's admin API does; its own tables cascade.
  delete from auth.users u
   where u.id = v_target.user_id
     and u.email_confirmed_at is null
     and u.last_sign_in_at is null
     and not exists (select 1 from public.memberships m where m.user_id = u.id);
end;
$$;
comment on function public.revoke_invitation(p_membership_id uuid) is
  'Deletes a pending invitation (members.invite). Logs member.invitation_revoked. Remembers the invitee''s outstanding link hashes (invitation_link_state then says "withdrawn") and deletes the Auth account when it was created for invitations only and never used. Errors: 22023 not_pending, 42501 not_allowed, PT404 not_found.';
grant execute on function public.revoke_invitation(p_membership_id uuid) to authenticated;

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
declare
  v_uid uuid := private.require_caller();
begin
  return query
    select m.id, w.id, w.name, m.role, p.email, p.full_name, m.invited_at, m.invite_expires_at,
           m.invite_expires_at <= now()
      from public.memberships m
      join public.workspaces w on w.id = m.workspace_id
      left join public.profiles p on p.id = m.invited_by
     where m.workspace_id = p_workspace_id and m.user_id = v_uid and m.status = 'pending';
  if not found then
    raise exception 'No pending invitation to this workspace.' using errcode = 'PT404', hint = 'not_found';
  end if;
end;
$$;
comment on function public.invitation_details(p_workspace_id uuid) is
  'The caller''s pending invitation: workspace name, role, inviter, expiry (for "Join X as Y"). Errors: PT404 not_found, PT401 session_revoked.';
grant execute on function public.invitation_details(p_workspace_id uuid) to authenticated;

create or replace function public.accept_invitation(p_workspace_id uuid)
returns public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := private.require_caller();
  v_own public.memberships;
begin
  select * into v_own from public.memberships m
   where m.workspace_id = p_workspace_id and m.user_id = v_uid
   for update;
  if not found or v_own.status not in ('pending', 'active') then
    raise exception 'No pending invitation to this workspace.' using errcode = 'PT404', hint = 'not_found';
  end if;
  if v_own.status = 'active' then
    return v_own;  -- accepting twice (double click, second tab) is harmless
  end if;
  if private.account_disabled(v_uid) then
    raise exception 'This account is disabled. Ask an Admin of your workspace to reactivate it.'
      using errcode = '42501', hint = 'account_disabled';
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
comment on function public.accept_invitation(p_workspace_id uuid) is
  'The caller accepts their pending invitation and becomes active. Idempotent. Logs member.joined. Errors: PT404 not_found, 22023 invitation_expired, 42501 account_disabled, PT401 session_revoked.';
grant execute on function public.accept_invitation(p_workspace_id uuid) to authenticated;

create or replace function public.decline_invitation(p_workspace_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := private.require_caller();
begin
  delete from public.memberships m
   where m.workspace_id = p_workspace_id and m.user_id = v_uid and m.status = 'pending';
  if not found then
    raise exception 'No pending invitation to this workspace.' using errcode = 'PT404', hint = 'not_found';
  end if;
end;
$$;
comment on function public.decline_invitation(p_workspace_id uuid) is
  'The caller declines (deletes) their pending invitation. Logs member.declined. Errors: PT404 not_found, PT401 session_revoked.';
grant execute on function public.decline_invitation(p_workspace_id uuid) to authenticated;

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
comment on function private.invite_quota_problem(p_workspace_id uuid, p_user_ids uuid[], p_new integer) is
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
comment on function private.assert_invite_quota(p_workspace_id uuid, p_user_ids uuid[], p_new integer) is
  'Raises PT429 (HTTP 429) invite_rate_limited when the invitations would exceed private.invitation_limits.';

create or replace function public.log_invite_rate_limited(p_workspace_id uuid, p_emails text[] default null)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_problem text;
begin
  perform private.require_workspace_permission(p_workspace_id, 'members.invite');
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
comment on function public.log_invite_rate_limited(p_workspace_id uuid, p_emails text[]) is
  'Appends member.invite_rate_limited (after: message, number of addresses) when invitations to p_emails would indeed be refused by the limits now (members.invite); returns whether it logged. Called after a PT429 invite_rate_limited (the refused call''s own transaction rolled back). Errors: PT404 not_found, 42501 not_allowed, 22023 too_many.';
grant execute on function public.log_invite_rate_limited(p_workspace_id uuid, p_emails text[]) to authenticated;

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

create or replace function private.user_for_token_hash(p_token_hash text)
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(
    (select t.user_id from auth.one_time_tokens t where t.token_hash = p_token_hash limit 1),
    (select u.id from auth.users u
      where p_token_hash <> '' and (u.confirmation_token = p_token_hash or u.recovery_token = p_token_hash)
      limit 1))
$$;
comment on function private.user_for_token_hash(p_token_hash text) is
  'The Auth user whose outstanding one-time token has this hash (auth.one_time_tokens, else the users'' token columns, which both Supabase Auth and the local stand-in fill), or null.';

create or replace function public.invitation_link_state(p_workspace_id uuid, p_token_hash text)
returns table (
  state text,
  workspace_name text,
  role public.workspace_role,
  invited_by_name text,
  invite_expires_at timestamptz,
  email text
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_user uuid;
begin
  if p_token_hash is null or p_token_hash !~ '^[0-9a-f]{40,64}$' then
    return query select 'unknown'::text, null::text, null::public.workspace_role, null::text, null::timestamptz, null::text;
    return;
  end if;

  return query
    select 'withdrawn'::text, l.workspace_name, null::public.workspace_role, l.invited_by_name, null::timestamptz, null::text
      from private.withdrawn_invitation_links l
     where l.token_hash = p_token_hash and l.workspace_id = p_workspace_id;
  if found then return; end if;

  v_user := private.user_for_token_hash(p_token_hash);
  if v_user is not null then
    return query
      select case when m.invite_expires_at <= now() then 'expired' else 'pending' end,
             w.name, m.role, coalesce(nullif(p.full_name, ''), p.email), m.invite_expires_at, me.email
        from public.memberships m
        join public.workspaces w on w.id = m.workspace_id
        join public.profiles me on me.id = m.user_id
        left join public.profiles p on p.id = m.invited_by
       where m.workspace_id = p_workspace_id and m.user_id = v_user and m.status = 'pending';
    if found then return; end if;
  end if;

  -- A link Auth no longer holds: spent (used) or replaced by a newer one (issue 23). Whose it
  -- was is remembered (private.spent_invitation_links); their membership tells which.
  return query
    select case when m.status <> 'pending' then 'used'
                when m.invite_expires_at <= now() then 'expired'
                else 'replaced' end,
           w.name, m.role, coalesce(nullif(p.full_name, ''), p.email), m.invite_expires_at, me.email
      from private.spent_invitation_links s
      join public.memberships m on m.user_id = s.user_id and m.workspace_id = p_workspace_id
      join public.workspaces w on w.id = m.workspace_id
      join public.profiles me on me.id = m.user_id
      left join public.profiles p on p.id = m.invited_by
     where s.token_hash = p_token_hash;
  if found then return; end if;

  return query select 'unknown'::text, null::text, null::public.workspace_role, null::text, null::timestamptz, null::text;
end;
$$;
comment on function public.invitation_link_state(p_workspace_id uuid, p_token_hash text) is
  'For the accept page, before it spends a mailed link: state of the invitation to p_workspace_id the link (its Auth token hash) belongs to. pending | expired (with workspace, role, inviter, expiry and the invitee''s address) | withdrawn (revoked: workspace and inviter) | replaced (this link was replaced by a newer one, still pending: it is in the inbox) | used (the invitee already joined) | unknown (not an invitation link, or nothing remembered). The token hash is the proof of holding the mail. Service role only (the invitation-link edge function asks for the accept page).';

create or replace function private.remember_spent_link()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into private.spent_invitation_links (token_hash, user_id)
  values (old.token_hash, old.user_id)
  on conflict (token_hash) do nothing;
  -- kept for 30 days: longer than any invitation lives
  delete from private.spent_invitation_links s where s.spent_at < now() - interval '30 days';
  return null;
end;
$$;
comment on function private.remember_spent_link() is
  'AFTER DELETE trigger on auth.one_time_tokens: remembers whose link a token hash was once Auth drops it (used, or replaced by a newer link), for invitation_link_state''s used / replaced.';

create or replace function public.request_new_invitation(p_workspace_id uuid, p_token_hash text)
returns table (workspace_name text, email text, inviter_email text, inviter_name text, already_asked boolean)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_state record;
  v_email text;
  v_user uuid;
  v_inviter uuid;
  v_asked boolean;
begin
  if p_token_hash is null or p_token_hash !~ '^[0-9a-f]{40,64}$' then
    raise exception 'This link is not an invitation link.' using errcode = '22023', hint = 'invalid_input';
  end if;
  select * into v_state from public.invitation_link_state(p_workspace_id, p_token_hash) limit 1;
  if v_state.state = 'expired' then
    select m.user_id, m.invited_by, me.email into v_user, v_inviter, v_email
      from public.memberships m join public.profiles me on me.id = m.user_id
     where m.workspace_id = p_workspace_id and m.status = 'pending'
       and lower(me.email) = lower(v_state.email);
  elsif v_state.state = 'withdrawn' then
    select l.email into v_email from private.withdrawn_invitation_links l
     where l.token_hash = p_token_hash and l.workspace_id = p_workspace_id;
    select p.id into v_user from public.profiles p where lower(p.email) = lower(v_email);
    -- the request goes to whoever had invited, as the page says (the revocation's log row
    -- kept the membership as it was)
    select (a.before ->> 'invited_by')::uuid into v_inviter from public.activity_log a
     where a.workspace_id = p_workspace_id and a.action = 'member.invitation_revoked'
       and lower(a.before ->> 'member_email') = lower(v_email)
     order by a.occurred_at desc limit 1;
  else
    raise exception 'Only an expired or withdrawn invitation can be asked for again.'
      using errcode = '22023', hint = 'not_expired';
  end if;
  if v_email is null then
    raise exception 'The invitation could not be found.' using errcode = 'PT404', hint = 'not_found';
  end if;

  -- one open request per address and workspace: asking twice changes nothing
  v_asked := exists (select 1 from public.invitation_requests r
                      where r.workspace_id = p_workspace_id and lower(r.email) = lower(v_email));
  if not v_asked then
    insert into public.invitation_requests (workspace_id, email, user_id, inviter_id, was)
    values (p_workspace_id, v_email, v_user, v_inviter, v_state.state);
    perform private.log_activity(
      p_workspace_id, 'member.invitation_requested', 'workspace', p_workspace_id::text,
      null, jsonb_build_object('email', v_email, 'was', v_state.state), v_user, v_user);
  end if;

  return query
    select w.name, v_email, i.email, coalesce(nullif(i.full_name, ''), i.email), v_asked
      from public.workspaces w left join public.profiles i on i.id = v_inviter
     where w.id = p_workspace_id;
end;
$$;
comment on function public.request_new_invitation(p_workspace_id uuid, p_token_hash text) is
  'From an expired or withdrawn invitation''s page (the invitation-link edge function, service role; the link''s token hash is the proof): records the request in public.invitation_requests (shown under Invitations) and logs member.invitation_requested, once per address and workspace; returns whom to tell (the inviter). Errors: 22023 invalid_input / not_expired, PT404 not_found.';
revoke all on function public.request_new_invitation(p_workspace_id uuid, p_token_hash text) from public, anon, authenticated;
grant execute on function public.request_new_invitation(p_workspace_id uuid, p_token_hash text) to service_role;

create or replace function public.dismiss_invitation_request(p_request_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_workspace uuid;
begin
  select r.workspace_id into v_workspace from public.invitation_requests r where r.id = p_request_id;
  if v_workspace is null then
    raise exception 'This request no longer exists.' using errcode = 'PT404', hint = 'not_found';
  end if;
  perform private.require_workspace_permission(v_workspace, 'members.invite');
  delete from public.invitation_requests r where r.id = p_request_id;
end;
$$;
comment on function public.dismiss_invitation_request(p_request_id uuid) is
  'Clears a request for a new invitation from the Invitations tab (members.invite), once it was answered or is not wanted. Errors: PT404 not_found, 42501 not_allowed.';
grant execute on function public.dismiss_invitation_request(p_request_id uuid) to authenticated;

create or replace function private.invitation_recipient(
  p_workspace_id uuid, p_email text, p_token_hash text
)
returns table (membership_id uuid, user_id uuid, email text, role public.workspace_role, workspace_name text, invited_by_name text, expired boolean)
language sql
stable
security definer
set search_path = ''
as $$
  select m.id, m.user_id, me.email, m.role, w.name, coalesce(nullif(p.full_name, ''), p.email),
         m.invite_expires_at <= now()
    from public.memberships m
    join public.workspaces w on w.id = m.workspace_id
    join public.profiles me on me.id = m.user_id
    left join public.profiles p on p.id = m.invited_by
   where m.workspace_id = p_workspace_id
     and m.status = 'pending'
     and (
       (p_token_hash is not null and m.user_id = private.user_for_token_hash(p_token_hash))
       or (p_email is not null and lower(me.email) = lower(btrim(p_email)))
     )
   limit 1
$$;
comment on function private.invitation_recipient(p_workspace_id uuid, p_email text, p_token_hash text) is
  'The pending invitation to a workspace identified by the invitee''s address or by a (possibly expired) link''s token hash, for the invitation-link edge function. Service role only.';
grant execute on function private.invitation_recipient(p_workspace_id uuid, p_email text, p_token_hash text) to service_role;

create or replace function public.invitation_recipient(p_workspace_id uuid, p_email text default null, p_token_hash text default null)
returns table (membership_id uuid, user_id uuid, email text, role public.workspace_role, workspace_name text, invited_by_name text, expired boolean)
language sql
stable
security definer
set search_path = ''
as $$
  select * from private.invitation_recipient(p_workspace_id, p_email, p_token_hash)
$$;
comment on function public.invitation_recipient(p_workspace_id uuid, p_email text, p_token_hash text) is
  'RPC entry for the invitation-link edge function (service role only): see private.invitation_recipient.';

create or replace function public.invitation_recipients(p_membership_ids uuid[])
returns table (membership_id uuid, workspace_id uuid, user_id uuid, email text, role public.workspace_role, workspace_name text, invited_by_name text)
language sql
stable
security definer
set search_path = ''
as $$
  select m.id, m.workspace_id, m.user_id, me.email, m.role, w.name, coalesce(nullif(p.full_name, ''), p.email)
    from public.memberships m
    join public.workspaces w on w.id = m.workspace_id
    join public.profiles me on me.id = m.user_id
    left join public.profiles p on p.id = m.invited_by
   where m.id = any (p_membership_ids) and m.status = 'pending'
$$;
comment on function public.invitation_recipients(p_membership_ids uuid[]) is
  'Address, workspace and inviter of pending invitations, for the invite-members edge function''s resend (service role only; it calls resend_invitations as the caller first, which checks permission).';

-- ---------- Tables -----------------------------------------------------------------

create table private.invitation_limits (
  singleton boolean default true not null,
  per_workspace_per_day integer default 200 not null,
  per_address_per_day integer default 5 not null,
  constraint invitation_limits_address_positive check ((per_address_per_day > 0)),
  constraint invitation_limits_singleton check (singleton),
  constraint invitation_limits_workspace_positive check ((per_workspace_per_day > 0)),
  constraint invitation_limits_pkey primary key (singleton)
);

comment on table private.invitation_limits is
  'Invitation abuse limits over a sliding 24 hours (one row; change as postgres). No policies, no API access.';
comment on column private.invitation_limits.per_workspace_per_day is
  'Invitations (member.invited) one workspace may send per 24 hours.';
comment on column private.invitation_limits.per_address_per_day is
  'Invitations one person may receive per 24 hours, across all workspaces.';

alter table private.invitation_limits enable row level security;

create table private.withdrawn_invitation_links (
  token_hash text not null,
  workspace_id uuid not null,
  workspace_name text not null,
  invited_by_name text,
  revoked_at timestamp with time zone default now() not null,
  email text,
  constraint withdrawn_invitation_links_pkey primary key (token_hash)
);

comment on table private.withdrawn_invitation_links is
  'Token hashes of the links that were outstanding when an invitation was revoked, so the accept page can say "withdrawn" instead of "invalid link". Written by revoke_invitation; read by invitation_link_state.';
comment on column private.withdrawn_invitation_links.token_hash is
  'Auth''s one-time token hash (sha224 hex) of a mailed link.';
comment on column private.withdrawn_invitation_links.workspace_id is
  'The workspace the invitation was for (no foreign key: kept after the workspace is gone).';
comment on column private.withdrawn_invitation_links.workspace_name is
  'The workspace''s name at revocation.';
comment on column private.withdrawn_invitation_links.invited_by_name is
  'Who had invited (name or email) at revocation.';
comment on column private.withdrawn_invitation_links.revoked_at is
  'When the invitation was revoked.';
comment on column private.withdrawn_invitation_links.email is
  'The invitee''s address (so they can ask for a new invitation from the withdrawn page).';

alter table private.withdrawn_invitation_links enable row level security;

create table private.spent_invitation_links (
  token_hash text not null,
  user_id uuid not null,
  spent_at timestamp with time zone default now() not null,
  constraint spent_invitation_links_pkey primary key (token_hash)
);

comment on table private.spent_invitation_links is
  'Token hashes Auth dropped (link used, or replaced by a newer one) and whose they were, for 30 days: the accept page tells "a newer invitation is in your inbox" from "already used". Written by the auth.one_time_tokens trigger.';

alter table private.spent_invitation_links enable row level security;

create table public.invitation_requests (
  id uuid default gen_random_uuid() not null,
  workspace_id uuid not null,
  email text not null,
  user_id uuid,
  inviter_id uuid,
  was text not null,
  requested_at timestamp with time zone default now() not null,
  constraint invitation_requests_pkey primary key (id),
  constraint invitation_requests_was check (was in ('expired', 'withdrawn')),
  constraint invitation_requests_workspace_id_fkey foreign key (workspace_id) references public.workspaces(id) on delete cascade,
  constraint invitation_requests_user_id_fkey foreign key (user_id) references auth.users(id) on delete set null,
  constraint invitation_requests_inviter_id_fkey foreign key (inviter_id) references auth.users(id) on delete set null
);

comment on table public.invitation_requests is
  'People whose invitation expired or was withdrawn and who asked for a new one (request_new_invitation), shown under Invitations to whoever may invite until dismissed.';
comment on column public.invitation_requests.email is 'The address the invitation was for.';
comment on column public.invitation_requests.user_id is 'The invitee''s account, when it still exists.';
comment on column public.invitation_requests.inviter_id is 'Who had invited (expired) or withdrew (withdrawn) the invitation.';
comment on column public.invitation_requests.was is 'expired or withdrawn: what the invitee''s page said.';
comment on column public.invitation_requests.requested_at is 'When they asked.';

create index invitation_requests_workspace_idx on public.invitation_requests (workspace_id, requested_at desc);
comment on index public.invitation_requests_workspace_idx is 'The Invitations tab''s requests, newest first.';

alter table public.invitation_requests enable row level security;

create policy "Members with members.invite can read invitation requests"
  on public.invitation_requests for select to authenticated
  using (workspace_id in (select private.workspaces_with('members.invite')));
comment on policy "Members with members.invite can read invitation requests" on public.invitation_requests is
  'Whoever may invite sees the requests for a new invitation in their workspaces.';

revoke all on table public.invitation_requests from anon, authenticated;
grant select on table public.invitation_requests to authenticated;

-- ---------- Triggers on tables defined elsewhere, calling functions of this file ---

create trigger memberships_keep_inviter
  before update of invited_by on public.memberships
  for each row execute function private.keep_inviter();
comment on trigger memberships_keep_inviter on public.memberships is
  'Resending an invitation does not change who invited (issue 13, bug 6).';

create trigger fluxera_remember_spent_link
  after delete on auth.one_time_tokens
  for each row execute function private.remember_spent_link();
comment on trigger fluxera_remember_spent_link on auth.one_time_tokens is
  'Remembers whose a dropped link was (private.spent_invitation_links).';

-- ---------- Catalogue rows ---------------------------------------------------------

insert into private.invitation_limits (singleton, per_workspace_per_day, per_address_per_day) values
  (true, 200, 5);
