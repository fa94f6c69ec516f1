-- =====================================================================================
-- The Users page orders and searches by name and email from memberships itself.
--
-- Names and emails live in profiles, one row per person across every workspace. Ordering a
-- workspace's members by name walked the global name index and probed memberships for each
-- profile (a page in the middle of 10,000 members: ~5,000 probes, 8-17 ms), and a search for a
-- substring walked the workspace's members and read each one's profile (1,000 probes for a
-- name held by 2% of them, 2-4 ms), which under 50 concurrent users was the costliest request
-- of the page (docs/benchmarks.md, issue 11).
--
-- Each membership now carries a copy of its member's name and email (member_name,
-- member_email), kept by triggers in the same transaction as the change of the profile:
--   * memberships_copy_profile (BEFORE INSERT, or an UPDATE that touches the copies or the
--     user): takes both from the profile, so nothing else can write them;
--   * profiles_sync_member_copies (AFTER UPDATE of the name or email): rewrites the copies of
--     that person's memberships.
-- Copies are never logged as changes (the activity trigger skips them as it skips
-- last_active_at); a membership's insert and delete rows carry them, so the log of a removed
-- member still names them. Clients cannot write memberships (SELECT only), and the trigger
-- overwrites whatever a function might try to put there.
--
-- Indexes: name and email orders within a workspace (a deep page skips its offset inside one
-- index), and one trigram index over "name email" for the search, which the page, the count
-- and the planner's estimates all use as one expression (private.directory_where).
-- =====================================================================================

alter table public.memberships
  add column member_name text,
  add column member_email text;
comment on column public.memberships.member_name is
  'Copy of the member''s profiles.full_name, kept by trigger (memberships_copy_profile, profiles_sync_member_copies), for ordering and searching the Users page within the workspace.';
comment on column public.memberships.member_email is
  'Copy of the member''s profiles.email, kept by trigger (memberships_copy_profile, profiles_sync_member_copies), for ordering and searching the Users page within the workspace.';

-- Existing rows: a plain copy, with the table's triggers off for this statement only (the
-- copies are not a change of the membership: no activity row, no new updated_at).
alter table public.memberships disable trigger user;
update public.memberships m
   set member_name = p.full_name,
       member_email = p.email
  from public.profiles p
 where p.id = m.user_id;
alter table public.memberships enable trigger user;

create or replace function private.copy_member_profile()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  select p.full_name, p.email
    into new.member_name, new.member_email
    from public.profiles p
   where p.id = new.user_id;
  return new;
end;
$$;
comment on function private.copy_member_profile() is
  'BEFORE INSERT/UPDATE trigger on memberships: sets member_name and member_email from the member''s profile, whatever the statement wrote there.';
revoke all on function private.copy_member_profile() from public, anon, authenticated;

create trigger memberships_copy_profile
  before insert or update of user_id, member_name, member_email on public.memberships
  for each row execute function private.copy_member_profile();
comment on trigger memberships_copy_profile on public.memberships is
  'Sets member_name and member_email from the member''s profile on insert and on any update that touches them or the user.';

create or replace function private.sync_member_profile_copies()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- the copy itself is made by memberships_copy_profile, which reads the profile as it now is
  update public.memberships m
     set member_name = new.full_name,
         member_email = new.email
   where m.user_id = new.id
     and (m.member_name is distinct from new.full_name or m.member_email is distinct from new.email);
  return null;
end;
$$;
comment on function private.sync_member_profile_copies() is
  'AFTER UPDATE trigger on profiles: rewrites member_name and member_email on every membership of that person, in the same transaction.';
revoke all on function private.sync_member_profile_copies() from public, anon, authenticated;

create trigger profiles_sync_member_copies
  after update of full_name, email on public.profiles
  for each row
  when (old.full_name is distinct from new.full_name or old.email is distinct from new.email)
  execute function private.sync_member_profile_copies();
comment on trigger profiles_sync_member_copies on public.profiles is
  'A new name or email of a person reaches the copies on each of their memberships, in the same transaction.';

