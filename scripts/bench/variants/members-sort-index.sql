-- The Users page sorts by last activity, newest first, nulls (never signed in) last, then id.
create index memberships_workspace_last_active_desc_idx
  on public.memberships (workspace_id, last_active_at desc nulls last, id);
