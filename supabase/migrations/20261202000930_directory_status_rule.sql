-- =====================================================================================
-- The Users page takes the effective-status rule from its one definition
-- (20261202000200_member_status_rules.sql) instead of spelling it out: the WHERE clause of
-- the status filters (private.directory_where), the effective_status column of a page
-- (private.directory_page_sql) and of the directory view (public.member_directory).
--
-- The rule functions are plain SQL without SET or SECURITY DEFINER, so the planner inlines
-- them into the statements: the plans of the page, the count and the view stay as they were
-- (pgTAP 08 and 15; EXPLAIN before and after on Bench Corp). The view keeps its columns, their
-- order and types, its comments, grants and read-only trigger (create or replace view).
-- Callers of the view (authenticated, service_role) already execute the rule functions.
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
    -- effective status: an ended suspension reads as active (inlined to the same OR the
    -- copy spelt out, so the plans do not change)
    v_where := v_where || ' and private.is_effectively_active(m.status, m.suspended_until)';
  elsif p_status = 'suspended' then
    -- stored as suspended and not over yet; the plain m.status test stays beside the rule
    -- so that the status index still narrows the scan (the planner cannot see through the
    -- CASE of private.effective_status)
    v_where := v_where || ' and m.status = ''suspended'' and not private.suspension_elapsed(m.status, m.suspended_until)';
  elsif p_status is not null then
    -- pending and inactive: the effective status is the stored one
    v_where := v_where || ' and m.status = $3';
  end if;
  if nullif(btrim(p_search), '') is not null then
    v_where := v_where || ' and (p.full_name ilike $4 or p.email ilike $4)';
  end if;
  return v_where;
end;
$$;
comment on function private.directory_where(public.workspace_role, public.member_status, text) is
  'WHERE clause of the Users page for the filters given ($1 workspace, $2 role, $3 stored status, $4 search pattern); status is the effective status (private.is_effectively_active, private.suspension_elapsed).';

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
    || ' private.effective_status(m.status, m.suspended_until),'
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

create or replace view public.member_directory
as
select
  m.id,
  m.workspace_id,
  m.user_id,
  p.email,
  p.full_name,
  m.role,
  m.status,
  private.effective_status(m.status, m.suspended_until) as effective_status,
  m.suspended_until,
  case when s.can_manage then m.status_reason end as status_reason,
  case when s.can_manage then m.invited_by end as invited_by,
  case when s.can_manage then inviter.email end as invited_by_email,
  m.invited_at,
  m.invite_expires_at,
  (m.status = 'pending' and m.invite_expires_at <= now()) as invitation_expired,
  m.joined_at,
  case when s.can_manage then m.last_active_at end as last_active_at,
  m.created_at
from public.memberships m
join private.directory_scope() s on s.workspace_id = m.workspace_id
left join public.profiles p on p.id = m.user_id
left join public.profiles inviter on inviter.id = m.invited_by;

comment on column public.member_directory.effective_status is
  'status, except that a suspension whose end has passed reads as active (private.effective_status).';
