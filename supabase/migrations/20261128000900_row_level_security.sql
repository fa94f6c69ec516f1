-- =====================================================================================
-- Row level security and table privileges for every table in public.
-- Policies are `to authenticated` only (anon sees nothing), wrap auth.uid() and helper calls
-- in `(select ...)`, and use the private helpers (which read memberships, never trust the
-- JWT for membership). Table privileges are narrowed to what the API needs: multi-step or
-- privileged writes go through functions.
-- =====================================================================================

-- ---------- workspaces ---------------------------------------------------------------
revoke all on table public.workspaces from anon, authenticated;
grant select on table public.workspaces to authenticated;
grant update (name, invite_expiry_days, require_2fa) on table public.workspaces to authenticated;

create policy "Active members can read their workspaces"
  on public.workspaces for select to authenticated
  using (id in (select private.active_workspace_ids()));
comment on policy "Active members can read their workspaces" on public.workspaces is
  'Effectively active members read the workspace row (name, settings) even before completing 2FA, so the SPA can ask for it; all other data needs 2FA where required.';

create policy "Settings managers can update the workspace"
  on public.workspaces for update to authenticated
  using (id in (select private.workspaces_with('settings.manage')))
  with check (id in (select private.workspaces_with('settings.manage')));
comment on policy "Settings managers can update the workspace" on public.workspaces is
  'settings.manage may change name, invite_expiry_days and require_2fa (column privileges); plan and seat_limit belong to billing tooling.';

-- ---------- profiles -----------------------------------------------------------------
revoke all on table public.profiles from anon, authenticated;
grant select on table public.profiles to authenticated;
grant update (full_name) on table public.profiles to authenticated;

create policy "Users can read their own profile"
  on public.profiles for select to authenticated
  using (id = (select auth.uid()));
comment on policy "Users can read their own profile" on public.profiles is 'Everyone reads their own profile.';

create policy "Members with members.view can read co-member profiles"
  on public.profiles for select to authenticated
  using (id in (select private.visible_profile_ids()));
comment on policy "Members with members.view can read co-member profiles" on public.profiles is
  'Profiles of people in a workspace where the caller holds members.view (the team directory).';

create policy "Users can update their own profile"
  on public.profiles for update to authenticated
  using (id = (select auth.uid()))
  with check (id = (select auth.uid()));
comment on policy "Users can update their own profile" on public.profiles is 'Only full_name is updatable (column privilege).';

-- ---------- memberships --------------------------------------------------------------
revoke all on table public.memberships from anon, authenticated;
grant select on table public.memberships to authenticated;

create policy "Users can read their own memberships"
  on public.memberships for select to authenticated
  using (user_id = (select auth.uid()));
comment on policy "Users can read their own memberships" on public.memberships is
  'A user sees their own memberships in any status (pending invitations, suspension notice, workspace switcher).';

create policy "Members with members.view can read the workspace roster"
  on public.memberships for select to authenticated
  using (workspace_id in (select private.workspaces_with('members.view')));
comment on policy "Members with members.view can read the workspace roster" on public.memberships is
  'All memberships of a workspace where the caller holds members.view. Writes only through functions.';

-- ---------- permissions --------------------------------------------------------------
revoke all on table public.permissions from anon, authenticated;
grant select on table public.permissions to authenticated;

create policy "Signed-in users can read the permission catalogue"
  on public.permissions for select to authenticated
  using (true);
comment on policy "Signed-in users can read the permission catalogue" on public.permissions is
  'The catalogue is not workspace data; any signed-in user may read it.';

-- ---------- role_permissions ---------------------------------------------------------
revoke all on table public.role_permissions from anon, authenticated;
grant select on table public.role_permissions to authenticated;

create policy "Members can read their workspace's role matrix"
  on public.role_permissions for select to authenticated
  using (workspace_id in (select private.accessible_workspace_ids()));
comment on policy "Members can read their workspace's role matrix" on public.role_permissions is
  'Effectively active members (2FA satisfied) read the matrix; changes go through set_role_permission().';

-- ---------- assets -------------------------------------------------------------------
revoke all on table public.assets from anon, authenticated;
grant select, delete on table public.assets to authenticated;
grant insert (workspace_id, name, asset_tag, serial_number, category, status, assigned_to, notes)
  on table public.assets to authenticated;
grant update (name, asset_tag, serial_number, category, status, assigned_to, notes)
  on table public.assets to authenticated;

create policy "Members with assets.view can read assets"
  on public.assets for select to authenticated
  using (workspace_id in (select private.workspaces_with('assets.view')));
comment on policy "Members with assets.view can read assets" on public.assets is 'All assets of the workspace.';

create policy "Members can read assets assigned to them"
  on public.assets for select to authenticated
  using (assigned_to = (select auth.uid())
         and workspace_id in (select private.accessible_workspace_ids()));
comment on policy "Members can read assets assigned to them" on public.assets is
  'An active member always sees what is assigned to them, even without assets.view.';

create policy "Members with assets.create can add assets"
  on public.assets for insert to authenticated
  with check (workspace_id in (select private.workspaces_with('assets.create'))
              and (assigned_to is null or workspace_id in (select private.workspaces_with('assets.assign'))));
