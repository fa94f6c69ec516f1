-- =====================================================================================
-- The Users page: member_directory, its paged reads and their totals, 2FA state per member.
-- The directory is read through member_directory_page / member_directory_count (plans built
-- for each call's arguments), with totals from tallies kept by trigger and manage-only
-- columns visible only to members.manage.
-- =====================================================================================

set local check_function_bodies = off;

-- ---------- Functions --------------------------------------------------------------

create or replace function public.member_mfa_status(p_workspace_id uuid, p_user_id uuid default NULL::uuid)
returns table (user_id uuid, totp_enrolled boolean)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_workspace_permission(p_workspace_id, 'members.manage');

  return query
    select m.user_id,
           exists (select 1
                     from auth.mfa_factors f
                    where f.user_id = m.user_id
                      and f.factor_type::text = 'totp'
                      and f.status::text = 'verified')
      from public.memberships m
     where m.workspace_id = p_workspace_id
       and (p_user_id is null or m.user_id = p_user_id)
     order by m.created_at, m.user_id;
end;
$$;
comment on function public.member_mfa_status(p_workspace_id uuid, p_user_id uuid) is
  'Two-factor state of the workspace''s members (any status), or of one member with p_user_id, for the member detail drawer (members.manage): totp_enrolled = the user has a verified TOTP factor in auth.mfa_factors. Reveals nothing else about the factors. Errors: PT404 not_found (HTTP 404) (not an active member of the workspace), 42501 not_allowed.';
grant execute on function public.member_mfa_status(p_workspace_id uuid, p_user_id uuid) to authenticated;

create or replace function private.directory_scope()
returns table (workspace_id uuid, can_manage boolean)
language plpgsql
stable
security definer
set search_path = ''
rows 5
as $$
begin
  return query
    select v.id, v.id in (select private.workspaces_with('members.manage'))
      from private.workspaces_with('members.view') as v(id);
end;
$$;
comment on function private.directory_scope() is
  'The caller''s workspaces where they hold members.view (effectively active, 2FA satisfied), and whether they also hold members.manage there. The access rule of public.member_directory.';
grant execute on function private.directory_scope() to authenticated, service_role;

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
  if p_status is null then
    -- no status chosen: the people who joined; pending invitations are the Invitations tab's
    -- (issue 23: nobody listed twice)
    v_where := v_where || ' and m.status <> ''pending''';
  elsif p_status = 'active' then
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
comment on function private.directory_where(p_role public.workspace_role, p_status public.member_status, p_search text) is
  'WHERE clause of the Users page over memberships m for the filters given ($1 workspace, $2 role, $3 stored status, $4 search pattern over "name email"); status is the effective status (private.is_effectively_active, private.suspension_elapsed); without a status, everyone but pending invitations (they are listed under Invitations).';

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
begin
  perform private.require_workspace_permission(p_workspace_id, 'members.view');
  return private.directory_total(p_workspace_id, p_role, p_status, p_search);
end;
$$;
comment on function public.member_directory_count(p_workspace_id uuid, p_role public.workspace_role, p_status public.member_status, p_search text) is
  'Users page total for the filters of member_directory_page (role, effective status, substring of name or email), in a workspace where the caller holds members.view. Without a search it sums private.member_tallies (kept by trigger) and moves ended suspensions to active; with one it counts the matches. Errors: PT404 not_found, 42501 not_allowed.';
grant execute on function public.member_directory_count(p_workspace_id uuid, p_role public.workspace_role, p_status public.member_status, p_search text) to authenticated;

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

create or replace function private.tally_member_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- -1 for the row as it was, +1 for the row as it is (OLD is null on insert, NEW on delete);
  -- the keys are written in one order, so that two transactions moving members in opposite
  -- directions lock the tally rows in the same order.
  insert into private.member_tallies as t (workspace_id, role, status, members)
  select d.workspace_id, d.role, d.status, sum(d.delta)::integer
    from (select old.workspace_id, old.role, old.status, -1 where tg_op <> 'INSERT'
          union all
          select new.workspace_id, new.role, new.status, 1 where tg_op <> 'DELETE')
         as d(workspace_id, role, status, delta)
   group by d.workspace_id, d.role, d.status
  having sum(d.delta) <> 0
   order by d.workspace_id, d.role, d.status
  on conflict (workspace_id, role, status) do update set members = t.members + excluded.members;
  return null;
end;
$$;
comment on function private.tally_member_change() is
  'AFTER INSERT/DELETE/UPDATE OF workspace_id, role, status trigger on memberships: moves the row''s count between private.member_tallies rows in the same transaction.';

create or replace function private.recount_member_tallies(p_workspace_id uuid default null)
returns void
language sql
security definer
set search_path = ''
as $$
  delete from private.member_tallies t where p_workspace_id is null or t.workspace_id = p_workspace_id;
  insert into private.member_tallies (workspace_id, role, status, members)
  select m.workspace_id, m.role, m.status, count(*)::integer
    from public.memberships m
   where p_workspace_id is null or m.workspace_id = p_workspace_id
   group by m.workspace_id, m.role, m.status;
$$;
comment on function private.recount_member_tallies(p_workspace_id uuid) is
  'Rebuilds private.member_tallies from the memberships (of one workspace, or all): after rows were written with triggers off.';

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
       and (t.status = p_status or (p_status is null and t.status <> 'pending'));
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
  'How many members of a workspace match the Users page''s filters (role, effective status, substring of name or email; without a status, everyone but pending invitations): without a search the sum of private.member_tallies, ended suspensions moved to active; with one, the matching rows counted, found by the trigram or grams index. No permission check: member_directory_count and member_directory_page check first.';

-- ---------- Tables -----------------------------------------------------------------

create table private.member_tallies (
  workspace_id uuid not null,
  role public.workspace_role not null,
  status public.member_status not null,
  members integer not null,
  constraint member_tallies_pkey primary key (workspace_id, role, status)
);

comment on table private.member_tallies is
  'Memberships per workspace, role and stored status, kept by the memberships_tally trigger; read by member_directory_count(). Rows of deleted workspaces fall to 0.';

alter table private.member_tallies enable row level security;

-- ---------- Views ------------------------------------------------------------------

-- Owner's rights (it shows manage-only columns to members.manage holders, which column grants
-- cannot express per row), so a security barrier: a caller's own condition (a regex on email,
-- a failing cast) runs only on the rows of the caller's workspaces, never on another tenant's
-- (issue 19; pgTAP 31).
create or replace view public.member_directory
with (security_barrier = true)
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
  m.created_at,
  private.member_actions((select auth.uid()), private.caller_rank(m.workspace_id), s.can_manage,
                         private.has_permission(m.workspace_id, 'members.invite'), m.user_id, m.role,
                         private.effective_status(m.status, m.suspended_until), mb.managed_by) as actions,
  mb.managed_by
