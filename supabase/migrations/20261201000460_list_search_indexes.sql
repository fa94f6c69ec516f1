-- =====================================================================================
-- Indexes for the orders and searches the SPA sends to the Users, Assets and Licences pages.
--
-- Users page (member_directory_page, member_directory): every sort reads one page in index
-- order (by role, status or join date from memberships, by name or email from profiles, then
-- the membership); by last activity: memberships_workspace_last_active_desc_idx (20261128002100).
-- Search by a substring of name or email uses trigram indexes on profiles (the function and the
-- view join profiles without RLS, so the planner may use them).
-- Assets page, paged on the server: default order and the status filter read one page.
-- =====================================================================================

create index memberships_workspace_role_idx on public.memberships (workspace_id, role, id);
comment on index public.memberships_workspace_role_idx is 'Users page sorted by role (then id).';

create index memberships_workspace_status_id_idx on public.memberships (workspace_id, status, id);
comment on index public.memberships_workspace_status_id_idx is 'Users page sorted or filtered by the stored status (then id).';

create index memberships_workspace_created_idx on public.memberships (workspace_id, created_at, id);
comment on index public.memberships_workspace_created_idx is 'Users page sorted by join date (then id).';

create index profiles_full_name_trgm_idx on public.profiles using gin (full_name extensions.gin_trgm_ops);
comment on index public.profiles_full_name_trgm_idx is 'Users page: search by a substring of the name (ilike ''%term%'').';

create index profiles_email_trgm_idx on public.profiles using gin (email extensions.gin_trgm_ops);
comment on index public.profiles_email_trgm_idx is 'Users page: search by a substring of the email (ilike ''%term%'').';

create index profiles_full_name_idx on public.profiles (full_name);
comment on index public.profiles_full_name_idx is 'Users page sorted by name, A to Z (nameless last).';

create index profiles_full_name_desc_idx on public.profiles (full_name desc nulls last);
comment on index public.profiles_full_name_desc_idx is 'Users page sorted by name, Z to A (nameless last).';

create index profiles_email_order_idx on public.profiles (email);
comment on index public.profiles_email_order_idx is 'Users page sorted by email, A to Z.';

create index profiles_email_desc_idx on public.profiles (email desc nulls last);
comment on index public.profiles_email_desc_idx is 'Users page sorted by email, Z to A.';

create index assets_workspace_tag_id_idx on public.assets (workspace_id, asset_tag, id);
comment on index public.assets_workspace_tag_id_idx is 'Assets page, default order (tag, then id), paged on the server.';

create index assets_workspace_status_tag_idx on public.assets (workspace_id, status, asset_tag, id);
comment on index public.assets_workspace_status_tag_idx is 'Assets page filtered or sorted by status.';

-- No trigram indexes on assets or licences: under RLS a non-leakproof ilike is evaluated after
-- the policies, so the planner never uses them (docs/benchmarks.md); their search walks the
-- page order and stops after a page of matches.
