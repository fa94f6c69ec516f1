-- Profiles of co-members: a profile is visible when the caller can see one of that user's
-- memberships (memberships' own RLS decides: own rows, or workspaces with members.view).
-- Same rows as private.visible_profile_ids(), but planned as a hashed semi-join over an index
-- instead of materialising every visible user id through a non-inlinable function.
drop policy "Members with members.view can read co-member profiles" on public.profiles;
create policy "Members with members.view can read co-member profiles"
  on public.profiles for select to authenticated
  using (id in (select m.user_id from public.memberships m));
