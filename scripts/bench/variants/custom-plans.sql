-- Plan every API statement for its actual parameters. PostgREST prepares its statements; after
-- five executions Postgres may keep a generic plan, costed for an average workspace
-- (workspace_id = $1 is estimated at ~27,000 rows here, the bench workspace has 1,000,000).
-- As a migration this would be: alter role authenticator set plan_cache_mode = force_custom_plan;
-- (it applies to PostgREST's connections from their next login; SET ROLE keeps it).
set local plan_cache_mode = force_custom_plan;
