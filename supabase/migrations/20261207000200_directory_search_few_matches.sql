-- =====================================================================================
-- Users search as fast for a rare name as for a common one (issue 26).
--
-- member_directory_page answered every search by walking the order's index and testing each
-- entry's name and email: cheap when many members match (a page of 20 is found within a few
-- hundred entries), but a term that matches one member walked most of the workspace ('adm' at
-- Bench Corp: ~10 ms of Postgres time against 2-3 ms for 'mar'; p99 568-783 ms at 50
-- connections). A search now asks an index first for at most 301 matches; up to 300 are sorted in memory and paged, more fall back to the walk, which
-- is what a common term needs. Terms of one or two characters have no trigram; for them a
-- second index holds every member's letters and letter pairs (private.search_grams), so a
-- rare letter ('q': nobody at Bench Corp, a walk of all 10,000 entries before) is looked up
-- the same way. docs/benchmarks.md has the figures per term.
-- =====================================================================================

create or replace function private.search_grams(p_text text)
returns text[]
language sql
immutable
parallel safe
set search_path = ''
as $$
  select coalesce(array_agg(distinct g), '{}')
    from (select lower(p_text) as t) l
    cross join lateral (
      select substr(l.t, i, n) as g
        from generate_series(1, char_length(l.t)) i
        cross join (values (1), (2)) as len(n)
       where i + n - 1 <= char_length(l.t)
    ) grams;
$$;
comment on function private.search_grams(text) is
  'Every distinct character and pair of adjacent characters of the text, lower-cased: what a Users search of one or two characters looks up (memberships_search_grams_idx). A text contains a one- or two-character term, case-insensitively, exactly when its grams contain the lower-cased term.';
revoke all on function private.search_grams(text) from public, anon, authenticated;

create index memberships_search_grams_idx on public.memberships
  using gin (private.search_grams(coalesce(member_name, '') || ' ' || coalesce(member_email, '')));
comment on index public.memberships_search_grams_idx is
  'Users search of one or two characters: the members whose "name email" holds the term (private.search_grams), found without walking the workspace.';

-- The condition that finds a search's matches by an index: trigrams for three characters or
-- more (memberships_search_trgm_idx, through the ILIKE of private.directory_where), the
-- grams index for one or two. Null when there is no search. $4 is the ILIKE pattern, $7 the
-- lower-cased term.
create or replace function private.directory_match_where(p_search text)
returns text
language sql
immutable
set search_path = ''
as $$
  select case
    when nullif(btrim(p_search), '') is null then null
    when char_length(btrim(p_search)) < 3
      then 'private.search_grams(coalesce(m.member_name, '''') || '' '' || coalesce(m.member_email, '''')) @> array[$7]'
    else 'true'
  end;
$$;
comment on function private.directory_match_where(text) is
  'The extra condition that lets a Users search''s matches be looked up by an index: the grams index for terms of one or two characters ($7 = the lower-cased term), nothing more for longer ones (their ILIKE uses the trigram index). Null without a search.';
revoke all on function private.directory_match_where(text) from public, anon, authenticated;

create or replace function private.directory_match_sql(
  p_role public.workspace_role,
  p_status public.member_status,
  p_search text,
  p_cap integer
)
returns text
language sql
immutable
set search_path = ''
as $$
  select 'select array(select m.id from public.memberships m where '
      || private.directory_where(p_role, p_status, p_search)
      || ' and ' || private.directory_match_where(p_search)
      || ' limit ' || (p_cap + 1) || ')';
$$;
comment on function private.directory_match_sql(public.workspace_role, public.member_status, text, integer) is
  'The statement that finds a Users search''s matches by an index, at most p_cap + 1 of them ($1 workspace, $2 role, $3 status, $4 ILIKE pattern, $7 lower-cased term; $5 and $6 unused): member_directory_page pages them itself when they are p_cap or fewer. Null without a search. Separate so that tests can EXPLAIN exactly what runs.';
revoke all on function private.directory_match_sql(public.workspace_role, public.member_status, text, integer) from public, anon, authenticated;

drop function if exists private.directory_page_sql(text, boolean, public.workspace_role, public.member_status, text, boolean, boolean);

