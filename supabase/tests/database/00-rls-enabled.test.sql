-- =====================================================================================
-- Every table in public and private has RLS; every public table has a policy; policies are
-- for `authenticated` only; anon holds no table privileges; security definer functions pin
-- their search_path.
-- =====================================================================================
begin;
select plan(6);

select is(
  array(select n.nspname || '.' || c.relname
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname in ('public', 'private') and c.relkind in ('r', 'p') and not c.relrowsecurity
         order by 1),
  '{}'::text[],
  'every table in public and private has row level security enabled');

select is(
  array(select n.nspname || '.' || c.relname
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind in ('r', 'p')
           and not exists (select 1 from pg_policy p where p.polrelid = c.oid)
         order by 1),
  '{}'::text[],
  'every public table has at least one policy');

select cmp_ok(
  (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r'),
  '>=', 9::bigint,
  'the checks above actually saw the public tables');

select is(
  array(select schemaname || '.' || tablename || ': ' || policyname
          from pg_policies
         where schemaname = 'public' and roles <> '{authenticated}'
         order by 1),
  '{}'::text[],
  'every policy applies to authenticated only');

select is(
  array(select c.relname || ':' || p.privilege_type
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          cross join unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) as p(privilege_type)
         where n.nspname = 'public' and c.relkind in ('r', 'v', 'm')
           and has_table_privilege('anon', c.oid, p.privilege_type)
         order by 1),
  '{}'::text[],
  'anon holds no privilege on any public table or view');

select is(
  array(select n.nspname || '.' || p.proname
          from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where n.nspname in ('public', 'private') and p.prosecdef
           and not coalesce(p.proconfig @> array['search_path=""'], false)
         order by 1),
  '{}'::text[],
  'every security definer function sets search_path to empty');

select * from finish();
rollback;
