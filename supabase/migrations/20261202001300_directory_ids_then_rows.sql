-- =====================================================================================
-- The Users page plans less per request: a deep page or a search plans only the walk of the
-- order's index that yields the page's ids, and reads the rows of those ids with a statement
-- whose plan the function keeps (static SQL in PL/pgSQL: planned once per connection).
--
-- Measured (docs/benchmarks.md, third pass): planning the two-step statement of
-- 20261202001000 (ids inside a window, rows by a lateral lookup) took 0.29 ms of the ~1.1 ms of
-- Postgres CPU a search costs, planning a single-table walk ~0.1 ms. The first ten pages
-- without a search keep their one-scan statement.
--
-- private.directory_page_sql() now says which statement it builds with p_ids_only (in place of
-- the offset it used to judge by); member_directory_page() decides, as before: offset >= 200, a
-- search, or a page read from the far end. member_directory_page() also reads the caller's
-- rights once (my_permissions) instead of asking has_permission twice: the prelude was a third
-- of a first page's Postgres CPU (pgbench: 0.37 ms of 1.04 ms).
-- =====================================================================================

drop function private.directory_page_sql(text, boolean, public.workspace_role, public.member_status, text, boolean, integer, boolean);

create or replace function private.directory_page_sql(
  p_sort text,
  p_descending boolean,
  p_role public.workspace_role,
  p_status public.member_status,
  p_search text,
  p_manage boolean,
  p_ids_only boolean default false,
  p_reverse boolean default false
)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_sort text := coalesce(p_sort, 'full_name');
  v_dir text := case when p_descending then 'desc' else 'asc' end;
  v_order text;
  v_manage boolean := coalesce(p_manage, false);
  v_columns text;
  v_from text;
begin
  -- Columns only managers may see cannot order the page for others: fall back to the name, A to Z.
  if not v_manage and v_sort in ('last_active_at', 'invited_by_email') then
    v_sort := 'full_name';
    v_dir := 'asc';
  end if;

  -- Each order ends with the membership id, so pages never overlap; nulls go last either way
  -- (each has an index on memberships, read forwards: 20261201000460 and this migration).
  v_order := case v_sort
    when 'full_name' then format('m.member_name %s nulls last, m.id %s', v_dir, v_dir)
    when 'email' then format('m.member_email %s nulls last, m.id %s', v_dir, v_dir)
    when 'role' then format('m.role %s, m.id %s', v_dir, v_dir)
    when 'effective_status' then format('m.status %s, m.id %s', v_dir, v_dir)
    when 'status' then format('m.status %s, m.id %s', v_dir, v_dir)
    when 'created_at' then format('m.created_at %s, m.id %s', v_dir, v_dir)
    when 'last_active_at' then case when p_descending
      then 'm.last_active_at desc nulls last, m.id asc'
      else 'm.last_active_at asc nulls first, m.id desc' end
    when 'invited_by_email' then format('i.email %s nulls last, m.id %s', v_dir, v_dir)
    else null
  end;
  if v_order is null then
    raise exception 'Cannot sort the directory by %.', v_sort using errcode = '22023', hint = 'invalid_sort';
  end if;
  -- A page near the end is read from the other end of the same index: every direction and
  -- nulls placement swapped (member_directory_page puts the rows back in order).
  if p_reverse then
    v_order := replace(replace(replace(v_order, ' asc', ' <a>'), ' desc', ' asc'), ' <a>', ' desc');
    v_order := replace(replace(replace(v_order, 'nulls last', 'nulls <l>'), 'nulls first', 'nulls last'), 'nulls <l>', 'nulls first');
  end if;

  -- The columns of member_directory; manage-only ones as NULL without members.manage. The
  -- inviter's email is one primary-key lookup per row of the page.
  v_columns := 'm.id, m.workspace_id, m.user_id, m.member_email, m.member_name, m.role, m.status,'
    || ' private.effective_status(m.status, m.suspended_until),'
    || ' m.suspended_until,'
    || case when v_manage
            then ' m.status_reason, m.invited_by, (select i.email from public.profiles i where i.id = m.invited_by),'
            else ' null::text, null::uuid, null::text,' end
    || ' m.invited_at, m.invite_expires_at,'
    || ' (m.status = ''pending'' and m.invite_expires_at <= now()),'
    || ' m.joined_at,'
    || case when v_manage then ' m.last_active_at,' else ' null::timestamptz,' end
    || ' m.created_at';
  v_from := ' from public.memberships m'
    || case when v_sort = 'invited_by_email' then ' left join public.profiles i on i.id = m.invited_by' else '' end
    || ' where ' || private.directory_where(p_role, p_status, p_search)
    || ' order by ' || v_order
    || ' limit $5 offset $6';

  if not p_ids_only then
    return 'select ' || v_columns || v_from;
  end if;
  -- Deep page, or a search: the ids of the page, in order, from the order's index alone (it
  -- carries name and email for the search); member_directory_page reads their rows.
  return 'select m.id' || v_from;
