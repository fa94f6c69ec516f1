-- =====================================================================================
-- Activity log: one row per change, written by triggers in the same transaction, append-
-- only for every role, and tamper-evident through a per-workspace sha256 hash chain.
-- =====================================================================================

-- ---------- Table --------------------------------------------------------------------
create sequence public.activity_log_id_seq as bigint;

create table public.activity_log (
  id bigint primary key,
  workspace_id uuid not null,
  occurred_at timestamptz not null default now(),
  actor_id uuid,
  actor_email text,
  action text not null
    constraint activity_log_action_format check (action ~ '^[a-z_]+\.[a-z_]+$'),
  entity_type text not null,
  entity_id text,
  subject_user_id uuid,
  before jsonb,
  after jsonb,
  ip inet,
  user_agent text,
  prev_hash bytea,
  hash bytea not null
);
alter sequence public.activity_log_id_seq owned by public.activity_log.id;
alter table public.activity_log enable row level security;

comment on table public.activity_log is
  'Who did what, on what, when and from where. Written only by triggers; update, delete and truncate are refused for every role. No foreign keys: history outlives the workspace, member or asset it describes.';
comment on column public.activity_log.id is
  'Increasing id, drawn under the per-workspace chain lock by the chain trigger, so id order is chain order within a workspace.';
comment on column public.activity_log.occurred_at is 'Transaction time of the change.';
comment on column public.activity_log.actor_id is 'auth.uid() of whoever made the change; null = system (migrations, seed, scheduled jobs).';
comment on column public.activity_log.actor_email is 'Snapshot of the actor''s email at the time (from auth.users).';
comment on column public.activity_log.action is 'Action name, e.g. member.role_changed (list in docs/architecture.md).';
comment on column public.activity_log.entity_type is 'workspace | membership | role_permission | asset | license | license_seat | access_review | user.';
comment on column public.activity_log.entity_id is 'Id of the entity (text; role_permission rows use ''<role>:<permission>'').';
comment on column public.activity_log.subject_user_id is 'The user the change is about, where there is one (member, seat holder, asset assignee).';
comment on column public.activity_log.before is 'Previous values: the whole row for deletes, only the changed columns for updates.';
comment on column public.activity_log.after is 'New values: the whole row for inserts, only the changed columns for updates.';
comment on column public.activity_log.ip is 'Client IP (first x-forwarded-for address of the API request), where available.';
comment on column public.activity_log.user_agent is 'Client user agent of the API request, where available.';
comment on column public.activity_log.prev_hash is 'hash of the previous row of the same workspace (null for the first).';
comment on column public.activity_log.hash is 'sha256(prev_hash || canonical row content); see private.activity_hash().';

create index activity_log_workspace_id_idx on public.activity_log (workspace_id, id desc);
create index activity_log_workspace_occurred_idx on public.activity_log (workspace_id, occurred_at desc);
create index activity_log_workspace_actor_idx on public.activity_log (workspace_id, actor_id, occurred_at desc);
create index activity_log_workspace_action_idx on public.activity_log (workspace_id, action, occurred_at desc);
create index activity_log_workspace_entity_idx on public.activity_log (workspace_id, entity_type, entity_id);
comment on index public.activity_log_workspace_id_idx is 'Newest-first paging and the hash chain head.';
comment on index public.activity_log_workspace_occurred_idx is 'Date-range filters.';
comment on index public.activity_log_workspace_actor_idx is 'Filter by actor; own activity; last activity per member.';
comment on index public.activity_log_workspace_action_idx is 'Filter by action.';
comment on index public.activity_log_workspace_entity_idx is 'History of one entity.';

