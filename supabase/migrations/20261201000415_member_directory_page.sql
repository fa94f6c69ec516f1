-- =====================================================================================
-- The Users page: one page of the directory, and its total, as two calls planned for their own
-- arguments.
--
-- Through PostgREST the view's statements are prepared and, after five runs, get generic plans
-- that assume an average tenant (~270 memberships), not one with 10,000; and ordering by a
-- column that is hidden from non-managers (last_active_at, a CASE on the caller's rights) can
-- never read an index. Here the caller's rights are known before the statement is built: the
-- statement selects the page of membership ids in index order first (joining profiles only to
-- sort or search by name or email), then fetches the columns of those rows, hiding the
-- manage-only ones unless the caller holds members.manage. Built with only the filters given,
-- values as parameters (EXECUTE ... USING), so every call gets a custom plan.
--
-- Access: security definer, so neither the profiles policy nor the roster policy is paid per
-- row; the function itself requires members.view in the workspace (the rule of both policies)
-- and reads only that workspace.
-- =====================================================================================

create or replace function private.directory_where(
  p_role public.workspace_role,
  p_status public.member_status,
  p_search text
)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_where text := 'm.workspace_id = $1';
begin
  if p_role is not null then
    v_where := v_where || ' and m.role = $2';
  end if;
  if p_status = 'active' then
    -- effective status: an ended suspension reads as active
    v_where := v_where || ' and (m.status = ''active'' or (m.status = ''suspended'' and m.suspended_until <= now()))';
  elsif p_status = 'suspended' then
    v_where := v_where || ' and m.status = ''suspended'' and (m.suspended_until is null or m.suspended_until > now())';
  elsif p_status is not null then
    v_where := v_where || ' and m.status = $3';
  end if;
  if nullif(btrim(p_search), '') is not null then
    v_where := v_where || ' and (p.full_name ilike $4 or p.email ilike $4)';
  end if;
  return v_where;
end;
$$;
comment on function private.directory_where(public.workspace_role, public.member_status, text) is
  'WHERE clause of the Users page for the filters given ($1 workspace, $2 role, $3 stored status, $4 search pattern); status is the effective status.';

create or replace function private.like_pattern(p_text text)
returns text
language sql
immutable
set search_path = ''
as $$
  select '%' || replace(replace(replace(btrim(p_text), '\', '\\'), '%', '\%'), '_', '\_') || '%'
$$;
comment on function private.like_pattern(text) is 'Substring pattern for ilike: the text with its LIKE wildcards escaped, between %.';

create or replace function private.directory_page_sql(
  p_sort text,
  p_descending boolean,
  p_role public.workspace_role,
  p_status public.member_status,
  p_search text,
  p_manage boolean
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
  v_needs_profile boolean := nullif(btrim(p_search), '') is not null;
  v_manage boolean := coalesce(p_manage, false);
  v_inner text;
  v_sql text;
begin
  -- Columns only managers may see cannot order the page for others: fall back to the name, A to Z.
  if not v_manage and v_sort in ('last_active_at', 'invited_by_email') then
    v_sort := 'full_name';
    v_dir := 'asc';
  end if;

  -- Each order ends with the membership id, so pages never overlap; nulls go last either way
  -- (each has an index, read forwards or backwards: 20261201000460).
  v_order := case v_sort
    when 'full_name' then format('p.full_name %s nulls last, m.id %s', v_dir, v_dir)
    when 'email' then format('p.email %s nulls last, m.id %s', v_dir, v_dir)
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
  v_needs_profile := v_needs_profile or v_sort in ('full_name', 'email');

  -- 1. The ids of the page, in order (profiles joined only to sort or search by them): a deep
  --    page skips its offset inside the index (index-only where the order's index covers it),
  --    then the page's rows are read by primary key.
  v_inner := 'select m.*, page.n from ('
    || 'select m.id, row_number() over () as n from ('
    || 'select m.id from public.memberships m'
    || case when v_needs_profile then ' join public.profiles p on p.id = m.user_id' else '' end
    || case when v_sort = 'invited_by_email' then ' left join public.profiles i on i.id = m.invited_by' else '' end
    || ' where ' || private.directory_where(p_role, p_status, p_search)
    || ' order by ' || v_order
    || ' limit $5 offset $6) m) page'
    || ' cross join lateral (select x.* from public.memberships x where x.id = page.id offset 0) m';

  -- 2. Names and emails of those rows only; manage-only columns hidden from non-managers.
  v_sql := 'select m.id, m.workspace_id, m.user_id, p.email, p.full_name, m.role, m.status,'
    || ' case when m.status = ''suspended'' and m.suspended_until <= now()'
    || '      then ''active''::public.member_status else m.status end,'
    || ' m.suspended_until,'
    || case when v_manage then ' m.status_reason, m.invited_by, i.email,'
            else ' null::text, null::uuid, null::text,' end
    || ' m.invited_at, m.invite_expires_at,'
    || ' (m.status = ''pending'' and m.invite_expires_at <= now()),'
    || ' m.joined_at,'
    || case when v_manage then ' m.last_active_at,' else ' null::timestamptz,' end
    || ' m.created_at'
    || ' from (' || v_inner || ') m'
    -- one primary-key lookup per row of the page ("offset 0" keeps the planner from turning
    -- these into a hash join that reads every profile)
    || ' left join lateral (select p.email, p.full_name from public.profiles p'
    || '   where p.id = m.user_id offset 0) p on true'
    || ' left join lateral (select i.email from public.profiles i'
    || '   where i.id = m.invited_by offset 0) i on true'
    || ' order by m.n';

  return v_sql;
end;
$$;
comment on function private.directory_page_sql(text, boolean, public.workspace_role, public.member_status, text, boolean) is
  'The statement member_directory_page runs ($1 workspace, $2 role, $3 status, $4 search pattern, $5 limit, $6 offset): the page of memberships in the chosen order, then names and emails of those rows; manage-only columns as NULL unless p_manage. Separate so that tests can EXPLAIN exactly what runs. Errors: 22023 invalid_sort.';

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
  v_sql text;
begin
  if not private.is_member(p_workspace_id) then
    raise exception 'Workspace not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  perform private.require_permission(p_workspace_id, 'members.view');
  if p_offset is null or p_offset < 0 or p_limit is null or p_limit < 1 or p_limit > 1000 then
    raise exception 'Page out of range (offset >= 0, limit 1 to 1000).' using errcode = '22023', hint = 'invalid_page';
  end if;
  v_manage := private.has_permission(p_workspace_id, 'members.manage');

  v_sql := private.directory_page_sql(p_sort, p_descending, p_role, p_status, p_search, v_manage);

  return query execute v_sql
    using p_workspace_id, p_role, p_status, private.like_pattern(coalesce(p_search, '')), p_limit, p_offset;
end;
$$;
comment on function public.member_directory_page(uuid, text, boolean, public.workspace_role, public.member_status, text, integer, integer) is
  'Users page: one page (p_offset, p_limit <= 1000) of the directory of a workspace where the caller holds members.view, sorted by p_sort (full_name, email, role, effective_status, created_at, last_active_at, invited_by_email; the last two only for members.manage, otherwise by name A to Z) and filtered by role, effective status and a substring of name or email. Rows as in member_directory, manage-only columns NULL without members.manage. Errors: PT404 not_found (HTTP 404), 42501 not_allowed, 22023 invalid_page / invalid_sort.';
revoke all on function public.member_directory_page(uuid, text, boolean, public.workspace_role, public.member_status, text, integer, integer) from public, anon;
grant execute on function public.member_directory_page(uuid, text, boolean, public.workspace_role, public.member_status, text, integer, integer) to authenticated;

create or replace function public.member_directory_count(
  p_workspace_id uuid,
  p_role public.workspace_role default null,
  p_status public.member_status default null,
  p_search text default null
)
returns bigint
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_total bigint;
begin
  if not private.is_member(p_workspace_id) then
    raise exception 'Workspace not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  perform private.require_permission(p_workspace_id, 'members.view');
  execute 'select count(*) from public.memberships m'
    || case when nullif(btrim(p_search), '') is not null then ' join public.profiles p on p.id = m.user_id' else '' end
    || ' where ' || private.directory_where(p_role, p_status, p_search)
    into v_total
    using p_workspace_id, p_role, p_status, private.like_pattern(coalesce(p_search, ''));
  return v_total;
end;
$$;
comment on function public.member_directory_count(uuid, public.workspace_role, public.member_status, text) is
  'Users page: how many members match the filters (same rules as member_directory_page). The SPA asks once per filter or search change, not on every page turn or sort. Errors: PT404 not_found (HTTP 404), 42501 not_allowed.';
revoke all on function public.member_directory_count(uuid, public.workspace_role, public.member_status, text) from public, anon;
grant execute on function public.member_directory_count(uuid, public.workspace_role, public.member_status, text) to authenticated;

revoke all on function private.directory_where(public.workspace_role, public.member_status, text) from public, anon, authenticated;
revoke all on function private.like_pattern(text) from public, anon, authenticated;
revoke all on function private.directory_page_sql(text, boolean, public.workspace_role, public.member_status, text, boolean) from public, anon, authenticated;
