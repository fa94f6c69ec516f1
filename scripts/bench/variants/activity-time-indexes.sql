-- Newest first by (occurred_at, id): the filter indexes end in (occurred_at desc, id desc), so
-- a filter, a date range and keyset pagination on (occurred_at, id) are one ordered index read.
drop index public.activity_log_workspace_occurred_idx;
drop index public.activity_log_workspace_actor_idx;
drop index public.activity_log_workspace_action_idx;
create index activity_log_workspace_occurred_idx on public.activity_log (workspace_id, occurred_at desc, id desc);
create index activity_log_workspace_actor_idx on public.activity_log (workspace_id, actor_id, occurred_at desc, id desc);
create index activity_log_workspace_action_idx on public.activity_log (workspace_id, action, occurred_at desc, id desc);
