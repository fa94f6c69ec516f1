-- =====================================================================================
-- The status, two-factor and seat rules, each defined once (supabase/schemas/10_workspaces_members.sql):
-- their truth tables, that the planner can still inline them (a SET clause or SECURITY
-- DEFINER would silently stop it), that the helpers' queries read as the plain condition,
-- and the functions the SPA reads them through.
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(30);

-- ---------- Truth tables -------------------------------------------------------------
select is(
  array(select s || '/' || coalesce(u::text, 'open') || ' -> '
               || private.effective_status(s, u)::text || ' '
               || private.is_effectively_active(s, u)::text || ' '
               || private.is_offboarded(s, u)::text
          from (values ('active'::public.member_status, null::timestamptz),
                       ('pending', null), ('inactive', null),
                       ('suspended', null),
                       ('suspended', '2000-01-01'::timestamptz),
                       ('suspended', '2999-01-01'::timestamptz)) as t(s, u)),
  array['active/open -> active true false',
        'pending/open -> pending false false',
        'inactive/open -> inactive false true',
        'suspended/open -> suspended false true',
        'suspended/' || '2000-01-01'::timestamptz::text || ' -> active true false',
        'suspended/' || '2999-01-01'::timestamptz::text || ' -> suspended false true'],
  'effective status, effectively active, offboarded: an ended suspension is active');

select is(
  array(select r || ' ' || role::text || ' ' || coalesce(aal, 'none') || ' -> '
               || private.two_factor_satisfied(r, role, aal)::text
          from unnest(array['off', 'admins', 'everyone']) as r,
               unnest(array['owner', 'admin', 'member', 'viewer']::public.workspace_role[]) as role,
               unnest(array[null, 'aal1', 'aal2']) as aal
         where not private.two_factor_satisfied(r, role, aal)
         order by 1),
  array['admins admin aal1 -> false', 'admins admin none -> false',
        'admins owner aal1 -> false', 'admins owner none -> false',
        'everyone admin aal1 -> false', 'everyone admin none -> false',
        'everyone member aal1 -> false', 'everyone member none -> false',
        'everyone owner aal1 -> false', 'everyone owner none -> false',
        'everyone viewer aal1 -> false', 'everyone viewer none -> false'],
  'two-factor: only admins-for-Owner/Admin and everyone ask for aal2; a missing aal is aal1');

select is(
  array(select s::text from unnest(enum_range(null::public.member_status)) s where private.takes_seat(s) order by 1),
  array['active', 'pending', 'suspended'],
  'seats: every status but inactive takes one');

-- ---------- Inlinable ----------------------------------------------------------------
select is(
  array(select p.proname::text from pg_proc p
         where p.pronamespace = 'private'::regnamespace
           and p.proname in ('suspension_elapsed', 'effective_status', 'is_effectively_active',
                             'is_offboarded', 'two_factor_satisfied', 'takes_seat')
           and (p.prolang <> (select oid from pg_language where lanname = 'sql')
                or p.prosecdef or p.proconfig is not null or p.provolatile = 'v')
         order by 1),
  '{}'::text[],
  'the rule functions stay inlinable: plain SQL, not volatile, no SECURITY DEFINER, no SET clause');
select is(
  (select count(*)::integer from pg_proc p
    where p.pronamespace = 'private'::regnamespace
      and p.proname in ('suspension_elapsed', 'effective_status', 'is_effectively_active',
                        'is_offboarded', 'two_factor_satisfied', 'takes_seat')),
  6, 'all six rule functions exist');

select tests.seed_fixture();
select matches(
  tests.plan_of($$select 1 from public.memberships m
                   where m.user_id = 'e0000000-0000-4000-a000-000000000003'
                     and private.is_effectively_active(m.status, m.suspended_until)$$),
  'status = ''active''::member_status\) OR \(\(status = ''suspended''::member_status\) AND \(suspended_until IS NOT NULL\) AND \(suspended_until <= now\(\)\)',
  'inlined, is_effectively_active is the plain condition the helpers had before');
select matches(
  tests.plan_of($$update public.memberships m set status_reason = null
                   where private.suspension_elapsed(m.status, m.suspended_until)$$),
  'memberships_suspended_until_idx',
  'the expiry job''s condition still uses the partial index on suspended_until');