-- Each order's index carries name and email (INCLUDE), so that a search walking the order
-- tests each member inside the index (index-only while the table's pages are all-visible)
-- instead of reading the row: a search by the default order for a name held by 2% of 10,000
-- members walks ~1,000 entries, 2.1 ms reading rows, 0.6 ms in the index.
create index memberships_workspace_name_idx on public.memberships (workspace_id, member_name, id) include (member_email);
comment on index public.memberships_workspace_name_idx is 'Users page sorted by name, A to Z (nameless last), then id; with the email, for searching in that order.';

create index memberships_workspace_name_desc_idx on public.memberships (workspace_id, member_name desc nulls last, id desc) include (member_email);
comment on index public.memberships_workspace_name_desc_idx is 'Users page sorted by name, Z to A (nameless last), then id; with the email, for searching in that order.';

create index memberships_workspace_email_idx on public.memberships (workspace_id, member_email, id) include (member_name);
comment on index public.memberships_workspace_email_idx is 'Users page sorted by email, A to Z, then id; with the name, for searching in that order.';

create index memberships_workspace_email_desc_idx on public.memberships (workspace_id, member_email desc nulls last, id desc) include (member_name);
comment on index public.memberships_workspace_email_desc_idx is 'Users page sorted by email, Z to A, then id; with the name, for searching in that order.';

-- The default order (last activity, newest first; 20261128002100) gets the same.
drop index public.memberships_workspace_last_active_desc_idx;
create index memberships_workspace_last_active_desc_idx on public.memberships
  (workspace_id, last_active_at desc nulls last, id) include (member_name, member_email);
comment on index public.memberships_workspace_last_active_desc_idx is
  'Users page in its default order (last activity, newest first; read backwards for oldest first), then id; with name and email, for searching in that order.';

create index memberships_search_trgm_idx on public.memberships
  using gin ((coalesce(member_name, '') || ' ' || coalesce(member_email, '')) extensions.gin_trgm_ops);
comment on index public.memberships_search_trgm_idx is
  'Users page: search by a substring of name or email (ilike ''%term%'' over "name email", exactly the expression of private.directory_where).';

analyze public.memberships;

-- ---------- The activity trigger: the copies are not a change of the membership ----------

create or replace function private.record_activity()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_entity_type text := tg_argv[0];
  v_old jsonb;
  v_new jsonb;
  v_row jsonb;
  v_workspace_id uuid;
  v_entity_id text;
  v_subject uuid;
  v_action text;
  v_actor uuid;
  v_headers text;
  v_ip inet;
  v_user_agent text;
begin
  if tg_op <> 'INSERT' then v_old := to_jsonb(old); end if;
  if tg_op <> 'DELETE' then v_new := to_jsonb(new); end if;
  v_row := coalesce(v_new, v_old);
  v_workspace_id := (case when tg_table_name = 'workspaces' then v_row ->> 'id' else v_row ->> 'workspace_id' end)::uuid;

  -- Rows cascading from a workspace deletion (or its default matrix) are not logged one by one.
  if tg_table_name <> 'workspaces'
     and current_setting('fluxera.muted_workspace', true) = v_workspace_id::text then
    return null;
  end if;

  v_actor := coalesce(auth.uid(), nullif(current_setting('fluxera.actor_id', true), '')::uuid);
  v_action := private.activity_action(tg_table_name, tg_op, v_entity_type, v_old, v_new, v_actor);
  v_entity_id := case when tg_table_name = 'role_permissions'
                      then (v_row ->> 'role') || ':' || (v_row ->> 'permission')
                      else v_row ->> 'id' end;
  -- The user the change is about: the member, the seat holder, the asset's assignee (new or old).
  v_subject := case tg_table_name
                 when 'memberships' then (v_row ->> 'user_id')::uuid
                 when 'license_seats' then (v_row ->> 'user_id')::uuid
                 when 'assets' then coalesce(v_new ->> 'assigned_to', v_old ->> 'assigned_to')::uuid
               end;

  v_headers := nullif(current_setting('request.headers', true), '');
  if v_headers is not null then
    v_ip := private.request_ip();
    v_user_agent := left(v_headers::jsonb ->> 'user-agent', 512);
  end if;

  -- One statement: for updates it keeps only the changed columns (ignoring updated_at,
  -- last_active_at and the directory's copies of name and email, which follow the profile)
  -- and writes nothing when nothing of note changed. The chain trigger on activity_log
  -- assigns id, prev_hash and hash.
  insert into public.activity_log
    (workspace_id, actor_id, actor_email, action, entity_type, entity_id, subject_user_id,
     before, after, ip, user_agent)
  select v_workspace_id, v_actor,
         case when v_actor is not null then (select u.email from auth.users u where u.id = v_actor) end,
         v_action, v_entity_type, v_entity_id, v_subject, d.before, d.after, v_ip, v_user_agent
    from (
      select v_old as before, v_new as after
       where tg_op <> 'UPDATE'
      union all
      select jsonb_object_agg(o.key, o.value), jsonb_object_agg(o.key, v_new -> o.key)
        from jsonb_each(v_old) as o
       where tg_op = 'UPDATE'
         and o.value is distinct from v_new -> o.key
         and o.key not in ('updated_at', 'last_active_at', 'member_name', 'member_email')
      having count(*) > 0
    ) d;
  return null;
end;
$$;
comment on function private.record_activity() is
  'Generic AFTER INSERT/UPDATE/DELETE row trigger (argument: entity type). Names the action with private.activity_action(), keeps only changed columns for updates (not updated_at, last_active_at or the directory''s name and email copies), and appends one activity row in the same transaction.';

-- ---------- The Users page reads the copies --------------------------------------------------

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
    -- the expression of memberships_search_trgm_idx, character for character
    v_where := v_where || ' and (coalesce(m.member_name, '''') || '' '' || coalesce(m.member_email, '''')) ilike $4';
  end if;
  return v_where;
end;
$$;
comment on function private.directory_where(public.workspace_role, public.member_status, text) is
  'WHERE clause of the Users page over memberships m for the filters given ($1 workspace, $2 role, $3 stored status, $4 search pattern over "name email"); status is the effective status (private.is_effectively_active, private.suspension_elapsed).';

-- The page in two statements, both cheap to plan (pgbench at Bench Corp, docs/benchmarks.md):
--   1. the page's ids, in order, from a walk of the order's index alone (it skips the offset and
--      tests the search inside the index, so skipped and unmatched rows are never read), built
--      for the arguments given and planned for them (EXECUTE): a single-table statement;
--   2. the rows of those ids by primary key, a static statement whose plan the function keeps.
-- The six-argument builder, which returned one statement doing both, goes (planning it was up
-- to 0.29 ms of the ~1 ms of Postgres CPU of a page).
drop function private.directory_page_sql(text, boolean, public.workspace_role, public.member_status, text, boolean);

create or replace function private.directory_page_sql(
  p_sort text,
  p_descending boolean,
  p_role public.workspace_role,
  p_status public.member_status,
  p_search text,
  p_manage boolean,
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
    || ' where ' || private.directory_where(p_role, p_status, p_search)
    || ' order by ' || v_order
    || ' limit $5 offset $6';
end;
$$;
comment on function private.directory_page_sql(text, boolean, public.workspace_role, public.member_status, text, boolean, boolean) is
  'The ids of one page of the Users page, in order ($1 workspace, $2 role, $3 status, $4 search pattern over the memberships'' copies of name and email, $5 limit, $6 offset), read inside the order''s index; without p_manage the manage-only orders fall back to the name; with p_reverse the order is reversed ($5/$6 counted from the end). Separate so that tests can EXPLAIN exactly what runs. Errors: 22023 invalid_sort.';
revoke all on function private.directory_page_sql(text, boolean, public.workspace_role, public.member_status, text, boolean, boolean) from public, anon, authenticated;

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

  -- 1. The page's ids, in order (planned for these arguments).
  execute 'select array(' || private.directory_page_sql(p_sort, p_descending, p_role, p_status, p_search, v_manage, v_reverse) || ')'
    into v_ids
    using p_workspace_id, p_role, p_status, v_pattern, v_limit, v_offset;
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
