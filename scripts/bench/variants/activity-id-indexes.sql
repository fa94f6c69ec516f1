-- Keep ordering by id (chain order) and make the filter indexes end in id, so that a filter
-- plus "order by id desc limit 50" is one index range read in order.
create index activity_log_workspace_actor_id_idx on public.activity_log (workspace_id, actor_id, id desc);
create index activity_log_workspace_action_id_idx on public.activity_log (workspace_id, action, id desc);