-- ---------- No copy left in the function bodies or the views ------------------------
-- Outside the rule functions, no body spells out the effective-status or two-factor rule.
select is(
  array(select n.nspname || '.' || p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where n.nspname in ('public', 'private', 'reporting')
           and (p.prosrc ~ 'suspended_until\s*<=\s*now\(\)' or p.prosrc ~ 'suspended_until\s*>\s*now\(\)'
                or p.prosrc ~ 'require_2fa\s*=\s*''admins''')
           and p.proname not in ('suspension_elapsed', 'two_factor_satisfied')
         order by 1),
  '{}'::text[],
  'no function body repeats the status or two-factor rule');
select is(
  array(select c.oid::regclass::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname in ('public', 'private', 'reporting') and c.relkind in ('v', 'm')
           and (pg_get_viewdef(c.oid) ~ 'suspended_until\s*<=\s*now\(\)' or pg_get_viewdef(c.oid) ~ 'suspended_until\s*>\s*now\(\)'
                or pg_get_viewdef(c.oid) ~ 'require_2fa\s*=\s*''admins''')
         order by 1),
  '{}'::text[],
  'no view repeats them either (the directory and the analysts'' roster call the rule functions)');
-- The workspace prelude ("Workspace not found." unless private.is_member, then the
-- permission) is private.require_workspace(_permission); no RPC keeps a copy.
select is(
  array(select n.nspname || '.' || p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where n.nspname in ('public', 'private')
           and p.prosrc ~ 'not\s+private\.is_member\(p_workspace_id\)'
           and p.proname <> 'require_workspace'
         order by 1),
  '{}'::text[],
  'no RPC repeats the workspace prelude');

-- Inlined where they are read: the views' status filters are the plain CASE of the rule, and
-- the Users page's filters keep the index-friendly conditions of the copies they replace.
select matches(
  tests.verbose_plan_of($$select 1 from public.member_directory where effective_status = 'suspended'$$),
  'CASE WHEN \(\((m\.)?status = ''suspended''::member_status\) AND \((m\.)?suspended_until IS NOT NULL\) AND \((m\.)?suspended_until <= now\(\)\)\) THEN ''active''::member_status ELSE (m\.)?status END',
  'member_directory.effective_status: private.effective_status inlined');
select matches(
  tests.verbose_plan_of($$select 1 from reporting.member_roster where status = 'suspended'$$),
  'CASE WHEN \(\((m\.)?status = ''suspended''::member_status\) AND \((m\.)?suspended_until IS NOT NULL\) AND \((m\.)?suspended_until <= now\(\)\)\) THEN ''active''::member_status ELSE (m\.)?status END',
  'reporting.member_roster.status: private.suspension_elapsed inlined');
select ok(has_function_privilege('fluxera_workspace_analyst', 'private.suspension_elapsed(public.member_status, timestamptz)', 'execute')
          and has_function_privilege('fluxera_analyst', 'private.suspension_elapsed(public.member_status, timestamptz)', 'execute')
          and not has_schema_privilege('fluxera_workspace_analyst', 'private', 'usage')
          and not has_schema_privilege('fluxera_analyst', 'private', 'usage'),
  'the analysts execute the rule their roster inlines, without usage of schema private');
select is(private.directory_where(null, 'active', null),
  'm.workspace_id = $1 and private.is_effectively_active(m.status, m.suspended_until)',
  'Users page, status active: the rule function');
select is(private.directory_where(null, 'suspended', null),
  'm.workspace_id = $1 and m.status = ''suspended'' and not private.suspension_elapsed(m.status, m.suspended_until)',
  'Users page, status suspended: the stored status (for the index) and the rule');
select matches(
  tests.plan_of(format('select 1 from public.memberships m where %s',
    replace(private.directory_where(null, 'suspended', null), '$1', quote_literal('f0000000-0000-4000-a000-000000000001')))),
  'Index Cond: .*status = ''suspended''::member_status',
  '… whose stored-status test still reaches the index');

-- ---------- What the SPA reads -------------------------------------------------------
update public.memberships set status = 'suspended', suspended_until = now() - interval '1 hour'
 where id = 'd0000000-0000-4000-a000-000000000003';
