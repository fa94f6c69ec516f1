-- =====================================================================================
-- Activity page in time order: newest first by (occurred_at, id), paged by keyset on that pair.
--
-- Each filter the page offers gets an index that ends in (occurred_at desc, id desc), so that
-- "filter + order by occurred_at desc, id desc + limit 50" (+ the keyset condition for the next
-- page) is one ordered index range, whatever the size of the tenant or the plan's row estimate
-- (PostgREST's prepared statements run generic plans). Before, the page sorted by id and the
-- indexes ended in occurred_at, so a date range a year back walked ~700,000 newer rows and a busy
-- actor's rows were all read and sorted (docs/benchmarks.md). The indexes keep their names;
-- each gains the id tie-breaker. New: entity type alone, and the subject (a member's history is
-- "done by or to" them).
-- =====================================================================================

drop index public.activity_log_workspace_occurred_idx;
create index activity_log_workspace_occurred_idx
  on public.activity_log (workspace_id, occurred_at desc, id desc);
comment on index public.activity_log_workspace_occurred_idx is
  'Activity page, newest first, and date ranges: keyset on (occurred_at, id).';

drop index public.activity_log_workspace_actor_idx;
create index activity_log_workspace_actor_idx
  on public.activity_log (workspace_id, actor_id, occurred_at desc, id desc);
comment on index public.activity_log_workspace_actor_idx is
  'Activity filtered by actor (a member chosen by name or email), newest first.';

drop index public.activity_log_workspace_action_idx;
create index activity_log_workspace_action_idx
  on public.activity_log (workspace_id, action, occurred_at desc, id desc);
comment on index public.activity_log_workspace_action_idx is
  'Activity filtered by action, newest first; also the alert scans by action and time.';

create index activity_log_workspace_entity_type_idx
  on public.activity_log (workspace_id, entity_type, occurred_at desc, id desc);
comment on index public.activity_log_workspace_entity_type_idx is
  'Activity filtered by entity type, newest first. (One entity''s history keeps activity_log_workspace_entity_idx.)';

create index activity_log_workspace_subject_idx
  on public.activity_log (workspace_id, subject_user_id, occurred_at desc, id desc)
  where subject_user_id is not null;
comment on index public.activity_log_workspace_subject_idx is
  'A member''s history: changes done to them (with the actor index: done by them), newest first.';
