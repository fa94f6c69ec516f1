-- =====================================================================================
-- Invitation links: what an invitee's emailed link leads to, whatever happened since.
--
-- The mail's link carries Auth's one-time token hash (the value Auth keeps in
-- auth.one_time_tokens and auth.users.confirmation_token / recovery_token). Knowing it proves
-- that one holds the mail, so the accept page may learn, before spending the token, whether the
-- invitation is still pending, has expired, or was withdrawn, and show it in words.
--
--   * invitation_link_state(workspace, token_hash)    pending | expired | withdrawn | unknown
--                                                      (service role: the invitation-link edge
--                                                      function answers the accept page, since
--                                                      anon executes no function in public)
--   * revoke_invitation()                              now remembers the revoked links and removes
--                                                      an Auth account that never signed in
--   * private.invitation_recipient(...)                for the edge functions that (re)send links
-- =====================================================================================

-- ---------- Withdrawn links -------------------------------------------------------------
create table if not exists private.withdrawn_invitation_links (
  token_hash text primary key,
  workspace_id uuid not null,
  workspace_name text not null,
  invited_by_name text,
  revoked_at timestamptz not null default now()
);
comment on table private.withdrawn_invitation_links is
  'Token hashes of the links that were outstanding when an invitation was revoked, so the accept page can say "withdrawn" instead of "invalid link". Written by revoke_invitation; read by invitation_link_state.';
comment on column private.withdrawn_invitation_links.token_hash is 'Auth''s one-time token hash (sha224 hex) of a mailed link.';
comment on column private.withdrawn_invitation_links.workspace_id is 'The workspace the invitation was for (no foreign key: kept after the workspace is gone).';
comment on column private.withdrawn_invitation_links.workspace_name is 'The workspace''s name at revocation.';
comment on column private.withdrawn_invitation_links.invited_by_name is 'Who had invited (name or email) at revocation.';
comment on column private.withdrawn_invitation_links.revoked_at is 'When the invitation was revoked.';
alter table private.withdrawn_invitation_links enable row level security;
revoke all on table private.withdrawn_invitation_links from public, anon, authenticated;

-- ---------- The Auth user a link belongs to ---------------------------------------------
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
comment on function private.user_for_token_hash(text) is
  'The Auth user whose outstanding one-time token has this hash (auth.one_time_tokens, else the users'' token columns, which both Supabase Auth and the local stand-in fill), or null.';

-- ---------- What a link leads to -------------------------------------------------------
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

  return query select 'unknown'::text, null::text, null::public.workspace_role, null::text, null::timestamptz, null::text;
end;
$$;
comment on function public.invitation_link_state(uuid, text) is
  'For the accept page, before it spends a mailed link: state of the invitation to p_workspace_id the link (its Auth token hash) belongs to. pending | expired (with workspace, role, inviter, expiry and the invitee''s address) | withdrawn (revoked: workspace and inviter) | unknown (link used, replaced by a newer one, or not an invitation). The token hash is the proof of holding the mail. Service role only (the invitation-link edge function asks for the accept page).';

-- ---------- Revoking: remember the links, remove a never-used account -------------------
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
  insert into private.withdrawn_invitation_links (token_hash, workspace_id, workspace_name, invited_by_name)
    select distinct h, v_target.workspace_id, v_workspace_name, v_inviter
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
comment on function public.revoke_invitation(uuid) is
  'Deletes a pending invitation (members.invite). Logs member.invitation_revoked. Remembers the invitee''s outstanding link hashes (invitation_link_state then says "withdrawn") and deletes the Auth account when it was created for invitations only and never used. Errors: 22023 not_pending, 42501 not_allowed, P0002 not_found.';

-- ---------- Who to (re)send a link to (edge functions, service role) --------------------
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
comment on function private.invitation_recipient(uuid, text, text) is
  'The pending invitation to a workspace identified by the invitee''s address or by a (possibly expired) link''s token hash, for the invitation-link edge function. Service role only.';

create or replace function public.invitation_recipient(p_workspace_id uuid, p_email text default null, p_token_hash text default null)
returns table (membership_id uuid, user_id uuid, email text, role public.workspace_role, workspace_name text, invited_by_name text, expired boolean)
language sql
stable
security definer
set search_path = ''
as $$
  select * from private.invitation_recipient(p_workspace_id, p_email, p_token_hash)
$$;
comment on function public.invitation_recipient(uuid, text, text) is
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
comment on function public.invitation_recipients(uuid[]) is
  'Address, workspace and inviter of pending invitations, for the invite-members edge function''s resend (service role only; it calls resend_invitations as the caller first, which checks permission).';

-- ---------- Grants -------------------------------------------------------------------
revoke all on function private.user_for_token_hash(text) from public, anon, authenticated;
revoke all on function private.invitation_recipient(uuid, text, text) from public, anon, authenticated;
revoke all on function public.invitation_recipient(uuid, text, text) from public, anon, authenticated;
revoke all on function public.invitation_recipients(uuid[]) from public, anon, authenticated;
grant execute on function private.invitation_recipient(uuid, text, text) to service_role;
grant execute on function public.invitation_recipient(uuid, text, text) to service_role;
grant execute on function public.invitation_recipients(uuid[]) to service_role;
revoke all on function public.invitation_link_state(uuid, text) from public, anon, authenticated;
grant execute on function public.invitation_link_state(uuid, text) to service_role;
