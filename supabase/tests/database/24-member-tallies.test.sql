-- =====================================================================================
-- The Users page's total comes from tallies kept by a trigger (supabase/schemas/35_member_directory.sql): they follow
-- every insert, role or status change and removal, and the count answers exactly what counting
-- the rows with the same filters answers, ended suspensions included.
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(9);
select tests.seed_fixture();

create function pg_temp.drift() returns bigint language sql as $$
  select count(*) from (
    (select workspace_id, role, status, count(*)::integer as n from public.memberships group by 1, 2, 3
     except select workspace_id, role, status, members from private.member_tallies where members <> 0)
    union all
    (select workspace_id, role, status, members from private.member_tallies where members <> 0
     except select workspace_id, role, status, count(*)::integer from public.memberships group by 1, 2, 3)
  ) d
$$;
select is(pg_temp.drift(), 0::bigint, 'the tallies equal the memberships after the fixture');

-- Every kind of change, as the product makes them (RPC-free: the trigger is what is tested).
select tests.create_user('e0000000-0000-4000-a000-000000000031', 'fx-t1@example.test');
select tests.create_user('e0000000-0000-4000-a000-000000000032', 'fx-t2@example.test');
select tests.add_member('d0000000-0000-4000-a000-000000000031', 'f0000000-0000-4000-a000-000000000001',
                        'e0000000-0000-4000-a000-000000000031', 'member', 'pending');
select tests.add_member('d0000000-0000-4000-a000-000000000032', 'f0000000-0000-4000-a000-000000000001',
                        'e0000000-0000-4000-a000-000000000032', 'viewer', 'active');
update public.memberships set status = 'active', joined_at = now() where id = 'd0000000-0000-4000-a000-000000000031';
update public.memberships set role = 'admin' where id = 'd0000000-0000-4000-a000-000000000031';
update public.memberships set role = 'admin' where id = 'd0000000-0000-4000-a000-000000000031';  -- no change
update public.memberships set status = 'suspended', suspended_until = now() - interval '1 minute'
 where id = 'd0000000-0000-4000-a000-000000000032';                                              -- ended already
update public.memberships set status = 'suspended', suspended_until = now() + interval '2 days'
 where id = 'd0000000-0000-4000-a000-000000000004';                                              -- the viewer, running
update public.memberships set status = 'inactive' where id = 'd0000000-0000-4000-a000-000000000003';
delete from public.memberships where id = 'd0000000-0000-4000-a000-000000000002';
select is(pg_temp.drift(), 0::bigint, 'after inserts, role and status changes, a no-op update and a removal');

-- The count, as a members.view holder, against counting the rows with the same rule.
create function pg_temp.rows(p_role public.workspace_role, p_status public.member_status) returns bigint
language sql security definer as $$
  select count(*) from public.memberships m
   where m.workspace_id = 'f0000000-0000-4000-a000-000000000001'
     and (p_role is null or m.role = p_role)
     and (p_status is null or private.effective_status(m.status, m.suspended_until) = p_status)
$$;
grant execute on function pg_temp.rows(public.workspace_role, public.member_status) to authenticated;
select tests.act_as('e0000000-0000-4000-a000-000000000001');
select is(public.member_directory_count('f0000000-0000-4000-a000-000000000001'), pg_temp.rows(null, null), 'the whole directory');
select is(public.member_directory_count('f0000000-0000-4000-a000-000000000001', p_status => 'active'), pg_temp.rows(null, 'active'),
          'active: an ended suspension counts as active');
select is(public.member_directory_count('f0000000-0000-4000-a000-000000000001', p_status => 'suspended'), pg_temp.rows(null, 'suspended'),
          'suspended: only the running suspension');
select is(public.member_directory_count('f0000000-0000-4000-a000-000000000001', p_status => 'suspended'), 1::bigint,
          '(one running suspension)');
select is(public.member_directory_count('f0000000-0000-4000-a000-000000000001', 'viewer', 'active'), pg_temp.rows('viewer', 'active'),
          'role and effective status together');
select is(public.member_directory_count('f0000000-0000-4000-a000-000000000001', p_status => 'inactive'), pg_temp.rows(null, 'inactive'),
          'inactive');

select tests.act_as('e0000000-0000-4000-a000-000000000004');
select throws_ok($$select * from private.member_tallies$$, '42501', null, 'signed-in people cannot read the tallies');

select * from finish();
rollback;
