-- Profiles of co-members: ask "can the caller see a membership of this user?" (memberships' own
-- RLS answers it) instead of materialising every visible user id in private.visible_profile_ids().
-- Same rows: a membership is visible when it is the caller's own or in a workspace where the
-- caller holds members.view, which is what visible_profile_ids() returns.
drop policy "Members with members.view can read co-member profiles" on public.profiles;
create policy "Members with members.view can read co-member profiles"
  on public.profiles for select to authenticated
  using (exists (select 1 from public.memberships m where m.user_id = profiles.id));
-- The Users page sorts by last activity, newest first, nulls (never signed in) last, then id.
create index memberships_workspace_last_active_desc_idx
  on public.memberships (workspace_id, last_active_at desc nulls last, id);
