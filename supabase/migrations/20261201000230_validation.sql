-- =====================================================================================
-- Validation (issue 12, finding 6):
--   * suspend_member refuses 'infinity' (Auth cannot read it back into a Go time.Time) and
--     absurd end dates (more than private.max_suspension() ahead), 22023 invalid_date;
--   * names made only of whitespace or control characters are refused (workspace names,
--     display names), and control characters inside a name are refused too: check
--     constraints on the tables (23514, HTTP 400, for direct PATCHes) and 22023 invalid_name
--     in create_workspace; sign-up cleans the metadata instead of failing the sign-up;
--   * complete_access_review counts the deactivations itself (member.deactivated rows by
--     the reviewer since the workspace's previous review, at most 24 hours back) instead of
--     storing the number the caller sends;
--   * the access review's idle rule (90 days; effectively active, not the owner) is defined
--     once, here, and the SPA reads it: access_review_rule() and access_review_flags().
-- =====================================================================================

-- ---------- Names --------------------------------------------------------------------
create or replace function private.clean_name(p_name text)
returns text
language sql
immutable
set search_path = ''
as $$
  select nullif(
           pg_catalog.regexp_replace(
             pg_catalog.regexp_replace(p_name, '[[:cntrl:]]+', ' ', 'g'),
             '^[[:space:]\u00a0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u3000\ufeff]+|[[:space:]\u00a0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u3000\ufeff]+$', '', 'g'),
           '')
$$;
comment on function private.clean_name(text) is
  'A name as stored: control characters become spaces, leading and trailing whitespace (including Unicode spaces such as no-break and zero-width ones) is removed; null when nothing is left.';

create or replace function private.is_clean_name(p_name text)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select p_name is null
      or (p_name !~ '[[:cntrl:]]' and p_name ~ '[^[:space:]\u00a0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u3000\ufeff]')
$$;
comment on function private.is_clean_name(text) is
  'True for null or a name with at least one visible character (not whitespace, Unicode spaces included) and no control characters.';

-- NOT VALID: existing rows are not rechecked (a hosted project may hold old data); every
-- new or changed name is.
alter table public.workspaces
  add constraint workspaces_name_clean check (private.is_clean_name(name)) not valid;
alter table public.profiles
  add constraint profiles_full_name_clean check (private.is_clean_name(full_name)) not valid;
comment on constraint workspaces_name_clean on public.workspaces is
  'A workspace name has a visible character and no control characters (tabs, newlines, ...).';
comment on constraint profiles_full_name_clean on public.profiles is
  'A display name has a visible character and no control characters.';

create or replace function private.create_workspace_for(p_owner uuid, p_name text)
returns public.workspaces
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_name text := private.clean_name(p_name);
  v_workspace public.workspaces;
begin
  if v_name is null or char_length(v_name) not between 1 and 80 then
    raise exception 'A workspace name needs 1 to 80 characters.'
      using errcode = '22023', hint = 'invalid_name';
  end if;

  insert into public.workspaces (name) values (v_name) returning * into v_workspace;
  insert into public.memberships (workspace_id, user_id, role, status, joined_at)
  values (v_workspace.id, p_owner, 'owner', 'active', now());
  return v_workspace;
end;
$$;
comment on function private.create_workspace_for(uuid, text) is
  'Creates a workspace with p_owner as its active owner (name cleaned by private.clean_name; 22023 invalid_name when nothing visible is left or it is longer than 80 characters).';

create or replace function private.create_signup_workspace()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_name text := left(private.clean_name(new.raw_user_meta_data ->> 'workspace_name'), 80);
begin
  if coalesce(v_name, '') <> '' then
    perform private.create_workspace_for(new.id, v_name);
  end if;
  return null;
end;
$$;
comment on function private.create_signup_workspace() is
  'AFTER INSERT trigger on auth.users: when raw_user_meta_data has workspace_name with a visible character, creates that workspace (name cleaned, cut to 80 characters) with the new user as owner. Never blocks the sign-up over the name.';

create or replace function private.sync_profile_from_auth_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_name text := left(private.clean_name(new.raw_user_meta_data ->> 'full_name'), 120);
begin
  if tg_op = 'INSERT' then
    insert into public.profiles (id, email, full_name)
    values (new.id, new.email, v_name)
    on conflict (id) do update
      set email = excluded.email,
          full_name = coalesce(excluded.full_name, public.profiles.full_name);
  else
    update public.profiles p
       set email = new.email,
           full_name = case
             when new.raw_user_meta_data ->> 'full_name' is distinct from old.raw_user_meta_data ->> 'full_name'
               then v_name
             else p.full_name
           end
     where p.id = new.id
       and (p.email is distinct from new.email
            or new.raw_user_meta_data ->> 'full_name' is distinct from old.raw_user_meta_data ->> 'full_name');
  end if;
  return null;
end;
$$;
comment on function private.sync_profile_from_auth_user() is
  'AFTER INSERT/UPDATE trigger on auth.users: creates or updates public.profiles (email, full_name from raw_user_meta_data, cleaned by private.clean_name and cut to 120 characters). Never blocks sign-up over a bad name.';

-- ---------- Suspensions --------------------------------------------------------------
create or replace function private.max_suspension()
returns interval
language sql
immutable
set search_path = ''
as $$
  select interval '5 years'
$$;
comment on function private.max_suspension() is
  'The longest dated suspension suspend_member accepts (5 years); longer means "until lifted" (no end date).';

create or replace function public.suspend_member(
  p_membership_id uuid, p_until timestamptz default null, p_reason text default null
)
returns public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_target public.memberships;
begin
  if p_until is not null and not isfinite(p_until) then
    raise exception 'A suspension needs a real end date, or none to suspend until lifted.'
      using errcode = '22023', hint = 'invalid_date';
  end if;
  if p_until is not null and p_until <= now() then
    raise exception 'A suspension must end in the future.' using errcode = '22023', hint = 'invalid_date';
  end if;
  if p_until > now() + private.max_suspension() then
    raise exception 'A suspension can last at most %; leave the end date empty to suspend until lifted.',
      private.max_suspension() using errcode = '22023', hint = 'invalid_date';
  end if;
  if char_length(p_reason) > 2000 then
    raise exception 'The reason is too long (at most 2000 characters).' using errcode = '22023', hint = 'too_long';
  end if;
  v_target := private.prepare_member_change(p_membership_id, 'members.manage');
  if v_target.status not in ('active', 'suspended') then
    raise exception 'Only active members can be suspended.' using errcode = '22023', hint = 'invalid_status';
  end if;
  update public.memberships m
     set status = 'suspended', suspended_until = p_until, status_reason = nullif(btrim(p_reason), '')
   where m.id = p_membership_id
  returning * into v_target;
  return v_target;
end;
$$;
comment on function public.suspend_member(uuid, timestamptz, text) is
  'Suspends a member until p_until (null = until lifted; a finite instant in the future, at most private.max_suspension() ahead), with an optional reason (members.manage, rank). Logs member.suspended. When the user has no other effectively active membership, their Auth account is banned until p_until (indefinitely when null) and their sessions deleted, in the same transaction. Errors add 22023 invalid_date/too_long/invalid_status.';

-- ---------- The access review's idle rule, once ---------------------------------------
create or replace function private.review_idle_days()
returns integer
language sql
immutable
set search_path = ''
as $$
  select 90
$$;
comment on function private.review_idle_days() is 'Days without activity after which an access review flags a member (PRODUCT.md: 90).';

create or replace function private.review_flagged(
  p_role public.workspace_role, p_status public.member_status, p_suspended_until timestamptz,
  p_last_active_at timestamptz, p_joined_at timestamptz, p_created_at timestamptz
)
returns boolean
language sql
stable
set search_path = ''
as $$
  select private.effective_status(p_status, p_suspended_until) = 'active'
     and p_role <> 'owner'
     and coalesce(p_last_active_at, p_joined_at, p_created_at)
         < now() - pg_catalog.make_interval(days => private.review_idle_days())
$$;
comment on function private.review_flagged(public.workspace_role, public.member_status, timestamptz, timestamptz, timestamptz, timestamptz) is
  'The idle rule of access reviews: an effectively active member other than the owner with no activity (else joining, else creation) for private.review_idle_days() days.';

create or replace function public.access_review_rule()
returns table (idle_days integer)
language sql
stable
security definer
set search_path = ''
as $$
  select private.review_idle_days()
$$;
comment on function public.access_review_rule() is
  'The access review''s idle threshold in days, for the SPA''s wording (the rule itself: access_review_flags).';

create or replace function public.access_review_flags(p_workspace_id uuid)
returns table (membership_id uuid, idle_since timestamptz, flagged boolean)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not private.is_member(p_workspace_id) then
    raise exception 'Workspace not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  perform private.require_permission(p_workspace_id, 'members.manage');
  return query
    select m.id, coalesce(m.last_active_at, m.joined_at, m.created_at),
           private.review_flagged(m.role, m.status, m.suspended_until, m.last_active_at, m.joined_at, m.created_at)
      from public.memberships m
     where m.workspace_id = p_workspace_id and m.status <> 'pending';
end;
$$;
comment on function public.access_review_flags(uuid) is
  'Per non-pending member: since when they are idle and whether the access review flags them (the same rule complete_access_review counts). members.manage. Errors: PT404 not_found, 42501 not_allowed.';

create or replace function public.complete_access_review(
  p_workspace_id uuid, p_notes text default null, p_deactivated integer default 0
)
returns public.access_reviews
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_review public.access_reviews;
  v_since_id bigint;
  v_deactivated integer;
begin
  if not private.is_member(p_workspace_id) then
    raise exception 'Workspace not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  perform private.require_permission(p_workspace_id, 'members.manage');
  if char_length(p_notes) > 2000 then
    raise exception 'The notes are too long (at most 2000 characters).' using errcode = '22023', hint = 'too_long';
  end if;

  -- p_deactivated is no longer trusted (kept in the signature for older clients): the
  -- deactivations made by this reviewer since the previous review (after its
  -- access_review.completed row in the log), at most 24 hours back.
  select coalesce(max(a.id), 0) into v_since_id
    from public.activity_log a
   where a.workspace_id = p_workspace_id and a.action = 'access_review.completed'
     and a.occurred_at > now() - interval '24 hours';
  select count(distinct a.entity_id) into v_deactivated
    from public.activity_log a
   where a.workspace_id = p_workspace_id and a.action = 'member.deactivated'
     and a.occurred_at > now() - interval '24 hours' and a.id > v_since_id and a.actor_id = auth.uid();

  insert into public.access_reviews (workspace_id, reviewer_id, members_reviewed, flagged, deactivated, notes)
  select p_workspace_id,
         auth.uid(),
         count(*) filter (where m.status <> 'pending'),
         count(*) filter (where private.review_flagged(m.role, m.status, m.suspended_until,
                                                        m.last_active_at, m.joined_at, m.created_at)),
         v_deactivated,
         nullif(btrim(p_notes), '')
    from public.memberships m
   where m.workspace_id = p_workspace_id
  returning * into v_review;
  return v_review;
end;
$$;
comment on function public.complete_access_review(uuid, text, integer) is
  'Records a completed access review (members.manage): members reviewed, members flagged by the idle rule (access_review_flags), how many members the reviewer deactivated since the previous review (at most 24 hours back; counted from the activity log, p_deactivated is ignored), notes. Logs access_review.completed. Errors: 42501 not_allowed, 22023 too_long, PT404 not_found.';
comment on column public.access_reviews.deactivated is
  'Members the reviewer deactivated since the previous review (at most 24 hours back), counted by complete_access_review from the activity log.';

-- ---------- Grants -------------------------------------------------------------------
revoke all on function
  private.review_idle_days(),
  private.max_suspension(),
  private.review_flagged(public.workspace_role, public.member_status, timestamptz, timestamptz, timestamptz, timestamptz)
from public, anon, authenticated;
grant execute on function private.clean_name(text), private.is_clean_name(text) to authenticated, service_role;
revoke all on function public.access_review_rule(), public.access_review_flags(uuid) from public, anon;
grant execute on function public.access_review_rule(), public.access_review_flags(uuid) to authenticated;