end;
$$;
comment on function private.directory_page_sql(text, boolean, public.workspace_role, public.member_status, text, boolean, boolean, boolean) is
  'A statement of member_directory_page ($1 workspace, $2 role, $3 status, $4 search pattern, $5 limit, $6 offset): the page''s rows in the chosen order (name and email from the memberships'' copies; manage-only columns NULL unless p_manage), or with p_ids_only the ids of the page alone, read inside the order''s index; with p_reverse the order is reversed ($5/$6 counted from the end). Separate so that tests can EXPLAIN exactly what runs. Errors: 22023 invalid_sort.';
revoke all on function private.directory_page_sql(text, boolean, public.workspace_role, public.member_status, text, boolean, boolean, boolean) from public, anon, authenticated;

create or replace function public.member_directory_page(
  p_workspace_id uuid,
  p_sort text default 'full_name',
  p_descending boolean default false,
  p_role public.workspace_role default null,
  p_status public.member_status default null,
  p_search text default null,
  p_offset integer default 0,
  p_limit integer default 50
)
returns setof public.member_directory
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_manage boolean;
  v_pattern text := private.like_pattern(coalesce(p_search, ''));
  v_ids_first boolean := p_offset >= 200 or nullif(btrim(p_search), '') is not null;
  v_total bigint;
  v_reverse boolean := false;
  v_offset integer := p_offset;
  v_limit integer := p_limit;
  v_ids uuid[];
  v_rights text[];
begin
  -- The prelude, asking for the caller's rights once: members.view to see the page,
  -- members.manage for the manage-only columns (two has_permission calls cost 0.17 ms of CPU
  -- each; the refusal itself stays require_permission's).
  perform private.require_workspace(p_workspace_id);
  v_rights := array(select public.my_permissions(p_workspace_id));
  if not 'members.view' = any(v_rights) then
    perform private.require_permission(p_workspace_id, 'members.view');
  end if;
  v_manage := 'members.manage' = any(v_rights);
  if p_offset is null or p_offset < 0 or p_limit is null or p_limit < 1 or p_limit > 1000 then
    raise exception 'Page out of range (offset >= 0, limit 1 to 1000).' using errcode = '22023', hint = 'invalid_page';
  end if;

  -- Past the middle of a long list (the paginator's last pages), walking the index from the
  -- far end is shorter: counting the matches inside the index costs a tenth of walking past
  -- them (offset 9,950 of 10,000: ~11 ms forwards, ~3 ms this way).
  if p_offset >= 1000 then
    execute 'select count(*) from public.memberships m where '
      || private.directory_where(p_role, p_status, p_search)
      into v_total
      using p_workspace_id, p_role, p_status, v_pattern;
    if p_offset >= v_total then
      return;
    end if;
    if p_offset > v_total / 2 then
      v_reverse := true;
      v_limit := least(p_limit, v_total - p_offset);
      v_offset := v_total - p_offset - v_limit;
    end if;
  end if;

  if not v_ids_first then
    return query execute
      private.directory_page_sql(p_sort, p_descending, p_role, p_status, p_search, v_manage)
      using p_workspace_id, p_role, p_status, v_pattern, v_limit, v_offset;
    return;
  end if;

  -- 1. The page's ids, in order (planned for these arguments).
  execute 'select array(' || private.directory_page_sql(p_sort, p_descending, p_role, p_status, p_search, v_manage, true, v_reverse) || ')'
    into v_ids
    using p_workspace_id, p_role, p_status, v_pattern, v_limit, v_offset;
  -- 2. Their rows, by primary key, in that order (a plan kept for the connection); manage-only
  --    columns as NULL without members.manage, as in member_directory.
  return query
    select m.id, m.workspace_id, m.user_id, m.member_email, m.member_name, m.role, m.status,
           private.effective_status(m.status, m.suspended_until),
           m.suspended_until,
           case when v_manage then m.status_reason end,
           case when v_manage then m.invited_by end,
           case when v_manage then (select i.email from public.profiles i where i.id = m.invited_by) end,
           m.invited_at, m.invite_expires_at,
           (m.status = 'pending' and m.invite_expires_at <= now()),
           m.joined_at,
           case when v_manage then m.last_active_at end,
           m.created_at
      from unnest(v_ids) with ordinality as page(id, n)
      join public.memberships m on m.id = page.id
     order by case when v_reverse then -page.n else page.n end;
end;
$$;
