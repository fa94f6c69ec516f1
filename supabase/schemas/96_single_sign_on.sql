-- =====================================================================================
-- Single sign-on: SAML 2.0 through Supabase Auth, per workspace (docs/sso.md). A workspace
-- registers one identity provider (the provider itself lives in Auth: auth.sso_providers,
-- registered by the sso-admin edge function through Auth's admin API), claims email domains
-- once a DNS TXT record proves it owns them, and may require SSO for its data.
--
--   sso_connections     the workspace's identity provider: Auth's provider id, entity ID,
--                       attribute mapping, default role, enabled, "Require SSO"
--   workspace_domains   email domains the workspace claims, with their verification token;
--                       verified_at set once the TXT record was seen (a verified domain
--                       belongs to one workspace only)
--
-- The just-in-time join (private.sso_join) runs in the access-token hook (90_auth_hooks.sql)
-- for a sign-in whose amr holds {method: "sso/saml", provider: <id>}; the "Require SSO" rule
-- is private.sso_satisfied, checked beside the 2FA rule wherever a workspace's data opens
-- (10_workspaces_members.sql).
-- =====================================================================================

set local check_function_bodies = off;

-- ---------- Connections --------------------------------------------------------------
create table public.sso_connections (
  id uuid primary key default extensions.gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  name text not null
    constraint sso_connections_name_format
      check (char_length(name) between 1 and 60 and name ~ '[^[:space:]]' and name !~ '[[:cntrl:]]'),
  auth_provider_id uuid not null,
  entity_id text not null
    constraint sso_connections_entity_id_length check (char_length(entity_id) between 1 and 1024),
  metadata_url text
    constraint sso_connections_metadata_url_https check (metadata_url ~ '^https://' and char_length(metadata_url) <= 2048),
  attribute_mapping jsonb not null default '{}'::jsonb
    constraint sso_connections_attribute_mapping_object check (jsonb_typeof(attribute_mapping) = 'object'),
  default_role public.workspace_role not null default 'member'
    -- SSO never grants Owner (docs/product-rules.md, rule 1).
    constraint sso_connections_default_role_not_owner check (default_role <> 'owner'),
  enabled boolean not null default true,
  required boolean not null default false,
  created_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint sso_connections_required_needs_enabled check (enabled or not required)
);
alter table public.sso_connections enable row level security;
create unique index sso_connections_workspace_key on public.sso_connections (workspace_id);
create unique index sso_connections_auth_provider_key on public.sso_connections (auth_provider_id);

comment on table public.sso_connections is
  'The SAML identity provider of a workspace (docs/sso.md), one per workspace. The provider itself is in Auth (auth.sso_providers, id auth_provider_id), registered by the sso-admin edge function. Written by the SSO functions only.';
comment on column public.sso_connections.name is 'What the admin called it ("Okta"); sign-in rows read "via SSO (<name>)".';
comment on column public.sso_connections.auth_provider_id is
  'Auth''s sso_providers.id: the provider in tokens'' amr ({method: "sso/saml", provider}) and in identities'' provider "sso:<id>".';
comment on column public.sso_connections.entity_id is 'The identity provider''s SAML EntityID, from its metadata.';
comment on column public.sso_connections.metadata_url is 'Where Auth fetched the metadata (https only); null when pasted as XML.';
comment on column public.sso_connections.attribute_mapping is 'Auth''s attribute_mapping ({keys: {email: {name: ...}, ...}}), as last sent to Auth.';
comment on column public.sso_connections.default_role is 'Role of a person who joins the workspace at their first SSO sign-in (never owner).';
comment on column public.sso_connections.enabled is 'Disabled: Auth refuses sign-ins through the provider and nobody joins.';
comment on column public.sso_connections.required is
  '"Require SSO": the workspace''s data opens only for sessions signed in through this provider (the Owner keeps a two-factor break-glass sign-in), private.sso_satisfied.';
comment on index public.sso_connections_workspace_key is 'One identity provider per workspace; also the lookup of the SSO rule.';
comment on index public.sso_connections_auth_provider_key is 'An Auth provider belongs to one workspace; the just-in-time join finds it by the token''s amr.';

create trigger sso_connections_touch_updated_at
  before update on public.sso_connections
  for each row execute function private.touch_updated_at();
comment on trigger sso_connections_touch_updated_at on public.sso_connections is 'Keeps updated_at current.';

-- ---------- Domains ------------------------------------------------------------------
create table public.workspace_domains (
  id uuid primary key default extensions.gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  domain text not null
    constraint workspace_domains_domain_format
      check (char_length(domain) <= 253
             and domain ~ '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$'),
  verification_token text not null
    constraint workspace_domains_token_format check (verification_token ~ '^[0-9a-f]{32}$'),
  verified_at timestamptz,
  created_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now()
);
alter table public.workspace_domains enable row level security;
create unique index workspace_domains_workspace_domain_key on public.workspace_domains (workspace_id, domain);
create unique index workspace_domains_verified_key on public.workspace_domains (domain) where verified_at is not null;

comment on table public.workspace_domains is
  'Email domains a workspace claims for single sign-on (docs/sso.md). Claimed only once the DNS TXT record fluxera-verification=<verification_token> is seen on the domain (the sso-admin function looks it up); only verified domains are given to Auth, so an unverified domain never routes anyone.';
comment on column public.workspace_domains.domain is 'Lower case, without a trailing dot.';
comment on column public.workspace_domains.verification_token is 'The value of the TXT record that proves the workspace controls the domain.';
comment on column public.workspace_domains.verified_at is 'When the TXT record was found; null while unverified.';
comment on index public.workspace_domains_workspace_domain_key is 'A domain once per workspace.';
comment on index public.workspace_domains_verified_key is 'A verified domain belongs to one workspace (Auth''s sso_domains are unique project-wide too).';

-- ---------- Privileges and policies --------------------------------------------------
revoke all on table public.sso_connections, public.workspace_domains from public, anon, authenticated, service_role;
grant select on table public.sso_connections, public.workspace_domains to authenticated;

create policy "SSO managers can read the connection"
  on public.sso_connections for select to authenticated
  using (workspace_id in (select private.workspaces_with('directory.manage')));
comment on policy "SSO managers can read the connection" on public.sso_connections is 'directory.manage (the Owner, or an Admin given it).';

create policy "SSO managers can read domains"
  on public.workspace_domains for select to authenticated
  using (workspace_id in (select private.workspaces_with('directory.manage')));
comment on policy "SSO managers can read domains" on public.workspace_domains is 'directory.manage only: the tokens are theirs to publish.';

-- ---------- Activity catalogue -------------------------------------------------------
insert into public.activity_entity_types (key, label, sort_order) values
  ('sso_connection', 'Single sign-on', 96),
  ('sso_domain', 'Email domain', 97);

insert into public.activity_actions (key, entity_type, label, description, sentence, sort_order) values
  ('sso.connected', 'sso_connection', 'SSO connected',
   'A SAML identity provider was registered for single sign-on.',
   '{actor} connected single sign-on through {after.name}', 1000),
  ('sso.settings_changed', 'sso_connection', 'SSO settings changed',
   'The name, default role or attribute mapping of the SSO connection changed.',
   '{actor} changed the single sign-on settings of {after.name}', 1005),
  ('sso.enabled', 'sso_connection', 'SSO enabled',
   'Sign-ins through the identity provider were turned on.',
   '{actor} turned on single sign-on through {after.name}', 1010),
  ('sso.disabled', 'sso_connection', 'SSO disabled',
   'Sign-ins through the identity provider were turned off.',
   '{actor} turned off single sign-on through {after.name}', 1015),
  ('sso.required', 'sso_connection', 'SSO required',
   'The workspace''s data now opens only for sessions signed in through its identity provider.',
   '{actor} required single sign-on through {after.name}', 1020),
  ('sso.no_longer_required', 'sso_connection', 'SSO no longer required',
   'Passwords and magic links open the workspace again.',
   '{actor} stopped requiring single sign-on', 1025),
  ('sso.disconnected', 'sso_connection', 'SSO disconnected',
   'The identity provider was removed; its members stay, and sign in with a password or a link.',
   '{actor} removed single sign-on through {before.name}', 1030),
  ('sso.domain_added', 'sso_domain', 'Domain added',
   'An email domain was added and waits for its DNS record.',
   '{actor} added the domain {after.domain}', 1035),
  ('sso.domain_verified', 'sso_domain', 'Domain verified',
   'The domain''s DNS TXT record was found; people with addresses there sign in through the identity provider.',
   '{actor} verified the domain {after.domain}', 1040),
  ('sso.domain_removed', 'sso_domain', 'Domain removed',
   'An email domain was removed; it no longer routes anyone to the identity provider.',
   '{actor} removed the domain {before.domain}', 1045),
  ('auth.sso_sign_in', 'user', 'Signed in with SSO',
   'A member signed in through the workspace''s identity provider.',
   '{subject} signed in via SSO ({after.connection})', 705),
  ('auth.sso_join_refused', 'sso_connection', 'SSO sign-in refused',
   'Someone signed in at the identity provider with an address outside the workspace''s verified domains, or when no seat was free; they did not join.',
   'An SSO sign-in as {after.email} through {after.connection} was refused ({after.reason})', 1050);

-- ---------- The rule ------------------------------------------------------------------
create or replace function private.sso_satisfied(
  p_workspace_id uuid, p_role public.workspace_role, p_claims jsonb)
returns boolean
language sql
stable
as $$
  select not exists (
           select 1 from public.sso_connections c
            where c.workspace_id = p_workspace_id and c.required
              and not coalesce(p_claims -> 'amr' @> jsonb_build_array(
                    jsonb_build_object('method', 'sso/saml', 'provider', c.auth_provider_id::text)), false))
      or (p_role = 'owner' and coalesce(p_claims ->> 'aal' = 'aal2', false))
$$;
comment on function private.sso_satisfied(p_workspace_id uuid, p_role public.workspace_role, p_claims jsonb) is
  'Whether a session with JWT claims p_claims may open the workspace under "Require SSO" (docs/sso.md): no required connection, or the amr holds {method: "sso/saml", provider: <the connection''s Auth provider>}, or the break-glass: the Owner with an aal2 (two-factor) session. Callers pass (select auth.jwt()). Inlinable (plain SQL, no SET clause).';
grant execute on function private.sso_satisfied(p_workspace_id uuid, p_role public.workspace_role, p_claims jsonb) to authenticated, service_role;

create or replace function public.my_sso_gates()
returns table (workspace_id uuid, workspace_name text, connection_name text, role public.workspace_role)
language sql
stable
security definer
set search_path = ''
as $$
  select w.id, w.name, c.name, m.role
    from public.memberships m
    join public.workspaces w on w.id = m.workspace_id
    join public.sso_connections c on c.workspace_id = w.id and c.required
   where m.user_id = (select auth.uid())
     and private.is_effectively_active(m.status, m.suspended_until)
     and not private.sso_satisfied(w.id, m.role, (select auth.jwt()))
   order by w.name, w.id
$$;
comment on function public.my_sso_gates() is
  'The caller''s effectively active workspaces that require single sign-on while this session did not come through their identity provider (their data is hidden): workspace, connection name and the caller''s role (an Owner may use the two-factor break-glass instead). Only the caller''s own memberships. Empty for anonymous callers.';
grant execute on function public.my_sso_gates() to authenticated;

-- ---------- Helpers ---------------------------------------------------------------------
create or replace function private.require_sso_access(p_workspace_id uuid)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_workspace_permission(p_workspace_id, 'directory.manage');
end;
$$;
comment on function private.require_sso_access(uuid) is
  'Single sign-on is managed with directory.manage (the Owner, or an Admin given it): PT404 not_found, 42501 not_allowed.';

create or replace function private.sso_connection_for(p_connection_id uuid)
returns public.sso_connections
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_conn public.sso_connections;
begin
  select * into v_conn from public.sso_connections c where c.id = p_connection_id for update;
  if not found then
    raise exception 'Single sign-on connection not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  perform private.require_sso_access(v_conn.workspace_id);
  return v_conn;
end;
$$;
comment on function private.sso_connection_for(uuid) is
  'The connection, locked, after checking the caller may manage it (PT404 not_found for an unknown id or another workspace''s, 42501 not_allowed).';

create or replace function private.sso_connection_name(p_name text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_name text := btrim(coalesce(p_name, ''));
begin
  if v_name = '' or v_name ~ '[[:cntrl:]]' then
    raise exception 'Give the connection a name, such as Okta.' using errcode = '22023', hint = 'invalid_name';
  end if;
  if char_length(v_name) > 60 then
    raise exception 'The name can be at most 60 characters.' using errcode = '22023', hint = 'too_long';
  end if;
  return v_name;
end;
$$;
comment on function private.sso_connection_name(text) is 'Trimmed connection name; 22023 invalid_name (empty, control characters) or too_long (> 60).';

create or replace function private.sso_role(p_role public.workspace_role)
returns public.workspace_role
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_role is null or p_role = 'owner' then
    raise exception 'Choose Admin, Member or Viewer as the role of people who join through SSO.'
      using errcode = '22023', hint = 'unknown_role';
  end if;
  return p_role;
end;
$$;
comment on function private.sso_role(public.workspace_role) is 'admin, member or viewer (22023 unknown_role for owner or null).';

create or replace function private.sso_attribute_mapping(p_mapping jsonb)
returns jsonb
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_key text;
begin
  if p_mapping is null then
    return '{}'::jsonb;
  end if;
  if jsonb_typeof(p_mapping) <> 'object' or octet_length(p_mapping::text) > 8192
     or (p_mapping ? 'keys' and jsonb_typeof(p_mapping -> 'keys') <> 'object') then
    raise exception 'The attribute mapping is not in Auth''s form ({"keys": {"email": {"name": "..."}}}).'
      using errcode = '22023', hint = 'invalid_mapping';
  end if;
  for v_key in select jsonb_object_keys(coalesce(p_mapping -> 'keys', '{}'::jsonb)) loop
    if jsonb_typeof(p_mapping -> 'keys' -> v_key) <> 'object' then
      raise exception 'The attribute mapping of "%" is not an object.', v_key
        using errcode = '22023', hint = 'invalid_mapping';
    end if;
  end loop;
  return p_mapping;
end;
$$;
comment on function private.sso_attribute_mapping(jsonb) is 'Auth''s attribute_mapping shape checked (object, keys an object of objects, at most 8 KB); 22023 invalid_mapping.';

create or replace function private.sso_domain_name(p_domain text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_domain text := lower(btrim(coalesce(p_domain, '')));
begin
  v_domain := regexp_replace(v_domain, '^.*@', '');
  v_domain := regexp_replace(v_domain, '\.$', '');
  if char_length(v_domain) > 253
     or v_domain !~ '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$' then
    raise exception 'Enter a domain such as example.com.' using errcode = '22023', hint = 'invalid_domain';
  end if;
  -- Addresses there belong to the mail provider's customers, never to one company.
  if v_domain = any (string_to_array(
       'gmail.com googlemail.com outlook.com hotmail.com live.com yahoo.com icloud.com me.com proton.me protonmail.com gmx.com gmx.de aol.com',
       ' ')) then
    raise exception '% is a public mail service; only a domain your company owns can be claimed.', v_domain
      using errcode = '22023', hint = 'public_domain';
  end if;
  return v_domain;
end;
$$;
comment on function private.sso_domain_name(text) is
  'A domain lower-cased, without "user@" or a trailing dot; 22023 invalid_domain, or public_domain for a public mail service (gmail.com, outlook.com, ...).';

-- ---------- Settings RPCs (the SPA, as the caller) -----------------------------------
create or replace function public.sso_manage_check(p_workspace_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_sso_access(p_workspace_id);
  return jsonb_build_object(
    'connection', (select to_jsonb(c) from public.sso_connections c where c.workspace_id = p_workspace_id),
    'verifiedDomains', coalesce((select jsonb_agg(d.domain order by d.domain) from public.workspace_domains d
                                  where d.workspace_id = p_workspace_id and d.verified_at is not null), '[]'::jsonb));
end;
$$;
comment on function public.sso_manage_check(uuid) is
  'For the sso-admin edge function, called as the caller: raises unless they may manage single sign-on (PT404, 42501), else the connection (or null) and the verified domains that Auth should route to it.';
grant execute on function public.sso_manage_check(uuid) to authenticated;

create or replace function public.add_workspace_domain(p_workspace_id uuid, p_domain text)
returns public.workspace_domains
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_domain text;
  v_row public.workspace_domains;
begin
  perform private.require_sso_access(p_workspace_id);
  v_domain := private.sso_domain_name(p_domain);
  if exists (select 1 from public.workspace_domains d where d.workspace_id = p_workspace_id and d.domain = v_domain) then
    raise exception '% is already on the list.', v_domain using errcode = '23505', hint = 'duplicate_domain';
  end if;
  if exists (select 1 from public.workspace_domains d where d.domain = v_domain and d.verified_at is not null) then
    raise exception '% is already verified by another workspace.', v_domain using errcode = '23505', hint = 'domain_taken';
  end if;
  if (select count(*) from public.workspace_domains d where d.workspace_id = p_workspace_id) >= 20 then
    raise exception 'A workspace can claim at most 20 domains.' using errcode = '22023', hint = 'too_many';
  end if;
  insert into public.workspace_domains (workspace_id, domain, verification_token, created_by)
  values (p_workspace_id, v_domain, encode(extensions.gen_random_bytes(16), 'hex'), auth.uid())
  returning * into v_row;
  perform private.log_activity(p_workspace_id, 'sso.domain_added', 'sso_domain', v_row.id::text,
    null, jsonb_build_object('domain', v_row.domain));
  return v_row;
end;
$$;
comment on function public.add_workspace_domain(uuid, text) is
  'Claims an email domain for single sign-on, unverified, with a new verification token (directory.manage). Logs sso.domain_added. Errors: PT404, 42501, 22023 invalid_domain/public_domain/too_many, 23505 duplicate_domain/domain_taken.';
grant execute on function public.add_workspace_domain(uuid, text) to authenticated;

create or replace function public.remove_workspace_domain(p_domain_id uuid)
returns public.workspace_domains
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_row public.workspace_domains;
begin
  select * into v_row from public.workspace_domains d where d.id = p_domain_id for update;
  if not found then
    raise exception 'Domain not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  perform private.require_sso_access(v_row.workspace_id);
  if v_row.verified_at is not null
     and exists (select 1 from public.sso_connections c where c.workspace_id = v_row.workspace_id and c.required)
     and not exists (select 1 from public.workspace_domains d
                      where d.workspace_id = v_row.workspace_id and d.id <> v_row.id and d.verified_at is not null) then
    raise exception 'This is the last verified domain while the workspace requires single sign-on; turn off "Require SSO" first.'
      using errcode = '22023', hint = 'sso_required';
  end if;
  delete from public.workspace_domains d where d.id = v_row.id;
  perform private.log_activity(v_row.workspace_id, 'sso.domain_removed', 'sso_domain', v_row.id::text,
    jsonb_build_object('domain', v_row.domain, 'verified', v_row.verified_at is not null), null);
  return v_row;
end;
$$;
comment on function public.remove_workspace_domain(uuid) is
  'Removes a claimed domain (directory.manage); the sso-admin function then takes it off the Auth provider. Refused for the last verified domain while SSO is required (22023 sso_required). Logs sso.domain_removed. Errors: PT404, 42501.';
grant execute on function public.remove_workspace_domain(uuid) to authenticated;

create or replace function public.update_sso_connection(
  p_connection_id uuid, p_name text, p_default_role public.workspace_role, p_enabled boolean,
  p_attribute_mapping jsonb default null)
returns public.sso_connections
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_old public.sso_connections;
  v_new public.sso_connections;
  v_action text;
begin
  v_old := private.sso_connection_for(p_connection_id);
  if v_old.required and not coalesce(p_enabled, v_old.enabled) then
    raise exception 'The workspace requires single sign-on; turn off "Require SSO" before disabling the connection, or nobody but the Owner could get in.'
      using errcode = '22023', hint = 'sso_required';
  end if;
  perform private.assert_rank_for_role(v_old.workspace_id, private.sso_role(coalesce(p_default_role, v_old.default_role)));
  update public.sso_connections c
     set name = private.sso_connection_name(coalesce(p_name, v_old.name)),
         default_role = coalesce(p_default_role, v_old.default_role),
         enabled = coalesce(p_enabled, v_old.enabled),
         attribute_mapping = coalesce(private.sso_attribute_mapping(p_attribute_mapping), v_old.attribute_mapping)
   where c.id = v_old.id
  returning * into v_new;
  v_action := case when v_new.enabled and not v_old.enabled then 'sso.enabled'
                   when v_old.enabled and not v_new.enabled then 'sso.disabled'
                   when (v_new.name, v_new.default_role, v_new.attribute_mapping)
                        is distinct from (v_old.name, v_old.default_role, v_old.attribute_mapping) then 'sso.settings_changed' end;
  if v_action is not null then
    perform private.log_activity(v_new.workspace_id, v_action, 'sso_connection', v_new.id::text,
      jsonb_build_object('name', v_old.name, 'default_role', v_old.default_role, 'enabled', v_old.enabled),
      jsonb_build_object('name', v_new.name, 'default_role', v_new.default_role, 'enabled', v_new.enabled));
  end if;
  return v_new;
end;
$$;
comment on function public.update_sso_connection(uuid, text, public.workspace_role, boolean, jsonb) is
  'Renames the connection, changes its default role (admin/member/viewer, at most the caller''s rank), turns it on or off, replaces its attribute mapping (null: unchanged). The sso-admin function then updates Auth. Refuses to disable a required connection (22023 sso_required). Logs sso.enabled, sso.disabled or sso.settings_changed. Errors: PT404, 42501, 22023 invalid_name/too_long/unknown_role/invalid_mapping.';
grant execute on function public.update_sso_connection(uuid, text, public.workspace_role, boolean, jsonb) to authenticated;

create or replace function public.remove_sso_connection(p_connection_id uuid)
returns public.sso_connections
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_conn public.sso_connections;
begin
  v_conn := private.sso_connection_for(p_connection_id);
  if v_conn.required then
    raise exception 'The workspace requires single sign-on; turn off "Require SSO" before removing the connection.'
      using errcode = '22023', hint = 'sso_required';
  end if;
  delete from public.sso_connections c where c.id = v_conn.id;
  perform private.log_activity(v_conn.workspace_id, 'sso.disconnected', 'sso_connection', v_conn.id::text,
    jsonb_build_object('name', v_conn.name, 'entity_id', v_conn.entity_id), null);
  return v_conn;
end;
$$;
comment on function public.remove_sso_connection(uuid) is
  'Removes the workspace''s identity provider (directory.manage); the sso-admin function then deletes it from Auth. Refused while SSO is required (22023 sso_required). Members stay. Logs sso.disconnected. Errors: PT404, 42501.';
grant execute on function public.remove_sso_connection(uuid) to authenticated;

-- ---------- "Require SSO" --------------------------------------------------------------
create or replace function private.has_sso_identity(p_user_id uuid, p_provider_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from auth.identities i
                  where i.user_id = p_user_id and i.provider = 'sso:' || p_provider_id::text)
$$;
comment on function private.has_sso_identity(uuid, uuid) is 'Whether the account has signed in through the Auth SSO provider (an identity with provider "sso:<id>").';

create or replace function public.sso_requirement_impact(p_workspace_id uuid)
returns table (user_id uuid, full_name text, email text, role public.workspace_role, reason text)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_conn public.sso_connections;
begin
  perform private.require_sso_access(p_workspace_id);
  select * into v_conn from public.sso_connections c where c.workspace_id = p_workspace_id;
  if not found then
    raise exception 'Connect an identity provider first.' using errcode = '22023', hint = 'no_connection';
  end if;
  return query
    select m.user_id, p.full_name, p.email, m.role,
           case
             when m.role = 'owner' then
               case when exists (select 1 from auth.mfa_factors f where f.user_id = m.user_id and f.status = 'verified')
                    then null else 'owner_without_two_factor' end
             when not exists (select 1 from public.workspace_domains d
                               where d.workspace_id = p_workspace_id and d.verified_at is not null
                                 and d.domain = split_part(lower(p.email), '@', 2))
               then 'outside_verified_domains'
             else 'not_signed_in_with_sso'
           end as reason
      from public.memberships m
      join public.profiles p on p.id = m.user_id
     where m.workspace_id = p_workspace_id
       and private.is_effectively_active(m.status, m.suspended_until)
       and not private.has_sso_identity(m.user_id, v_conn.auth_provider_id)
       and not (m.role = 'owner'
                and exists (select 1 from auth.mfa_factors f where f.user_id = m.user_id and f.status = 'verified'))
     order by m.role, lower(p.email);
end;
$$;
comment on function public.sso_requirement_impact(uuid) is
  'Before "Require SSO" is turned on: the active members it would stop, with why: not_signed_in_with_sso (their address is in a verified domain; they must use "Sign in with SSO"), outside_verified_domains (no SSO sign-in can reach them: locked out), owner_without_two_factor (the Owner''s break-glass needs two-factor authentication). directory.manage; 22023 no_connection.';
grant execute on function public.sso_requirement_impact(uuid) to authenticated;

create or replace function public.set_require_sso(p_workspace_id uuid, p_required boolean)
returns public.sso_connections
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_conn public.sso_connections;
  v_role public.workspace_role;
begin
  perform private.require_sso_access(p_workspace_id);
  select * into v_conn from public.sso_connections c where c.workspace_id = p_workspace_id for update;
  if not found then
    raise exception 'Connect an identity provider first.' using errcode = '22023', hint = 'no_connection';
  end if;
  if coalesce(p_required, false) = v_conn.required then
    return v_conn;
  end if;
  if p_required then
    if not v_conn.enabled then
      raise exception 'Turn the connection on before requiring it.' using errcode = '22023', hint = 'connection_disabled';
    end if;
    if not exists (select 1 from public.workspace_domains d where d.workspace_id = p_workspace_id and d.verified_at is not null) then
      raise exception 'Verify at least one email domain first: nobody could reach the identity provider otherwise.'
        using errcode = '22023', hint = 'no_verified_domain';
    end if;
    -- Never lock out the person saving: they must be signed in through this provider now, or
    -- be the Owner with a second factor for the break-glass sign-in.
    v_role := private.accessible_role(p_workspace_id);
    if not coalesce((select auth.jwt()) -> 'amr' @> jsonb_build_array(
                      jsonb_build_object('method', 'sso/saml', 'provider', v_conn.auth_provider_id::text)), false)
       and not (v_role = 'owner'
                and exists (select 1 from auth.mfa_factors f where f.user_id = auth.uid() and f.status = 'verified')) then
      raise exception '%', case when v_role = 'owner'
          then 'You would be locked out: set up two-factor authentication for the Owner''s break-glass sign-in first, or sign in with SSO.'
          else 'You would be locked out: sign in with SSO through this identity provider first, then turn this on.' end
        using errcode = '42501', hint = 'would_lock_you_out';
    end if;
  end if;
  update public.sso_connections c set required = p_required where c.id = v_conn.id returning * into v_conn;
  perform private.log_activity(p_workspace_id,
    case when p_required then 'sso.required' else 'sso.no_longer_required' end,
    'sso_connection', v_conn.id::text,
    jsonb_build_object('name', v_conn.name, 'required', not p_required),
    jsonb_build_object('name', v_conn.name, 'required', p_required));
  return v_conn;
end;
$$;
comment on function public.set_require_sso(uuid, boolean) is
  'Turns "Require SSO" on or off (directory.manage). On needs an enabled connection and a verified domain, and refuses when it would lock out the caller (42501 would_lock_you_out: not signed in through the provider, and not the Owner with a verified second factor). Logs sso.required / sso.no_longer_required. Errors: PT404, 42501, 22023 no_connection/connection_disabled/no_verified_domain.';
grant execute on function public.set_require_sso(uuid, boolean) to authenticated;

-- ---------- Service RPCs (the sso-admin edge function, after Auth answered) --------------
create or replace function public.record_sso_connection(
  p_actor uuid, p_workspace_id uuid, p_auth_provider_id uuid, p_name text, p_entity_id text,
  p_metadata_url text, p_attribute_mapping jsonb, p_default_role public.workspace_role)
returns public.sso_connections
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_conn public.sso_connections;
begin
  perform 1 from public.workspaces w where w.id = p_workspace_id for no key update;
  if exists (select 1 from public.sso_connections c where c.workspace_id = p_workspace_id) then
    raise exception 'The workspace already has an identity provider; remove it first.'
      using errcode = '23505', hint = 'already_connected';
  end if;
  insert into public.sso_connections (workspace_id, name, auth_provider_id, entity_id, metadata_url,
                                      attribute_mapping, default_role, created_by)
  values (p_workspace_id, private.sso_connection_name(p_name), p_auth_provider_id, p_entity_id, nullif(p_metadata_url, ''),
          coalesce(private.sso_attribute_mapping(p_attribute_mapping), '{}'::jsonb), private.sso_role(p_default_role), p_actor)
  returning * into v_conn;
  perform private.log_activity(p_workspace_id, 'sso.connected', 'sso_connection', v_conn.id::text, null,
    jsonb_build_object('name', v_conn.name, 'entity_id', v_conn.entity_id, 'default_role', v_conn.default_role),
    null, p_actor);
  return v_conn;
end;
$$;
comment on function public.record_sso_connection(uuid, uuid, uuid, text, text, text, jsonb, public.workspace_role) is
  'Service role only: records the provider the sso-admin function has just registered with Auth for a caller it checked with sso_manage_check (p_actor). One per workspace (23505 already_connected). Logs sso.connected as p_actor.';
grant execute on function public.record_sso_connection(uuid, uuid, uuid, text, text, text, jsonb, public.workspace_role) to service_role;

create or replace function public.mark_workspace_domain_verified(p_actor uuid, p_domain_id uuid)
returns public.workspace_domains
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_row public.workspace_domains;
begin
  select * into v_row from public.workspace_domains d where d.id = p_domain_id for update;
  if not found then
    raise exception 'Domain not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  if v_row.verified_at is not null then
    return v_row;
  end if;
  if exists (select 1 from public.workspace_domains d where d.domain = v_row.domain and d.verified_at is not null) then
    raise exception '% is already verified by another workspace.', v_row.domain using errcode = '23505', hint = 'domain_taken';
  end if;
  update public.workspace_domains d set verified_at = now() where d.id = v_row.id returning * into v_row;
  perform private.log_activity(v_row.workspace_id, 'sso.domain_verified', 'sso_domain', v_row.id::text,
    null, jsonb_build_object('domain', v_row.domain), null, p_actor);
  return v_row;
end;
$$;
comment on function public.mark_workspace_domain_verified(uuid, uuid) is
  'Service role only: the sso-admin function found fluxera-verification=<token> in the domain''s TXT records for a caller it checked (p_actor). A domain verified by another workspace stays theirs (23505 domain_taken). Logs sso.domain_verified as p_actor.';
grant execute on function public.mark_workspace_domain_verified(uuid, uuid) to service_role;

-- ---------- Just-in-time join (from the access-token hook) -----------------------------
create or replace function private.sso_refuse_join(p_conn public.sso_connections, p_email text, p_reason text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.log_activity(p_conn.workspace_id, 'auth.sso_join_refused', 'sso_connection', p_conn.id::text,
    null, jsonb_build_object('email', p_email, 'connection', p_conn.name, 'reason', p_reason));
end;
$$;
comment on function private.sso_refuse_join(public.sso_connections, text, text) is 'Logs auth.sso_join_refused in the connection''s workspace.';

create or replace function private.sso_join(p_user_id uuid, p_provider_id uuid)
returns public.sso_connections
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_conn public.sso_connections;
  v_email text;
  v_member public.memberships;
begin
  select * into v_conn from public.sso_connections c where c.auth_provider_id = p_provider_id and c.enabled;
  if not found then
    return null;
  end if;
  -- Only an account that really came through this provider (Auth's identity "sso:<id>").
  if not private.has_sso_identity(p_user_id, p_provider_id) then
    return null;
  end if;
  select lower(u.email) into v_email from auth.users u where u.id = p_user_id;
  -- The identity provider speaks only for the workspace's verified domains: a provider that
  -- asserts an address elsewhere (another workspace's domain) joins nobody (docs/sso.md).
  if v_email is null or not exists (
       select 1 from public.workspace_domains d
        where d.workspace_id = v_conn.workspace_id and d.verified_at is not null
          and d.domain = split_part(v_email, '@', 2)) then
    perform private.sso_refuse_join(v_conn, coalesce(v_email, 'an account without an address'), 'address outside the verified domains');
    return v_conn;
  end if;

  perform 1 from public.workspaces w where w.id = v_conn.workspace_id for no key update;
  perform set_config('fluxera.actor_label', format('SSO (%s)', v_conn.name), true);
  select * into v_member from public.memberships m
   where m.workspace_id = v_conn.workspace_id and m.user_id = p_user_id for update;
  if found then
    -- Invited before: the invitation is taken up. Deactivated or suspended: stays out.
    if v_member.status = 'pending' then
      update public.memberships m set status = 'active', joined_at = now() where m.id = v_member.id;
    end if;
  else
    -- A membership made for this address under another (non-SSO) account, by directory sync
    -- or an invitation, becomes this account's; its status stays (a deprovisioned member stays out).
    select m.* into v_member from public.memberships m
      join public.profiles p on p.id = m.user_id
     where m.workspace_id = v_conn.workspace_id and m.role <> 'owner'
       and (lower(p.email) = v_email or lower(m.member_email) = v_email)
     order by (m.status = 'active') desc, m.created_at
     limit 1
     for update of m;
    if found then
      update public.memberships m
         set user_id = p_user_id,
             status = case when m.status = 'pending' then 'active'::public.member_status else m.status end,
             joined_at = coalesce(m.joined_at, now())
       where m.id = v_member.id;
    else
      begin
        perform private.assert_seat_available(v_conn.workspace_id, 1);
      exception when others then
        perform set_config('fluxera.actor_label', '', true);
        perform private.sso_refuse_join(v_conn, v_email, 'no seat free');
        return v_conn;
      end;
      insert into public.memberships (workspace_id, user_id, role, status, joined_at)
      values (v_conn.workspace_id, p_user_id, v_conn.default_role, 'active', now());
    end if;
  end if;
  perform set_config('fluxera.actor_label', '', true);
  return v_conn;
end;
$$;
comment on function private.sso_join(uuid, uuid) is
  'At an SSO sign-in (the access-token hook): the account joins the workspace whose enabled connection is the Auth provider p_provider_id, only when it has that provider''s identity and its address is in one of the workspace''s verified domains (else auth.sso_join_refused is logged). An invitation is taken up; a membership made for the address under another account (directory sync, invitation) moves to this account with its status; otherwise a new active membership with the connection''s default role, seat limit checked. Activity rows carry "SSO (<name>)" as actor. Returns the connection (null when the provider is not a workspace''s).';
