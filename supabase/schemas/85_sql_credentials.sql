-- =====================================================================================
-- Workspace-scoped, read-only SQL credentials for a customer's analysts (docs/reporting.md).
-- Each credential is a real LOGIN role fx_ro_<10 hex>, member of the NOLOGIN group
-- fluxera_workspace_analyst, which may read the reporting views and nothing else. An Owner (or an
-- Admin granted reporting.credentials) creates, rotates and revokes them from Settings.
-- =====================================================================================

set local check_function_bodies = off;

-- The credentials' group role is made in 00_foundation.sql.
grant usage on schema reporting to fluxera_workspace_analyst;

-- ---------- Functions --------------------------------------------------------------

create or replace function private.refuse_reporting_credentials_grant()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.permission = 'reporting.credentials' and new.role in ('member', 'viewer') then
    raise exception 'SQL credentials can be given to the Admin role only.'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  return new;
end;
$$;
comment on function private.refuse_reporting_credentials_grant() is
  'BEFORE INSERT/UPDATE trigger on role_permissions: reporting.credentials (SQL access to the whole workspace''s activity) may be granted to admin only, never to member or viewer (42501 not_allowed).';

create or replace function private.scram_sha256_verifier(p_password text)
returns text
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_salt bytea := extensions.gen_random_bytes(16);
  v_key bytea := convert_to(p_password, 'UTF8');
  v_u bytea;
  v_acc bit(256);
  v_salted bytea := ''::bytea;
begin
  -- PBKDF2-HMAC-SHA-256, 4096 iterations (RFC 7677, Postgres' default): U1 = HMAC(P, salt ||
  -- INT(1)), Ui = HMAC(P, Ui-1), SaltedPassword = U1 xor ... xor U4096. The password is
  -- ASCII (generated), so SASLprep leaves it as it is.
  v_u := extensions.hmac(v_salt || '\x00000001'::bytea, v_key, 'sha256');
  v_acc := ('x' || encode(v_u, 'hex'))::bit(256);
  for i in 2..4096 loop
    v_u := extensions.hmac(v_u, v_key, 'sha256');
    v_acc := v_acc # ('x' || encode(v_u, 'hex'))::bit(256);
  end loop;
  for i in 0..7 loop
    v_salted := v_salted
      || decode(lpad(to_hex(substring(v_acc from i * 32 + 1 for 32)::integer), 8, '0'), 'hex');
  end loop;
  return 'SCRAM-SHA-256$4096:' || encode(v_salt, 'base64') || '$'
    || encode(pg_catalog.sha256(extensions.hmac('Client Key'::bytea, v_salted, 'sha256')), 'base64') || ':'
    || encode(extensions.hmac('Server Key'::bytea, v_salted, 'sha256'), 'base64');
end;
$$;
comment on function private.scram_sha256_verifier(p_password text) is
  'The SCRAM-SHA-256 verifier Postgres stores for a password (random salt, 4096 iterations). ALTER ROLE ... PASSWORD with the verifier sets the password without the plain text ever appearing in a statement (logs, pg_stat_statements).';

create or replace function private.new_sql_password()
returns text
language plpgsql
volatile
set search_path = ''
as $$
begin
  -- 192 random bits, URL-safe base64 (no escaping needed in a connection string).
  return translate(encode(extensions.gen_random_bytes(24), 'base64'), '+/', '-_');
end;
$$;
comment on function private.new_sql_password() is
  'A new random password: 32 URL-safe characters, 192 bits.';

create or replace function private.sample_sql_credential_use(p_workspace_id uuid default null)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  -- A session whose times we may not read (not a member of the role, no pg_read_all_stats)
  -- still shows its user: then "now" is the honest answer (it is connected now).
  update private.sql_credentials c
     set last_used_at = greatest(c.last_used_at, s.seen)
    from (
      select a.usename::text as role_name, max(coalesce(a.state_change, a.backend_start, now())) as seen
        from pg_catalog.pg_stat_activity a
       where a.usename::text like 'fx\_ro\_%'
       group by 1
    ) s
   where s.role_name = c.role_name
     and (p_workspace_id is null or c.workspace_id = p_workspace_id)
     and c.last_used_at is distinct from greatest(c.last_used_at, s.seen);
  get diagnostics v_count = row_count;
  return v_count;
end;
$$;
comment on function private.sample_sql_credential_use(p_workspace_id uuid) is
  'Sets last_used_at of credentials (of one workspace, or all) that have a session in pg_stat_activity to the end of that session''s latest statement (state_change). Called when credentials are listed and every minute by pg_cron where installed. Returns how many rows changed.';

