-- =====================================================================================
-- The IP in the activity log is the address the trusted proxy saw (issue 12, finding 2).
-- Before: private.request_ip() took the FIRST X-Forwarded-For entry, which is whatever the
-- caller sent (`X-Forwarded-For: 6.6.6.6` was logged as 6.6.6.6). A proxy appends the
-- address of the peer it accepted the connection from to the END of the list, so only
-- entries added by proxies we run can be trusted, counted from the right.
--
-- private.client_ip_rule says which request header to read and how many trusted proxies
-- append to it: the address is the `trusted_hops`-th entry from the right.
--   * local stack: scripts/stack/gateway.mjs appends the socket address (as Kong's
--     $proxy_add_x_forwarded_for does) -> ('x-forwarded-for', 1), the default;
--   * hosted Supabase: see docs/architecture.md ("Client IP") -> ('cf-connecting-ip', 1).
-- =====================================================================================

create table private.client_ip_rule (
  singleton boolean primary key default true
    constraint client_ip_rule_singleton check (singleton),
  header text not null default 'x-forwarded-for'
    constraint client_ip_rule_header_format check (header ~ '^[a-z0-9-]{1,64}$'),
  trusted_hops integer not null default 1
    constraint client_ip_rule_hops_range check (trusted_hops between 1 and 10)
);
alter table private.client_ip_rule enable row level security;
revoke all on table private.client_ip_rule from public, anon, authenticated, service_role;
insert into private.client_ip_rule default values;

comment on table private.client_ip_rule is
  'Where the client address of an API request comes from (one row): the request header (lower case, as in PostgREST request.headers) and how many trusted proxies append to it. Operator-owned (as postgres): no policies, no API access.';
comment on column private.client_ip_rule.header is
  'x-forwarded-for (locally: the gateway appends the socket address) or cf-connecting-ip (hosted Supabase, behind Cloudflare).';
comment on column private.client_ip_rule.trusted_hops is
  'The address is this many entries from the right of the header''s comma-separated list (1 = the last, the one the outermost trusted proxy appended).';

create or replace function private.request_ip()
returns inet
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_headers jsonb := nullif(current_setting('request.headers', true), '')::jsonb;
  v_rule private.client_ip_rule;
  v_list text[];
  v_entry text;
begin
  if v_headers is null then
    return null;
  end if;
  select * into v_rule from private.client_ip_rule limit 1;
  v_list := string_to_array(v_headers ->> coalesce(v_rule.header, 'x-forwarded-for'), ',');
  if v_list is null or cardinality(v_list) < coalesce(v_rule.trusted_hops, 1) then
    return null;
  end if;
  v_entry := btrim(v_list[cardinality(v_list) - coalesce(v_rule.trusted_hops, 1) + 1]);
  if v_entry !~ '^[0-9A-Fa-f:.]{2,45}$' then
    return null;
  end if;
  return v_entry::inet;
exception when others then
  return null;
end;
$$;
comment on function private.request_ip() is
  'Client address of the current API request as the trusted proxy saw it: the trusted_hops-th entry from the right of the header named in private.client_ip_rule (default: the last x-forwarded-for entry), or null. Never the caller-chosen left part of X-Forwarded-For.';
revoke all on function private.request_ip() from public, anon, authenticated;

comment on column public.activity_log.ip is
  'Client IP of the API request as the trusted proxy saw it (private.request_ip(): by default the right-most x-forwarded-for entry, which the gateway appends), where available.';
