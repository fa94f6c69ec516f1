-- Issue 23 item 10: large activity exports stream pages of file text (CSV or JSON) built in the
-- database straight into the file (docs/architecture.md, "Exports").

create or replace function private.csv_text(p_value text)
returns text
language sql
immutable
as $$
  -- One CSV field (RFC 4180) as src/lib/csv.ts csvField writes it: empty for null; a cell a
  -- spreadsheet would run as a formula gets a leading quote; then quoted when it holds a
  -- double quote, comma or line break.
  select case
    when p_value is null then ''
    when pg_catalog.strpos(p_value, '"') > 0
      then '"' operator(pg_catalog.||)
           case when pg_catalog.left(p_value, 1) in ('=', '+', '-', '@', E'\t', E'\r') then '''' else '' end
           operator(pg_catalog.||) pg_catalog.replace(p_value, '"', '""') operator(pg_catalog.||) '"'
    when pg_catalog.strpos(p_value, ',') > 0 or pg_catalog.strpos(p_value, E'\n') > 0
         or pg_catalog.strpos(p_value, E'\r') > 0
      then '"' operator(pg_catalog.||)
           case when pg_catalog.left(p_value, 1) in ('=', '+', '-', '@', E'\t', E'\r') then '''' else '' end
           operator(pg_catalog.||) p_value operator(pg_catalog.||) '"'
    when pg_catalog.left(p_value, 1) in ('=', '+', '-', '@', E'\t', E'\r')
      then '''' operator(pg_catalog.||) p_value
    else p_value
  end
$$;
comment on function private.csv_text(p_value text) is
  'One RFC 4180 CSV field, as the SPA''s csvField (src/lib/csv.ts) writes it: '''' for null, a leading = + - @ tab or CR prefixed with a quote (formula injection), quoted when it holds a quote, comma or line break. Inlinable (no SET clause).';

-- PostgREST hands a function's result to the client as it is (no JSON wrapping) when the function
-- returns a domain named after the media type asked for (PostgREST 12 media type handlers).
create domain public."text/plain" as text;
comment on domain public."text/plain" is
  'Media type handler for PostgREST: a function returning it answers Accept: text/plain with its text as it is (activity_export_page).';

create or replace function public.activity_export_page(
  p_workspace_id uuid,
  p_format text,
  p_up_to_id bigint,
  p_above_id bigint,
  p_user_ids uuid[] default null,
  p_include_subject boolean default false,
  p_actor_email text default null,
  p_action text default null,
  p_entity_type text default null,
  p_entity_id text default null,
  p_from timestamptz default null,
  p_to timestamptz default null
)
returns public."text/plain"
language plpgsql
stable
security definer
set search_path = ''
set "TimeZone" = 'UTC'
as $$
declare
  v_text text;
begin
  perform private.require_workspace_permission(p_workspace_id, 'activity.export');
  if p_format is null or p_format not in ('csv', 'json') then
    raise exception 'Unknown export format: use csv or json.'
      using errcode = '22023', hint = 'invalid_format';
  end if;
  if p_up_to_id is null or p_above_id is null or p_up_to_id < p_above_id
     or p_up_to_id - p_above_id > 100000 then
    raise exception 'An export page covers at most 100,000 ids: p_above_id < id <= p_up_to_id.'
      using errcode = '22023', hint = 'invalid_range';
  end if;

  with page as (
    select a.id, a.occurred_at, a.actor_id, a.actor_email, a.action, a.entity_type, a.entity_id,
           a.subject_user_id, a.subject_email, a.before, a.after, a.ip, a.user_agent
      from public.activity_log a
     where a.workspace_id = p_workspace_id
       and a.id <= p_up_to_id and a.id > p_above_id
       and (p_user_ids is null
            or a.actor_id = any (p_user_ids)
            or (p_include_subject and a.subject_user_id = any (p_user_ids)))
       and (p_actor_email is null or a.actor_email = p_actor_email)
       and (p_action is null or a.action = p_action)
       and (p_entity_type is null or a.entity_type = p_entity_type)
       and (p_entity_id is null or a.entity_id = p_entity_id)
       and (p_from is null or a.occurred_at >= p_from)
       and (p_to is null or a.occurred_at < p_to)
     order by a.id desc
  )
  select case p_format
    -- format's %s writes a null as an empty field (concat_ws would drop it, and the column).
    when 'csv' then pg_catalog.string_agg(pg_catalog.format('%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s',
        p.id,
        pg_catalog.to_json(p.occurred_at) operator(pg_catalog.#>>) '{}',
        p.actor_id,
        private.csv_text(p.actor_email),
        private.csv_text(p.action),
        private.csv_text(p.entity_type),
        private.csv_text(p.entity_id),
        p.subject_user_id,
        private.csv_text(p.subject_email),
        case when p.before is null then ''
             else '"' operator(pg_catalog.||) pg_catalog.replace(p.before::text, '"', '""') operator(pg_catalog.||) '"' end,
        case when p.after is null then ''
             else '"' operator(pg_catalog.||) pg_catalog.replace(p.after::text, '"', '""') operator(pg_catalog.||) '"' end,
        p.ip,
        private.csv_text(p.user_agent)) operator(pg_catalog.||) E'\r\n', '' order by p.id desc)
    else pg_catalog.string_agg(pg_catalog.row_to_json(p)::text, E',\n' order by p.id desc)
  end
  into v_text
  from page p;
  return coalesce(v_text, '')::public."text/plain";
end;
$$;
comment on function public.activity_export_page(p_workspace_id uuid, p_format text, p_up_to_id bigint, p_above_id bigint, p_user_ids uuid[], p_include_subject boolean, p_actor_email text, p_action text, p_entity_type text, p_entity_id text, p_from timestamp with time zone, p_to timestamp with time zone) is
  'One page of an activity export (activity.export), newest first: the rows with p_above_id < id <= p_up_to_id (at most 100,000 ids, one index range of (workspace_id, id)) that match the filters (as activity_count''s), as text the SPA writes straight into the file: CSV lines (the 13 export columns, CRLF, RFC 4180, formula cells quoted) or JSON objects separated by ",\n". '''' when none. Ask with Accept: text/plain. Errors: PT404 not_found, 42501 not_allowed, 22023 invalid_format / invalid_range.';
grant execute on function public.activity_export_page(p_workspace_id uuid, p_format text, p_up_to_id bigint, p_above_id bigint, p_user_ids uuid[], p_include_subject boolean, p_actor_email text, p_action text, p_entity_type text, p_entity_id text, p_from timestamp with time zone, p_to timestamp with time zone) to authenticated;
