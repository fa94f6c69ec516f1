-- =====================================================================================
-- Schema: the contract of docs/architecture.md (tables, columns, enums, functions), the
-- privileges on every API function, the indexes policies rely on, and the profile trigger.
-- =====================================================================================
begin;
select plan(42);

-- ---------- Tables, views, enums -----------------------------------------------------
select tables_are('public',
  array['workspaces', 'profiles', 'memberships', 'permissions', 'role_permissions', 'assets',
        'licenses', 'license_seats', 'activity_log', 'access_reviews', 'access_review_decisions',
        'permission_areas', 'activity_actions', 'activity_entity_types',
        'directory_connections', 'directory_group_roles', 'sso_connections', 'workspace_domains', 'directory_tokens', 'directory_requests',
        'directory_users', 'directory_groups', 'directory_group_members',
        'onboarding_kits', 'onboarding_kit_items', 'onboarding_kit_tasks', 'onboarding_records',
        'onboarding_items', 'onboarding_tasks', 'invitation_requests'],
  'public has exactly the contract tables');
select views_are('public', array['member_directory'], 'public has the member_directory view');
select views_are('reporting', array['activity', 'role_changes', 'member_roster', 'daily_activity_counts', 'alerts',
                                    'activity_checkpoints'],
  'reporting has the six views');
select enum_has_labels('public', 'workspace_role', array['owner', 'admin', 'member', 'viewer'], 'workspace_role labels');
select enum_has_labels('public', 'member_status', array['pending', 'active', 'inactive', 'suspended'], 'member_status labels');

-- ---------- Contract columns ---------------------------------------------------------
select columns_are('public', 'workspaces',
  array['id', 'name', 'invite_expiry_days', 'require_2fa', 'plan', 'seat_limit', 'created_at', 'updated_at', 'activity_retention_days'],
  'workspaces columns');
select columns_are('public', 'profiles', array['id', 'email', 'full_name', 'created_at', 'updated_at'], 'profiles columns');
select columns_are('public', 'memberships',
  array['id', 'workspace_id', 'user_id', 'role', 'status', 'suspended_until', 'status_reason', 'invited_by',
        'invited_at', 'invite_expires_at', 'joined_at', 'last_active_at', 'created_at', 'updated_at',
        'member_name', 'member_email'],
  'memberships columns');
select columns_are('public', 'permissions',
  array['key', 'resource', 'action', 'description', 'owner_only', 'default_roles', 'sort_order'], 'permissions columns');
select columns_are('public', 'role_permissions',
  array['workspace_id', 'role', 'permission', 'owner_only', 'granted_by', 'granted_at'], 'role_permissions columns');
select columns_are('public', 'assets',
  array['id', 'workspace_id', 'name', 'asset_tag', 'serial_number', 'category', 'status', 'assigned_to', 'notes',
        'created_by', 'created_at', 'updated_at'], 'assets columns');
select columns_are('public', 'licenses',
  array['id', 'workspace_id', 'product', 'vendor', 'seats', 'expires_on', 'notes', 'created_by', 'created_at', 'updated_at'],
  'licenses columns');
select columns_are('public', 'license_seats',
  array['id', 'workspace_id', 'license_id', 'user_id', 'assigned_by', 'assigned_at'], 'license_seats columns');
select columns_are('public', 'activity_log',
  array['id', 'workspace_id', 'occurred_at', 'actor_id', 'actor_email', 'action', 'entity_type', 'entity_id',
        'subject_user_id', 'before', 'after', 'ip', 'user_agent', 'prev_hash', 'hash', 'subject_email'], 'activity_log columns');
select columns_are('public', 'access_reviews',
  array['id', 'workspace_id', 'reviewer_id', 'completed_at', 'members_reviewed', 'flagged', 'deactivated', 'notes', 'idle_days'],
  'access_reviews columns');
select col_is_unique('public', 'memberships', array['workspace_id', 'user_id'], 'one membership per user and workspace');
select col_is_unique('public', 'assets', array['workspace_id', 'asset_tag'], 'asset_tag unique per workspace');
select col_is_unique('public', 'license_seats', array['license_id', 'user_id'], 'one seat per user and licence');

