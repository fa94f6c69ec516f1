-- Issue 23, items 2 and 3: an admin resets a member's 2FA (reset_member_two_factor, logged);
-- a banned person who knows their password learns the suspension's end and reason
-- (sign_in_refusal); the accept page tells a replaced link from a used one
-- (private.spent_invitation_links); an expired or withdrawn invitee asks for a new invitation
-- (request_new_invitation, public.invitation_requests under Invitations).

alter table private.withdrawn_invitation_links add column email text;
comment on column private.withdrawn_invitation_links.email is
  'The invitee''s address (so they can ask for a new invitation from the withdrawn page).';

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

create or replace function public.reset_member_two_factor(p_membership_id uuid)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_target public.memberships;
  v_factors integer;
begin
  -- members.manage, rank (rule 9), not yourself (rule 2), never the Owner (rules 1 and 3)
  v_target := private.prepare_member_change(p_membership_id, 'members.manage');
  if v_target.status = 'pending' then
    raise exception 'This person has not joined yet: there is no two-factor authentication to reset.'
      using errcode = '22023', hint = 'not_joined';
  end if;
  -- Factors belong to the person, not to this workspace: an admin here must not strip the 2FA
  -- of someone who ranks above them (or whom they may not manage) in another workspace.
  if exists (
    select 1 from public.memberships o
     where o.user_id = v_target.user_id
       and o.workspace_id <> v_target.workspace_id
       and o.status <> 'pending'
       and not (o.workspace_id in (select private.workspaces_with('members.manage'))
                and private.caller_rank(o.workspace_id) > private.role_rank(o.role))
  ) then
    raise exception 'This person also belongs to another workspace where you cannot manage them; ask an admin of that workspace, or the person, to reset it.'
      using errcode = '42501', hint = 'other_workspace';
  end if;

  delete from auth.mfa_factors f where f.user_id = v_target.user_id;
  get diagnostics v_factors = row_count;
  if v_factors = 0 then
    raise exception 'This member has no two-factor authentication set up.'
      using errcode = '22023', hint = 'no_two_factor';
  end if;
  perform private.log_activity(
    v_target.workspace_id, 'member.two_factor_reset', 'membership', v_target.id::text,
    jsonb_build_object('factors', v_factors), jsonb_build_object('factors', 0), v_target.user_id);
  return v_factors;
end;
$$;
comment on function public.reset_member_two_factor(p_membership_id uuid) is
  'An admin resets a member''s two-factor authentication when they lost their device (issue 23): deletes every factor of the person in auth.mfa_factors (Supabase Auth has no recovery codes) and logs member.two_factor_reset; at their next sign-in a workspace that requires 2FA asks them to set it up again. members.manage, rank respected, never on the Owner nor yourself (private.prepare_member_change), refused when the person belongs to another workspace where the caller cannot manage them. Returns the number of factors removed. Errors: 22023 not_joined / no_two_factor, 42501 not_allowed / self_change / owner_protected / higher_rank_member / other_workspace, PT404 not_found.';
grant execute on function public.reset_member_two_factor(p_membership_id uuid) to authenticated;

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

create or replace function public.sign_in_refusal(p_email text, p_password text)
returns table (kind text, workspace_name text, suspended_until timestamptz, reason text)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_user auth.users;
begin
  -- Only after Auth refused a sign-in with user_banned (Auth says so to anyone who knows the
  -- address), and only to someone who knows the password: then the suspension's end date and
  -- reason are theirs to read (docs/product-rules.md, "Statuses"; issue 23).
  if p_email is null or p_password is null or length(p_password) > 200 or length(p_email) > 320 then
    return;
  end if;
  select * into v_user from auth.users u
   where lower(u.email) = lower(btrim(p_email)) and u.banned_until > now();
  if not found or v_user.encrypted_password is null or v_user.encrypted_password = '' then
    return;
  end if;
  -- the same throttle as the failed sign-in alert: 5 in 15 minutes
  if (select count(*) from public.activity_log a
       where a.subject_user_id = v_user.id and a.action = 'auth.sign_in_failed'
         and a.occurred_at > now() - interval '15 minutes') >= 5 then
    raise exception 'Too many attempts. Wait 15 minutes and try again.' using errcode = 'PT429', hint = 'rate_limited';
  end if;
  if extensions.crypt(p_password, v_user.encrypted_password) <> v_user.encrypted_password then
    perform public.password_verification_attempt_hook(
      jsonb_build_object('user_id', v_user.id, 'valid', false));
    return;
  end if;
  -- Not a Fluxera ban (someone else's, in Auth): say nothing more than Auth did.
  if not exists (select 1 from private.auth_bans b where b.user_id = v_user.id) then
    return;
  end if;
  return query
    select case when m.status = 'suspended' then 'suspended' else 'deactivated' end,
           w.name, m.suspended_until, m.status_reason
      from public.memberships m
      join public.workspaces w on w.id = m.workspace_id
     where m.user_id = v_user.id and m.status in ('suspended', 'inactive')
     order by m.status desc, m.suspended_until desc nulls first;
end;
$$;
comment on function public.sign_in_refusal(p_email text, p_password text) is
  'The sign-in page, after Auth answered user_banned: when the address and password match and the ban is Fluxera''s (private.auth_bans), one row per workspace the person is suspended in (until when, reason) or deactivated in, so the page says what happened and what to do instead of "account disabled". Nothing for a wrong password (counted as a failed sign-in) or a ban that is not ours. Service role only: the sign-in-help edge function asks for the sign-in page. Errors: PT429 rate_limited (5 failed sign-ins in 15 minutes).';
revoke all on function public.sign_in_refusal(p_email text, p_password text) from public, anon, authenticated;
grant execute on function public.sign_in_refusal(p_email text, p_password text) to service_role;

create trigger fluxera_remember_spent_link
  after delete on auth.one_time_tokens
  for each row execute function private.remember_spent_link();
comment on trigger fluxera_remember_spent_link on auth.one_time_tokens is
  'Remembers whose a dropped link was (private.spent_invitation_links).';

insert into public.activity_actions (key, entity_type, label, description, sentence, cleared_field, sentence_if_cleared, sort_order) values
  ('member.invitation_requested', 'workspace', 'New invitation asked for', 'Someone whose invitation had expired or was withdrawn asked for a new one.', '{after.email} asked for a new invitation', NULL, NULL, 125),
  ('member.two_factor_reset', 'membership', '2FA reset', 'An admin removed a member''s two-factor authentication (lost device); they set it up again at their next sign-in.', '{actor} reset {subject}''s two-factor authentication', NULL, NULL, 215);

