-- =====================================================================================
-- The Users and Activity pages' RPCs open with the shared prelude,
-- private.require_workspace_permission (20261202000220_rpc_preludes.sql), instead of their
-- own copy of it: "Workspace not found." (PT404 not_found) unless the caller can open the
-- workspace (private.is_member), then private.require_permission (42501 not_allowed). The
-- copy was exactly those two checks in that order, so messages, hint codes, HTTP statuses
-- and the order of the checks stay; nothing else in the bodies changes. Grants and comments
-- stay (create or replace).
--
--   member_directory_page, member_directory_count  members.view    (Users page)
--   member_mfa_status                              members.manage  (Users page)
--   activity_alerts, activity_checkpoint,
--   verify_activity_log(uuid, jsonb)               activity.view   (Activity page)
-- =====================================================================================

create or replace function public.member_directory_page(p_workspace_id uuid, p_sort text default 'full_name'::text, p_descending boolean default false, p_role public.workspace_role default NULL::public.workspace_role, p_status public.member_status default NULL::public.member_status, p_search text default NULL::text, p_offset integer default 0, p_limit integer default 50)
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
  perform private.require_workspace_permission(p_workspace_id, 'members.view');
  if p_offset is null or p_offset < 0 or p_limit is null or p_limit < 1 or p_limit > 1000 then
    raise exception 'Page out of range (offset >= 0, limit 1 to 1000).' using errcode = '22023', hint = 'invalid_page';
  end if;
  v_manage := private.has_permission(p_workspace_id, 'members.manage');

  v_sql := private.directory_page_sql(p_sort, p_descending, p_role, p_status, p_search, v_manage);

  return query execute v_sql
    using p_workspace_id, p_role, p_status, private.like_pattern(coalesce(p_search, '')), p_limit, p_offset;
end;
$$;

create or replace function public.member_directory_count(p_workspace_id uuid, p_role public.workspace_role default NULL::public.workspace_role, p_status public.member_status default NULL::public.member_status, p_search text default NULL::text)
returns bigint
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_total bigint;
begin
  perform private.require_workspace_permission(p_workspace_id, 'members.view');
  execute 'select count(*) from public.memberships m'
    || case when nullif(btrim(p_search), '') is not null then ' join public.profiles p on p.id = m.user_id' else '' end
    || ' where ' || private.directory_where(p_role, p_status, p_search)
    into v_total
    using p_workspace_id, p_role, p_status, private.like_pattern(coalesce(p_search, ''));
  return v_total;
end;
$$;

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

create or replace function public.activity_alerts(p_workspace_id uuid, p_since timestamp with time zone default (now() - '24:00:00'::interval))
returns table (kind text, actor_id uuid, actor_email text, window_start timestamp with time zone, window_end timestamp with time zone, event_count integer, threshold integer)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_workspace_permission(p_workspace_id, 'activity.view');
  if p_since is null or p_since > now() then
    raise exception 'Give a start time that is not in the future.' using errcode = '22023', hint = 'invalid_date';
  end if;

  return query
    with events as (
      select r.kind, r.threshold, r.window_length,
             case when r.group_by = 'actor' then a.actor_id else a.subject_user_id end as who,
             case when r.group_by = 'actor' then a.actor_email end as who_email,
             a.occurred_at, a.id
        from private.alert_rules r
        cross join lateral unnest(r.actions) as ra(action)
        -- One range scan of activity_log_workspace_action_idx per rule action: LATERAL with
        -- OFFSET 0 keeps the subquery from being flattened into a join the planner could
        -- turn into a scan of the workspace's whole period.
        cross join lateral (
          select l.actor_id, l.actor_email, l.subject_user_id, l.occurred_at, l.id
            from public.activity_log l
           where l.workspace_id = p_workspace_id and l.action = ra.action and l.occurred_at >= p_since
          offset 0
        ) a
    ), ranked as (
      select e.*,
             row_number() over w as rn,
             lead(e.occurred_at, e.threshold - 1) over w as nth_at
        from events e
      window w as (partition by e.kind, e.who order by e.occurred_at, e.id)
    ), starts as (
      -- Events that open a qualifying window; a new alert wherever they stop overlapping.
      select s.*,
             case when lag(s.rn) over w is null or lag(s.rn) over w + s.threshold - 1 < s.rn then 1 else 0 end as is_new
        from ranked s
       where s.nth_at <= s.occurred_at + s.window_length
      window w as (partition by s.kind, s.who order by s.rn)
    ), grouped as (
      select s.*, sum(s.is_new) over (partition by s.kind, s.who order by s.rn) as burst
        from starts s
    )
    select g.kind,
           g.who,
           coalesce(max(g.who_email), max(p.email), case when g.who is null then 'system' end),
           min(g.occurred_at),
           max(g.nth_at),
           (max(g.rn) + min(g.threshold) - min(g.rn))::integer,
           min(g.threshold)
      from grouped g
      left join public.profiles p on p.id = g.who
     group by g.kind, g.who, g.burst
     order by min(g.occurred_at) desc, g.kind;