-- ---------- Indexes the policies and filters use -------------------------------------
select has_index('public', 'memberships', 'memberships_one_owner_idx', array['workspace_id'], 'partial unique owner index');
select index_is_unique('public', 'memberships', 'memberships_one_owner_idx', 'owner index is unique');
select has_index('public', 'memberships', 'memberships_user_workspace_status_idx', array['user_id', 'workspace_id', 'status'], 'memberships (user_id, workspace_id, status)');
select has_index('public', 'memberships', 'memberships_workspace_status_role_idx', array['workspace_id', 'status', 'role'], 'memberships (workspace_id, status, role)');
select has_index('public', 'memberships', 'memberships_workspace_last_active_idx', array['workspace_id', 'last_active_at'], 'memberships (workspace_id, last_active_at)');
select has_index('public', 'activity_log', 'activity_log_workspace_id_idx', array['workspace_id', 'id'], 'activity_log (workspace_id, id desc)');
select has_index('public', 'activity_log', 'activity_log_workspace_occurred_idx', array['workspace_id', 'occurred_at', 'id'], 'activity_log (workspace_id, occurred_at desc, id desc)');
select has_index('public', 'activity_log', 'activity_log_workspace_actor_idx', array['workspace_id', 'actor_id', 'occurred_at', 'id'], 'activity_log (workspace_id, actor_id, occurred_at desc, id desc)');
select has_index('public', 'activity_log', 'activity_log_workspace_action_idx', array['workspace_id', 'action', 'occurred_at', 'id'], 'activity_log (workspace_id, action, occurred_at desc, id desc)');
select has_index('public', 'activity_log', 'activity_log_workspace_entity_idx', array['workspace_id', 'entity_type', 'entity_id'], 'activity_log (workspace_id, entity_type, entity_id)');

-- ---------- API functions: who may execute -------------------------------------------
select is(
  array(select p.oid::regprocedure::text
          from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where n.nspname = 'public'
           and p.proname in ('create_workspace', 'my_permissions', 'change_member_role', 'deactivate_member',
                             'reactivate_member', 'suspend_member', 'lift_suspension', 'remove_member',
                             'leave_workspace', 'transfer_ownership', 'set_role_permission', 'invitation_details',
                             'accept_invitation', 'decline_invitation', 'complete_access_review',
                             'verify_activity_log', 'delete_workspace', 'resend_invitation', 'revoke_invitation')
           and has_function_privilege('authenticated', p.oid, 'execute')
           and not has_function_privilege('anon', p.oid, 'execute')
         order by 1)::text[],
  array['accept_invitation(uuid)', 'change_member_role(uuid,workspace_role)', 'complete_access_review(uuid,text,integer,integer,jsonb)',
        'create_workspace(text)', 'deactivate_member(uuid)', 'decline_invitation(uuid)', 'delete_workspace(uuid,text)',
        'invitation_details(uuid)', 'leave_workspace(uuid)', 'lift_suspension(uuid)', 'my_permissions(uuid)',
        'reactivate_member(uuid)', 'remove_member(uuid)', 'resend_invitation(uuid)', 'revoke_invitation(uuid)',
        'set_role_permission(uuid,workspace_role,text,boolean)', 'suspend_member(uuid,timestamp with time zone,text)',
        'transfer_ownership(uuid,uuid)', 'verify_activity_log(uuid,bigint,integer)', 'verify_activity_log(uuid,jsonb)'],
  'every contract RPC exists and is executable by authenticated but not anon');

select is(
  array(select p.oid::regprocedure::text
          from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where n.nspname = 'public' and has_function_privilege('anon', p.oid, 'execute')
         order by 1)::text[],
  '{}'::text[],
  'anon can execute no function in public');

select ok(has_function_privilege('supabase_auth_admin', 'public.custom_access_token_hook(jsonb)', 'execute')
          and has_function_privilege('supabase_auth_admin', 'public.password_verification_attempt_hook(jsonb)', 'execute'),
  'supabase_auth_admin can execute both auth hooks');
select ok(not has_function_privilege('authenticated', 'public.custom_access_token_hook(jsonb)', 'execute')
          and not has_function_privilege('authenticated', 'public.password_verification_attempt_hook(jsonb)', 'execute')
          and not has_function_privilege('service_role', 'public.custom_access_token_hook(jsonb)', 'execute'),
  'the auth hooks are not executable by API roles');
select ok(has_function_privilege('service_role', 'private.create_invitations(uuid,uuid,uuid[],workspace_role)', 'execute')
          and not has_function_privilege('authenticated', 'private.create_invitations(uuid,uuid,uuid[],workspace_role)', 'execute')
          and not has_function_privilege('authenticated', 'public.create_invitations(uuid,uuid,uuid[],workspace_role)', 'execute'),
  'create_invitations is for the service role only');
