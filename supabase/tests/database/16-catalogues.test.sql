-- =====================================================================================
-- Catalogues defined once: every action and entity type the database can write to the
-- activity log is named in public.activity_actions / activity_entity_types (scanning the
-- trigger, the functions that call log_activity, and the rows already written); the
-- permission_key enum equals the permission table; every permission has an area; the
-- sentence templates only use placeholders the SPA knows; signed-in users can read it all.
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(12);

-- Action-shaped literals ('noun.verb') in the body of every function in public and private,
-- less permission keys, settings names (fluxera.*, request.*) and relation names.
create temp table written_actions as
  select distinct m[1] as action, p.proname::text as fn
    from pg_proc p
    join pg_namespace n on n.oid = p.pronamespace
   cross join lateral regexp_matches(p.prosrc, '''([a-z_]+\.[a-z_]+)''', 'g') m
   where n.nspname in ('public', 'private')
     and m[1] not in (select key from public.permissions)
     and m[1] !~ '^(fluxera|request)\.'
     and to_regclass(m[1]) is null
     and m[1] <> 'x.y';

select cmp_ok(
  (select count(*) from written_actions where fn = 'activity_action'), '>=', 30::bigint,
  'the scan sees the action names in private.activity_action()');

select is(
  array(select action || ' (in ' || fn || ')' from written_actions
         where action not in (select key from public.activity_actions) order by 1),
  '{}'::text[],
  'every action named in a function body is in public.activity_actions');

-- log_activity(<workspace>, '<action>', '<entity type>', …) call sites.
create temp table logged_calls as
  select distinct m[1] as action, m[2] as entity_type, p.proname::text as fn
    from pg_proc p
    join pg_namespace n on n.oid = p.pronamespace
   cross join lateral regexp_matches(
     p.prosrc, 'log_activity\(\s*[^,]+,\s*''([a-z_.]+)''\s*,\s*''([a-z_]+)''', 'g') m
   where n.nspname in ('public', 'private');

select cmp_ok((select count(*) from logged_calls), '>=', 3::bigint,
  'the scan sees the log_activity() call sites');

select is(
  array(select c.action || ' as ' || c.entity_type || ' (in ' || c.fn || ')'
          from logged_calls c
         where not exists (select 1 from public.activity_actions a
                            where a.key = c.action and a.entity_type = c.entity_type)
         order by 1),
  '{}'::text[],
  'every log_activity() call names a catalogued action with its catalogued entity type');

select is(
  array(select distinct encode(t.tgargs, 'escape')
          from pg_trigger t
         where t.tgfoid = 'private.record_activity()'::regprocedure
           and rtrim(encode(t.tgargs, 'escape'), '\000') not in (select key from public.activity_entity_types)
         order by 1),
  '{}'::text[],
  'every table audited by record_activity() writes a catalogued entity type');

-- What the seed and fixture actually wrote.
select tests.seed_fixture();
select is(
  array(select distinct l.action || ' as ' || l.entity_type
          from public.activity_log l
         where not exists (select 1 from public.activity_actions a
                            where a.key = l.action and a.entity_type = l.entity_type)
         order by 1),
  '{}'::text[],
  'every (action, entity type) in the activity log is catalogued');

-- ---------- Permissions --------------------------------------------------------------
select set_eq(
  $$select unnest(enum_range(null::public.permission_key))::text$$,
  $$select key from public.permissions$$,
  'the permission_key enum (the generated types) equals the permission catalogue');

select is(
  array(select p.key from public.permissions p
          left join public.permission_areas a on a.resource = p.resource
         where a.resource is null or btrim(p.description) = '' order by 1),
  '{}'::text[],
  'every permission has an area and a description');

-- ---------- Templates ----------------------------------------------------------------
select is(
  array(select distinct a.key || ': ' || m[1]
          from public.activity_actions a
         cross join lateral regexp_matches(a.sentence || ' ' || coalesce(a.sentence_if_cleared, ''), '\{([^}]*)\}', 'g') m
         where m[1] !~ '^(actor|subject|entity|(before|after)\.[a-z_]+)$'
         order by 1),
  '{}'::text[],
  'sentence templates use only {actor}, {subject}, {entity}, {before.x} and {after.x}');

select is(
  array(select key from public.activity_actions
         where split_part(key, '.', 1) not in (split_part(entity_type, '_', 1), 'member', 'ownership', 'permission', 'auth', 'license_seat', 'access_review', 'sql_credential', 'onboarding_kit')
         order by 1),
  '{}'::text[],
  'action names start with their area');

-- ---------- Access -------------------------------------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000004');  -- a viewer in the fixture
select cmp_ok((select count(*) from public.activity_actions), '>=', 36::bigint,
  'a signed-in user reads the action catalogue');
select tests.act_as_system();

set local role anon;
select throws_ok($$select 1 from public.activity_actions$$, '42501', null,
  'anonymous callers cannot read the catalogue');
reset role;

select * from finish();
rollback;
