-- Every SQL credential's session settings in one place (issue 15, item 4). The dashboard-speed
-- change (20261202000120) turned JIT off for the analyst and the credentials that existed then,
-- because compiling took most of the alerts query's time; credentials created afterwards missed
-- it, since create_sql_credential() listed its settings inline. They now come from one helper,
-- applied to every existing credential too.

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
  -- Dashboard queries are short reads whose cost estimates cross jit_above_cost: compiling
  -- cost more than running them (bench-results/reporting-explain.txt).
  execute format('alter role %I set jit = off', p_role);
end;
$$;
comment on function private.apply_sql_credential_settings(text) is
  'Session settings of a workspace SQL credential''s login role: reporting search_path, read-only transactions, 15 s statement timeout, 60 s idle-in-transaction timeout, JIT off.';
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
begin
  perform private.require_sql_credentials_access(p_workspace_id);
  perform 1 from public.workspaces w where w.id = p_workspace_id for no key update;

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
  if (select count(*) from private.sql_credentials c where c.workspace_id = p_workspace_id) >= 20 then
    raise exception 'A workspace can have at most 20 SQL credentials; revoke one first.'
      using errcode = '22023', hint = 'too_many';
  end if;

  loop
    v_role := 'fx_ro_' || encode(extensions.gen_random_bytes(5), 'hex');
    exit when not exists (select 1 from pg_catalog.pg_roles r where r.rolname = v_role);
  end loop;

  -- INHERIT: the privileges come from the group. No CREATEROLE/CREATEDB/BYPASSRLS, no other
  -- membership, so SET ROLE to anything but the group is refused.
  execute format(
    'create role %I login inherit nosuperuser nocreatedb nocreaterole nobypassrls noreplication connection limit 5 valid until %L password %L',
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
  -- superuser); grants the credential nothing.
  execute format('grant %I to %I', v_role, current_user);
  perform private.apply_sql_credential_settings(v_role);
  execute format('comment on role %I is %L', v_role,
    'Read-only SQL credential of workspace ' || p_workspace_id || ' (private.sql_credentials).');

  insert into private.sql_credentials (workspace_id, role_name, name, created_by, expires_at)
  values (p_workspace_id, v_role, v_name, auth.uid(), p_expires_at)
  returning * into v_row;

  perform private.log_activity(p_workspace_id, 'sql_credential.created', 'sql_credential', v_row.id::text,
    null, jsonb_build_object('name', v_row.name, 'role_name', v_row.role_name, 'expires_at', v_row.expires_at));

  return query select v_row.id, v_row.name, v_row.role_name, v_password, v_row.expires_at;
end;
$$;
comment on function public.create_sql_credential(uuid, text, timestamptz) is
  'Creates a read-only SQL credential for the workspace (reporting.credentials, Owner or Admin): a LOGIN role fx_ro_* that sees only this workspace''s rows in the reporting views; 15 s statement timeout, JIT off (private.apply_sql_credential_settings), 5 connections, VALID UNTIL p_expires_at (null: never). Returns the generated password once; it is stored nowhere. Logs sql_credential.created. Errors: PT404 (HTTP 404) not_found, 42501 not_allowed, 22023 invalid_name/too_long/invalid_date/too_many, 23505 duplicate_name.';


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