update public.memberships set status = 'suspended', suspended_until = now() + interval '1 day'
 where id = 'd0000000-0000-4000-a000-000000000004';
select is((select public.effective_status(m) from public.memberships m where m.id = 'd0000000-0000-4000-a000-000000000003'),
          'active'::public.member_status, 'effective_status(memberships): an ended suspension reads as active');
select is((select public.effective_status(m) from public.memberships m where m.id = 'd0000000-0000-4000-a000-000000000004'),
          'suspended'::public.member_status, '… a running one as suspended');

select tests.create_user('e0000000-0000-4000-a000-000000000020', 'fx-invitee20@example.test');
select tests.add_member('d0000000-0000-4000-a000-000000000020', 'f0000000-0000-4000-a000-000000000001',
                        'e0000000-0000-4000-a000-000000000020', 'viewer', 'pending');
update public.memberships set status = 'inactive', suspended_until = null
 where id = 'd0000000-0000-4000-a000-000000000004';
update public.workspaces set seat_limit = 9 where id = 'f0000000-0000-4000-a000-000000000001';

select tests.act_as('e0000000-0000-4000-a000-000000000002');  -- admin, members.view
select results_eq($$select members, seats_in_use, seat_limit from public.seat_usage('f0000000-0000-4000-a000-000000000001')$$,
                  $$values (3::bigint, 4::bigint, 9)$$,
                  'seat_usage: 3 members (owner, admin, ended suspension), 4 seats (and the invitation), limit 9');
select set_eq($$select user_id from public.two_factor_rule_applies_to('f0000000-0000-4000-a000-000000000001', 'admins')$$,
              array['e0000000-0000-4000-a000-000000000001', 'e0000000-0000-4000-a000-000000000002']::uuid[],
              'two_factor_rule_applies_to(admins): the Owner and the Admin');
select is((select count(*)::integer from public.two_factor_rule_applies_to('f0000000-0000-4000-a000-000000000001', 'everyone')),
          5, '… (everyone): every membership');
select is((select count(*)::integer from public.two_factor_rule_applies_to('f0000000-0000-4000-a000-000000000001', 'off')),
          0, '… (off): nobody');
select is(tests.error_of($$select public.two_factor_rule_applies_to('f0000000-0000-4000-a000-000000000001', 'some')$$),
          '22023:invalid_input', '… an unknown rule is refused');
select is(tests.error_of($$select public.two_factor_rule_applies_to('f0000000-0000-4000-a000-000000000002', 'admins')$$),
          'PT404:not_found', '… another customer''s workspace is not found');
select tests.act_as('e0000000-0000-4000-a000-000000000005');  -- owner of the other workspace
select is((select count(*)::integer from public.seat_usage('f0000000-0000-4000-a000-000000000001')),
          1, 'seat_usage of a workspace the caller cannot see: one row …');
select results_eq($$select members, seats_in_use, seat_limit from public.seat_usage('f0000000-0000-4000-a000-000000000001')$$,
                  $$values (0::bigint, 0::bigint, null::integer)$$,
                  '… of zeros (it counts through RLS)');
select tests.act_as_system();

-- ---------- The preludes keep their answers ------------------------------------------
select tests.act_as('e0000000-0000-4000-a000-000000000004');  -- viewer, now inactive
select is(tests.error_of($$select public.access_review_flags('f0000000-0000-4000-a000-000000000001')$$),
          'PT404:not_found', 'require_workspace: a workspace the caller cannot open is not found');
select tests.act_as('e0000000-0000-4000-a000-000000000003');  -- member, suspension ended
select is(tests.error_of($$select public.access_review_flags('f0000000-0000-4000-a000-000000000001')$$),
          '42501:not_allowed', 'require_workspace_permission: a member without members.manage is refused');
select is(tests.error_of($$select public.offboarding_summary('d0000000-0000-4000-a000-000000000005')$$),
          'PT404:not_found', 'require_member: a member of another workspace is not found');
select is(tests.error_of($$select public.offboarding_summary('d0000000-0000-4000-a000-000000000002')$$),
          '42501:not_allowed', '… one of this workspace without members.manage is refused');
select tests.act_as_system();

select * from finish();
rollback;