create or replace function private.end_sql_credential_sessions(p_role_name text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform pg_catalog.pg_terminate_backend(a.pid)
     from pg_catalog.pg_stat_activity a
    where a.usename::text = p_role_name;
exception when insufficient_privilege then
  -- Without the right to signal, open sessions stay connected, but they see no rows: the
  -- views' scope helper finds no credential (revoked) or an expired one.
  null;
end;
$$;
comment on function private.end_sql_credential_sessions(p_role_name text) is
  'Terminates the open sessions of a credential role (rotation, revocation). Not transactional: runs last.';

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

create or replace function private.require_sql_credentials_access(p_workspace_id uuid)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_workspace_permission(p_workspace_id, 'reporting.credentials');
  -- Defence in depth: whatever the matrix says, only an Owner or an Admin.
  if private.accessible_role(p_workspace_id) not in ('owner', 'admin') then
    raise exception 'Only the Owner or an Admin can manage SQL credentials.'
      using errcode = '42501', hint = 'not_allowed';
  end if;
end;
$$;
comment on function private.require_sql_credentials_access(p_workspace_id uuid) is
  'PT404 (HTTP 404) not_found unless an effectively active member; 42501 not_allowed unless holding reporting.credentials as Owner or Admin.';

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
grant execute on function public.create_sql_credential(p_workspace_id uuid, p_name text, p_expires_at timestamp with time zone) to authenticated;

create or replace function public.rotate_sql_credential(p_credential_id uuid)
returns table (id uuid, name text, role_name text, password text, expires_at timestamptz)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_row private.sql_credentials := private.sql_credential_for_change(p_credential_id);
  v_password text := private.new_sql_password();
begin
  if v_row.expires_at is not null and v_row.expires_at <= now() then
    raise exception 'This credential has expired; revoke it and create a new one.'
      using errcode = '22023', hint = 'invalid_date';
  end if;
  execute format('alter role %I password %L', v_row.role_name, private.scram_sha256_verifier(v_password));
  update private.sql_credentials c set rotated_at = now() where c.id = v_row.id;
  perform private.log_activity(v_row.workspace_id, 'sql_credential.rotated', 'sql_credential', v_row.id::text,
    null, jsonb_build_object('name', v_row.name, 'role_name', v_row.role_name));
  -- The old password may have leaked: its sessions end now.
  perform private.end_sql_credential_sessions(v_row.role_name);
  return query select v_row.id, v_row.name, v_row.role_name, v_password, v_row.expires_at;
end;
$$;
comment on function public.rotate_sql_credential(p_credential_id uuid) is
  'Gives the credential a new password (returned once) and ends its open sessions (reporting.credentials). Logs sql_credential.rotated. Errors: PT404 (HTTP 404) not_found, 42501 not_allowed, 22023 invalid_date (expired).';
grant execute on function public.rotate_sql_credential(p_credential_id uuid) to authenticated;

create or replace function public.revoke_sql_credential(p_credential_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_row private.sql_credentials := private.sql_credential_for_change(p_credential_id);
begin
  perform private.log_activity(v_row.workspace_id, 'sql_credential.revoked', 'sql_credential', v_row.id::text,
    jsonb_build_object('name', v_row.name, 'role_name', v_row.role_name, 'expires_at', v_row.expires_at), null);
  delete from private.sql_credentials c where c.id = v_row.id;  -- the trigger drops the role
end;
$$;
comment on function public.revoke_sql_credential(p_credential_id uuid) is
  'Revokes a SQL credential (reporting.credentials): drops its LOGIN role and ends its sessions. Logs sql_credential.revoked. Errors: PT404 (HTTP 404) not_found, 42501 not_allowed.';
grant execute on function public.revoke_sql_credential(p_credential_id uuid) to authenticated;

create or replace function public.list_sql_credentials(p_workspace_id uuid)
returns table (
  id uuid,
  name text,
  role_name text,
  created_by uuid,
  created_by_email text,
  created_at timestamptz,
  rotated_at timestamptz,
  expires_at timestamptz,
  last_used_at timestamptz,
  open_sessions integer
)
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.require_sql_credentials_access(p_workspace_id);
  perform private.sample_sql_credential_use(p_workspace_id);
  return query
    select c.id, c.name, c.role_name, c.created_by, p.email, c.created_at, c.rotated_at, c.expires_at,
           c.last_used_at,
           (select count(*)::integer from pg_catalog.pg_stat_activity a where a.usename::text = c.role_name)
      from private.sql_credentials c
      left join public.profiles p on p.id = c.created_by
     where c.workspace_id = p_workspace_id
     order by c.created_at, c.id;
end;
$$;
comment on function public.list_sql_credentials(p_workspace_id uuid) is
  'The workspace''s SQL credentials (reporting.credentials), oldest first: name, user name, creator, dates, last use (sampled from pg_stat_activity now and every minute where pg_cron runs) and open sessions. Never a password. Errors: PT404 (HTTP 404) not_found, 42501 not_allowed.';
grant execute on function public.list_sql_credentials(p_workspace_id uuid) to authenticated;

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

-- ---------- Tables -----------------------------------------------------------------

create table private.sql_credentials (
  id uuid default extensions.gen_random_uuid() not null,
  workspace_id uuid not null,
  role_name text not null,
  name text not null,
  created_by uuid,
  created_at timestamp with time zone default now() not null,
  rotated_at timestamp with time zone,
  expires_at timestamp with time zone,
  last_used_at timestamp with time zone,
  constraint sql_credentials_name_length check (((char_length(name) >= 1) and (char_length(name) <= 60))),
  constraint sql_credentials_role_name_format check ((role_name ~ '^fx_ro_[0-9a-f]{10}$'::text)),
  constraint sql_credentials_pkey primary key (id),
  constraint sql_credentials_role_name_key unique (role_name),
  constraint sql_credentials_created_by_fkey foreign key (created_by) references public.profiles(id) on delete set null,
  constraint sql_credentials_workspace_id_fkey foreign key (workspace_id) references public.workspaces(id) on delete cascade
);

-- ---------- Functions --------------------------------------------------------------

create or replace function private.sql_credential_for_change(p_credential_id uuid)
returns private.sql_credentials
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_row private.sql_credentials;
begin
  select * into v_row from private.sql_credentials c where c.id = p_credential_id for update;
  if not found or not private.is_member(v_row.workspace_id) then
    raise exception 'SQL credential not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  perform private.require_sql_credentials_access(v_row.workspace_id);
  return v_row;
end;
$$;
comment on function private.sql_credential_for_change(p_credential_id uuid) is
  'Locks and returns a credential the caller may manage; PT404 (HTTP 404) not_found for one of another workspace (no existence leak), 42501 not_allowed without the permission.';

-- ---------- Tables -----------------------------------------------------------------

comment on table private.sql_credentials is
  'Workspace-scoped read-only SQL credentials: one Postgres LOGIN role each (role_name). Read by the reporting views'' scope helper (session_user -> workspace) and the credential RPCs; no policies, no API access. Deleting a row drops its role.';
comment on column private.sql_credentials.role_name is
  'The LOGIN role (fx_ro_<10 hex>), the user name in the connection string.';
comment on column private.sql_credentials.name is
  'What the Owner called it, e.g. "Metabase" (unique per workspace, case-insensitive).';
comment on column private.sql_credentials.created_by is 'Who created it.';
comment on column private.sql_credentials.rotated_at is 'Last password rotation.';
comment on column private.sql_credentials.expires_at is
  'The role''s VALID UNTIL (null: never). After it, no login, and open sessions see no rows.';
comment on column private.sql_credentials.last_used_at is
  'Last moment a session of the role was seen in pg_stat_activity (end of its latest statement), sampled by private.sample_sql_credential_use(): on every listing and every minute where pg_cron runs. Sessions that start and end between two samples are not seen.';
comment on index private.sql_credentials_role_name_key is 'One credential per LOGIN role.';

create unique index sql_credentials_workspace_name_key on private.sql_credentials (workspace_id, lower(name));
comment on index private.sql_credentials_workspace_name_key is
  'One credential per name and workspace.';

alter table private.sql_credentials enable row level security;

create trigger sql_credentials_drop_role
  after delete on private.sql_credentials
  for each row execute function private.drop_sql_credential_role();
comment on trigger sql_credentials_drop_role on private.sql_credentials is
  'No LOGIN role outlives its credential row.';

-- ---------- The connection budget ---------------------------------------------------
-- One workspace holds at most 5 credentials x 2 connections; all credentials together at most a
-- share of max_connections, so PostgREST, Auth and the operator always find connections.
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

-- ---------- Nothing to write with ---------------------------------------------------
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

-- ---------- Triggers on tables defined elsewhere, calling functions of this file ---

create trigger role_permissions_reporting_credentials_admin_only
  before insert or update on public.role_permissions
  for each row execute function private.refuse_reporting_credentials_grant();
comment on trigger role_permissions_reporting_credentials_admin_only on public.role_permissions is
  'reporting.credentials is grantable to admin only.';

-- ---------- Schedule ---------------------------------------------------------------------
-- Where pg_cron is available (hosted Supabase), sample which credentials are in use every minute.
do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    perform cron.schedule('fluxera-sample-sql-credential-use', '* * * * *',
                          'select private.sample_sql_credential_use()');
  end if;
end
$$;

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