-- ---------- Hash chain ---------------------------------------------------------------
-- Deliberately a plain SQL function without SET search_path, so the planner inlines it: the
-- chain trigger and verify_activity_log() (a million rows for a large customer) then pay no
-- function-call overhead per row. It is safe without a search_path: it reads no table and every
-- function and operator in it is schema-qualified (pg_catalog).
create or replace function private.activity_hash(p_row public.activity_log)
returns bytea
language sql
stable
as $$
  select pg_catalog.sha256(
    coalesce(p_row.prev_hash, ''::bytea)
    operator(pg_catalog.||) pg_catalog.convert_to(
      pg_catalog.jsonb_build_array(
        p_row.id,
        p_row.workspace_id,
        ((extract(epoch from p_row.occurred_at) operator(pg_catalog.*) 1000000::numeric))::bigint,
        p_row.actor_id,
        p_row.actor_email,
        p_row.action,
        p_row.entity_type,
        p_row.entity_id,
        p_row.subject_user_id,
        p_row.before,
        p_row.after,
        p_row.ip,
        p_row.user_agent
      )::text,
      'UTF8'
    )
  )
$$;
comment on function private.activity_hash(public.activity_log) is
  'sha256 over prev_hash followed by the row''s content as canonical jsonb text (occurred_at as epoch microseconds, independent of TimeZone). Inlinable (no SET clause); every name in it is schema-qualified.';

