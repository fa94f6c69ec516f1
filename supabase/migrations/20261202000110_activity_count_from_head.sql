-- =====================================================================================
-- The Activity page's unfiltered total from the chain head's row count (issue 11, load).
--
-- activity_count() counted up to its cap (10,001 rows read under RLS) on every first visit and
-- filter reset of the page: ~8 ms of a warm single request and the slowest Activity request
-- under load (0.39x the trivial select with 50 connections). The chain head
-- (20261202000100) keeps the workspace's row count in the same transaction as each row (the
-- log is append-only), so for a caller who reads every row of the workspace (activity.view:
-- the first RLS policy of activity_log admits all of them) the total is known without reading
-- the log. Filtered counts, and callers who see only their own rows, count as before.
-- =====================================================================================

create or replace function private.activity_total(p_workspace_id uuid)
returns bigint
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if p_workspace_id in (select private.workspaces_with('activity.view')) then
    return (select h.row_count from private.activity_chain_heads h where h.workspace_id = p_workspace_id);
  end if;
  return null;
end;
$$;
comment on function private.activity_total(uuid) is
  'Rows in the workspace''s activity log (the chain head''s count), for a caller with activity.view there (who reads every row of it under RLS); null otherwise, or when the count is unknown (rows written with triggers off), so the caller counts instead.';
revoke all on function private.activity_total(uuid) from public, anon;
grant execute on function private.activity_total(uuid) to authenticated;

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
security invoker
set search_path = ''
as $$
declare
  v_cap integer := least(greatest(coalesce(p_cap, 10000), 1), 100000);
  v_where text := 'l.workspace_id = $1';
  v_n bigint;
begin
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
$$;
comment on function public.activity_count(uuid, uuid[], boolean, text, text, text, text, timestamptz, timestamptz, integer) is
  'How many activity rows match the Activity page''s filters (the same ones as its reads; with p_include_subject, rows done by or to p_user_ids), counted exactly up to p_cap (default 10,000, at most 100,000): capped = true means "more than total". The caller''s RLS applies. Without filters, for a caller with activity.view, from the chain head''s row count (no rows read). Errors: 22023 too_many_people.';
revoke all on function public.activity_count(uuid, uuid[], boolean, text, text, text, text, timestamptz, timestamptz, integer) from public, anon;
grant execute on function public.activity_count(uuid, uuid[], boolean, text, text, text, text, timestamptz, timestamptz, integer) to authenticated;