end;
$$;

create or replace function public.activity_checkpoint(p_workspace_id uuid)
returns table (workspace_id uuid, last_id bigint, hash text, row_count bigint, taken_at timestamp with time zone)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_workspace_permission(p_workspace_id, 'activity.view');
  return query select * from private.activity_head(p_workspace_id);
end;
$$;

create or replace function public.verify_activity_log(p_workspace_id uuid, p_checkpoint jsonb)
returns table (ok boolean, rows_checked bigint, first_bad_id bigint, last_id bigint, checkpoint_ok boolean, problem text)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_cp_last bigint;
  v_cp_hash text;
  v_cp_count bigint;
  v_chain record;
  v_hash text;
  v_count bigint;
  v_problem text;
begin
  perform private.require_workspace_permission(p_workspace_id, 'activity.view');

  begin
    v_cp_last := (p_checkpoint ->> 'last_id')::bigint;
    v_cp_hash := lower(p_checkpoint ->> 'hash');
    v_cp_count := (p_checkpoint ->> 'row_count')::bigint;
  exception when others then
    v_cp_last := null;
  end;
  if jsonb_typeof(p_checkpoint) is distinct from 'object'
     or v_cp_last is null or v_cp_count is null or v_cp_hash !~ '^[0-9a-f]{64}$'
     or (p_checkpoint ? 'workspace_id' and p_checkpoint ->> 'workspace_id' is distinct from p_workspace_id::text) then
    raise exception 'Not a checkpoint of this workspace: expected { workspace_id, last_id, hash, row_count }.'
      using errcode = '22023', hint = 'invalid_checkpoint';
  end if;

  select * into v_chain from public.verify_activity_log(p_workspace_id);

  select pg_catalog.encode(a.hash, 'hex') into v_hash
    from public.activity_log a where a.workspace_id = p_workspace_id and a.id = v_cp_last;
  if not found then
    v_problem := 'checkpoint_row_missing';     -- the tail was truncated or rows deleted
  elsif v_hash <> v_cp_hash then
    v_problem := 'checkpoint_hash_mismatch';   -- a row up to the checkpoint was rewritten
  else
    select count(*) into v_count
      from public.activity_log a where a.workspace_id = p_workspace_id and a.id <= v_cp_last;
    if v_count <> v_cp_count then
      v_problem := 'checkpoint_count_mismatch'; -- rows up to the checkpoint removed or added
    end if;
  end if;

  return query select coalesce(v_chain.ok, true) and v_problem is null, coalesce(v_chain.rows_checked, 0),
                      v_chain.first_bad_id, v_chain.last_id, v_problem is null,
                      coalesce(v_problem, case when not v_chain.ok then 'chain_broken' end);
end;
$$;
