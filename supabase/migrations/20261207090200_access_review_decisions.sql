-- Access review: a keep or remove decision per flagged member, recorded with the review and
-- logged in the same transaction; "remove" deactivates through deactivate_member (issue 23 item 7).

create table public.access_review_decisions (
  id uuid default gen_random_uuid() not null,
  review_id uuid not null,
  workspace_id uuid not null,
  membership_id uuid,
  member_user_id uuid,
  member_email text not null,
  decision text not null,
  idle_since timestamp with time zone,
  constraint access_review_decisions_pkey primary key (id),
  constraint access_review_decisions_decision_check check ((decision = any (array['keep'::text, 'remove'::text]))),
  constraint access_review_decisions_one_per_member unique (review_id, membership_id),
  constraint access_review_decisions_review_id_fkey foreign key (review_id) references public.access_reviews(id) on delete cascade,
  constraint access_review_decisions_workspace_id_fkey foreign key (workspace_id) references public.workspaces(id) on delete cascade,
  constraint access_review_decisions_membership_id_fkey foreign key (membership_id) references public.memberships(id) on delete set null
);
comment on index public.access_review_decisions_one_per_member is 'One decision per member and review.';
comment on table public.access_review_decisions is
  'A keep or remove decision about one flagged member, recorded with its access review by complete_access_review().';
comment on column public.access_review_decisions.member_email is 'The member''s email at the time of the review (kept after they leave).';
comment on column public.access_review_decisions.decision is 'keep: access confirmed; remove: deactivated by the review.';
comment on column public.access_review_decisions.idle_since is 'The member''s last active (else joined) at the time of the review.';

create index access_review_decisions_workspace_idx on public.access_review_decisions (workspace_id);
comment on index public.access_review_decisions_workspace_idx is 'RLS by workspace; workspace deletion.';
create index access_review_decisions_membership_idx on public.access_review_decisions (membership_id);
comment on index public.access_review_decisions_membership_idx is 'Membership deletion (on delete set null).';

alter table public.access_review_decisions enable row level security;

create policy "Members with members.manage can read access review decisions"
  on public.access_review_decisions for select to authenticated
  using (workspace_id in (select private.workspaces_with('members.manage')));
comment on policy "Members with members.manage can read access review decisions" on public.access_review_decisions is
  'Decisions of the reviews; written by complete_access_review().';

revoke all on table public.access_review_decisions from anon, authenticated;
grant select on table public.access_review_decisions to authenticated;

insert into public.activity_actions (key, entity_type, label, description, sentence, cleared_field, sentence_if_cleared, sort_order) values
  ('access_review.member_kept', 'access_review', 'Kept in a review', 'An access review confirmed that a flagged member keeps access.', '{actor} kept {subject}''s access in an access review', NULL, NULL, 630),
  ('access_review.member_removed', 'access_review', 'Removed in a review', 'An access review removed a flagged member''s access (deactivated).', '{actor} removed {subject}''s access in an access review', NULL, NULL, 640);

drop function public.complete_access_review(uuid, text, integer, integer);

create or replace function public.complete_access_review(
  p_workspace_id uuid, p_notes text default null, p_deactivated integer default 0,
  p_idle_days integer default null, p_decisions jsonb default null)
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
  v_members integer;
  v_flagged integer;
  v_item jsonb;
  v_member public.memberships;
  v_seen uuid[] := '{}';
  v_decided public.memberships[] := '{}';
  v_choices text[] := '{}';
  i integer;