from public.memberships m
join private.directory_scope() s on s.workspace_id = m.workspace_id
cross join lateral (select private.member_managed_by(m.id) as managed_by) mb
left join public.profiles p on p.id = m.user_id
left join public.profiles inviter on inviter.id = m.invited_by;
comment on view public.member_directory is
  'The team directory (Users page, pickers, name lookups): memberships of the caller''s members.view workspaces with name, email, role and status. Runs with the owner''s rights; access is the join with private.directory_scope(). status_reason, last_active_at, invited_by and invited_by_email are NULL unless the caller holds members.manage in that workspace.';
comment on column public.member_directory.effective_status is
  'status, except that a suspension whose end has passed reads as active (private.effective_status).';
comment on column public.member_directory.status_reason is
  'Why the member was suspended; members.manage only (NULL otherwise).';
comment on column public.member_directory.invited_by is
  'Who sent the invitation; members.manage only (NULL otherwise).';
comment on column public.member_directory.invited_by_email is
  'Inviter''s email; members.manage only (NULL otherwise).';
comment on column public.member_directory.invitation_expired is
  'Pending invitation past its expiry (can be resent).';
comment on column public.member_directory.last_active_at is
  'Last activity in the workspace; members.manage only (NULL otherwise).';
comment on column public.member_directory.actions is
  'The row''s menu for the caller, from the member RPCs'' own guard: [{action, refusal, reason}] (private.member_actions); refusal null = the database takes it.';
comment on column public.member_directory.managed_by is
  'Name of the directory connection (SCIM, docs/directory-sync.md) that manages the member ("Managed by Okta"), null when none: their role and status are then the identity provider''s.';
revoke all on table public.member_directory from anon, authenticated, service_role;
grant select on table public.member_directory to authenticated, service_role;

