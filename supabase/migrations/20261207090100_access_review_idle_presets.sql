-- Access review: the idle period is a parameter (30/60/90-day presets, default 90, 1-365 accepted),
-- recorded with the review (issue 23 item 7).

drop function public.access_review_flags(uuid);
drop function public.complete_access_review(uuid, text, integer);
drop function public.access_review_rule();
drop function private.review_flagged(public.workspace_role, public.member_status, timestamptz, timestamptz, timestamptz, timestamptz);

alter table public.access_reviews add column idle_days integer default 90 not null;
alter table public.access_reviews add constraint access_reviews_idle_days_range check ((idle_days between 1 and 365));
comment on function private.review_idle_days() is
  'Days without activity after which an access review flags a member unless the reviewer picks another preset (docs/product-rules.md: 90).';
comment on column public.access_reviews.flagged is
  'Active members idle for idle_days or more at the time of the review.';
comment on column public.access_reviews.idle_days is
  'The idle period the reviewer chose (30, 60 or 90 days as offered; 1 to 365 accepted).';

create or replace function private.review_idle_presets()
returns integer[]
language sql
immutable
set search_path = ''
as $$
  select array[30, 60, 90]
$$;
comment on function private.review_idle_presets() is
  'The idle periods the Access review offers as presets, in days (issue 23).';

create or replace function private.review_idle_days_checked(p_idle_days integer)
returns integer
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_idle_days is null then
    return private.review_idle_days();
  end if;
  if p_idle_days < 1 or p_idle_days > 365 then
    raise exception 'The idle period must be between 1 and 365 days.'
      using errcode = '22023', hint = 'invalid_idle_days';
  end if;
  return p_idle_days;
end;
$$;
comment on function private.review_idle_days_checked(p_idle_days integer) is
  'The idle period of a review: p_idle_days, else private.review_idle_days(); outside 1 to 365 days raises 22023 invalid_idle_days (HTTP 400).';

create or replace function private.review_flagged(
  p_role public.workspace_role, p_status public.member_status, p_suspended_until timestamptz,
  p_last_active_at timestamptz, p_joined_at timestamptz, p_created_at timestamptz, p_idle_days integer
)
returns boolean
language sql
stable
set search_path = ''
as $$
  select private.effective_status(p_status, p_suspended_until) = 'active'
     and p_role <> 'owner'
     and coalesce(p_last_active_at, p_joined_at, p_created_at)
         < now() - pg_catalog.make_interval(days => p_idle_days)
$$;
comment on function private.review_flagged(p_role public.workspace_role, p_status public.member_status, p_suspended_until timestamp with time zone, p_last_active_at timestamp with time zone, p_joined_at timestamp with time zone, p_created_at timestamp with time zone, p_idle_days integer) is
  'The idle rule of access reviews: an effectively active member other than the owner not active (memberships.last_active_at, "Last active"; else joining, else creation) for p_idle_days days.';

create or replace function public.access_review_rule()
returns table (idle_days integer, presets integer[])
language sql
stable
security definer
set search_path = ''
as $$
  select private.review_idle_days(), private.review_idle_presets()
$$;
comment on function public.access_review_rule() is
  'The access review''s default idle threshold and the presets it offers, in days, for the SPA (the rule itself: access_review_flags).';
grant execute on function public.access_review_rule() to authenticated;

create or replace function public.access_review_flags(p_workspace_id uuid, p_idle_days integer default null)
returns table (membership_id uuid, idle_since timestamptz, flagged boolean)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_idle_days integer;
begin
  perform private.require_workspace_permission(p_workspace_id, 'members.manage');
  v_idle_days := private.review_idle_days_checked(p_idle_days);
  return query
    select m.id, coalesce(m.last_active_at, m.joined_at, m.created_at),
           private.review_flagged(m.role, m.status, m.suspended_until, m.last_active_at, m.joined_at,
                                  m.created_at, v_idle_days)
      from public.memberships m
     where m.workspace_id = p_workspace_id and m.status <> 'pending';
end;
$$;
comment on function public.access_review_flags(p_workspace_id uuid, p_idle_days integer) is
  'Per non-pending member: since when they are idle (last active, else joined) and whether the access review flags them for an idle period of p_idle_days (null = 90; the same rule complete_access_review counts). members.manage. Errors: PT404 not_found, 42501 not_allowed, 22023 invalid_idle_days.';
grant execute on function public.access_review_flags(p_workspace_id uuid, p_idle_days integer) to authenticated;

create or replace function public.complete_access_review(
  p_workspace_id uuid, p_notes text default null, p_deactivated integer default 0,
  p_idle_days integer default null)
returns public.access_reviews
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_review public.access_reviews;
  v_since_id bigint;
  v_deactivated integer;
  v_idle_days integer;
begin
  perform private.require_workspace_permission(p_workspace_id, 'members.manage');
  v_idle_days := private.review_idle_days_checked(p_idle_days);
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

  insert into public.access_reviews (workspace_id, reviewer_id, members_reviewed, flagged, deactivated, notes, idle_days)
  select p_workspace_id,
         auth.uid(),
         count(*) filter (where m.status <> 'pending'),
         count(*) filter (where private.review_flagged(m.role, m.status, m.suspended_until,
                                                        m.last_active_at, m.joined_at, m.created_at,
                                                        v_idle_days)),
         v_deactivated,
         nullif(btrim(p_notes), ''),
         v_idle_days
    from public.memberships m
   where m.workspace_id = p_workspace_id
  returning * into v_review;
  return v_review;
end;
$$;
comment on function public.complete_access_review(p_workspace_id uuid, p_notes text, p_deactivated integer, p_idle_days integer) is
  'Records a completed access review (members.manage): the idle period (p_idle_days, null = 90), members reviewed, members flagged by the idle rule for that period (access_review_flags), how many members the reviewer deactivated since the previous review (at most 24 hours back; counted from the activity log, p_deactivated is ignored), notes. Logs access_review.completed. Errors: 42501 not_allowed, 22023 too_long / invalid_idle_days, PT404 not_found.';
grant execute on function public.complete_access_review(p_workspace_id uuid, p_notes text, p_deactivated integer, p_idle_days integer) to authenticated;