begin
  perform private.require_workspace_permission(p_workspace_id, 'members.manage');
  v_idle_days := private.review_idle_days_checked(p_idle_days);
  if char_length(p_notes) > 2000 then
    raise exception 'The notes are too long (at most 2000 characters).' using errcode = '22023', hint = 'too_long';
  end if;

  -- Decisions: [{"membership_id": uuid, "decision": "keep" | "remove"}], one per flagged member
  -- at most; all are checked before anything changes.
  if p_decisions is not null and (jsonb_typeof(p_decisions) <> 'array' or jsonb_array_length(p_decisions) > 1000) then
    raise exception 'The decisions must be a list of at most 1000 members, each with "keep" or "remove".'
      using errcode = '22023', hint = 'invalid_decisions';
  end if;
  for v_item in select e from jsonb_array_elements(coalesce(p_decisions, '[]')) e loop
    if jsonb_typeof(v_item) <> 'object'
       or coalesce(v_item ->> 'decision', '') not in ('keep', 'remove')
       or coalesce(v_item ->> 'membership_id', '') !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
      raise exception 'Each decision needs a member and "keep" or "remove".'
        using errcode = '22023', hint = 'invalid_decisions';
    end if;
    select m.* into v_member from public.memberships m
     where m.id = (v_item ->> 'membership_id')::uuid and m.workspace_id = p_workspace_id;
    if not found then
      raise exception 'A decision names someone who is not a member of this workspace.'
        using errcode = 'PT404', hint = 'not_found';
    end if;
    if v_member.id = any (v_seen) then
      raise exception 'There are two decisions about %.', coalesce(v_member.member_email, 'one member')
        using errcode = '22023', hint = 'duplicate_decision';
    end if;
    if not private.review_flagged(v_member.role, v_member.status, v_member.suspended_until,
                                  v_member.last_active_at, v_member.joined_at, v_member.created_at, v_idle_days) then
      raise exception '% is not flagged by this review (idle % days); decide only about flagged members.',
        coalesce(v_member.member_email, 'This member'), v_idle_days
        using errcode = '22023', hint = 'not_flagged';
    end if;
    v_seen := v_seen || v_member.id;
    v_decided := v_decided || v_member;
    v_choices := v_choices || (v_item ->> 'decision');
  end loop;

  -- Counted before the removals, so those removed still count as flagged.
  select count(*) filter (where m.status <> 'pending'),
         count(*) filter (where private.review_flagged(m.role, m.status, m.suspended_until,
                                                        m.last_active_at, m.joined_at, m.created_at,
                                                        v_idle_days))
    into v_members, v_flagged
    from public.memberships m
   where m.workspace_id = p_workspace_id;

  -- "remove" goes through the guarded path (permission, rank, the Auth ban): deactivate_member.
  for i in 1 .. coalesce(array_length(v_decided, 1), 0) loop
    if v_choices[i] = 'remove' then
      perform public.deactivate_member(v_decided[i].id);
    end if;
  end loop;

  -- p_deactivated is no longer trusted (kept in the signature for older clients): the
  -- deactivations made by this reviewer since the previous review (after its
  -- access_review.completed row in the log), at most 24 hours back, the removals above included.
  select coalesce(max(a.id), 0) into v_since_id
    from public.activity_log a
   where a.workspace_id = p_workspace_id and a.action = 'access_review.completed'
     and a.occurred_at > now() - interval '24 hours';
  select count(distinct a.entity_id) into v_deactivated
    from public.activity_log a
   where a.workspace_id = p_workspace_id and a.action = 'member.deactivated'
     and a.occurred_at > now() - interval '24 hours' and a.id > v_since_id and a.actor_id = auth.uid();

  insert into public.access_reviews (workspace_id, reviewer_id, members_reviewed, flagged, deactivated, notes, idle_days)
  values (p_workspace_id, auth.uid(), v_members, v_flagged, v_deactivated, nullif(btrim(p_notes), ''), v_idle_days)
  returning * into v_review;

  for i in 1 .. coalesce(array_length(v_decided, 1), 0) loop
    insert into public.access_review_decisions
      (review_id, workspace_id, membership_id, member_user_id, member_email, decision, idle_since)
    values (v_review.id, p_workspace_id, v_decided[i].id, v_decided[i].user_id,
            coalesce(v_decided[i].member_email, ''), v_choices[i],
            coalesce(v_decided[i].last_active_at, v_decided[i].joined_at, v_decided[i].created_at));
    if v_choices[i] = 'keep' then
      perform private.log_activity(p_workspace_id, 'access_review.member_kept', 'access_review', v_review.id::text,
        null, jsonb_build_object('decision', 'keep', 'idle_days', v_idle_days), v_decided[i].user_id);
    else
      perform private.log_activity(p_workspace_id, 'access_review.member_removed', 'access_review', v_review.id::text,
        null, jsonb_build_object('decision', 'remove', 'idle_days', v_idle_days), v_decided[i].user_id);
    end if;
  end loop;
  return v_review;
end;
$$;
comment on function public.complete_access_review(p_workspace_id uuid, p_notes text, p_deactivated integer, p_idle_days integer, p_decisions jsonb) is
  'Records a completed access review (members.manage): the idle period (p_idle_days, null = 90), members reviewed, members flagged by the idle rule for that period (access_review_flags), how many members the reviewer deactivated since the previous review (at most 24 hours back, this call''s removals included; counted from the activity log, p_deactivated is ignored), notes, and a keep or remove decision per flagged member (p_decisions: [{membership_id, decision}]; "remove" deactivates through deactivate_member, with its rank rules and Auth ban). All in one transaction; logs access_review.completed and access_review.member_kept / member_removed per decision. Errors: 42501 not_allowed (and deactivate_member''s refusals), 22023 too_long / invalid_idle_days / invalid_decisions / duplicate_decision / not_flagged, PT404 not_found.';
grant execute on function public.complete_access_review(p_workspace_id uuid, p_notes text, p_deactivated integer, p_idle_days integer, p_decisions jsonb) to authenticated;