-- ---------- Functions --------------------------------------------------------------

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
  v_invite boolean;
  v_rank integer;
  v_pattern text := private.like_pattern(coalesce(p_search, ''));
  v_total bigint;
  v_reverse boolean := false;
  v_offset integer := p_offset;
  v_limit integer := p_limit;
  v_ids uuid[];
  v_matches uuid[];
  -- A search with at most this many matches is answered from an index (below).
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
  v_invite := 'members.invite' = any(v_rights);
  v_rank := private.caller_rank(p_workspace_id);
  if p_offset is null or p_offset < 0 or p_limit is null or p_limit < 1 or p_limit > 1000 then
    raise exception 'Page out of range (offset >= 0, limit 1 to 1000).' using errcode = '22023', hint = 'invalid_page';
  end if;

  -- Past the middle of a long list (the paginator's last pages), walking the index from the
  -- far end is shorter: the total (the Users page's own) costs a tenth of walking past the
  -- rows (offset 9,950 of 10,000: ~11 ms forwards, ~3 ms this way).
  if p_offset >= 1000 then
    v_total := private.directory_total(p_workspace_id, p_role, p_status, p_search);  -- private.member_tallies
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
           m.created_at,
           private.member_actions(auth.uid(), v_rank, v_manage, v_invite, m.user_id, m.role,
                                  private.effective_status(m.status, m.suspended_until), mb.managed_by),
           mb.managed_by
      from unnest(v_ids) with ordinality as page(id, n)
      join public.memberships m on m.id = page.id
     cross join lateral (select private.member_managed_by(m.id) as managed_by) mb
     order by case when v_reverse then -page.n else page.n end;
end;
$$;
comment on function public.member_directory_page(p_workspace_id uuid, p_sort text, p_descending boolean, p_role public.workspace_role, p_status public.member_status, p_search text, p_offset integer, p_limit integer) is
  'Users page: one page (p_offset, p_limit <= 1000) of the directory of a workspace where the caller holds members.view, sorted by p_sort (full_name, email, role, effective_status, created_at, last_active_at, invited_by_email; the last two only for members.manage, otherwise by name A to Z) and filtered by role, effective status and a substring of name or email (the matches from the trigram or grams index when at most 300, else a walk of the order''s index). Rows as in member_directory, manage-only columns NULL without members.manage; actions = each row''s menu for the caller (private.member_actions), managed_by = the directory connection managing the member. Errors: PT404 not_found (HTTP 404), 42501 not_allowed, 22023 invalid_page / invalid_sort.';
grant execute on function public.member_directory_page(p_workspace_id uuid, p_sort text, p_descending boolean, p_role public.workspace_role, p_status public.member_status, p_search text, p_offset integer, p_limit integer) to authenticated;

-- ---------- Views ------------------------------------------------------------------

-- Read-only: writes answer 401/403 (no privilege) or 405 (read_only), never 500
-- (private.refuse_view_write).
create trigger member_directory_read_only
  instead of insert or update or delete on public.member_directory
  for each row execute function private.refuse_view_write();
comment on trigger member_directory_read_only on public.member_directory is
  'The directory is read-only: writes answer 401/403 (no privilege) or 405 (read_only), never 500.';

-- ---------- Triggers on tables defined elsewhere, calling functions of this file ---

create trigger memberships_copy_profile
  before insert or update of user_id, member_name, member_email on public.memberships
  for each row execute function private.copy_member_profile();
comment on trigger memberships_copy_profile on public.memberships is
  'Sets member_name and member_email from the member''s profile on insert and on any update that touches them or the user.';

create trigger memberships_tally
  after insert or delete or update of workspace_id, role, status on public.memberships
  for each row execute function private.tally_member_change();
comment on trigger memberships_tally on public.memberships is
  'Keeps private.member_tallies equal to the memberships per workspace, role and status.';

create trigger profiles_sync_member_copies
  after update of full_name, email on public.profiles
  for each row
  when (old.full_name is distinct from new.full_name or old.email is distinct from new.email)
  execute function private.sync_member_profile_copies();
comment on trigger profiles_sync_member_copies on public.profiles is
  'A new name or email of a person reaches the copies on each of their memberships, in the same transaction.';

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

-- ---------- Index over a function of this file --------------------------------------

create index memberships_search_grams_idx on public.memberships
  using gin (private.search_grams(coalesce(member_name, '') || ' ' || coalesce(member_email, '')));
comment on index public.memberships_search_grams_idx is
  'Users search of one or two characters: the members whose "name email" holds the term (private.search_grams), found without walking the workspace.';
