-- =====================================================================================
-- The Users page's total without counting the directory: members per workspace, role and
-- stored status, kept up to date by a trigger on memberships in the same transaction.
--
-- member_directory_count() counted the workspace's memberships on every first visit and every
-- change of the role or status filter: 10,000 index entries (~0.5 ms of CPU) at Bench Corp,
-- the costliest part of that request under 50 connections (docs/benchmarks.md, issue 11). Now,
-- without a search, it sums at most 16 tally rows; the effective status moves suspensions whose
-- end has passed from suspended to active (counted among the workspace's suspended rows only).
-- With a search it counts as before.
--
-- The Users page's own far-end reading (member_directory_page) asks the same total
-- (private.directory_total).
--
-- Writes with triggers off (session_replication_role = replica: the seed of large test data)
-- skip the tally; private.recount_member_tallies() rebuilds it from the rows.
-- =====================================================================================

create table private.member_tallies (
  workspace_id uuid not null,
  role public.workspace_role not null,
  status public.member_status not null,
  members integer not null,
  primary key (workspace_id, role, status)
);
comment on table private.member_tallies is
  'Memberships per workspace, role and stored status, kept by the memberships_tally trigger; read by member_directory_count(). Rows of deleted workspaces fall to 0.';
alter table private.member_tallies enable row level security;
revoke all on table private.member_tallies from public, anon, authenticated;

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
revoke all on function private.tally_member_change() from public, anon, authenticated;

create trigger memberships_tally
  after insert or delete or update of workspace_id, role, status on public.memberships
  for each row execute function private.tally_member_change();
comment on trigger memberships_tally on public.memberships is
  'Keeps private.member_tallies equal to the memberships per workspace, role and status.';

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
comment on function private.recount_member_tallies(uuid) is
  'Rebuilds private.member_tallies from the memberships (of one workspace, or all): after rows were written with triggers off.';
revoke all on function private.recount_member_tallies(uuid) from public, anon, authenticated;

select private.recount_member_tallies();

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
  execute 'select count(*) from public.memberships m where '
    || private.directory_where(p_role, p_status, p_search)
    into v_total
    using p_workspace_id, p_role, p_status, private.like_pattern(p_search);
  return v_total;
end;
$$;
comment on function private.directory_total(uuid, public.workspace_role, public.member_status, text) is
  'How many members of a workspace match the Users page''s filters (role, effective status, substring of name or email): without a search the sum of private.member_tallies, ended suspensions moved to active; with one, the matching rows counted. No permission check: member_directory_count and member_directory_page check first.';
revoke all on function private.directory_total(uuid, public.workspace_role, public.member_status, text) from public, anon, authenticated;

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
comment on function public.member_directory_count(uuid, public.workspace_role, public.member_status, text) is
  'Users page total for the filters of member_directory_page (role, effective status, substring of name or email), in a workspace where the caller holds members.view. Without a search it sums private.member_tallies (kept by trigger) and moves ended suspensions to active; with one it counts the matches. Errors: PT404 not_found, 42501 not_allowed.';
