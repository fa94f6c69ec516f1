-- =====================================================================================
-- Activity of a few people, newest first, one page at a time: the Activity page's actor filter
-- (a name or email typed by the user matches up to 50 members of the directory) and a member's
-- history (done by them or to them).
--
-- "actor_id in (...)" or "actor_id = X or subject_user_id = X" cannot be read in time order
-- from one index: Postgres reads every matching row and sorts them (a busy admin has 18,000+
-- rows at Bench Corp). Here each person is one ordered index range (workspace_id, actor_id |
-- subject_user_id, occurred_at desc, id desc), stopped at the page size, and the ranges are
-- merged: at most (people x 2 x p_limit) rows are read at any depth. The statement is built
-- with only the filters given (values passed as parameters), so each call is planned for its
-- own filters. security invoker: the caller's RLS on activity_log applies.
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
security invoker
set search_path = ''
as $$
declare
  v_limit integer := least(greatest(coalesce(p_limit, 50), 1), 1000);
  v_ids uuid[];
  v_filters text := '';
  v_sql text;
begin
  if p_workspace_id is null then
    raise exception 'A workspace is required.' using errcode = '22023', hint = 'invalid_input';
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
$$;
comment on function public.activity_of_people(uuid, uuid[], boolean, text, text, timestamptz, timestamptz, timestamptz, bigint, integer) is
  'One page (p_limit, at most 1000) of what up to 50 people did in a workspace (with p_include_subject, also what was done to them), optionally filtered by action, entity type and [p_from, p_to), newest first by (occurred_at, id); the next page passes the last row''s occurred_at and id as p_before_at/p_before_id. The caller''s RLS applies (activity.view, or their own rows). Errors: 22023 invalid_input / too_many_people / invalid_cursor.';
revoke all on function public.activity_of_people(uuid, uuid[], boolean, text, text, timestamptz, timestamptz, timestamptz, bigint, integer) from public, anon;
grant execute on function public.activity_of_people(uuid, uuid[], boolean, text, text, timestamptz, timestamptz, timestamptz, bigint, integer) to authenticated;