comment on policy "Members with assets.create can add assets" on public.assets is
  'Adding an asset needs assets.create; adding it already assigned also needs assets.assign.';

create policy "Members with assets.edit can update assets"
  on public.assets for update to authenticated
  using (workspace_id in (select private.workspaces_with('assets.edit')))
  with check (workspace_id in (select private.workspaces_with('assets.edit')));
comment on policy "Members with assets.edit can update assets" on public.assets is
  'Editing needs assets.edit; changing assigned_to additionally needs assets.assign (trigger assets_guard_assignment).';

create policy "Members with assets.delete can delete assets"
  on public.assets for delete to authenticated
  using (workspace_id in (select private.workspaces_with('assets.delete')));
comment on policy "Members with assets.delete can delete assets" on public.assets is 'Deleting needs assets.delete.';

-- ---------- licenses -----------------------------------------------------------------
revoke all on table public.licenses from anon, authenticated;
grant select, delete on table public.licenses to authenticated;
grant insert (workspace_id, product, vendor, seats, expires_on, notes) on table public.licenses to authenticated;
grant update (product, vendor, seats, expires_on, notes) on table public.licenses to authenticated;

create policy "Members with licenses.view can read licences"
  on public.licenses for select to authenticated
  using (workspace_id in (select private.workspaces_with('licenses.view')));
comment on policy "Members with licenses.view can read licences" on public.licenses is 'All licences of the workspace.';

create policy "Members can read licences they hold a seat of"
  on public.licenses for select to authenticated
  using (workspace_id in (select private.accessible_workspace_ids())
         and id in (select s.license_id from public.license_seats s where s.user_id = (select auth.uid())));
comment on policy "Members can read licences they hold a seat of" on public.licenses is
  'An active member sees the licences whose seats they hold.';

create policy "Members with licenses.create can add licences"
  on public.licenses for insert to authenticated
  with check (workspace_id in (select private.workspaces_with('licenses.create')));
comment on policy "Members with licenses.create can add licences" on public.licenses is 'Adding needs licenses.create.';

create policy "Members with licenses.edit can update licences"
  on public.licenses for update to authenticated
  using (workspace_id in (select private.workspaces_with('licenses.edit')))
  with check (workspace_id in (select private.workspaces_with('licenses.edit')));
comment on policy "Members with licenses.edit can update licences" on public.licenses is 'Editing needs licenses.edit.';

create policy "Members with licenses.delete can delete licences"
  on public.licenses for delete to authenticated
  using (workspace_id in (select private.workspaces_with('licenses.delete')));
comment on policy "Members with licenses.delete can delete licences" on public.licenses is 'Deleting needs licenses.delete.';

-- ---------- license_seats ------------------------------------------------------------
revoke all on table public.license_seats from anon, authenticated;
grant select, delete on table public.license_seats to authenticated;
grant insert (workspace_id, license_id, user_id) on table public.license_seats to authenticated;

create policy "Members with licenses.view can read seats"
  on public.license_seats for select to authenticated
  using (workspace_id in (select private.workspaces_with('licenses.view')));
comment on policy "Members with licenses.view can read seats" on public.license_seats is 'All seats of the workspace.';

create policy "Members can read their own seats"
  on public.license_seats for select to authenticated
  using (user_id = (select auth.uid()) and workspace_id in (select private.accessible_workspace_ids()));
comment on policy "Members can read their own seats" on public.license_seats is 'An active member sees their own seats.';

create policy "Members with assets.assign can assign seats"
  on public.license_seats for insert to authenticated
  with check (workspace_id in (select private.workspaces_with('assets.assign')));
comment on policy "Members with assets.assign can assign seats" on public.license_seats is
  'Assigning a seat needs assets.assign; the seat count is enforced by trigger.';

create policy "Members with assets.assign can free seats"
  on public.license_seats for delete to authenticated
  using (workspace_id in (select private.workspaces_with('assets.assign')));
comment on policy "Members with assets.assign can free seats" on public.license_seats is 'Freeing a seat needs assets.assign.';

-- ---------- activity_log -------------------------------------------------------------
revoke all on table public.activity_log from anon, authenticated, service_role;
revoke all on sequence public.activity_log_id_seq from anon, authenticated, service_role;
grant select on table public.activity_log to authenticated, service_role;

create policy "Members with activity.view can read the activity log"
  on public.activity_log for select to authenticated
  using (workspace_id in (select private.workspaces_with('activity.view')));
comment on policy "Members with activity.view can read the activity log" on public.activity_log is
  'The whole log of the workspace. Nobody may write: triggers append rows.';

create policy "Members can read their own activity"
  on public.activity_log for select to authenticated
  using (actor_id = (select auth.uid()) and workspace_id in (select private.accessible_workspace_ids()));
comment on policy "Members can read their own activity" on public.activity_log is
  'An active member always sees what they did themselves.';

-- ---------- access_reviews -----------------------------------------------------------
revoke all on table public.access_reviews from anon, authenticated;
grant select on table public.access_reviews to authenticated;

create policy "Members with members.manage can read access reviews"
  on public.access_reviews for select to authenticated
  using (workspace_id in (select private.workspaces_with('members.manage')));
comment on policy "Members with members.manage can read access reviews" on public.access_reviews is
  'Review history; written by complete_access_review().';