-- Not security definer and no SET search_path, on purpose: only the table owner can insert
-- (private.record_activity() and private.log_activity(), which run as the owner with
-- search_path = '', or the owner directly), so it always runs as the owner; it names only
-- pg_catalog built-ins and schema-qualified objects. A SET clause here would cost more than the
-- rest of the trigger (each SET search_path invalidates the session's namespace cache), on every
-- audited change.
create or replace function private.chain_activity()
returns trigger
language plpgsql
as $$
begin
  -- One writer per workspace chain at a time (released at commit or rollback). The id is
  -- drawn under the lock, so id order is chain order within the workspace.
  perform pg_catalog.pg_advisory_xact_lock(
    pg_catalog.hashtextextended('fluxera.activity_log:' || new.workspace_id::text, 0));
  new.id := nextval('public.activity_log_id_seq');
  new.occurred_at := coalesce(new.occurred_at, now());
  select a.hash into new.prev_hash
    from public.activity_log a
   where a.workspace_id = new.workspace_id
   order by a.id desc
   limit 1;
  new.hash := private.activity_hash(new);
  return new;
end;
$$;
comment on function private.chain_activity() is
  'BEFORE INSERT trigger on activity_log: takes the per-workspace advisory lock, assigns the id, links prev_hash to the workspace''s latest row and computes hash. Whatever an insert supplies for id, prev_hash or hash is replaced, so every insert path is chained.';

create trigger activity_log_chain
  before insert on public.activity_log
  for each row execute function private.chain_activity();
comment on trigger activity_log_chain on public.activity_log is 'Hash chain: every row links to the previous row of its workspace.';

-- ---------- Append-only --------------------------------------------------------------
create or replace function private.refuse_activity_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'The activity log is append-only: % is not allowed.', lower(tg_op)
    using errcode = '42501', hint = 'append_only';
end;
$$;
comment on function private.refuse_activity_change() is
  'Raises on UPDATE, DELETE and TRUNCATE of activity_log, whoever asks (owner and service role included).';

create trigger activity_log_append_only
  before update or delete on public.activity_log
  for each row execute function private.refuse_activity_change();
create trigger activity_log_no_truncate
  before truncate on public.activity_log
  for each statement execute function private.refuse_activity_change();
comment on trigger activity_log_append_only on public.activity_log is 'Rows can never be changed or deleted.';
comment on trigger activity_log_no_truncate on public.activity_log is 'The table can never be truncated.';

-- ---------- Writing rows -------------------------------------------------------------
create or replace function private.request_ip()
returns inet
language plpgsql
stable
set search_path = ''
as $$
declare
  v_first text := btrim(split_part(
    nullif(current_setting('request.headers', true), '')::jsonb ->> 'x-forwarded-for', ',', 1));
begin
  if v_first is null or v_first = '' or v_first !~ '^[0-9A-Fa-f:.]{2,45}$' then
    return null;
  end if;
  return v_first::inet;
exception when others then
  return null;
end;
$$;
comment on function private.request_ip() is
  'First x-forwarded-for address of the current API request (PostgREST request.headers), or null.';

create or replace function private.log_activity(
  p_workspace_id uuid,
  p_action text,
  p_entity_type text,
  p_entity_id text,
  p_before jsonb default null,
  p_after jsonb default null,
  p_subject_user_id uuid default null,
  p_actor_id uuid default null
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_actor uuid := coalesce(p_actor_id, auth.uid(), nullif(current_setting('fluxera.actor_id', true), '')::uuid);
  v_headers text := nullif(current_setting('request.headers', true), '');
begin
  insert into public.activity_log
    (workspace_id, actor_id, actor_email, action, entity_type, entity_id, subject_user_id,
     before, after, ip, user_agent)
  values
    (p_workspace_id, v_actor,
     case when v_actor is not null then (select u.email from auth.users u where u.id = v_actor) end,
     p_action, p_entity_type, p_entity_id, p_subject_user_id, p_before, p_after,
     case when v_headers is not null then private.request_ip() end,
     case when v_headers is not null then left(v_headers::jsonb ->> 'user-agent', 512) end);
end;
$$;
comment on function private.log_activity(uuid, text, text, text, jsonb, jsonb, uuid, uuid) is
  'Appends one activity row (the chain trigger links it). Actor: p_actor_id, else auth.uid(), else the transaction setting fluxera.actor_id (service-role paths), else null (system).';

-- ---------- The generic change trigger -----------------------------------------------
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
  v_entity_id := v_row ->> 'id';

  -- The action, from table, operation and old/new values.
  case tg_table_name
    when 'workspaces' then
      v_action := case tg_op when 'INSERT' then 'workspace.created'
                             when 'DELETE' then 'workspace.deleted'
                             else 'workspace.settings_changed' end;

    when 'memberships' then
      v_subject := (v_row ->> 'user_id')::uuid;
      if tg_op = 'INSERT' then
        v_action := case when new.status = 'pending' then 'member.invited' else 'member.joined' end;
      elsif tg_op = 'DELETE' then
        v_action := case
          when old.status = 'pending' and v_subject = v_actor then 'member.declined'
          when old.status = 'pending' then 'member.invitation_revoked'
          when v_subject = v_actor then 'member.left'
          else 'member.removed' end;
      elsif old.role is distinct from new.role then
        v_action := case when new.role = 'owner' then 'ownership.transferred' else 'member.role_changed' end;
      elsif old.status is distinct from new.status then
        v_action := case
          when old.status = 'pending' and new.status = 'active' then 'member.joined'
          when new.status = 'inactive' then 'member.deactivated'
          when new.status = 'suspended' then 'member.suspended'
          when old.status = 'suspended' and new.status = 'active' then 'member.suspension_lifted'
          when new.status = 'active' then 'member.reactivated'
          else 'member.updated' end;
      elsif new.status = 'suspended' then
        v_action := 'member.suspended';  -- new end date or reason
      elsif new.status = 'pending' and old.invite_expires_at is distinct from new.invite_expires_at then
        v_action := 'member.invitation_resent';
      else
        v_action := 'member.updated';
      end if;

    when 'role_permissions' then
      v_entity_id := (v_row ->> 'role') || ':' || (v_row ->> 'permission');
      v_action := case tg_op when 'INSERT' then 'permission.granted'
                             when 'DELETE' then 'permission.revoked'
                             else 'permission.updated' end;

    when 'assets' then
      v_subject := coalesce(v_new ->> 'assigned_to', v_old ->> 'assigned_to')::uuid;
      v_action := case when tg_op = 'INSERT' then 'asset.created'
                       when tg_op = 'DELETE' then 'asset.deleted'
                       when old.assigned_to is distinct from new.assigned_to then 'asset.assigned'
                       else 'asset.updated' end;

    when 'licenses' then
      v_action := case tg_op when 'INSERT' then 'license.created'
                             when 'DELETE' then 'license.deleted'
                             else 'license.updated' end;

    when 'license_seats' then
      v_subject := (v_row ->> 'user_id')::uuid;
      v_action := case tg_op when 'INSERT' then 'license_seat.assigned'
                             when 'DELETE' then 'license_seat.revoked'
                             else 'license_seat.updated' end;

    when 'access_reviews' then
      v_action := case tg_op when 'INSERT' then 'access_review.completed'
                             when 'DELETE' then 'access_review.deleted'
                             else 'access_review.updated' end;

    else
      v_action := v_entity_type || '.' || lower(tg_op);
  end case;

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
  'Generic AFTER INSERT/UPDATE/DELETE row trigger (argument: entity type). Derives the action from table, operation and old/new values, keeps only changed columns for updates, and appends one activity row in the same transaction.';

-- ---------- Attach to every audited table --------------------------------------------
create trigger workspaces_activity
  after insert or update or delete on public.workspaces
  for each row execute function private.record_activity('workspace');
create trigger memberships_activity
  after insert or update or delete on public.memberships
  for each row execute function private.record_activity('membership');
create trigger role_permissions_activity
  after insert or update or delete on public.role_permissions
  for each row execute function private.record_activity('role_permission');
create trigger assets_activity
  after insert or update or delete on public.assets
  for each row execute function private.record_activity('asset');
create trigger licenses_activity
  after insert or update or delete on public.licenses
  for each row execute function private.record_activity('license');
create trigger license_seats_activity
  after insert or update or delete on public.license_seats
  for each row execute function private.record_activity('license_seat');
create trigger access_reviews_activity
  after insert or update or delete on public.access_reviews
  for each row execute function private.record_activity('access_review');

comment on trigger workspaces_activity on public.workspaces is 'workspace.created / settings_changed / deleted.';
comment on trigger memberships_activity on public.memberships is 'member.* and ownership.transferred.';
comment on trigger role_permissions_activity on public.role_permissions is 'permission.granted / revoked.';
comment on trigger assets_activity on public.assets is 'asset.created / updated / assigned / deleted.';
comment on trigger licenses_activity on public.licenses is 'license.created / updated / deleted.';
comment on trigger license_seats_activity on public.license_seats is 'license_seat.assigned / revoked.';
comment on trigger access_reviews_activity on public.access_reviews is 'access_review.completed.';

-- ---------- Verification -------------------------------------------------------------
create or replace function public.verify_activity_log(
  p_workspace_id uuid, p_after_id bigint default null, p_limit integer default null
)
returns table (ok boolean, rows_checked bigint, first_bad_id bigint, last_id bigint)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_anchor bytea;
begin
  perform private.require_permission(p_workspace_id, 'activity.view');
  if p_limit is not null and p_limit < 1 then
    raise exception 'p_limit must be at least 1.' using errcode = '22023', hint = 'invalid_input';
  end if;

  -- Where a chunk starts mid-chain, its first row must link to the stored hash just before it.
  if p_after_id is not null then
    select a.hash into v_anchor
      from public.activity_log a
     where a.workspace_id = p_workspace_id and a.id <= p_after_id
     order by a.id desc
     limit 1;
  end if;

  return query
    with slice as (
      select a.*
        from public.activity_log a
       where a.workspace_id = p_workspace_id and a.id > coalesce(p_after_id, 0)
       order by a.id
       limit p_limit
    ), chain as (
      select s.id,
             s.hash = private.activity_hash(s::public.activity_log)
               and s.prev_hash is not distinct from
                   case when row_number() over w = 1 then v_anchor else lag(s.hash) over w end as valid
        from slice s
      window w as (order by s.id)
    )
    select coalesce(bool_and(c.valid), true), count(*), min(c.id) filter (where not c.valid), max(c.id)
      from chain c;
end;
$$;
comment on function public.verify_activity_log(uuid, bigint, integer) is
  'Recomputes the workspace''s hash chain. ok = false and first_bad_id point at the first row whose content or link does not match (edited, inserted or deleted rows). Needs activity.view. For very large logs call it in chunks (p_after_id = previous last_id, p_limit = e.g. 200000) so each call stays within the API statement timeout; a chunk''s first row is checked against the stored hash before it.';
revoke all on function public.verify_activity_log(uuid, bigint, integer) from public, anon;
grant execute on function public.verify_activity_log(uuid, bigint, integer) to authenticated;
