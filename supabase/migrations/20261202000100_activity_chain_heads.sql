-- =====================================================================================
-- The activity hash chain keeps its head in a row per workspace, so that writing an activity
-- row costs the same at any log size and under any plan (issue 11).
--
-- Before, the BEFORE INSERT trigger found the previous row with
--   select hash from activity_log where workspace_id = $1 order by id desc limit 1
-- and the planner chose how. Measured on the bench (docs/benchmarks.md): with the table's
-- statistics older than the rows being written (every bulk insert, e.g. `npm run bench:seed`)
-- the plan became a bitmap scan of the whole workspace through the smallest index led by
-- workspace_id plus a sort: 14,639 trigger lookups read 97 million index entries, and the
-- insert rate fell from ~2,000 to ~60 rows a second as the log grew (quadratic). The cached
-- generic plan of a busy stack can also walk the primary key backwards and filter on the
-- workspace, which costs as many rows as other tenants wrote since this workspace's last one.
--
-- Now the head (last id and its hash) is one row of private.activity_chain_heads, read by
-- primary key and locked FOR UPDATE: that row lock is the per-workspace writer lock (it
-- replaces the advisory lock), so ids are still drawn in chain order. The chain itself, the
-- hash and verify_activity_log() are unchanged.
--
-- Heads are filled here for every workspace; a workspace without one (a new workspace, or
-- rows written with triggers off by maintenance or tests) gets one on its next write, from its
-- newest stored row: a one-time lookup per workspace, planned for that workspace.
-- =====================================================================================

create table private.activity_chain_heads (
  workspace_id uuid primary key,
  last_id bigint,
  last_hash bytea,
  row_count bigint
) with (fillfactor = 20);
alter table private.activity_chain_heads enable row level security;
revoke all on table private.activity_chain_heads from public, anon, authenticated, service_role;

comment on table private.activity_chain_heads is
  'Head of each workspace''s activity hash chain: the id and hash of its newest row, kept by private.chain_activity() in the same transaction as the row. Its row lock serialises a workspace''s activity writers. No policies and no grants: only the table owner (the trigger) reads or writes it. Low fillfactor: every activity row updates its workspace''s head, and the spare room keeps those updates HOT.';
comment on column private.activity_chain_heads.workspace_id is 'The workspace (no foreign key: history, and its chain, outlive the workspace).';
comment on column private.activity_chain_heads.last_id is 'Id of the workspace''s newest activity row; null until the first row written through the trigger (then the newest stored row is looked up once).';
comment on column private.activity_chain_heads.last_hash is 'hash of that row: the next row''s prev_hash (null: the chain has not started).';
comment on column private.activity_chain_heads.row_count is
  'Rows of the workspace''s log, kept by the trigger (the log is append-only): the Activity page''s unfiltered total without counting. Null = unknown (rows were written with triggers off), then totals are counted.';

-- Not security definer and no SET search_path, as before (see 20261128000800): only the table
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

-- Heads of the workspaces that exist now (one custom-planned index lookup each, not a scan of
-- the log, and one count of the workspace's rows); deleted workspaces write no more rows, and
-- anything missed is looked up on its next write.
do $$
declare
  v_ws uuid;
  v_id bigint;
  v_hash bytea;
begin
  for v_ws in select w.id from public.workspaces w loop
    execute 'select a.id, a.hash from public.activity_log a where a.workspace_id = $1 order by a.id desc limit 1'
      into v_id, v_hash
      using v_ws;
    if v_id is not null then
      insert into private.activity_chain_heads (workspace_id, last_id, last_hash, row_count)
      values (v_ws, v_id, v_hash, (select count(*) from public.activity_log a where a.workspace_id = v_ws))
      on conflict (workspace_id) do nothing;
    end if;
  end loop;
end
$$;

comment on index public.activity_log_workspace_id_idx is
  'Newest-first paging by id, chunked verification, checkpoints; the chain head''s first lookup for a workspace.';
