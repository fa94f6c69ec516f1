-- =====================================================================================
-- A person cannot create workspaces without limit (issue 19, item 3).
--
-- Workspaces were free to create: one signed-in user made two (or any number) of their own,
-- 20 SQL credentials in each, and exhausted the database's connections. Every workspace now
-- comes from private.create_workspace_for (create_workspace() and the sign-up trigger), which
-- checks two limits per person, under a per-person lock so concurrent calls cannot both pass:
--   * owned:  at most private.workspace_limits.owned_per_user (3) workspaces where the person is
--             the Owner at once;  42501 (HTTP 403) hint workspace_limit_reached;
--   * rate:   at most created_per_day (3) workspaces created by the person in a sliding
--             24 hours, deleted ones included (else create/delete cycles would be free);
--             PT429 (HTTP 429) hint workspace_rate_limited, detail retry_at=<instant>.
-- Ownership received by transfer is not "creating": it counts towards the owned figure of later
-- creations but is never refused here (the giver chose it).
-- Creations are remembered in private.workspace_creations, which outlives the workspace.
-- =====================================================================================

-- ---------- Limits (one row, operator-owned) -----------------------------------------
create table private.workspace_limits (
  singleton boolean primary key default true
    constraint workspace_limits_singleton check (singleton),
  owned_per_user integer not null default 3
    constraint workspace_limits_owned_positive check (owned_per_user > 0),
  created_per_day integer not null default 3
    constraint workspace_limits_created_positive check (created_per_day > 0)
);
alter table private.workspace_limits enable row level security;
revoke all on table private.workspace_limits from public, anon, authenticated, service_role;
insert into private.workspace_limits default values;

comment on table private.workspace_limits is
  'Per-person workspace limits (one row; change as postgres). No policies, no API access. Read by private.check_workspace_creation.';
comment on column private.workspace_limits.owned_per_user is
  'Workspaces one person may own (role owner) when creating another one.';
comment on column private.workspace_limits.created_per_day is
  'Workspaces one person may create in a sliding 24 hours, counting ones deleted since.';

-- ---------- Ledger of creations -------------------------------------------------------
create table private.workspace_creations (
  id bigint generated always as identity primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  workspace_id uuid not null,
  created_at timestamptz not null default now()
);
alter table private.workspace_creations enable row level security;
revoke all on table private.workspace_creations from public, anon, authenticated, service_role;
create index workspace_creations_user_created_idx
  on private.workspace_creations (user_id, created_at);

comment on table private.workspace_creations is
  'One row per workspace created through private.create_workspace_for (RPC or sign-up), kept after the workspace is deleted, for the created_per_day rate. No API access.';
comment on column private.workspace_creations.user_id is 'Who created it (its first Owner).';
comment on column private.workspace_creations.workspace_id is
  'The workspace made (no foreign key: the row outlives a deleted workspace).';
comment on column private.workspace_creations.created_at is 'When it was created.';
comment on index private.workspace_creations_user_created_idx is
  'The rate check: one range scan over a person''s creations of the last 24 hours.';

-- Workspaces created in the last 24 hours before this migration count towards the rate.
insert into private.workspace_creations (user_id, workspace_id, created_at)
select m.user_id, w.id, w.created_at
  from public.workspaces w
  join public.memberships m on m.workspace_id = w.id and m.role = 'owner'
 where w.created_at > now() - interval '24 hours';

-- ---------- The check ------------------------------------------------------------------
create or replace function private.check_workspace_creation(p_user_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_limits private.workspace_limits;
  v_owned integer;
  v_recent integer;
  v_oldest timestamptz;
begin
  -- One creation per person at a time: two concurrent calls would otherwise both count 2 and
  -- both create. The lock is released at commit or rollback.
  perform pg_advisory_xact_lock(hashtextextended('fluxera.workspace_creation:' || p_user_id::text, 0));

  select * into v_limits from private.workspace_limits;

  select count(*) into v_owned
    from public.memberships m
   where m.user_id = p_user_id and m.role = 'owner';
  if v_owned >= v_limits.owned_per_user then
    raise exception 'You own % workspaces, and one person may own at most %. Delete one or transfer its ownership before creating another.',
        v_owned, v_limits.owned_per_user
      using errcode = '42501', hint = 'workspace_limit_reached',
            detail = format('owned=%s limit=%s', v_owned, v_limits.owned_per_user);
  end if;

  select count(*), min(c.created_at) into v_recent, v_oldest
    from private.workspace_creations c
   where c.user_id = p_user_id and c.created_at > now() - interval '24 hours';
  if v_recent >= v_limits.created_per_day then
    raise exception 'You have created % workspaces in the last 24 hours, and at most % are allowed. Try again after %.',
        v_recent, v_limits.created_per_day, to_char((v_oldest + interval '24 hours') at time zone 'UTC', 'YYYY-MM-DD HH24:MI "UTC"')
      using errcode = 'PT429', hint = 'workspace_rate_limited',
            detail = format('retry_at=%s', to_char((v_oldest + interval '24 hours') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'));
  end if;
end;
$$;
comment on function private.check_workspace_creation(uuid) is
  'Refuses a new workspace for p_user_id when they already own private.workspace_limits.owned_per_user (default 3) workspaces: 42501 (HTTP 403) workspace_limit_reached; or created created_per_day (default 3) in the last 24 hours, deleted ones included: PT429 (HTTP 429) workspace_rate_limited, detail retry_at=<UTC instant>. Takes a per-person transaction lock first, so concurrent creations are counted one after the other.';
revoke all on function private.check_workspace_creation(uuid) from public, anon, authenticated;

-- ---------- Every creation goes through the check -----------------------------------
create or replace function private.create_workspace_for(p_owner uuid, p_name text)
returns public.workspaces
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_name text := private.clean_name(p_name);
  v_workspace public.workspaces;
begin
  if v_name is null or char_length(v_name) not between 1 and 80 then
    raise exception 'A workspace name needs 1 to 80 characters.'
      using errcode = '22023', hint = 'invalid_name';
  end if;
  perform private.check_workspace_creation(p_owner);

  insert into public.workspaces (name) values (v_name) returning * into v_workspace;
  insert into public.memberships (workspace_id, user_id, role, status, joined_at)
  values (v_workspace.id, p_owner, 'owner', 'active', now());
  insert into private.workspace_creations (user_id, workspace_id) values (p_owner, v_workspace.id);
  return v_workspace;
end;
$$;
comment on function private.create_workspace_for(uuid, text) is
  'Creates a workspace with p_owner as its active owner (name cleaned by private.clean_name; 22023 invalid_name when nothing visible is left or it is longer than 80 characters), within the per-person limits of private.check_workspace_creation (42501 workspace_limit_reached: 3 owned; PT429 workspace_rate_limited: 3 created per 24 hours), and records the creation in private.workspace_creations. The only path that creates workspaces (create_workspace() and the sign-up trigger).';

comment on function public.create_workspace(text) is
  'Creates a workspace owned by the caller. Limits per person (private.workspace_limits): at most 3 owned workspaces and 3 created in a sliding 24 hours (deleted ones count). Errors: 22023 invalid_name; 42501 not_authenticated/account_disabled (a banned account cannot give itself an active membership); 42501 workspace_limit_reached (HTTP 403, already owns the maximum); PT429 workspace_rate_limited (HTTP 429, detail retry_at=<UTC instant>); PT401 session_revoked.';
