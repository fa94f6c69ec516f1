-- The catalogue that scripts/schema-drift.ts compares between a database built from
-- supabase/migrations and one built from supabase/schemas. One row per object, as
-- `kind  key  definition`, the definition made only of what both builds must agree on (no OIDs,
-- no clock values). Runs as the last statement of the build's transaction.
--
-- Scope: every schema except Postgres's own, so that an object the project creates outside
-- public/private/reporting (a trigger on auth.users, a grant in extensions) is compared too;
-- objects that belong to an extension are left out (the extension itself is compared), and so
-- is what the bootstrap and the Auth schema made, which is the same in both builds anyway.

-- Rows of every table, without columns the build's clock fills (default now()): the catalogue
-- data the schema files insert (permissions, activity catalogue, rules) must match as well.
create function pg_temp.drift_rows(p_rel regclass) returns text
language plpgsql as $$
declare
  v_clock text[];
  v_rows text;
begin
  select coalesce(array_agg(a.attname::text), '{}') into v_clock
  from pg_attribute a
  join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
  where a.attrelid = p_rel
    and pg_get_expr(d.adbin, d.adrelid) ~* '(now\(\)|current_timestamp|clock_timestamp|statement_timestamp|transaction_timestamp)';
  execute format(
    'select coalesce(string_agg(r, e''\n'' order by r), '''') from (select (to_jsonb(t) - %L::text[])::text r from %s t) s',
    v_clock, p_rel)
    into v_rows;
  return v_rows;
end
$$;

-- An ACL in a stable order (grant history decides the order Postgres keeps). NULL means the
-- built-in default for the kind of object (p_kind as acldefault takes it) and its owner, which
-- is what an explicit `revoke all ... from public` on a private table spells out.
create function pg_temp.drift_acl(p_acl aclitem[], p_kind "char" default null, p_owner oid default null) returns text
language sql stable as $$
  select coalesce(string_agg(a::text, ',' order by a::text), '')
  from unnest(coalesce(p_acl, case when p_kind is not null then acldefault(p_kind, p_owner) end)) a
$$;

with
ns as (
  select n.oid, n.nspname
  from pg_namespace n
  where n.nspname not in ('pg_catalog', 'information_schema')
    and n.nspname !~ '^pg_(toast|temp)'
),
-- Objects created by an extension (pgcrypto, pgtap, pg_trgm ...): compared as the extension.
ext_member as (
  select d.classid, d.objid from pg_depend d where d.deptype = 'e'
),
rel as (
  select c.oid, c.relname, c.relkind, ns.nspname, format('%I.%I', ns.nspname, c.relname) as qname
  from pg_class c
  join ns on ns.oid = c.relnamespace
  where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f', 'c')
    and not exists (select from ext_member e where e.classid = 'pg_class'::regclass and e.objid = c.oid)
),
cat(kind, key, def) as (
  -- (text, not name: the first branch sets the column's type, and name stops at 63 bytes)
  select 'schema', ns.nspname::text,
         concat_ws(E'\n', 'owner ' || pg_get_userbyid(n.nspowner), 'acl ' || pg_temp.drift_acl(n.nspacl, 'n', n.nspowner),
                   'comment ' || obj_description(n.oid, 'pg_namespace'))
  from ns join pg_namespace n on n.oid = ns.oid
  union all
  select 'extension', e.extname,
         concat_ws(E'\n', 'schema ' || e.extnamespace::regnamespace::text, 'version ' || e.extversion)
  from pg_extension e
  union all
  -- Types of our own: enums (labels in order), domains, ranges, standalone composite types.
  select 'type', format('%I.%I', ns.nspname, t.typname),
         concat_ws(E'\n',
           'kind ' || t.typtype::text,
           'owner ' || pg_get_userbyid(t.typowner),
           'acl ' || pg_temp.drift_acl(t.typacl, 'T', t.typowner),
           'comment ' || obj_description(t.oid, 'pg_type'),
           (select 'labels ' || string_agg(quote_literal(e.enumlabel), ', ' order by e.enumsortorder)
              from pg_enum e where e.enumtypid = t.oid),
           case when t.typtype = 'd' then 'base ' || format_type(t.typbasetype, t.typtypmod)
                  || ' notnull ' || t.typnotnull || ' default ' || coalesce(t.typdefault, '') end,
           (select 'check ' || string_agg(pg_get_constraintdef(c.oid), '; ' order by c.conname)
              from pg_constraint c where c.contypid = t.oid))
  from pg_type t join ns on ns.oid = t.typnamespace
  where (t.typtype in ('e', 'd', 'r', 'm')
         or (t.typtype = 'c' and (select c.relkind from pg_class c where c.oid = t.typrelid) = 'c'))
    and not exists (select from ext_member e where e.classid = 'pg_type'::regclass and e.objid = t.oid)
  union all
  select case r.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'S' then 'sequence'
                        when 'c' then 'composite type' else 'table' end,
         r.qname,
         concat_ws(E'\n',
           'owner ' || pg_get_userbyid(c.relowner),
           'persistence ' || c.relpersistence::text,
           'row level security ' || c.relrowsecurity || ' forced ' || c.relforcerowsecurity,
           'options ' || array_to_string(c.reloptions, ', '),
           'acl ' || pg_temp.drift_acl(c.relacl, (case when c.relkind = 'S' then 's' else 'r' end)::"char", c.relowner),
           'comment ' || obj_description(c.oid, 'pg_class'),
           case when r.relkind in ('v', 'm') then E'definition\n' || pg_get_viewdef(c.oid, true) end,
           (select format('sequence %s start %s increment %s min %s max %s cache %s cycle %s owned by %s',
                          format_type(s.seqtypid, null), s.seqstart, s.seqincrement, s.seqmin, s.seqmax,
                          s.seqcache, s.seqcycle,
                          (select format('%s.%I', d.refobjid::regclass, a.attname)
                             from pg_depend d
                             join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
                            where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype in ('a', 'i')
                              and d.refclassid = 'pg_class'::regclass))
              from pg_sequence s where s.seqrelid = c.oid),
           case when r.relkind = 'p' then 'partitioned by ' || pg_get_partkeydef(c.oid) end,
           case when c.relispartition then 'partition of ' || (select i.inhparent::regclass::text from pg_inherits i where i.inhrelid = c.oid)
                  || ' ' || pg_get_expr(c.relpartbound, c.oid) end)
  from rel r join pg_class c on c.oid = r.oid
  union all
  -- Columns: position among the live columns (a dropped column leaves a gap in attnum).
  select 'column', format('%s.%I', r.qname, a.attname),
         concat_ws(E'\n',
           'position ' || row_number() over (partition by a.attrelid order by a.attnum),
           'type ' || format_type(a.atttypid, a.atttypmod),
           'not null ' || a.attnotnull,
           'default ' || pg_get_expr(d.adbin, d.adrelid),
           'identity ' || nullif(a.attidentity::text, ''),
           'generated ' || nullif(a.attgenerated::text, ''),
           'collation ' || (select co.collname from pg_collation co where co.oid = a.attcollation
                              and a.attcollation <> (select t.typcollation from pg_type t where t.oid = a.atttypid)),
           'acl ' || pg_temp.drift_acl(a.attacl),
           'comment ' || col_description(a.attrelid, a.attnum))
  from rel r
  join pg_attribute a on a.attrelid = r.oid and a.attnum > 0 and not a.attisdropped
  left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
  union all
  select 'constraint', format('%s.%I', r.qname, c.conname),
         concat_ws(E'\n', pg_get_constraintdef(c.oid), 'comment ' || obj_description(c.oid, 'pg_constraint'))
  from pg_constraint c join rel r on r.oid = c.conrelid
  union all
  select 'index', format('%I.%I', r.nspname, i.relname),
         concat_ws(E'\n', pg_get_indexdef(i.oid), 'comment ' || obj_description(i.oid, 'pg_class'))
  from pg_index x join rel r on r.oid = x.indrelid join pg_class i on i.oid = x.indexrelid
  union all
  -- Triggers on any table in scope, auth.users included (profiles and sign-up hang off it).
  select 'trigger', format('%s.%I', (select format('%I.%I', n.nspname, c.relname) from pg_class c
                                      join pg_namespace n on n.oid = c.relnamespace where c.oid = t.tgrelid), t.tgname),
         concat_ws(E'\n', pg_get_triggerdef(t.oid, true), 'enabled ' || t.tgenabled::text,
                   'comment ' || obj_description(t.oid, 'pg_trigger'))
  from pg_trigger t
  join pg_class c on c.oid = t.tgrelid
  join ns on ns.oid = c.relnamespace
  where not t.tgisinternal
  union all
  select 'rule', format('%s.%I', r.qname, w.rulename), pg_get_ruledef(w.oid, true)
  from pg_rewrite w join rel r on r.oid = w.ev_class
  where w.rulename <> '_RETURN'
  union all
  select 'policy', format('%s.%I', r.qname, p.polname),
         concat_ws(E'\n',
           case when p.polpermissive then 'permissive' else 'restrictive' end,
           'for ' || p.polcmd::text,
           'to ' || (select string_agg(case when o = 0 then 'public' else pg_get_userbyid(o) end, ', ' order by 1)
                       from unnest(p.polroles) o),
           'using ' || pg_get_expr(p.polqual, p.polrelid),
           'with check ' || pg_get_expr(p.polwithcheck, p.polrelid),
           'comment ' || obj_description(p.oid, 'pg_policy'))
  from pg_policy p join rel r on r.oid = p.polrelid
  union all
  -- Functions: the whole definition as Postgres prints it (body, language, volatility,
  -- security, SET search_path ...), plus the grants and the comment.
  select case p.prokind when 'p' then 'procedure' when 'a' then 'aggregate' else 'function' end,
         format('%I.%I(%s)', ns.nspname, p.proname, pg_get_function_identity_arguments(p.oid)),
         concat_ws(E'\n',
           case when p.prokind <> 'a' then pg_get_functiondef(p.oid) end,
           'owner ' || pg_get_userbyid(p.proowner),
           'config ' || array_to_string(p.proconfig, ', '),
           'acl ' || pg_temp.drift_acl(p.proacl, 'f', p.proowner),
           'comment ' || obj_description(p.oid, 'pg_proc'))
  from pg_proc p join ns on ns.oid = p.pronamespace
  where not exists (select from ext_member e where e.classid = 'pg_proc'::regclass and e.objid = p.oid)
  union all
  select 'default privileges',
         format('%s in %s on %s', pg_get_userbyid(d.defaclrole),
                coalesce((select n.nspname from pg_namespace n where n.oid = d.defaclnamespace), 'every schema'),
                d.defaclobjtype::text),
         pg_temp.drift_acl(d.defaclacl)
  from pg_default_acl d
  union all
  select 'event trigger', e.evtname, concat_ws(' ', e.evtevent, e.evtfoid::regproc::text, e.evtenabled::text, e.evttags::text)
  from pg_event_trigger e
  union all
  select 'publication', p.pubname,
         concat_ws(E'\n', 'all tables ' || p.puballtables,
                   (select string_agg(format('%I.%I', t.schemaname, t.tablename), ', ' order by 1, 2)
                      from pg_publication_tables t where t.pubname = p.pubname))
  from pg_publication p
  union all
  -- Roles, cluster-wide: their attributes, settings (everywhere and in this database),
  -- memberships and comments. schema-drift.ts hides the roles this build did not make.
  select 'role', r.rolname,
         concat_ws(E'\n',
           format('super %s inherit %s createrole %s createdb %s login %s replication %s bypassrls %s connection limit %s valid until %s password %s',
                  r.rolsuper, r.rolinherit, r.rolcreaterole, r.rolcreatedb, r.rolcanlogin, r.rolreplication,
                  r.rolbypassrls, r.rolconnlimit, coalesce(r.rolvaliduntil::text, 'always'),
                  case when a.rolpassword is null then 'none' else 'set' end),
           (select 'settings ' || string_agg(case when s.setdatabase = 0 then '' else 'in this database ' end || cfg, ', ' order by s.setdatabase, cfg)
              from pg_db_role_setting s, unnest(s.setconfig) cfg
             where s.setrole = r.oid and s.setdatabase in (0, (select d.oid from pg_database d where d.datname = current_database()))),
           (select 'member of ' || string_agg(g.rolname || case when m.admin_option then ' with admin option' else '' end, ', ' order by g.rolname)
              from pg_auth_members m join pg_roles g on g.oid = m.roleid where m.member = r.oid),
           'comment ' || shobj_description(r.oid, 'pg_authid'))
  from pg_roles r join pg_authid a on a.oid = r.oid
  where r.rolname !~ '^pg_' and r.rolname !~ '^drift_hidden_'
  union all
  select 'database settings', 'this database',
         coalesce((select string_agg(cfg, ', ' order by cfg) from pg_db_role_setting s, unnest(s.setconfig) cfg
                    where s.setrole = 0 and s.setdatabase = (select d.oid from pg_database d where d.datname = current_database())), '')
  union all
  select 'rows', r.qname, pg_temp.drift_rows(r.oid)
  from rel r
  where r.relkind in ('r', 'p') and r.nspname not in ('auth')
)
select json_build_array(kind, key, def)::text
from cat
order by kind, key;
