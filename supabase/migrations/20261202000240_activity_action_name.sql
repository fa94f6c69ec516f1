-- =====================================================================================
-- Naming an audited change, as a function of its own. private.record_activity() (the row
-- trigger on every audited table) decided the action ('member.suspended', ...) in a long
-- `case` among the code that builds the activity row. That decision is now
-- private.activity_action(): a pure function of table, operation, old and new row and actor,
-- which pgTAP tests case by case (supabase/tests/database/19-activity-action.test.sql), and
-- which the catalogue test scans for the action names it can return. The trigger calls it
-- and writes the same rows as before.
-- =====================================================================================

create or replace function private.activity_action(
  p_table text, p_op text, p_entity_type text, p_old jsonb, p_new jsonb, p_actor uuid)
returns text
language sql
immutable
set search_path = ''
as $$
  select case p_table
    when 'workspaces' then
      case p_op when 'INSERT' then 'workspace.created'
                when 'DELETE' then 'workspace.deleted'
                else 'workspace.settings_changed' end

    when 'memberships' then
      case
        when p_op = 'INSERT' then
          case when p_new ->> 'status' = 'pending' then 'member.invited' else 'member.joined' end
        when p_op = 'DELETE' then
          case
            when p_old ->> 'status' = 'pending' and (p_old ->> 'user_id')::uuid = p_actor then 'member.declined'
            when p_old ->> 'status' = 'pending' then 'member.invitation_revoked'
            when (p_old ->> 'user_id')::uuid = p_actor then 'member.left'
            else 'member.removed' end
        when p_old -> 'role' is distinct from p_new -> 'role' then
          case when p_new ->> 'role' = 'owner' then 'ownership.transferred' else 'member.role_changed' end
        when p_old -> 'status' is distinct from p_new -> 'status' then
          case
            when p_old ->> 'status' = 'pending' and p_new ->> 'status' = 'active' then 'member.joined'
            when p_new ->> 'status' = 'inactive' then 'member.deactivated'
            when p_new ->> 'status' = 'suspended' then 'member.suspended'
            when p_old ->> 'status' = 'suspended' and p_new ->> 'status' = 'active' then 'member.suspension_lifted'
            when p_new ->> 'status' = 'active' then 'member.reactivated'
            else 'member.updated' end
        -- Still suspended: a new end date or reason.
        when p_new ->> 'status' = 'suspended' then 'member.suspended'
        when p_new ->> 'status' = 'pending'
             and p_old -> 'invite_expires_at' is distinct from p_new -> 'invite_expires_at'
          then 'member.invitation_resent'
        else 'member.updated' end

    when 'role_permissions' then
      case p_op when 'INSERT' then 'permission.granted'
                when 'DELETE' then 'permission.revoked'
                else 'permission.updated' end

    when 'assets' then
      case when p_op = 'INSERT' then 'asset.created'
           when p_op = 'DELETE' then 'asset.deleted'
           when p_old -> 'assigned_to' is distinct from p_new -> 'assigned_to' then 'asset.assigned'
           else 'asset.updated' end

    when 'licenses' then
      case p_op when 'INSERT' then 'license.created'
                when 'DELETE' then 'license.deleted'
                else 'license.updated' end

    when 'license_seats' then
      case p_op when 'INSERT' then 'license_seat.assigned'
                when 'DELETE' then 'license_seat.revoked'
                else 'license_seat.updated' end

    when 'access_reviews' then
      case p_op when 'INSERT' then 'access_review.completed'
                when 'DELETE' then 'access_review.deleted'
                else 'access_review.updated' end

    else p_entity_type || '.' || lower(p_op)
  end
$$;
comment on function private.activity_action(text, text, text, jsonb, jsonb, uuid) is
  'The activity action for an audited row change: p_table (TG_TABLE_NAME), p_op (INSERT | UPDATE | DELETE), p_entity_type (the trigger''s argument, used for tables without their own names), the old and new row as jsonb (null where the operation has none) and the actor. Memberships: invited/joined on insert; declined, invitation_revoked, left or removed on delete (by whether it was pending and whether the actor is the member); on update a role change first (ownership.transferred when to owner), then a status change, then a new suspension end or reason, a resent invitation, else member.updated. Every name it can return is in public.activity_actions (tests/database/16).';

revoke all on function private.activity_action(text, text, text, jsonb, jsonb, uuid) from public;

create or replace function private.record_activity()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_entity_type text := tg_argv[0];
  v_old jsonb;
  v_new jsonb;
  v_row jsonb;
  v_workspace_id uuid;
  v_entity_id text;
  v_subject uuid;
  v_action text;
  v_actor uuid;
  v_headers text;
  v_ip inet;
  v_user_agent text;
begin
  if tg_op <> 'INSERT' then v_old := to_jsonb(old); end if;
  if tg_op <> 'DELETE' then v_new := to_jsonb(new); end if;
  v_row := coalesce(v_new, v_old);
  v_workspace_id := (case when tg_table_name = 'workspaces' then v_row ->> 'id' else v_row ->> 'workspace_id' end)::uuid;

  -- Rows cascading from a workspace deletion (or its default matrix) are not logged one by one.
  if tg_table_name <> 'workspaces'
     and current_setting('fluxera.muted_workspace', true) = v_workspace_id::text then
    return null;
  end if;

  v_actor := coalesce(auth.uid(), nullif(current_setting('fluxera.actor_id', true), '')::uuid);
  v_action := private.activity_action(tg_table_name, tg_op, v_entity_type, v_old, v_new, v_actor);
  v_entity_id := case when tg_table_name = 'role_permissions'
                      then (v_row ->> 'role') || ':' || (v_row ->> 'permission')
                      else v_row ->> 'id' end;
  -- The user the change is about: the member, the seat holder, the asset's assignee (new or old).
  v_subject := case tg_table_name
                 when 'memberships' then (v_row ->> 'user_id')::uuid
                 when 'license_seats' then (v_row ->> 'user_id')::uuid
                 when 'assets' then coalesce(v_new ->> 'assigned_to', v_old ->> 'assigned_to')::uuid
               end;

  v_headers := nullif(current_setting('request.headers', true), '');
  if v_headers is not null then
    v_ip := private.request_ip();
    v_user_agent := left(v_headers::jsonb ->> 'user-agent', 512);
  end if;

  -- One statement: for updates it keeps only the changed columns (ignoring updated_at and
  -- last_active_at) and writes nothing when nothing of note changed. The chain trigger on
  -- activity_log assigns id, prev_hash and hash.
  insert into public.activity_log
    (workspace_id, actor_id, actor_email, action, entity_type, entity_id, subject_user_id,
     before, after, ip, user_agent)
  select v_workspace_id, v_actor,
         case when v_actor is not null then (select u.email from auth.users u where u.id = v_actor) end,
         v_action, v_entity_type, v_entity_id, v_subject, d.before, d.after, v_ip, v_user_agent
    from (
      select v_old as before, v_new as after
       where tg_op <> 'UPDATE'
      union all
      select jsonb_object_agg(o.key, o.value), jsonb_object_agg(o.key, v_new -> o.key)
        from jsonb_each(v_old) as o
       where tg_op = 'UPDATE'
         and o.value is distinct from v_new -> o.key
         and o.key not in ('updated_at', 'last_active_at')
      having count(*) > 0
    ) d;
  return null;
end;
$$;
comment on function private.record_activity() is
  'Generic AFTER INSERT/UPDATE/DELETE row trigger (argument: entity type). Names the action with private.activity_action(), keeps only changed columns for updates, and appends one activity row in the same transaction.';