create or replace function private.directory_page_sql(
  p_sort text,
  p_descending boolean,
  p_role public.workspace_role,
  p_status public.member_status,
  p_search text,
  p_manage boolean,
  p_reverse boolean default false,
  p_among_ids boolean default false
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
begin
  -- Columns only managers may see cannot order the page for others: fall back to the name, A to Z.
  if not coalesce(p_manage, false) and v_sort in ('last_active_at', 'invited_by_email') then
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

  return 'select m.id from public.memberships m'
    || case when v_sort = 'invited_by_email' then ' left join public.profiles i on i.id = m.invited_by' else '' end
    || ' where ' || case when p_among_ids then 'm.id = any($7) and ' else '' end
    || private.directory_where(p_role, p_status, p_search)
    || ' order by ' || v_order
    || ' limit $5 offset $6';
end;
$$;
comment on function private.directory_page_sql(text, boolean, public.workspace_role, public.member_status, text, boolean, boolean, boolean) is
  'The ids of one page of the Users page, in order ($1 workspace, $2 role, $3 status, $4 search pattern over the memberships'' copies of name and email, $5 limit, $6 offset), read inside the order''s index; without p_manage the manage-only orders fall back to the name; with p_reverse the order is reversed ($5/$6 counted from the end); with p_among_ids only among the ids in $7 (a search''s few matches, sorted in memory). Separate so that tests can EXPLAIN exactly what runs. Errors: 22023 invalid_sort.';
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
  v_rights text[];
  v_manage boolean;
  v_pattern text := private.like_pattern(coalesce(p_search, ''));
  v_total bigint;
  v_reverse boolean := false;
  v_offset integer := p_offset;
  v_limit integer := p_limit;
  v_ids uuid[];
  v_matches uuid[];
  -- A search with at most this many matches is answered from the trigram index (below).
  c_few constant integer := 300;
begin
  -- The prelude, asking for the caller's rights once: members.view to see the page,
  -- members.manage for the manage-only columns (has_permission costs 0.17 ms of CPU a call;
  -- the refusal itself stays require_permission's).
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
  -- far end is shorter: the total (the Users page's own) costs a tenth of walking past the
  -- rows (offset 9,950 of 10,000: ~11 ms forwards, ~3 ms this way).
  if p_offset >= 1000 then
    v_total := private.directory_total(p_workspace_id, p_role, p_status, p_search);  -- 20261202001200
    if p_offset >= v_total then
      return;
    end if;
    if p_offset > v_total / 2 then
      v_reverse := true;
      v_limit := least(p_limit, v_total - p_offset);
      v_offset := v_total - p_offset - v_limit;
    end if;
  end if;

  -- 1. The page's ids, in order.
  -- A search first asks an index for its matches, at most c_few + 1 (the trigram index for
  -- three characters or more, the grams index for one or two: cost follows the matches, not
  -- the workspace). Few matches (one person, a handful, up to c_few): they are sorted in memory
  -- and paged. Many: walking the order's index finds a page of them within a few hundred
  -- entries, so that walk answers as before. (Walking for a rare term tested most of the
  -- workspace's entries: 'adm', one match in 10,000, cost ~10 ms of Postgres time, issue 26.)
  if private.directory_match_where(p_search) is not null and not v_reverse then
    execute private.directory_match_sql(p_role, p_status, p_search, c_few)
      into v_matches
      using p_workspace_id, p_role, p_status, v_pattern, null::integer, null::integer, lower(btrim(p_search));
    if cardinality(v_matches) <= c_few then
      execute 'select array('
          || private.directory_page_sql(p_sort, p_descending, p_role, p_status, p_search, v_manage, false, true) || ')'
        into v_ids
        using p_workspace_id, p_role, p_status, v_pattern, v_limit, v_offset, v_matches;
    end if;
  end if;
  -- Otherwise the walk of the order's index (planned for these arguments).
  if v_ids is null then
    execute 'select array(' || private.directory_page_sql(p_sort, p_descending, p_role, p_status, p_search, v_manage, v_reverse) || ')'
      into v_ids
      using p_workspace_id, p_role, p_status, v_pattern, v_limit, v_offset;
  end if;
  -- 2. Their rows, by primary key, in that order (a plan kept for the connection); the columns
  --    of member_directory, manage-only ones NULL without members.manage.
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
comment on function public.member_directory_page(uuid, text, boolean, public.workspace_role, public.member_status, text, integer, integer) is
  'Users page: one page (p_offset, p_limit <= 1000) of the directory of a workspace where the caller holds members.view, sorted by p_sort (full_name, email, role, effective_status, created_at, last_active_at, invited_by_email; the last two only for members.manage, otherwise by name A to Z) and filtered by role, effective status and a substring of name or email (the matches from the trigram or grams index when at most 300, else a walk of the order''s index). Rows as in member_directory, manage-only columns NULL without members.manage. Errors: PT404 not_found (HTTP 404), 42501 not_allowed, 22023 invalid_page / invalid_sort.';

create or replace function private.directory_total(
  p_workspace_id uuid,
  p_role public.workspace_role,
  p_status public.member_status,
  p_search text
)
returns bigint
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_total bigint;
  v_elapsed bigint;
begin
  if nullif(btrim(p_search), '') is null then
    select coalesce(sum(t.members), 0) into v_total
      from private.member_tallies t
     where t.workspace_id = p_workspace_id
       and (p_role is null or t.role = p_role)
       and (p_status is null or t.status = p_status);
    -- the effective status: a suspension whose end has passed counts as active
    if p_status in ('active', 'suspended') then
      select count(*) into v_elapsed
        from public.memberships m
       where m.workspace_id = p_workspace_id
         and m.status = 'suspended'
         and (p_role is null or m.role = p_role)
         and private.suspension_elapsed(m.status, m.suspended_until);
      v_total := v_total + case when p_status = 'active' then v_elapsed else -v_elapsed end;
    end if;
    return v_total;
  end if;
  -- A search: its matches counted, found by the same index as the page's (trigram or grams).
  execute 'select count(*) from public.memberships m where '
    || private.directory_where(p_role, p_status, p_search)
    || ' and ' || private.directory_match_where(p_search)
    into v_total
    using p_workspace_id, p_role, p_status, private.like_pattern(p_search),
          null::integer, null::integer, lower(btrim(p_search));
  return v_total;
end;
$$;
comment on function private.directory_total(uuid, public.workspace_role, public.member_status, text) is
  'How many members of a workspace match the Users page''s filters (role, effective status, substring of name or email): without a search the sum of private.member_tallies, ended suspensions moved to active; with one, the matching rows counted, found by the trigram or grams index. No permission check: member_directory_count and member_directory_page check first.';
