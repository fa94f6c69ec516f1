-- =====================================================================================
-- Activity log: one row per change, written by triggers, append-only, hash-chained.
-- Triggers on every audited table write the row in the same transaction; nobody may update
-- or delete it; a per-workspace sha256 chain (head kept in private.activity_chain_heads) and
-- checkpoints make tampering visible. The activity catalogue names every action; alerts,
-- counts and the Activity page's reads live here too.
-- =====================================================================================

set local check_function_bodies = off;

-- ---------- Functions --------------------------------------------------------------

-- Not security definer and no SET search_path: only the table
-- owner can insert into activity_log, so the trigger runs as the owner; every name in it is
-- schema-qualified.
create or replace function private.chain_activity()
returns trigger
language plpgsql
as $$
declare
  v_last_id bigint;
  v_prev bytea;
  v_count bigint;
begin
  -- One writer per workspace chain at a time: the head row's lock, held to commit or rollback.
  select h.last_id, h.last_hash, h.row_count into v_last_id, v_prev, v_count
    from private.activity_chain_heads h
   where h.workspace_id = new.workspace_id
     for update;
  if not found then
    -- First write of this workspace since heads exist. A concurrent first writer makes this
    -- insert wait and then do nothing; the select then locks the row it committed.
    insert into private.activity_chain_heads (workspace_id) values (new.workspace_id)
      on conflict (workspace_id) do nothing;
    select h.last_id, h.last_hash, h.row_count into v_last_id, v_prev, v_count
      from private.activity_chain_heads h
     where h.workspace_id = new.workspace_id
       for update;
  end if;
  if v_last_id is null then
    -- A new workspace, or rows written with triggers off: continue from the newest stored row.
    -- Planned for this workspace id (EXECUTE: a custom plan, never a cached generic one,
    -- which walked the primary key backwards through other tenants' rows: 1,010,005 rows
    -- read, ~1 s, for a new workspace's first row in a 1M-row log).
    execute 'select a.id, a.hash from public.activity_log a where a.workspace_id = $1 order by a.id desc limit 1'
      into v_last_id, v_prev
      using new.workspace_id;
    if v_last_id is null then
      v_count := 0;  -- a new workspace: its log starts here, so its size is known
    end if;
  end if;

  -- The id is drawn under the lock, so id order is chain order within the workspace.
  new.id := nextval('public.activity_log_id_seq');
  new.occurred_at := coalesce(new.occurred_at, now());
  new.prev_hash := v_prev;
  new.hash := private.activity_hash(new);

  update private.activity_chain_heads h
     set last_id = new.id, last_hash = new.hash, row_count = v_count + 1
   where h.workspace_id = new.workspace_id;
  return new;
end;
$$;
comment on function private.chain_activity() is
  'BEFORE INSERT trigger on activity_log: locks the workspace''s chain head (private.activity_chain_heads, by primary key), assigns the id, links prev_hash to the head''s hash, computes hash and moves the head (and its row count) to the new row. Whatever an insert supplies for id, prev_hash or hash is replaced, so every insert path is chained. Cost independent of the log''s size and of plans; the newest stored row is looked up only on a workspace''s first write without a head.';

create or replace function private.refuse_activity_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  -- The one removal path: rows up to the retention cut that private.apply_activity_retention()
  -- recorded in this very transaction (docs/scaling.md, "Retention").
  if tg_op = 'DELETE' and exists (
       select 1 from private.activity_retention r
        where r.workspace_id = old.workspace_id and old.id <= r.pruned_through_id
          and r.pruning_xact = pg_catalog.txid_current()) then
    return old;
  end if;
  raise exception 'The activity log is append-only: % is not allowed.', lower(tg_op)
    using errcode = '42501', hint = 'append_only';
end;
$$;
comment on function private.refuse_activity_change() is
  'Raises on UPDATE, DELETE and TRUNCATE of activity_log, whoever asks (owner and service role included). The only exception: DELETE of rows up to the retention cut that private.apply_activity_retention() recorded in the same transaction.';

create or replace function private.request_ip()
returns inet
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_headers jsonb := nullif(current_setting('request.headers', true), '')::jsonb;
  v_rule private.client_ip_rule;
  v_list text[];
  v_entry text;
begin
  if v_headers is null then
    return null;
  end if;
  select * into v_rule from private.client_ip_rule limit 1;
  v_list := string_to_array(v_headers ->> coalesce(v_rule.header, 'x-forwarded-for'), ',');
  if v_list is null or cardinality(v_list) < coalesce(v_rule.trusted_hops, 1) then
    return null;
  end if;
  v_entry := btrim(v_list[cardinality(v_list) - coalesce(v_rule.trusted_hops, 1) + 1]);
  if v_entry !~ '^[0-9A-Fa-f:.]{2,45}$' then
    return null;
  end if;
  return v_entry::inet;
exception when others then
  return null;
end;
$$;
comment on function private.request_ip() is
  'Client address of the current API request as the trusted proxy saw it: the trusted_hops-th entry from the right of the header named in private.client_ip_rule (default: the last x-forwarded-for entry), or null. Never the caller-chosen left part of X-Forwarded-For.';

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
comment on function private.log_activity(p_workspace_id uuid, p_action text, p_entity_type text, p_entity_id text, p_before jsonb, p_after jsonb, p_subject_user_id uuid, p_actor_id uuid) is
  'Appends one activity row (the chain trigger links it). Actor: p_actor_id, else auth.uid(), else the transaction setting fluxera.actor_id (service-role paths), else null (system).';

create or replace function private.touch_member_last_active()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- "Last active" (docs/product-rules.md, access reviews): the latest of the member's
  -- sign-ins (auth.sign_in rows, and the access token hook) and of any activity row they
  -- authored in that workspace. One statement per INSERT statement, at most one row per
  -- member; kept to the minute so a burst of actions writes the membership once.
  update public.memberships m
     set last_active_at = a.at
    from (select n.workspace_id, n.actor_id, max(n.occurred_at) as at
            from new_rows n
           where n.actor_id is not null
           group by n.workspace_id, n.actor_id) a
   where m.workspace_id = a.workspace_id and m.user_id = a.actor_id
     and (m.last_active_at is null or m.last_active_at < a.at - interval '1 minute');
  return null;
end;
$$;
comment on function private.touch_member_last_active() is
  'AFTER INSERT statement trigger on activity_log: moves memberships.last_active_at ("Last active") to the newest activity row each member authored in the statement, when at least a minute newer. The one place that defines last activity besides the sign-in hook.';

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

  -- One statement: for updates it keeps only the changed columns (ignoring updated_at,
  -- last_active_at and the directory's copies of name and email, which follow the profile)
  -- and writes nothing when nothing of note changed. The chain trigger on activity_log
  -- assigns id, prev_hash and hash.
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
         and o.key not in ('updated_at', 'last_active_at', 'member_name', 'member_email')
      having count(*) > 0
    ) d;
  return null;
end;
$$;
comment on function private.record_activity() is
  'Generic AFTER INSERT/UPDATE/DELETE row trigger (argument: entity type). Names the action with private.activity_action(), keeps only changed columns for updates (not updated_at, last_active_at or the directory''s name and email copies), and appends one activity row in the same transaction.';

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
  v_found boolean := false;
begin
  perform private.require_permission(p_workspace_id, 'activity.view');
  if p_limit is not null and p_limit < 1 then
    raise exception 'p_limit must be at least 1.' using errcode = '22023', hint = 'invalid_input';
  end if;

  -- Where a chunk starts mid-chain, its first row must link to the stored hash just before it.
  if p_after_id is not null then
    select a.hash, true into v_anchor, v_found
      from public.activity_log a
     where a.workspace_id = p_workspace_id and a.id <= p_after_id
     order by a.id desc
     limit 1;
  end if;
  -- Nothing stored before the start: after a retention cut the first kept row links to the
  -- hash of the last removed row, kept with the cut.
  if not coalesce(v_found, false) then
    select r.anchor_hash into v_anchor
      from private.activity_retention r where r.workspace_id = p_workspace_id;
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
comment on function public.verify_activity_log(p_workspace_id uuid, p_after_id bigint, p_limit integer) is
  'Recomputes the workspace''s hash chain. ok = false and first_bad_id point at the first row whose content or link does not match (edited, inserted or deleted rows). Needs activity.view. For very large logs call it in chunks (p_after_id = previous last_id, p_limit = e.g. 200000) so each call stays within the API statement timeout; a chunk''s first row is checked against the stored hash before it, and after a retention cut the first kept row against the hash of the last removed row (private.activity_retention).';
grant execute on function public.verify_activity_log(p_workspace_id uuid, p_after_id bigint, p_limit integer) to authenticated;

create or replace function public.verify_activity_log(p_workspace_id uuid, p_checkpoint jsonb)
returns table (ok boolean, rows_checked bigint, first_bad_id bigint, last_id bigint, checkpoint_ok boolean, problem text)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_cp_last bigint;
  v_cp_hash text;
  v_cp_count bigint;
  v_chain record;
  v_hash text;
  v_count bigint;
  v_problem text;
  v_cut private.activity_retention;
begin
  perform private.require_workspace_permission(p_workspace_id, 'activity.view');

  begin
    v_cp_last := (p_checkpoint ->> 'last_id')::bigint;
    v_cp_hash := lower(p_checkpoint ->> 'hash');
    v_cp_count := (p_checkpoint ->> 'row_count')::bigint;
  exception when others then
    v_cp_last := null;
  end;
  if jsonb_typeof(p_checkpoint) is distinct from 'object'
     or v_cp_last is null or v_cp_count is null or v_cp_hash !~ '^[0-9a-f]{64}$'
     or (p_checkpoint ? 'workspace_id' and p_checkpoint ->> 'workspace_id' is distinct from p_workspace_id::text) then
    raise exception 'Not a checkpoint of this workspace: expected { workspace_id, last_id, hash, row_count }.'
      using errcode = '22023', hint = 'invalid_checkpoint';
  end if;

  select * into v_chain from public.verify_activity_log(p_workspace_id);
  select * into v_cut from private.activity_retention r where r.workspace_id = p_workspace_id;

  select pg_catalog.encode(a.hash, 'hex') into v_hash
    from public.activity_log a where a.workspace_id = p_workspace_id and a.id = v_cp_last;
  if not found and v_cp_last <= coalesce(v_cut.pruned_through_id, 0) then
    v_problem := 'checkpoint_past_retention';  -- the checkpoint's row was removed by retention
  elsif not found then
    v_problem := 'checkpoint_row_missing';     -- the tail was truncated or rows deleted
  elsif v_hash <> v_cp_hash then
    v_problem := 'checkpoint_hash_mismatch';   -- a row up to the checkpoint was rewritten
  else
    -- row_count is the checkpoint's place in the chain: rows removed by retention still count.
    select count(*) + coalesce(v_cut.rows_pruned, 0) into v_count
      from public.activity_log a where a.workspace_id = p_workspace_id and a.id <= v_cp_last;
    if v_count <> v_cp_count then
      v_problem := 'checkpoint_count_mismatch'; -- rows up to the checkpoint removed or added
    end if;
  end if;

  return query select coalesce(v_chain.ok, true) and v_problem is null, coalesce(v_chain.rows_checked, 0),
                      v_chain.first_bad_id, v_chain.last_id, v_problem is null,
                      coalesce(v_problem, case when not v_chain.ok then 'chain_broken' end);
end;
$$;
comment on function public.verify_activity_log(p_workspace_id uuid, p_checkpoint jsonb) is
  'Recomputes the workspace''s hash chain (as verify_activity_log(workspace)) and checks it against a checkpoint taken earlier (activity_checkpoint or an export): the row at last_id still has the checkpoint''s hash and the chain still has row_count rows up to it (rows removed by retention included). ok = both hold. problem: null | chain_broken | checkpoint_row_missing (truncated) | checkpoint_past_retention (its row was removed by the workspace''s retention) | checkpoint_hash_mismatch (rewritten) | checkpoint_count_mismatch. Needs activity.view. Errors: PT404 not_found, 42501 not_allowed, 22023 invalid_checkpoint.';
grant execute on function public.verify_activity_log(p_workspace_id uuid, p_checkpoint jsonb) to authenticated;

-- The events are read per rule action with (workspace_id, action, occurred_at), i.e.
-- activity_log_workspace_action_idx, so the cost follows the matching events in the
-- period, not the size of the log. Bursts are found without a self-join: event e opens a
-- qualifying window when the event threshold-1 places after it (lead) is within
-- window_length; the row numbers of the windows give the merged alert and its count.
create or replace function public.activity_alerts(p_workspace_id uuid, p_since timestamp with time zone default (now() - '24:00:00'::interval))
returns table (kind text, actor_id uuid, actor_email text, window_start timestamp with time zone, window_end timestamp with time zone, event_count integer, threshold integer)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_workspace_permission(p_workspace_id, 'activity.view');
  if p_since is null or p_since > now() then
    raise exception 'Give a start time that is not in the future.' using errcode = '22023', hint = 'invalid_date';
  end if;

  return query
    with events as (
      select r.kind, r.threshold, r.window_length,
             case when r.group_by = 'actor' then a.actor_id else a.subject_user_id end as who,
             case when r.group_by = 'actor' then a.actor_email end as who_email,
             a.occurred_at, a.id
        from private.alert_rules r
        cross join lateral unnest(r.actions) as ra(action)
        -- One range scan of activity_log_workspace_action_idx per rule action: LATERAL with
        -- OFFSET 0 keeps the subquery from being flattened into a join the planner could
        -- turn into a scan of the workspace's whole period.
        cross join lateral (
          select l.actor_id, l.actor_email, l.subject_user_id, l.occurred_at, l.id
            from public.activity_log l
           where l.workspace_id = p_workspace_id and l.action = ra.action and l.occurred_at >= p_since
          offset 0
        ) a
    ), ranked as (
      select e.*,
             row_number() over w as rn,
             lead(e.occurred_at, e.threshold - 1) over w as nth_at
        from events e
      window w as (partition by e.kind, e.who order by e.occurred_at, e.id)
    ), starts as (
      -- Events that open a qualifying window; a new alert wherever they stop overlapping.
      select s.*,
             case when lag(s.rn) over w is null or lag(s.rn) over w + s.threshold - 1 < s.rn then 1 else 0 end as is_new
        from ranked s
       where s.nth_at <= s.occurred_at + s.window_length
      window w as (partition by s.kind, s.who order by s.rn)
    ), grouped as (
      select s.*, sum(s.is_new) over (partition by s.kind, s.who order by s.rn) as burst
        from starts s
    )
    select g.kind,
           g.who,
           coalesce(max(g.who_email), max(p.email), case when g.who is null then 'system' end),
           min(g.occurred_at),
           max(g.nth_at),
           (max(g.rn) + min(g.threshold) - min(g.rn))::integer,
           min(g.threshold)
      from grouped g
      left join public.profiles p on p.id = g.who
     group by g.kind, g.who, g.burst
     order by min(g.occurred_at) desc, g.kind;
end;
$$;
comment on function public.activity_alerts(p_workspace_id uuid, p_since timestamp with time zone) is
  'Unusual patterns in the workspace''s activity since p_since (default: the last 24 hours), activity.view: deletion_burst (>= 10 asset.deleted / license.deleted / member.removed by one actor within 10 minutes), role_change_burst (>= 5 member.role_changed by one actor within 10 minutes), failed_sign_in_burst (>= 5 auth.sign_in_failed for one account within 15 minutes; actor_id/actor_email = that account). One row per burst (overlapping windows merged): window_start/window_end = first/last event, event_count = events in between, threshold = the rule''s (private.alert_rules). Newest first. Errors: PT404 not_found, 42501 not_allowed, 22023 invalid_date.';
grant execute on function public.activity_alerts(p_workspace_id uuid, p_since timestamp with time zone) to authenticated;

create or replace function private.activity_head(p_workspace_id uuid)
returns table (workspace_id uuid, last_id bigint, hash text, row_count bigint, taken_at timestamptz)
language sql
stable
set search_path = ''
as $$
  select p_workspace_id, h.id, pg_catalog.encode(h.hash, 'hex'),
         (select count(*) from public.activity_log a where a.workspace_id = p_workspace_id and a.id <= h.id)
           + coalesce((select r.rows_pruned from private.activity_retention r where r.workspace_id = p_workspace_id), 0),
         now()
    from (select a.id, a.hash from public.activity_log a
           where a.workspace_id = p_workspace_id
           order by a.id desc limit 1) h
$$;
comment on function private.activity_head(p_workspace_id uuid) is
  'The chain head of a workspace''s activity log: last id, its hash (hex), its place in the chain (rows up to it, rows removed by retention included), now. No row when the log is empty.';

create or replace function public.activity_checkpoint(p_workspace_id uuid)
returns table (workspace_id uuid, last_id bigint, hash text, row_count bigint, taken_at timestamp with time zone)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_workspace_permission(p_workspace_id, 'activity.view');
  return query select * from private.activity_head(p_workspace_id);
end;
$$;
comment on function public.activity_checkpoint(p_workspace_id uuid) is
  'A checkpoint of the workspace''s activity chain head (activity.view): workspace_id, last_id, hash (hex sha256 of that row), row_count (rows up to last_id), taken_at. Keep it outside the database and pass it to verify_activity_log(workspace, checkpoint) later. Errors: PT404 not_found, 42501 not_allowed.';
grant execute on function public.activity_checkpoint(p_workspace_id uuid) to authenticated;

-- Large exports (docs/architecture.md, "Exports"): the database writes each page as file text,
-- the SPA streams it into the file without parsing it.
create or replace function private.csv_text(p_value text)
returns text
language sql
immutable
as $$
  -- One CSV field (RFC 4180) as src/lib/csv.ts csvField writes it: empty for null; a cell a
  -- spreadsheet would run as a formula gets a leading quote; then quoted when it holds a
  -- double quote, comma or line break.
  select case
    when p_value is null then ''
    when pg_catalog.strpos(p_value, '"') > 0
      then '"' operator(pg_catalog.||)
           case when pg_catalog.left(p_value, 1) in ('=', '+', '-', '@', E'\t', E'\r') then '''' else '' end
           operator(pg_catalog.||) pg_catalog.replace(p_value, '"', '""') operator(pg_catalog.||) '"'
    when pg_catalog.strpos(p_value, ',') > 0 or pg_catalog.strpos(p_value, E'\n') > 0
         or pg_catalog.strpos(p_value, E'\r') > 0
      then '"' operator(pg_catalog.||)
           case when pg_catalog.left(p_value, 1) in ('=', '+', '-', '@', E'\t', E'\r') then '''' else '' end
           operator(pg_catalog.||) p_value operator(pg_catalog.||) '"'
    when pg_catalog.left(p_value, 1) in ('=', '+', '-', '@', E'\t', E'\r')
      then '''' operator(pg_catalog.||) p_value
    else p_value
  end
$$;
comment on function private.csv_text(p_value text) is
  'One RFC 4180 CSV field, as the SPA''s csvField (src/lib/csv.ts) writes it: '''' for null, a leading = + - @ tab or CR prefixed with a quote (formula injection), quoted when it holds a quote, comma or line break. Inlinable (no SET clause).';

-- PostgREST hands a function's result to the client as it is (no JSON wrapping) when the function
-- returns a domain named after the media type asked for (PostgREST 12 media type handlers).
create domain public."text/plain" as text;
comment on domain public."text/plain" is
  'Media type handler for PostgREST: a function returning it answers Accept: text/plain with its text as it is (activity_export_page).';

create or replace function public.activity_export_page(
  p_workspace_id uuid,
  p_format text,
  p_up_to_id bigint,
  p_above_id bigint,
  p_user_ids uuid[] default null,
  p_include_subject boolean default false,
  p_actor_email text default null,
  p_action text default null,
  p_entity_type text default null,
  p_entity_id text default null,
  p_from timestamptz default null,
  p_to timestamptz default null
)
returns public."text/plain"
language plpgsql
stable
security definer
set search_path = ''
set "TimeZone" = 'UTC'
as $$
declare
  v_text text;
begin
  perform private.require_workspace_permission(p_workspace_id, 'activity.export');
  if p_format is null or p_format not in ('csv', 'json') then
    raise exception 'Unknown export format: use csv or json.'
      using errcode = '22023', hint = 'invalid_format';
  end if;
  if p_up_to_id is null or p_above_id is null or p_up_to_id < p_above_id
     or p_up_to_id - p_above_id > 100000 then
    raise exception 'An export page covers at most 100,000 ids: p_above_id < id <= p_up_to_id.'
      using errcode = '22023', hint = 'invalid_range';
  end if;

  with page as (
    select a.id, a.occurred_at, a.actor_id, a.actor_email, a.action, a.entity_type, a.entity_id,
           a.subject_user_id, a.subject_email, a.before, a.after, a.ip, a.user_agent
      from public.activity_log a
     where a.workspace_id = p_workspace_id
       and a.id <= p_up_to_id and a.id > p_above_id
       and (p_user_ids is null
            or a.actor_id = any (p_user_ids)
            or (p_include_subject and a.subject_user_id = any (p_user_ids)))
       and (p_actor_email is null or a.actor_email = p_actor_email)
       and (p_action is null or a.action = p_action)
       and (p_entity_type is null or a.entity_type = p_entity_type)
       and (p_entity_id is null or a.entity_id = p_entity_id)
       and (p_from is null or a.occurred_at >= p_from)
       and (p_to is null or a.occurred_at < p_to)
     order by a.id desc
  )
  select case p_format
    -- format's %s writes a null as an empty field (concat_ws would drop it, and the column).
    when 'csv' then pg_catalog.string_agg(pg_catalog.format('%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s',
        p.id,
        pg_catalog.to_json(p.occurred_at) operator(pg_catalog.#>>) '{}',
        p.actor_id,
        private.csv_text(p.actor_email),
        private.csv_text(p.action),
        private.csv_text(p.entity_type),
        private.csv_text(p.entity_id),
        p.subject_user_id,
        private.csv_text(p.subject_email),
        case when p.before is null then ''
             else '"' operator(pg_catalog.||) pg_catalog.replace(p.before::text, '"', '""') operator(pg_catalog.||) '"' end,
        case when p.after is null then ''
             else '"' operator(pg_catalog.||) pg_catalog.replace(p.after::text, '"', '""') operator(pg_catalog.||) '"' end,
        p.ip,
        private.csv_text(p.user_agent)) operator(pg_catalog.||) E'\r\n', '' order by p.id desc)
    else pg_catalog.string_agg(pg_catalog.row_to_json(p)::text, E',\n' order by p.id desc)
  end
  into v_text
  from page p;
  return coalesce(v_text, '')::public."text/plain";
end;
$$;
comment on function public.activity_export_page(p_workspace_id uuid, p_format text, p_up_to_id bigint, p_above_id bigint, p_user_ids uuid[], p_include_subject boolean, p_actor_email text, p_action text, p_entity_type text, p_entity_id text, p_from timestamp with time zone, p_to timestamp with time zone) is
  'One page of an activity export (activity.export), newest first: the rows with p_above_id < id <= p_up_to_id (at most 100,000 ids, one index range of (workspace_id, id)) that match the filters (as activity_count''s), as text the SPA writes straight into the file: CSV lines (the 13 export columns, CRLF, RFC 4180, formula cells quoted) or JSON objects separated by ",\n". '''' when none. Ask with Accept: text/plain. Errors: PT404 not_found, 42501 not_allowed, 22023 invalid_format / invalid_range.';
grant execute on function public.activity_export_page(p_workspace_id uuid, p_format text, p_up_to_id bigint, p_above_id bigint, p_user_ids uuid[], p_include_subject boolean, p_actor_email text, p_action text, p_entity_type text, p_entity_id text, p_from timestamp with time zone, p_to timestamp with time zone) to authenticated;

create or replace function public.activity_count(
  p_workspace_id uuid,
  p_user_ids uuid[] default null,
  p_include_subject boolean default false,
  p_actor_email text default null,
  p_action text default null,
  p_entity_type text default null,
  p_entity_id text default null,
  p_from timestamptz default null,
  p_to timestamptz default null,
  p_cap integer default 10000
)
returns table (total bigint, capped boolean)
language plpgsql
stable
set search_path = ''
as $function$
declare
  v_cap integer := coalesce(p_cap, 10000);
  v_where text := 'l.workspace_id = $1';
  v_n bigint;
begin
  -- The documented maximum, refused rather than clamped (issue 19).
  if v_cap not between 1 and 100000 then
    raise exception 'Count cap out of range: p_cap must be 1 to 100000 (got %).', v_cap
      using errcode = '22023', hint = 'invalid_cap';
  end if;
  if coalesce(cardinality(p_user_ids), 0) > 50 then
    raise exception 'At most 50 people at a time.' using errcode = '22023', hint = 'too_many_people';
  end if;

  -- No filter, and the caller reads every row of the workspace (activity.view): the total is
  -- the chain head's row count, exact and O(1).
  if coalesce(cardinality(p_user_ids), 0) = 0 and p_actor_email is null and p_action is null
     and p_entity_type is null and p_entity_id is null and p_from is null and p_to is null then
    v_n := private.activity_total(p_workspace_id);
    if v_n is not null then
      total := least(v_n, v_cap);
      capped := v_n > v_cap;
      return next;
      return;
    end if;
  end if;
  if coalesce(cardinality(p_user_ids), 0) > 0 then
    v_where := v_where || case when p_include_subject
      then ' and (l.actor_id = any($2) or l.subject_user_id = any($2))'
      else ' and l.actor_id = any($2)' end;
  end if;
  if p_actor_email is not null then v_where := v_where || ' and l.actor_email = $3'; end if;
  if p_action is not null then v_where := v_where || ' and l.action = $4'; end if;
  if p_entity_type is not null then v_where := v_where || ' and l.entity_type = $5'; end if;
  if p_entity_id is not null then v_where := v_where || ' and l.entity_id = $6'; end if;
  if p_from is not null then v_where := v_where || ' and l.occurred_at >= $7'; end if;
  if p_to is not null then v_where := v_where || ' and l.occurred_at < $8'; end if;

  execute 'select count(*) from (select 1 from public.activity_log l where ' || v_where
       || ' limit $9) c'
    into v_n
    using p_workspace_id, p_user_ids, p_actor_email, p_action, p_entity_type, p_entity_id,
          p_from, p_to, v_cap + 1;
  total := least(v_n, v_cap);
  capped := v_n > v_cap;
  return next;
end;
$function$

;
comment on function public.activity_count(uuid, uuid[], boolean, text, text, text, text, timestamptz, timestamptz, integer) is
  'How many activity rows match the Activity page''s filters (the same ones as its reads; with p_include_subject, rows done by or to p_user_ids), counted exactly up to p_cap (1 to 100,000, default 10,000; outside that range 22023 invalid_cap, HTTP 400, never clamped): capped = true means "more than total". The caller''s RLS applies. Without filters, for a caller with activity.view, from the chain head''s row count (no rows read). Errors: 22023 invalid_cap / too_many_people.';
grant execute on function public.activity_count(p_workspace_id uuid, p_user_ids uuid[], p_include_subject boolean, p_actor_email text, p_action text, p_entity_type text, p_entity_id text, p_from timestamp with time zone, p_to timestamp with time zone, p_cap integer) to authenticated;

create or replace function private.activity_total(p_workspace_id uuid)
returns bigint
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if p_workspace_id in (select private.workspaces_with('activity.view')) then
    return (select h.row_count - coalesce(r.rows_pruned, 0)
              from private.activity_chain_heads h
              left join private.activity_retention r on r.workspace_id = h.workspace_id
             where h.workspace_id = p_workspace_id);
  end if;
  return null;
end;
$$;
comment on function private.activity_total(p_workspace_id uuid) is
  'Rows in the workspace''s activity log (the chain head''s count less the rows removed by retention), for a caller with activity.view there (who reads every row of it under RLS); null otherwise, or when the count is unknown (rows written with triggers off), so the caller counts instead.';
grant execute on function private.activity_total(p_workspace_id uuid) to authenticated;

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
comment on function private.activity_action(p_table text, p_op text, p_entity_type text, p_old jsonb, p_new jsonb, p_actor uuid) is
  'The activity action for an audited row change: p_table (TG_TABLE_NAME), p_op (INSERT | UPDATE | DELETE), p_entity_type (the trigger''s argument, used for tables without their own names), the old and new row as jsonb (null where the operation has none) and the actor. Memberships: invited/joined on insert; declined, invitation_revoked, left or removed on delete (by whether it was pending and whether the actor is the member); on update a role change first (ownership.transferred when to owner), then a status change, then a new suspension end or reason, a resent invitation, else member.updated. Every name it can return is in public.activity_actions (tests/database/16).';

-- Fills subject_email from the subject's profile. Named to fire before activity_log_chain
-- (BEFORE triggers run in name order), so the hash covers it. Like the chain trigger it runs as
-- the table owner (only the owner inserts) and names only schema-qualified objects.
create or replace function private.snapshot_activity_subject()
returns trigger
language plpgsql
as $$
begin
  if new.subject_user_id is not null and new.subject_email is null then
    select p.email into new.subject_email from public.profiles p where p.id = new.subject_user_id;
  end if;
  return new;
end;
$$;
comment on function private.snapshot_activity_subject() is
  'BEFORE INSERT trigger on activity_log: copies the subject''s email from public.profiles into subject_email unless the insert supplied one.';

-- ---------- Tables -----------------------------------------------------------------

create table public.activity_log (
  id bigint not null,
  workspace_id uuid not null,
  occurred_at timestamp with time zone default now() not null,
  actor_id uuid,
  actor_email text,
  action text not null,
  entity_type text not null,
  entity_id text,
  subject_user_id uuid,
  before jsonb,
  after jsonb,
  ip inet,
  user_agent text,
  prev_hash bytea,
  hash bytea not null,
  subject_email text,
  constraint activity_log_action_format check ((action ~ '^[a-z_]+\.[a-z_]+$'::text)),
  constraint activity_log_pkey primary key (id)
);

-- ---------- Functions --------------------------------------------------------------

-- The hash covers subject_email, appended only when it is set: a row without the snapshot
-- hashes exactly as rows did before the column existed.
create or replace function private.activity_hash(p_row public.activity_log)
returns bytea
language sql
stable
as $$
  select pg_catalog.sha256(
    coalesce(p_row.prev_hash, ''::bytea)
    operator(pg_catalog.||) pg_catalog.convert_to(
      (
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
        )
        operator(pg_catalog.||) case
          when p_row.subject_email is null then '[]'::jsonb
          else pg_catalog.jsonb_build_array(p_row.subject_email)
        end
      )::text,
      'UTF8'
    )
  )
$$;
comment on function private.activity_hash(p_row public.activity_log) is
  'sha256 over prev_hash followed by the row''s content as canonical jsonb text (occurred_at as epoch microseconds, independent of TimeZone; subject_email appended only when set, so older rows hash as before). Inlinable (no SET clause); every name in it is schema-qualified.';

create or replace function public.activity_of_people(
  p_workspace_id uuid,
  p_user_ids uuid[],
  p_include_subject boolean default false,
  p_action text default null,
  p_entity_type text default null,
  p_from timestamptz default null,
  p_to timestamptz default null,
  p_before_at timestamptz default null,
  p_before_id bigint default null,
  p_limit integer default 50
)
returns setof public.activity_log
language plpgsql
stable
set search_path = ''
as $function$
declare
  v_limit integer := coalesce(p_limit, 50);
  v_ids uuid[];
  v_filters text := '';
  v_sql text;
begin
  if p_workspace_id is null then
    raise exception 'A workspace is required.' using errcode = '22023', hint = 'invalid_input';
  end if;
  -- The documented maximum, refused rather than clamped (issue 19).
  if v_limit not between 1 and 1000 then
    raise exception 'Page size out of range: p_limit must be 1 to 1000 (got %).', v_limit
      using errcode = '22023', hint = 'invalid_page';
  end if;
  if coalesce(cardinality(p_user_ids), 0) > 50 then
    raise exception 'At most 50 people at a time.' using errcode = '22023', hint = 'too_many_people';
  end if;
  if (p_before_at is null) <> (p_before_id is null) then
    raise exception 'A page cursor needs both a time and an id.' using errcode = '22023', hint = 'invalid_cursor';
  end if;
  select coalesce(array_agg(distinct x), '{}') into v_ids from unnest(p_user_ids) x where x is not null;
  if cardinality(v_ids) = 0 then
    return;
  end if;

  if p_action is not null then v_filters := v_filters || ' and l.action = $3'; end if;
  if p_entity_type is not null then v_filters := v_filters || ' and l.entity_type = $4'; end if;
  if p_from is not null then v_filters := v_filters || ' and l.occurred_at >= $5'; end if;
  if p_to is not null then v_filters := v_filters || ' and l.occurred_at < $6'; end if;
  if p_before_at is not null then
    v_filters := v_filters || ' and l.occurred_at <= $7 and (l.occurred_at < $7 or l.id < $8)';
  end if;

  v_sql := 'select a.* from ('
    || ' select x.* from unnest($2) as u(id) cross join lateral ('
    || '   select l.* from public.activity_log l'
    || '    where l.workspace_id = $1 and l.actor_id = u.id' || v_filters
    || '    order by l.occurred_at desc, l.id desc limit $9) x';
  if p_include_subject then
    v_sql := v_sql
      || ' union all'
      || ' select x.* from unnest($2) as u(id) cross join lateral ('
      || '   select l.* from public.activity_log l'
      || '    where l.workspace_id = $1 and l.subject_user_id = u.id'
      || '      and (l.actor_id is null or l.actor_id <> all($2))' || v_filters
      || '    order by l.occurred_at desc, l.id desc limit $9) x';
  end if;
  v_sql := v_sql || ') a order by a.occurred_at desc, a.id desc limit $9';

  return query execute v_sql
    using p_workspace_id, v_ids, p_action, p_entity_type, p_from, p_to, p_before_at, p_before_id, v_limit;
end;
$function$

;
comment on function public.activity_of_people(uuid, uuid[], boolean, text, text, timestamptz, timestamptz, timestamptz, bigint, integer) is
  'One page (p_limit 1 to 1000, default 50; outside that range 22023 invalid_page, HTTP 400, never clamped) of what up to 50 people did in a workspace (with p_include_subject, also what was done to them), optionally filtered by action, entity type and [p_from, p_to), newest first by (occurred_at, id); the next page passes the last row''s occurred_at and id as p_before_at/p_before_id. The caller''s RLS applies (activity.view, or their own rows). Errors: 22023 invalid_input / invalid_page / too_many_people / invalid_cursor.';
grant execute on function public.activity_of_people(p_workspace_id uuid, p_user_ids uuid[], p_include_subject boolean, p_action text, p_entity_type text, p_from timestamp with time zone, p_to timestamp with time zone, p_before_at timestamp with time zone, p_before_id bigint, p_limit integer) to authenticated;

-- ---------- Tables -----------------------------------------------------------------

comment on table public.activity_log is
  'Who did what, on what, when and from where. Written only by triggers; update, delete and truncate are refused for every role. No foreign keys: history outlives the workspace, member or asset it describes.';
comment on column public.activity_log.id is
  'Increasing id, drawn under the per-workspace chain lock by the chain trigger, so id order is chain order within a workspace.';
comment on column public.activity_log.occurred_at is 'Transaction time of the change.';
comment on column public.activity_log.actor_id is
  'auth.uid() of whoever made the change; null = system (migrations, seed, scheduled jobs).';
comment on column public.activity_log.actor_email is
  'Snapshot of the actor''s email at the time (from auth.users).';
comment on column public.activity_log.action is
  'Action name, e.g. member.role_changed; every value is catalogued in public.activity_actions.';
comment on column public.activity_log.entity_type is
  'What the row is about; every value is catalogued in public.activity_entity_types.';
comment on column public.activity_log.entity_id is
  'Id of the entity (text; role_permission rows use ''<role>:<permission>'').';
comment on column public.activity_log.subject_user_id is
  'The user the change is about, where there is one (member, seat holder, asset assignee).';
comment on column public.activity_log.before is
  'Previous values: the whole row for deletes, only the changed columns for updates.';
comment on column public.activity_log.after is
  'New values: the whole row for inserts, only the changed columns for updates.';
comment on column public.activity_log.ip is
  'Client IP of the API request as the trusted proxy saw it (private.request_ip(): by default the right-most x-forwarded-for entry, which the gateway appends), where available.';
comment on column public.activity_log.user_agent is
  'Client user agent of the API request, where available.';
comment on column public.activity_log.prev_hash is
  'hash of the previous row of the same workspace (null for the first).';
comment on column public.activity_log.hash is
  'sha256(prev_hash || canonical row content); see private.activity_hash().';
comment on column public.activity_log.subject_email is
  'The subject''s email when the row was written (a snapshot, like actor_email), so the log still names people who have since left or whose invitation was withdrawn. Null without a subject.';

create sequence public.activity_log_id_seq
  start with 1
  increment by 1
  no minvalue
  no maxvalue
  cache 1;
alter sequence public.activity_log_id_seq owned by public.activity_log.id;
revoke all on sequence public.activity_log_id_seq from anon, authenticated, service_role;

create index activity_log_workspace_id_idx on public.activity_log (workspace_id, id desc);
comment on index public.activity_log_workspace_id_idx is
  'Newest-first paging by id, chunked verification, checkpoints; the chain head''s first lookup for a workspace.';

create index activity_log_workspace_entity_idx on public.activity_log (workspace_id, entity_type, entity_id);
comment on index public.activity_log_workspace_entity_idx is 'History of one entity.';

create index activity_log_invited_subject_idx
  on public.activity_log (subject_user_id, occurred_at)
  where action = 'member.invited';
comment on index public.activity_log_invited_subject_idx is
  'Per-address invitation limit: invitations a person received recently, across workspaces.';

create index activity_log_deleted_workspaces_idx on public.activity_log (workspace_id)
  where action = 'workspace.deleted';
comment on index public.activity_log_deleted_workspaces_idx is
  'Deleted workspaces whose history the vendor-wide analyst still sees (private.reporting_workspace_ids()).';

create index activity_log_workspace_occurred_idx
  on public.activity_log (workspace_id, occurred_at desc, id desc);
comment on index public.activity_log_workspace_occurred_idx is
  'Activity page, newest first, and date ranges: keyset on (occurred_at, id).';

create index activity_log_workspace_actor_idx
  on public.activity_log (workspace_id, actor_id, occurred_at desc, id desc);
comment on index public.activity_log_workspace_actor_idx is
  'Activity filtered by actor (a member chosen by name or email), newest first.';

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

create index activity_log_workspace_actor_email_idx
  on public.activity_log (workspace_id, actor_email, occurred_at desc, id desc);
comment on index public.activity_log_workspace_actor_email_idx is
  'Activity filtered by the exact email of an actor (someone no longer in the directory), newest first.';

create index activity_log_workspace_day_idx
  on public.activity_log (workspace_id, ((occurred_at at time zone 'UTC')::date), action, actor_id);
comment on index public.activity_log_workspace_day_idx is
  'reporting.daily_activity_counts filtered by day: one range of the chosen days per workspace, with action and actor (count distinct) in the index.';

alter table public.activity_log enable row level security;

create policy "Members with activity.view can read the activity log"
  on public.activity_log for select to authenticated
  using (workspace_id in (select private.workspaces_with('activity.view')));
comment on policy "Members with activity.view can read the activity log" on public.activity_log is
  'The whole log of the workspace. Nobody may write: triggers append rows.';

create policy "Members can read their own activity"
  on public.activity_log for select to authenticated
  using (actor_id = (select auth.uid()) and workspace_id in (select private.accessible_workspace_ids()));
comment on policy "Members can read their own activity" on public.activity_log is
  'An active member always sees what they did themselves.';

create trigger activity_log_last_active
  after insert on public.activity_log
  referencing new table as new_rows
  for each statement execute function private.touch_member_last_active();
comment on trigger activity_log_last_active on public.activity_log is
  'Keeps memberships.last_active_at ("Last active") at the member''s newest authored activity.';

create trigger activity_log_chain
  before insert on public.activity_log
  for each row execute function private.chain_activity();
comment on trigger activity_log_chain on public.activity_log is
  'Hash chain: every row links to the previous row of its workspace.';

create trigger activity_log_append_only
  before update or delete on public.activity_log
  for each row execute function private.refuse_activity_change();
comment on trigger activity_log_append_only on public.activity_log is
  'Rows can never be changed or deleted.';

create trigger activity_log_no_truncate
  before truncate on public.activity_log
  for each statement execute function private.refuse_activity_change();
comment on trigger activity_log_no_truncate on public.activity_log is
  'The table can never be truncated.';

create trigger activity_log_a_subject_email
  before insert on public.activity_log
  for each row execute function private.snapshot_activity_subject();
comment on trigger activity_log_a_subject_email on public.activity_log is
  'Keeps the subject''s email on the row; fires before activity_log_chain, which hashes it.';

revoke all on table public.activity_log from anon, authenticated, service_role;
grant select on table public.activity_log to authenticated, service_role;

create table private.activity_chain_heads (
  workspace_id uuid not null,
  last_id bigint,
  last_hash bytea,
  row_count bigint,
  constraint activity_chain_heads_pkey primary key (workspace_id)
)
with (fillfactor='20');

comment on table private.activity_chain_heads is
  'Head of each workspace''s activity hash chain: the id and hash of its newest row, kept by private.chain_activity() in the same transaction as the row. Its row lock serialises a workspace''s activity writers. No policies and no grants: only the table owner (the trigger) reads or writes it. Low fillfactor: every activity row updates its workspace''s head, and the spare room keeps those updates HOT.';
comment on column private.activity_chain_heads.workspace_id is
  'The workspace (no foreign key: history, and its chain, outlive the workspace).';
comment on column private.activity_chain_heads.last_id is
  'Id of the workspace''s newest activity row; null until the first row written through the trigger (then the newest stored row is looked up once).';
comment on column private.activity_chain_heads.last_hash is
  'hash of that row: the next row''s prev_hash (null: the chain has not started).';
comment on column private.activity_chain_heads.row_count is
  'Rows of the workspace''s log, kept by the trigger (the log is append-only): the Activity page''s unfiltered total without counting. Null = unknown (rows were written with triggers off), then totals are counted.';

alter table private.activity_chain_heads enable row level security;

-- ---------- Retention (issue 23, item 6; docs/scaling.md, "Retention") -------------------

create table private.activity_retention (
  workspace_id uuid not null,
  pruned_through_id bigint not null,
  anchor_hash bytea not null,
  rows_pruned bigint not null,
  kept_from timestamp with time zone not null,
  pruned_at timestamp with time zone not null,
  pruning_xact bigint,
  constraint activity_retention_pkey primary key (workspace_id)
);
comment on table private.activity_retention is
  'The retention cut of each workspace''s activity log: rows up to pruned_through_id were removed by private.apply_activity_retention(); anchor_hash is the hash of the last removed row, which the first kept row links to, so the chain still verifies from there. No grants: only the owner (the job, the verifiers) reads it.';
comment on column private.activity_retention.pruned_through_id is 'Highest removed id (every row of the workspace up to it is gone).';
comment on column private.activity_retention.anchor_hash is 'hash of the row at pruned_through_id: the first kept row''s prev_hash.';
comment on column private.activity_retention.rows_pruned is 'Rows removed so far, all cuts together: checkpoints still count them in row_count.';
comment on column private.activity_retention.kept_from is 'The last cut''s cutoff: entries from this time on are kept.';
comment on column private.activity_retention.pruning_xact is 'Transaction id while a cut runs (lets the append-only trigger allow exactly its deletes), else null.';
alter table private.activity_retention enable row level security;

create or replace function private.apply_activity_retention(p_workspace_id uuid default null)
returns table (workspace_id uuid, rows_removed bigint, kept_from timestamp with time zone)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_ws record;
  v_cutoff timestamptz;
  v_first_kept bigint;
  v_through bigint;
  v_anchor bytea;
  v_n bigint;
begin
  for v_ws in
    select w.id, w.activity_retention_days as days from public.workspaces w
     where w.activity_retention_days is not null and (p_workspace_id is null or w.id = p_workspace_id)
     order by w.id
  loop
    v_cutoff := now() - make_interval(days => v_ws.days);
    -- One writer per chain: the head row's lock, as the chain trigger takes it.
    perform 1 from private.activity_chain_heads h where h.workspace_id = v_ws.id for update;
    -- The cut is a prefix of the chain: everything before the first entry inside the period.
    select min(a.id) into v_first_kept
      from public.activity_log a where a.workspace_id = v_ws.id and a.occurred_at >= v_cutoff;
    v_through := null;
    select a.id, a.hash into v_through, v_anchor
      from public.activity_log a
     where a.workspace_id = v_ws.id and (v_first_kept is null or a.id < v_first_kept)
     order by a.id desc limit 1;
    continue when v_through is null;
    select count(*) into v_n from public.activity_log a where a.workspace_id = v_ws.id and a.id <= v_through;

    insert into private.activity_retention as r
      (workspace_id, pruned_through_id, anchor_hash, rows_pruned, kept_from, pruned_at, pruning_xact)
    values (v_ws.id, v_through, v_anchor, v_n, v_cutoff, now(), pg_catalog.txid_current())
    on conflict on constraint activity_retention_pkey do update
      set pruned_through_id = excluded.pruned_through_id, anchor_hash = excluded.anchor_hash,
          rows_pruned = r.rows_pruned + excluded.rows_pruned, kept_from = excluded.kept_from,
          pruned_at = excluded.pruned_at, pruning_xact = excluded.pruning_xact;
    delete from public.activity_log a where a.workspace_id = v_ws.id and a.id <= v_through;
    update private.activity_retention r set pruning_xact = null where r.workspace_id = v_ws.id;

    -- The cut is itself an entry of the chain (actor: none, named by the catalogue).
    perform private.log_activity(v_ws.id, 'workspace.activity_pruned', 'workspace', v_ws.id::text, null,
      jsonb_build_object('rows', v_n, 'cutoff_at', v_cutoff, 'retention_days', v_ws.days), null, null);
    workspace_id := v_ws.id;
    rows_removed := v_n;
    kept_from := v_cutoff;
    return next;
  end loop;
end;
$$;
comment on function private.apply_activity_retention(p_workspace_id uuid) is
  'The retention job (all workspaces with activity_retention_days, or one): removes the prefix of the workspace''s activity chain older than its retention, records the cut (private.activity_retention: last removed id and its hash, rows removed) so that verify_activity_log still verifies from the first kept row and old checkpoints still count, and logs workspace.activity_pruned. Scheduled daily with pg_cron where it is installed (docs/scaling.md, "Retention"); owner only.';

create or replace function public.set_activity_retention(p_workspace_id uuid, p_days integer)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.require_workspace(p_workspace_id);
  perform private.require_permission(p_workspace_id, 'settings.manage');
  if private.accessible_role(p_workspace_id) is distinct from 'owner' then
    raise exception 'Only the Owner can change how long activity is kept.'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  if p_days is not null and p_days not between 30 and 3650 then
    raise exception 'Keep activity for 30 to 3,650 days, or for ever (got %).', p_days
      using errcode = '22023', hint = 'invalid_retention';
  end if;
  update public.workspaces w set activity_retention_days = p_days where w.id = p_workspace_id;
end;
$$;
comment on function public.set_activity_retention(p_workspace_id uuid, p_days integer) is
  'Sets how long the workspace''s activity is kept: 30 to 3,650 days, or null for ever. Owner only (a shorter retention removes history). Logged as workspace.settings_changed. Errors: PT404 not_found, 42501 not_allowed, 22023 invalid_retention.';
grant execute on function public.set_activity_retention(p_workspace_id uuid, p_days integer) to authenticated;

create or replace function public.activity_retention_status(p_workspace_id uuid)
returns table (retention_days integer, kept_from timestamp with time zone, rows_removed bigint, last_run timestamp with time zone)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_workspace_permission(p_workspace_id, 'activity.view');
  return query
    select w.activity_retention_days, r.kept_from, coalesce(r.rows_pruned, 0), r.pruned_at
      from public.workspaces w
      left join private.activity_retention r on r.workspace_id = w.id
     where w.id = p_workspace_id;
end;
$$;
comment on function public.activity_retention_status(p_workspace_id uuid) is
  'What the Activity page states about retention (activity.view): the workspace''s retention in days (null: kept for ever), the last cut''s cutoff, rows removed so far and when the job last removed any. Errors: PT404 not_found, 42501 not_allowed.';
grant execute on function public.activity_retention_status(p_workspace_id uuid) to authenticated;

-- The thresholds live in a small table rather than in code so that an operator can tune
-- them (as postgres: update private.alert_rules ...) without a migration; the values
-- below are the product defaults.
create table private.alert_rules (
  kind text not null,
  actions text[] not null,
  group_by text not null,
  window_length interval not null,
  threshold integer not null,
  description text not null,
  constraint alert_rules_actions_present check ((cardinality(actions) > 0)),
  constraint alert_rules_group_by_values check ((group_by = any (array['actor'::text, 'subject'::text]))),
  constraint alert_rules_kind_format check ((kind ~ '^[a-z_]+$'::text)),
  constraint alert_rules_threshold_min check ((threshold >= 2)),
  constraint alert_rules_window_positive check ((window_length > '00:00:00'::interval)),
  constraint alert_rules_pkey primary key (kind)
);

comment on table private.alert_rules is
  'Burst rules behind activity_alerts() and reporting.alerts: kind, the actions it counts, whom it groups by, and threshold events within window_length. No policies: read only by the security definer function and the reporting view''s owner.';
comment on column private.alert_rules.kind is
  'Alert kind returned to callers: deletion_burst | role_change_burst | failed_sign_in_burst.';
comment on column private.alert_rules.actions is
  'activity_log.action values that count towards the burst.';
comment on column private.alert_rules.group_by is
  'actor = one person doing it (actor_id); subject = one person it happens to (subject_user_id, e.g. the account whose sign-ins fail).';
comment on column private.alert_rules.window_length is 'Length of the sliding window.';
comment on column private.alert_rules.threshold is
  'Events within one window that make a burst (at least 2).';
comment on column private.alert_rules.description is 'What the alert means, for people.';

alter table private.alert_rules enable row level security;

create table private.client_ip_rule (
  singleton boolean default true not null,
  header text default 'x-forwarded-for'::text not null,
  trusted_hops integer default 1 not null,
  constraint client_ip_rule_header_format check ((header ~ '^[a-z0-9-]{1,64}$'::text)),
  constraint client_ip_rule_hops_range check (((trusted_hops >= 1) and (trusted_hops <= 10))),
  constraint client_ip_rule_singleton check (singleton),
  constraint client_ip_rule_pkey primary key (singleton)
);

comment on table private.client_ip_rule is
  'Where the client address of an API request comes from (one row): the request header (lower case, as in PostgREST request.headers) and how many trusted proxies append to it. Operator-owned (as postgres): no policies, no API access.';
comment on column private.client_ip_rule.header is
  'x-forwarded-for (locally: the gateway appends the socket address) or cf-connecting-ip (hosted Supabase, behind Cloudflare).';
comment on column private.client_ip_rule.trusted_hops is
  'The address is this many entries from the right of the header''s comma-separated list (1 = the last, the one the outermost trusted proxy appended).';

alter table private.client_ip_rule enable row level security;

create table public.activity_entity_types (
  key text not null,
  label text not null,
  sort_order integer not null,
  constraint activity_entity_types_key_format check ((key ~ '^[a-z_]+$'::text)),
  constraint activity_entity_types_pkey primary key (key)
);

create table public.activity_actions (
  key text not null,
  entity_type text not null,
  label text not null,
  description text not null,
  sentence text not null,
  cleared_field text,
  sentence_if_cleared text,
  sort_order integer not null,
  system_actor text,
  constraint activity_actions_cleared_pair check (((cleared_field is null) = (sentence_if_cleared is null))),
  constraint activity_actions_key_format check ((key ~ '^[a-z_]+\.[a-z_]+$'::text)),
  constraint activity_actions_pkey primary key (key),
  constraint activity_actions_entity_type_fkey foreign key (entity_type) references public.activity_entity_types(key)
);

comment on table public.activity_actions is
  'Every action written to activity_log.action, with a label, a one-line meaning and a sentence template. Read-only for signed-in users; changed only by migrations.';
comment on column public.activity_actions.key is
  'The value written to activity_log.action (noun.verb).';
comment on column public.activity_actions.entity_type is
  'The entity type rows with this action carry.';
comment on column public.activity_actions.label is
  'Short name for filters and exports, e.g. Role changed.';
comment on column public.activity_actions.description is 'What the action means, in one sentence.';
comment on column public.activity_actions.sentence is
  'Template of the sentence shown per row. Placeholders: {actor} (who did it), {subject} (the member it is about), {entity} (the name of the thing changed), {before.<field>} and {after.<field>} (values from the row, in words).';
comment on column public.activity_actions.cleared_field is
  'Optional placeholder path (e.g. after.assigned_to): when the row leaves it empty, sentence_if_cleared is used instead.';
comment on column public.activity_actions.sentence_if_cleared is
  'The sentence when cleared_field is empty (e.g. an asset checked back in).';
comment on column public.activity_actions.sort_order is 'Display order in filters.';
comment on column public.activity_actions.system_actor is
  'Who does this when no person did (the row has no actor): the job''s name, shown as "System – <name>" (e.g. log retention). Null: "System".';

create index activity_actions_entity_type_idx on public.activity_actions (entity_type);
comment on index public.activity_actions_entity_type_idx is
  'Foreign key lookups from the entity types.';

alter table public.activity_actions enable row level security;

create policy "Signed-in users can read the activity actions"
  on public.activity_actions for select to authenticated
  using (true);
comment on policy "Signed-in users can read the activity actions" on public.activity_actions is
  'Catalogue data, not workspace data: any signed-in user may read it.';

revoke all on table public.activity_actions from anon, authenticated;
grant select on table public.activity_actions to authenticated;

comment on table public.activity_entity_types is
  'What an activity row can be about (activity_log.entity_type), with a label for people. Read-only for signed-in users; changed only by migrations.';
comment on column public.activity_entity_types.key is
  'The value written to activity_log.entity_type.';
comment on column public.activity_entity_types.label is 'Name shown to people, e.g. Licence seat.';
comment on column public.activity_entity_types.sort_order is 'Display order in filters.';

alter table public.activity_entity_types enable row level security;

create policy "Signed-in users can read the activity entity types"
  on public.activity_entity_types for select to authenticated
  using (true);
comment on policy "Signed-in users can read the activity entity types" on public.activity_entity_types is
  'Catalogue data, not workspace data: any signed-in user may read it.';

revoke all on table public.activity_entity_types from anon, authenticated;
grant select on table public.activity_entity_types to authenticated;

-- ---------- Triggers on tables defined elsewhere, calling functions of this file ---

create trigger memberships_activity
  after insert or update or delete on public.memberships
  for each row execute function private.record_activity('membership');
comment on trigger memberships_activity on public.memberships is
  'member.* and ownership.transferred.';

create trigger workspaces_activity
  after insert or update or delete on public.workspaces
  for each row execute function private.record_activity('workspace');
comment on trigger workspaces_activity on public.workspaces is
  'workspace.created / settings_changed / deleted.';

create trigger role_permissions_activity
  after insert or update or delete on public.role_permissions
  for each row execute function private.record_activity('role_permission');
comment on trigger role_permissions_activity on public.role_permissions is
  'permission.granted / revoked.';

-- ---------- Catalogue rows ---------------------------------------------------------

insert into public.activity_entity_types (key, label, sort_order) values
  ('workspace', 'Workspace', 10),
  ('membership', 'Member', 20),
  ('user', 'Account', 30),
  ('role_permission', 'Role permission', 40),
  ('asset', 'Asset', 50),
  ('license', 'Licence', 60),
  ('license_seat', 'Licence seat', 70),
  ('access_review', 'Access review', 80),
  ('sql_credential', 'SQL credential', 90),
  ('onboarding', 'Onboarding', 100),
  ('onboarding_kit', 'Onboarding kit', 110);

insert into public.activity_actions (key, entity_type, label, description, sentence, cleared_field, sentence_if_cleared, sort_order) values
  ('workspace.created', 'workspace', 'Workspace created', 'The workspace was created.', '{actor} created the workspace {after.name}', NULL, NULL, 10),
  ('workspace.settings_changed', 'workspace', 'Settings changed', 'A workspace setting (name, 2FA rule, …) was changed.', '{actor} changed the workspace settings', NULL, NULL, 20),
  ('workspace.deleted', 'workspace', 'Workspace deleted', 'The workspace and all its data were deleted.', '{actor} deleted the workspace {before.name}', NULL, NULL, 30),
  ('member.invited', 'membership', 'Invited', 'Someone was invited to join the workspace.', '{actor} invited {subject} as {after.role}', NULL, NULL, 100),
  ('member.invitation_resent', 'membership', 'Invitation resent', 'A pending invitation was sent again with a new expiry date.', '{actor} resent the invitation to {subject}', NULL, NULL, 110),
  ('member.invitation_revoked', 'membership', 'Invitation revoked', 'A pending invitation was cancelled; its link no longer works.', '{actor} revoked the invitation to {subject}', NULL, NULL, 120),
  ('member.invite_rate_limited', 'workspace', 'Invitations held back', 'A batch of invitations was refused because the workspace sent too many in a short time.', '{actor} tried to send {after.addresses} invitations, but too many had been sent recently', NULL, NULL, 125),
  ('member.invitation_requested', 'workspace', 'New invitation asked for', 'Someone whose invitation had expired or was withdrawn asked for a new one.', '{after.email} asked for a new invitation', NULL, NULL, 125),
  ('member.joined', 'membership', 'Joined', 'An invited person accepted and joined the workspace.', '{subject} joined the workspace', NULL, NULL, 130),
  ('member.declined', 'membership', 'Invitation declined', 'An invited person declined the invitation.', '{subject} declined the invitation', NULL, NULL, 140),
  ('member.role_changed', 'membership', 'Role changed', 'A member was given a different role.', '{actor} changed {subject}''s role from {before.role} to {after.role}', NULL, NULL, 150),
  ('member.deactivated', 'membership', 'Deactivated', 'A member lost access until reactivated (offboarding).', '{actor} deactivated {subject}', NULL, NULL, 160),
  ('member.reactivated', 'membership', 'Reactivated', 'A deactivated member got their access back.', '{actor} reactivated {subject}', NULL, NULL, 170),
  ('member.suspended', 'membership', 'Suspended', 'A member''s access was paused, until a date or until lifted.', '{actor} suspended {subject}', NULL, NULL, 180),
  ('member.suspension_lifted', 'membership', 'Suspension lifted', 'A suspended member got their access back.', '{actor} lifted {subject}''s suspension', NULL, NULL, 190),
  ('member.removed', 'membership', 'Removed', 'A member was removed from the workspace.', '{actor} removed {subject} from the workspace', NULL, NULL, 200),
  ('member.left', 'membership', 'Left', 'A member left the workspace.', '{subject} left the workspace', NULL, NULL, 210),
  ('member.two_factor_reset', 'membership', '2FA reset', 'An admin removed a member''s two-factor authentication (lost device); they set it up again at their next sign-in.', '{actor} reset {subject}''s two-factor authentication', NULL, NULL, 215),
  ('member.updated', 'membership', 'Member updated', 'Other details of a membership changed.', '{actor} updated {subject}''s membership', NULL, NULL, 220),
  ('member.sessions_revoked', 'user', 'Signed out everywhere', 'A member who lost access was signed out of every device.', '{subject} was signed out of every device', NULL, NULL, 230),
  ('ownership.transferred', 'membership', 'Ownership transferred', 'The Owner handed the workspace to another member.', '{actor} made {subject} the Owner', NULL, NULL, 240),
  ('permission.granted', 'role_permission', 'Permission granted', 'A role was allowed something new.', '{actor} allowed the {after.role} role to {after.permission}', NULL, NULL, 300),
  ('permission.revoked', 'role_permission', 'Permission revoked', 'A role lost a permission.', '{actor} stopped the {before.role} role from being able to {before.permission}', NULL, NULL, 310),
  ('permission.updated', 'role_permission', 'Permission updated', 'Details of a role''s permission changed.', '{actor} updated what the {after.role} role may do', NULL, NULL, 320),
  ('asset.created', 'asset', 'Asset added', 'An asset was added to the inventory.', '{actor} added the asset {entity}', NULL, NULL, 400),
  ('asset.updated', 'asset', 'Asset edited', 'An asset''s details were changed.', '{actor} edited the asset {entity}', NULL, NULL, 410),
  ('asset.assigned', 'asset', 'Asset handed out', 'An asset was handed to a member or checked back in.', '{actor} handed {entity} to {subject}', 'after.assigned_to', '{actor} checked in {entity} from {subject}', 420),
  ('asset.deleted', 'asset', 'Asset deleted', 'An asset was removed from the inventory.', '{actor} deleted the asset {entity}', NULL, NULL, 430),
  ('license.created', 'license', 'Licence added', 'A software licence was added.', '{actor} added the licence {entity}', NULL, NULL, 500),
  ('license.updated', 'license', 'Licence edited', 'A licence''s details were changed.', '{actor} edited the licence {entity}', NULL, NULL, 510),
  ('license.deleted', 'license', 'Licence deleted', 'A licence and its seats were removed.', '{actor} deleted the licence {entity}', NULL, NULL, 520),
  ('license_seat.assigned', 'license_seat', 'Seat given', 'A member was given a seat of a licence.', '{actor} gave {subject} a licence seat', NULL, NULL, 530),
  ('license_seat.revoked', 'license_seat', 'Seat taken back', 'A member''s licence seat was taken back.', '{actor} took back {subject}''s licence seat', NULL, NULL, 540),
  ('license_seat.updated', 'license_seat', 'Seat updated', 'Details of a licence seat changed.', '{actor} updated {subject}''s licence seat', NULL, NULL, 550),
  ('access_review.completed', 'access_review', 'Access review completed', 'Someone confirmed who should keep access.', '{actor} completed an access review', NULL, NULL, 600),
  ('access_review.updated', 'access_review', 'Access review updated', 'An access review was changed.', '{actor} updated an access review', NULL, NULL, 610),
  ('access_review.deleted', 'access_review', 'Access review deleted', 'An access review was deleted.', '{actor} deleted an access review', NULL, NULL, 620),
  ('access_review.member_kept', 'access_review', 'Kept in a review', 'An access review confirmed that a flagged member keeps access.', '{actor} kept {subject}''s access in an access review', NULL, NULL, 630),
  ('access_review.member_removed', 'access_review', 'Removed in a review', 'An access review removed a flagged member''s access (deactivated).', '{actor} removed {subject}''s access in an access review', NULL, NULL, 640),
  ('auth.sign_in', 'user', 'Signed in', 'A member signed in.', '{subject} signed in', NULL, NULL, 700),
  ('auth.sign_in_failed', 'user', 'Sign-in failed', 'Someone tried to sign in as a member with a wrong password.', 'A sign-in as {subject} failed (wrong password)', NULL, NULL, 710),
  ('sql_credential.created', 'sql_credential', 'SQL credential created', 'A read-only SQL login for analysts was created.', '{actor} created the SQL credential {after.name}', NULL, NULL, 910),
  ('sql_credential.rotated', 'sql_credential', 'SQL credential rotated', 'A SQL credential was given a new password; sessions with the old one ended.', '{actor} rotated the password of the SQL credential {after.name}', NULL, NULL, 920),
  ('sql_credential.revoked', 'sql_credential', 'SQL credential revoked', 'A SQL credential was deleted; its login no longer works.', '{actor} revoked the SQL credential {before.name}', NULL, NULL, 930),
  ('onboarding.started', 'onboarding', 'Onboarding started', 'A new member joined and their onboarding kits were applied: items reserved from stock, tasks given owners and due dates.', '{subject} joined and onboarding started ({after.name})', NULL, NULL, 1000),
  ('onboarding.task_completed', 'onboarding', 'Onboarding task done', 'A task of a new member''s onboarding checklist was completed.', '{actor} completed "{after.name}" for {subject}', NULL, NULL, 1010),
  ('onboarding.completed', 'onboarding', 'Onboarding completed', 'Every task was done and every item handed over.', '{subject}''s onboarding is complete', NULL, NULL, 1020),
  ('onboarding.cancelled', 'onboarding', 'Onboarding cancelled', 'The member left before their onboarding finished; what was reserved went back to stock.', '{subject}''s onboarding was cancelled and {after.returned} reserved items went back to stock', NULL, NULL, 1030),
  ('onboarding_kit.created', 'onboarding_kit', 'Onboarding kit added', 'An onboarding kit was created.', '{actor} created the onboarding kit {entity}', NULL, NULL, 1100),
  ('onboarding_kit.updated', 'onboarding_kit', 'Onboarding kit edited', 'An onboarding kit was changed.', '{actor} edited the onboarding kit {entity}', NULL, NULL, 1110),
  ('onboarding_kit.deleted', 'onboarding_kit', 'Onboarding kit deleted', 'An onboarding kit was deleted; onboardings already started keep their items and tasks.', '{actor} deleted the onboarding kit {entity}', NULL, NULL, 1120);

insert into public.activity_actions (key, entity_type, label, description, sentence, cleared_field, sentence_if_cleared, sort_order, system_actor) values
  ('workspace.activity_pruned', 'workspace', 'Old activity removed', 'Entries older than the workspace''s retention were removed; the chain still verifies from the first kept entry.', '{actor} removed {after.rows} entries from before {after.cutoff_at}', NULL, NULL, 40, 'log retention');

insert into private.alert_rules (kind, actions, group_by, window_length, threshold, description) values
  ('deletion_burst', '{asset.deleted,license.deleted,member.removed}', 'actor', '00:10:00', 10, 'One person deleted at least 10 assets, licences or members within 10 minutes.'),
  ('failed_sign_in_burst', '{auth.sign_in_failed}', 'subject', '00:15:00', 5, 'At least 5 failed sign-ins for one account within 15 minutes.'),
  ('role_change_burst', '{member.role_changed}', 'actor', '00:10:00', 5, 'One person changed at least 5 roles within 10 minutes.');

insert into private.client_ip_rule (singleton, header, trusted_hops) values
  (true, 'x-forwarded-for', 1);
