-- =====================================================================================
-- Users page sorted by last activity: an index matching the directory's default order.
-- Measured with scripts/bench/variant.mjs at 10,000 members (docs/benchmarks.md): first page
-- 21.2 -> 9.4 ms p50 (31.0 -> 11.7 ms p95) in SQL; the other directory reads were unchanged.
-- =====================================================================================
create index memberships_workspace_last_active_desc_idx
  on public.memberships (workspace_id, last_active_at desc nulls last, id);

comment on index public.memberships_workspace_last_active_desc_idx is
  'Users page: newest activity first, paged 50 at a time, within one workspace.';
