-- =====================================================================================
-- Tamper evidence that survives the table owner (issue 12, finding 9). The hash chain
-- shows edits made behind the triggers' back only as long as nobody recomputes it: the
-- table owner can disable activity_log_append_only, rewrite the newest rows, recompute
-- their hashes and still pass verify_activity_log(). A checkpoint of the chain head
-- (workspace, last id, its hash, number of rows up to it, time) kept OUTSIDE the database
-- (every export carries one; Admins and analysts can take one at any time) pins the whole
-- prefix: each hash covers every row before it, so a rewritten row at or before the
-- checkpoint changes the hash at last_id, and a truncated tail loses the row at last_id or
-- changes the count.
--   * activity_checkpoint(workspace)          -> the current head (activity.view)
--   * reporting.activity_checkpoints          -> the head of every workspace (analysts)
--   * verify_activity_log(workspace, checkpoint jsonb) -> chain check plus checkpoint check
-- =====================================================================================

-- ---------- Taking a checkpoint ------------------------------------------------------
create or replace function private.activity_head(p_workspace_id uuid)
returns table (workspace_id uuid, last_id bigint, hash text, row_count bigint, taken_at timestamptz)
language sql
stable
set search_path = ''
as $$
  select p_workspace_id, h.id, pg_catalog.encode(h.hash, 'hex'),
         (select count(*) from public.activity_log a where a.workspace_id = p_workspace_id and a.id <= h.id),
         now()
    from (select a.id, a.hash from public.activity_log a
           where a.workspace_id = p_workspace_id
           order by a.id desc limit 1) h
$$;
comment on function private.activity_head(uuid) is
  'The chain head of a workspace''s activity log: last id, its hash (hex), rows up to it, now. No row when the log is empty.';

create or replace function public.activity_checkpoint(p_workspace_id uuid)
returns table (workspace_id uuid, last_id bigint, hash text, row_count bigint, taken_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not private.is_member(p_workspace_id) then
    raise exception 'Workspace not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  perform private.require_permission(p_workspace_id, 'activity.view');
  return query select * from private.activity_head(p_workspace_id);
end;
$$;
comment on function public.activity_checkpoint(uuid) is
  'A checkpoint of the workspace''s activity chain head (activity.view): workspace_id, last_id, hash (hex sha256 of that row), row_count (rows up to last_id), taken_at. Keep it outside the database and pass it to verify_activity_log(workspace, checkpoint) later. Errors: PT404 not_found, 42501 not_allowed.';

-- ---------- Verifying against one ----------------------------------------------------
create or replace function public.verify_activity_log(p_workspace_id uuid, p_checkpoint jsonb)
returns table (
  ok boolean, rows_checked bigint, first_bad_id bigint, last_id bigint,
  checkpoint_ok boolean, problem text
)
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
begin
  if not private.is_member(p_workspace_id) then
    raise exception 'Workspace not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  perform private.require_permission(p_workspace_id, 'activity.view');

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

  select pg_catalog.encode(a.hash, 'hex') into v_hash
    from public.activity_log a where a.workspace_id = p_workspace_id and a.id = v_cp_last;
  if not found then
    v_problem := 'checkpoint_row_missing';     -- the tail was truncated or rows deleted
  elsif v_hash <> v_cp_hash then
    v_problem := 'checkpoint_hash_mismatch';   -- a row up to the checkpoint was rewritten
  else
    select count(*) into v_count
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
comment on function public.verify_activity_log(uuid, jsonb) is
  'Recomputes the workspace''s hash chain (as verify_activity_log(workspace)) and checks it against a checkpoint taken earlier (activity_checkpoint or an export): the row at last_id still has the checkpoint''s hash and there are still row_count rows up to it. ok = both hold. problem: null | chain_broken | checkpoint_row_missing (truncated) | checkpoint_hash_mismatch (rewritten) | checkpoint_count_mismatch. Needs activity.view. Errors: PT404 not_found, 42501 not_allowed, 22023 invalid_checkpoint.';

-- ---------- Analysts -----------------------------------------------------------------
create view reporting.activity_checkpoints as
select h.*
  from public.workspaces w
  cross join lateral private.activity_head(w.id) h;
comment on view reporting.activity_checkpoints is
  'The activity chain head of every workspace (workspace_id, last_id, hash hex, row_count up to last_id, taken_at = now): store these outside the database to detect a rewritten or truncated log later (verify_activity_log(workspace, checkpoint)).';
grant select on reporting.activity_checkpoints to fluxera_analyst;

-- ---------- Grants -------------------------------------------------------------------
revoke all on function private.activity_head(uuid) from public, anon, authenticated;
revoke all on function
  public.activity_checkpoint(uuid),
  public.verify_activity_log(uuid, jsonb)
from public, anon;
grant execute on function
  public.activity_checkpoint(uuid),
  public.verify_activity_log(uuid, jsonb)
to authenticated;
