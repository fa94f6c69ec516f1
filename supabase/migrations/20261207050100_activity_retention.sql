-- Activity log retention (issue 23, item 6): a workspace setting, the job that removes the
-- chain's old prefix and records the cut so the chain still verifies, and system actors named.

alter table public.workspaces add column activity_retention_days integer;
alter table public.workspaces add constraint workspaces_activity_retention_days_range check (((activity_retention_days >= 30) and (activity_retention_days <= 3650)));
comment on column public.workspaces.activity_retention_days is
  'How long activity entries are kept, in days (30..3650); null = for ever. Set by the Owner (set_activity_retention); enforced by private.apply_activity_retention().';

alter table public.activity_actions add column system_actor text;
comment on column public.activity_actions.system_actor is
  'Who does this when no person did (the row has no actor): the job''s name, shown as "System – <name>" (e.g. log retention). Null: "System".';

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

insert into public.activity_actions (key, entity_type, label, description, sentence, cleared_field, sentence_if_cleared, sort_order, system_actor) values
  ('workspace.activity_pruned', 'workspace', 'Old activity removed', 'Entries older than the workspace''s retention were removed; the chain still verifies from the first kept entry.', '{actor} removed {after.rows} entries from before {after.cutoff_at}', NULL, NULL, 40, 'log retention');
