-- =====================================================================================
-- Tenant isolation on the doors opened since the REST API was hardened (issue 19).
--
-- 1. Owner's-rights views are security barriers. A view that runs with its owner's rights
--    and is not a barrier is flattened into the caller's query, so the planner may run a
--    caller's condition (a cast that fails, a regex that backtracks, a volatile function
--    such as set_config() that records what it saw) on every tenant's rows before the
--    view's own workspace filter. With security_barrier, Postgres evaluates the view's
--    quals first and pushes down only LEAKPROOF operators (=, <, … on built-in types), so
--    a caller's condition sees only rows the view would return. That holds whatever the
--    planner settings (enable_indexscan, enable_seqscan …): it is a rule of the rewriter,
--    not a cost choice. The reporting views stay owner's-rights (their readers hold no
--    right on the base tables, and the vendor-wide analyst needs every workspace);
--    public.member_directory stays owner's-rights because it shows manage-only columns
--    (status reason, inviter, last sign-in) to members.manage holders only, which the
--    column grants of memberships cannot express per row.
-- 2. Workspace SQL credentials (fx_ro_*) write nothing and keep nothing: no TEMP on the
--    database (TEMP was PUBLIC's, Postgres's default), no large-object writers (PUBLIC's
--    by default), and a dropped credential takes whatever it owned with it.
-- 3. A connection budget nobody can exhaust: credentials per workspace and connections
--    per credential are capped (private.sql_access_limits), and all credentials together
--    hold at most a fixed share of max_connections, so PostgREST, Auth and the operator
--    always find free connections.
-- 4. Role comments name no workspace (pg_roles and pg_shdescription are readable by every
--    login, other tenants' credentials included).
-- =====================================================================================

-- ---------- 1. Barrier views ----------------------------------------------------------
alter view public.member_directory set (security_barrier = true);
alter view reporting.activity set (security_barrier = true);
alter view reporting.role_changes set (security_barrier = true);
alter view reporting.member_roster set (security_barrier = true);
alter view reporting.daily_activity_counts set (security_barrier = true);
alter view reporting.alerts set (security_barrier = true);
alter view reporting.activity_checkpoints set (security_barrier = true);

-- ---------- 2. Nothing to write with -------------------------------------------------
-- TEMP: Postgres grants it to PUBLIC. Every role that exists now keeps it by a grant of its
-- own (Supabase's roles, the API roles, the operator's vendor-wide analyst), then PUBLIC
-- loses it, so a credential created later has none. Revoking needs the database's owner:
-- where the migration runs as someone else, REVOKE only warns, and the barrier views above
-- are what keeps a temporary function from seeing other tenants' rows.
do $$
declare
  v_role text;
begin
  for v_role in
    select r.rolname from pg_catalog.pg_roles r
     where r.rolname !~ '^pg_'
       and r.rolname !~ '^fx_ro_'
       and r.rolname <> 'fluxera_workspace_analyst'
  loop
    execute format('grant temporary on database %I to %I', current_database(), v_role);
  end loop;
  execute format('revoke temporary on database %I from public', current_database());
end
$$;

-- Large objects: the writers are PUBLIC's by default and commit data outside any table a
-- grant could guard (a "read-only" session can turn read-only off). Nobody in this product
-- uses large objects. Revoking needs the functions' owner (the bootstrap superuser): on a
-- hosted project REVOKE only warns, and the credential's objects are dropped with it (below).
revoke execute on function
  pg_catalog.lo_creat(integer),
  pg_catalog.lo_create(oid),
  pg_catalog.lo_from_bytea(oid, bytea),
  pg_catalog.lo_put(oid, bigint, bytea),
  pg_catalog.lowrite(integer, bytea),
  pg_catalog.lo_truncate(integer, integer),
  pg_catalog.lo_truncate64(integer, bigint),
  pg_catalog.lo_unlink(oid)
from public;

-- ---------- 3. The connection budget -------------------------------------------------
create table private.sql_access_limits (
  singleton boolean primary key default true
    constraint sql_access_limits_one_row check (singleton),
  credentials_per_workspace integer not null default 5
    constraint sql_access_limits_credentials check (credentials_per_workspace between 1 and 20),
  connections_per_credential integer not null default 2
    constraint sql_access_limits_connections check (connections_per_credential between 1 and 5),
  connection_share numeric not null default 0.25
    constraint sql_access_limits_share check (connection_share > 0 and connection_share <= 0.5)
);
alter table private.sql_access_limits enable row level security;
revoke all on table private.sql_access_limits from public, anon, authenticated, service_role;
insert into private.sql_access_limits default values;

comment on table private.sql_access_limits is
  'The one row of limits on workspace SQL credentials (docs/reporting.md, docs/scaling.md). One workspace holds at most credentials_per_workspace × connections_per_credential connections (5 × 2 = 10); all credentials of all workspaces together at most connection_share of max_connections (0.25: 50 of 200 locally, 15 of 60 on the smallest hosted compute). The operator may change the row; no API reaches it.';
comment on column private.sql_access_limits.singleton is 'Always true: the table has one row.';
comment on column private.sql_access_limits.credentials_per_workspace is 'Live credentials a workspace may have at once.';
comment on column private.sql_access_limits.connections_per_credential is 'Each credential role''s CONNECTION LIMIT.';
comment on column private.sql_access_limits.connection_share is
  'Share of max_connections that all credentials'' connection limits together may reach; the rest stays free for PostgREST, Auth, the vendor-wide analyst and the operator.';

create or replace function private.sql_credential_connection_budget()
returns integer
language sql
stable
security definer
set search_path = ''
as $$
  select floor(current_setting('max_connections')::integer * l.connection_share)::integer
    from private.sql_access_limits l;
$$;
comment on function private.sql_credential_connection_budget() is
  'Connections all workspace SQL credentials together may hold: connection_share of max_connections, rounded down.';

create or replace function private.sql_credential_connections_allotted()
returns integer
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(sum(greatest(r.rolconnlimit, 0)), 0)::integer
    from private.sql_credentials c
    join pg_catalog.pg_roles r on r.rolname = c.role_name;
$$;
comment on function private.sql_credential_connections_allotted() is
  'Sum of the CONNECTION LIMITs of the live credential roles: what the budget has handed out.';

create or replace function private.apply_sql_credential_settings(p_role text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  execute format('alter role %I set search_path = reporting', p_role);
  execute format('alter role %I set default_transaction_read_only = on', p_role);
  execute format('alter role %I set statement_timeout = %L', p_role, '15s');
  execute format('alter role %I set idle_in_transaction_session_timeout = %L', p_role, '60s');
  -- An idle BI connection is closed after 10 minutes, returning its share of the budget.
  execute format('alter role %I set idle_session_timeout = %L', p_role, '10min');
  -- Dashboard queries are short reads whose cost estimates cross jit_above_cost: compiling
  -- cost more than running them (bench-results/reporting-explain.txt).
  execute format('alter role %I set jit = off', p_role);
  execute format('alter role %I connection limit %s', p_role,
    (select l.connections_per_credential from private.sql_access_limits l));
  -- Names no workspace: every login can read role comments.
  execute format('comment on role %I is %L', p_role,
    'Read-only SQL credential of a Fluxera workspace (private.sql_credentials).');
end;
$$;
comment on function private.apply_sql_credential_settings(text) is
  'Settings of a workspace SQL credential''s login role: reporting search_path, read-only transactions, 15 s statement timeout, 60 s idle-in-transaction and 10 min idle-session timeouts, JIT off, CONNECTION LIMIT from private.sql_access_limits, a comment that names no workspace.';
revoke all on function private.apply_sql_credential_settings(text) from public, anon, authenticated;

create or replace function public.create_sql_credential(
  p_workspace_id uuid, p_name text, p_expires_at timestamptz default null
)
returns table (id uuid, name text, role_name text, password text, expires_at timestamptz)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_name text := btrim(p_name);
  v_role text;
  v_password text := private.new_sql_password();
  v_row private.sql_credentials;
  v_limits private.sql_access_limits;
begin
  perform private.require_sql_credentials_access(p_workspace_id);
  perform 1 from public.workspaces w where w.id = p_workspace_id for no key update;
  -- One creation at a time project-wide, so two workspaces cannot both take the last share
  -- of the connection budget.
  select * into v_limits from private.sql_access_limits l for update;

  if v_name is null or v_name = '' or v_name ~ '[[:cntrl:]]' then
    raise exception 'Give the credential a name, e.g. "Metabase".' using errcode = '22023', hint = 'invalid_name';
  end if;
  if char_length(v_name) > 60 then
    raise exception 'The name can be at most 60 characters.' using errcode = '22023', hint = 'too_long';
  end if;
  if p_expires_at is not null and p_expires_at <= now() then
    raise exception 'The expiry must be in the future.' using errcode = '22023', hint = 'invalid_date';
  end if;
  if exists (select 1 from private.sql_credentials c
              where c.workspace_id = p_workspace_id and lower(c.name) = lower(v_name)) then
    raise exception 'A credential named "%" already exists.', v_name using errcode = '23505', hint = 'duplicate_name';
  end if;
  if (select count(*) from private.sql_credentials c where c.workspace_id = p_workspace_id)
     >= v_limits.credentials_per_workspace then
    raise exception 'A workspace can have at most % SQL credentials; revoke one first.',
      v_limits.credentials_per_workspace using errcode = '22023', hint = 'too_many';
  end if;
  if private.sql_credential_connections_allotted() + v_limits.connections_per_credential
     > private.sql_credential_connection_budget() then
    raise exception 'SQL access is at capacity on this server; no new credential can be made now. Revoke an unused one, or ask Fluxera support.'
      using errcode = '53400', hint = 'capacity';
  end if;

  loop
    v_role := 'fx_ro_' || encode(extensions.gen_random_bytes(5), 'hex');
    exit when not exists (select 1 from pg_catalog.pg_roles r where r.rolname = v_role);
  end loop;

  -- INHERIT: the privileges come from the group. No CREATEROLE/CREATEDB/BYPASSRLS, no other
  -- membership, so SET ROLE to anything but the group is refused. The connection limit and
  -- the other settings come from apply_sql_credential_settings().
  execute format(
    'create role %I login inherit nosuperuser nocreatedb nocreaterole nobypassrls noreplication connection limit 0 valid until %L password %L',
    v_role, coalesce(p_expires_at::text, 'infinity'), private.scram_sha256_verifier(v_password));
  if current_setting('server_version_num')::integer >= 160000 then
    -- Postgres 16+: membership for privileges only; SET ROLE to the group refused too. (The
    -- options are appended at run time: plpgsql_check parses a constant statement with PG15's
    -- grammar, which does not know them.)
    execute format('grant fluxera_workspace_analyst to %I', v_role) || ' with inherit true, set false';
  else
    execute format('grant fluxera_workspace_analyst to %I', v_role);
  end if;
  -- Lets this function's owner see the role's sessions and end them (hosted postgres is not
  -- superuser), and drop what it owns; grants the credential nothing.
  execute format('grant %I to %I', v_role, current_user);
  perform private.apply_sql_credential_settings(v_role);

  insert into private.sql_credentials (workspace_id, role_name, name, created_by, expires_at)
  values (p_workspace_id, v_role, v_name, auth.uid(), p_expires_at)
  returning * into v_row;

  perform private.log_activity(p_workspace_id, 'sql_credential.created', 'sql_credential', v_row.id::text,
    null, jsonb_build_object('name', v_row.name, 'role_name', v_row.role_name, 'expires_at', v_row.expires_at));

  return query select v_row.id, v_row.name, v_row.role_name, v_password, v_row.expires_at;
end;
$$;
comment on function public.create_sql_credential(uuid, text, timestamptz) is
  'Creates a read-only SQL credential for the workspace (reporting.credentials, Owner or Admin): a LOGIN role fx_ro_* that sees only this workspace''s rows in the reporting views; settings from private.apply_sql_credential_settings (15 s statement timeout, JIT off, 2 connections), VALID UNTIL p_expires_at (null: never). Returns the generated password once; it is stored nowhere. Logs sql_credential.created. Errors: PT404 (HTTP 404) not_found, 42501 not_allowed, 22023 invalid_name/too_long/invalid_date/too_many (5 per workspace), 23505 duplicate_name, 53400 (HTTP 503) capacity when all credentials together would pass the connection budget.';

create or replace function private.drop_sql_credential_role()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.end_sql_credential_sessions(old.role_name);
  if exists (select 1 from pg_catalog.pg_roles r where r.rolname = old.role_name) then
    -- Whatever the role managed to own (a large object on a server where the writers could
    -- not be revoked) goes with it; otherwise DROP ROLE would refuse and the credential
    -- could never be revoked.
    execute format('drop owned by %I', old.role_name);
    execute format('drop role %I', old.role_name);
  end if;
  return null;
end;
$$;
comment on function private.drop_sql_credential_role() is
  'AFTER DELETE trigger on private.sql_credentials: ends the role''s sessions, drops what it owns and drops the LOGIN role, whether the credential is revoked or its workspace deleted.';

-- Existing credentials: the new settings (2 connections, idle timeout, a comment without the
-- workspace). A workspace over the new cap keeps its credentials; it cannot add more.
do $$
declare
  v_role text;
begin
  for v_role in
    select c.role_name from private.sql_credentials c
      join pg_catalog.pg_roles r on r.rolname = c.role_name
  loop
    perform private.apply_sql_credential_settings(v_role);
  end loop;
end
$$;

revoke all on function
  private.sql_credential_connection_budget(),
  private.sql_credential_connections_allotted()
from public, anon, authenticated;
