-- =====================================================================================
-- Documented maxima of the Activity RPCs are enforced with a 400, not silently clamped
-- (issue 19, finding 8).
--
-- activity_of_people documented "p_limit at most 1000" and activity_count "p_cap at most
-- 100,000", but both clamped whatever they were given (p_limit 100,000 and p_cap 10,000,000 were
-- accepted and answered as if 1,000 / 100,000 had been asked, so a caller could not tell that
-- the answer was shorter than requested). Clamping hides a caller's mistake; the rest of the API
-- (member_directory_page's p_limit 1..1000, the bulk RPCs' 500 ids) refuses out-of-range values,
-- so these do too: 22023 (HTTP 400) with a message naming the range, hint invalid_page (a page
-- size) or invalid_cap (a count cap), and nothing is read. Null still means the default (50 rows,
-- a cap of 10,000). The SPA asks for at most 101 rows and a cap of 100,000, inside the ranges.
-- No other RPC parameter has a documented maximum that is not enforced (checked: the comments
-- of every public function mentioning "at most", "up to", "maximum" or "limit").
-- =====================================================================================

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
  -- The documented maximum, refused rather than clamped (20261207000320).
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
  -- The documented maximum, refused rather than clamped (20261207000320).
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

comment on function public.activity_of_people(uuid, uuid[], boolean, text, text, timestamptz, timestamptz, timestamptz, bigint, integer) is
  'One page (p_limit 1 to 1000, default 50; outside that range 22023 invalid_page, HTTP 400, never clamped) of what up to 50 people did in a workspace (with p_include_subject, also what was done to them), optionally filtered by action, entity type and [p_from, p_to), newest first by (occurred_at, id); the next page passes the last row''s occurred_at and id as p_before_at/p_before_id. The caller''s RLS applies (activity.view, or their own rows). Errors: 22023 invalid_input / invalid_page / too_many_people / invalid_cursor.';

comment on function public.activity_count(uuid, uuid[], boolean, text, text, text, text, timestamptz, timestamptz, integer) is
  'How many activity rows match the Activity page''s filters (the same ones as its reads; with p_include_subject, rows done by or to p_user_ids), counted exactly up to p_cap (1 to 100,000, default 10,000; outside that range 22023 invalid_cap, HTTP 400, never clamped): capped = true means "more than total". The caller''s RLS applies. Without filters, for a caller with activity.view, from the chain head''s row count (no rows read). Errors: 22023 invalid_cap / too_many_people.';