select ok(not has_schema_privilege('anon', 'private', 'usage'), 'anon has no usage on schema private');
select ok(not has_table_privilege('authenticated', 'public.memberships', 'insert')
          and not has_table_privilege('authenticated', 'public.memberships', 'update')
          and not has_table_privilege('authenticated', 'public.memberships', 'delete'),
  'authenticated cannot write memberships directly (functions only)');
select ok(not has_column_privilege('authenticated', 'public.workspaces', 'plan', 'update')
          and has_column_privilege('authenticated', 'public.workspaces', 'require_2fa', 'update'),
  'members may update workspace settings but not the plan');

-- ---------- Everything is documented ------------------------------------------------
select is(
  array(select kind || ' ' || name from (
      select 'function' as kind, p.oid::regprocedure::text as name
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       where n.nspname in ('public', 'private', 'reporting') and obj_description(p.oid, 'pg_proc') is null
      union all
      select 'relation', c.oid::regclass::text
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname in ('public', 'private', 'reporting') and c.relkind in ('r', 'v', 'm', 'i')
         and obj_description(c.oid, 'pg_class') is null
         and not exists (select 1 from pg_index i where i.indexrelid = c.oid and i.indisprimary)
         and not exists (select 1 from pg_constraint k where k.conindid = c.oid and obj_description(k.oid, 'pg_constraint') is not null)
      union all
      select 'policy', p.polname || ' on ' || p.polrelid::regclass
        from pg_policy p where obj_description(p.oid, 'pg_policy') is null
      union all
      select 'trigger', t.tgname || ' on ' || t.tgrelid::regclass
        from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
       where not t.tgisinternal and n.nspname = 'public' and obj_description(t.oid, 'pg_trigger') is null
    ) undocumented order by 1),
  '{}'::text[],
  'every function, table, view, index, policy and trigger has a comment');

-- ---------- Profiles follow auth.users ------------------------------------------------
select tests.create_user('e0000000-0000-4000-a000-0000000000a1', 'profile-check@example.test', 'Pat Profile');
select results_eq(
  $$select email, full_name from public.profiles where id = 'e0000000-0000-4000-a000-0000000000a1'$$,
  $$values ('profile-check@example.test'::text, 'Pat Profile'::text)$$,
  'inserting an auth user creates the profile (email, full_name from metadata)');

update auth.users
   set email = 'profile-check-2@example.test',
       raw_user_meta_data = '{"full_name": "Pat Renamed"}'
 where id = 'e0000000-0000-4000-a000-0000000000a1';
select results_eq(
  $$select email, full_name from public.profiles where id = 'e0000000-0000-4000-a000-0000000000a1'$$,
  $$values ('profile-check-2@example.test'::text, 'Pat Renamed'::text)$$,
  'updating the auth user updates the profile');

select tests.create_user('e0000000-0000-4000-a000-0000000000a2', 'long-name@example.test', repeat('x', 300));
select is((select char_length(full_name) from public.profiles where id = 'e0000000-0000-4000-a000-0000000000a2'),
  120, 'an over-long sign-up name is truncated, never blocks the sign-up');

-- A confirmed sign-up with a workspace_name creates the workspace with the user as owner (an
-- unconfirmed one waits for the confirmation: 41-signup-and-limits).
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, raw_user_meta_data, created_at, updated_at)
values ('00000000-0000-0000-0000-000000000000', 'e0000000-0000-4000-a000-0000000000a3', 'authenticated', 'authenticated',
        'founder@example.test', '', now(), '{"full_name": "Fay Founder", "workspace_name": "  Founder Labs "}', now(), now());
select results_eq(
  $$select w.name, m.role::text, m.status::text from public.memberships m join public.workspaces w on w.id = m.workspace_id
     where m.user_id = 'e0000000-0000-4000-a000-0000000000a3'$$,
  $$values ('Founder Labs'::text, 'owner'::text, 'active'::text)$$,
  'sign-up with workspace_name creates the workspace, owned by the new user');
select is((select count(*) from public.role_permissions rp join public.memberships m on m.workspace_id = rp.workspace_id
            where m.user_id = 'e0000000-0000-4000-a000-0000000000a3'),
  26::bigint, 'the new workspace gets the 26 default role permissions');

select * from finish();
rollback;
