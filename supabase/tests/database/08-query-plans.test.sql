-- =====================================================================================
-- Query plans at scale: with many workspaces, the API's hot queries (run as a member, RLS
-- on) use the indexes, not sequential scans of activity_log or memberships.
-- Data: 10 workspaces x 1,000 members, 20,000 assets, 60,000 activity rows (generated with triggers off,
-- which is fine: only the plans are checked here).
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(8);

set local session_replication_role = replica;
insert into public.workspaces (id, name)
  select ('a1000000-0000-4000-a000-0000000000' || lpad(w::text, 2, '0'))::uuid, 'Scale ' || w from generate_series(1, 10) w;
insert into public.role_permissions (workspace_id, role, permission)
  select w.id, r.role, p.key from public.workspaces w cross join public.permissions p cross join lateral unnest(p.default_roles) r(role)
   where w.name like 'Scale %';
insert into auth.users (id, email, aud, role)
  select ('a2000000-0000-4000-a000-' || lpad(g::text, 12, '0'))::uuid, 'scale' || g || '@example.test', 'authenticated', 'authenticated'
    from generate_series(1, 10000) g;
insert into public.profiles (id, email) select id, email from auth.users where email like 'scale%@example.test';
insert into public.memberships (workspace_id, user_id, role, status, joined_at, last_active_at)
  select ('a1000000-0000-4000-a000-0000000000' || lpad((1 + (g - 1) / 1000)::text, 2, '0'))::uuid,
         ('a2000000-0000-4000-a000-' || lpad(g::text, 12, '0'))::uuid,
         (case when g % 1000 = 1 then 'owner' when g % 1000 < 5 then 'admin' else 'member' end)::public.workspace_role,
         (case when g % 1000 <> 1 and g % 17 = 0 then 'inactive' else 'active' end)::public.member_status,
         now() - interval '1 year', now() - (g % 300) * interval '1 day'
    from generate_series(1, 10000) g;
insert into public.activity_log (id, workspace_id, occurred_at, actor_id, actor_email, action, entity_type, entity_id, hash)
  select nextval('public.activity_log_id_seq'),
         ('a1000000-0000-4000-a000-0000000000' || lpad((1 + g % 10)::text, 2, '0'))::uuid,
         now() - (60000 - g) * interval '1 minute',
         ('a2000000-0000-4000-a000-' || lpad((1 + (g % 10) * 1000 + g % 7)::text, 12, '0'))::uuid,
         'scale@example.test',
         (array['asset.updated', 'asset.created', 'member.role_changed', 'auth.sign_in', 'license.updated'])[1 + g % 5],
         'asset', md5(g::text), '\x00'
    from generate_series(1, 60000) g;
insert into public.assets (workspace_id, name, asset_tag, category, status)
  select ('a1000000-0000-4000-a000-0000000000' || lpad((1 + g % 10)::text, 2, '0'))::uuid,
         'Scale asset ' || g, 'SC-' || g, 'laptop', 'in_stock'
    from generate_series(1, 20000) g;
set local session_replication_role = origin;
analyze public.memberships, public.activity_log, public.profiles, public.workspaces, public.role_permissions, public.assets;

-- The owner of "Scale 1" (user 1) asks.
select tests.act_as('a2000000-0000-4000-a000-000000000001');

select is((select count(*) from public.memberships), 1000::bigint, 'sanity: the owner sees the 1,000 members of their workspace');

select unalike(tests.plan_of($$select * from public.activity_log
  where workspace_id = 'a1000000-0000-4000-a000-000000000001' order by id desc limit 50$$),
  '%Seq Scan on activity_log%', 'activity page (newest first): no sequential scan');
select unalike(tests.plan_of($$select * from public.activity_log
  where workspace_id = 'a1000000-0000-4000-a000-000000000001' and actor_id = 'a2000000-0000-4000-a000-000000000002'
    and occurred_at >= now() - interval '7 days' order by occurred_at desc limit 50$$),
  '%Seq Scan on activity_log%', 'activity filtered by actor and date: no sequential scan');
select matches(tests.plan_of($$select * from public.activity_log
  where workspace_id = 'a1000000-0000-4000-a000-000000000001' and action = 'member.role_changed'
    and occurred_at >= now() - interval '30 days' order by occurred_at desc limit 50$$),
  'Index.*activity_log_workspace_(action|occurred)_idx', 'activity filtered by action and date: uses an activity index');
select matches(tests.plan_of($$select * from public.activity_log
  where workspace_id = 'a1000000-0000-4000-a000-000000000001' and entity_type = 'asset' and entity_id = md5('10')$$),
  'Index.*activity_log_workspace_entity_idx', 'history of one entity: uses (workspace_id, entity_type, entity_id)');
select unalike(tests.plan_of($$select id, role, status from public.memberships
  where workspace_id = 'a1000000-0000-4000-a000-000000000001' and status = 'inactive'$$),
  '%Seq Scan on memberships%', 'members filtered by status: no sequential scan');
select unalike(tests.plan_of($$select * from public.member_directory
  where workspace_id = 'a1000000-0000-4000-a000-000000000001' order by last_active_at nulls last limit 25$$),
  '%Seq Scan on memberships%', 'member directory page: no sequential scan of memberships');
select unalike(tests.plan_of($$select * from public.assets
  where workspace_id = 'a1000000-0000-4000-a000-000000000001' order by name limit 50$$),
  '%Seq Scan on assets%', 'asset list: no sequential scan');

select * from finish();
rollback;
