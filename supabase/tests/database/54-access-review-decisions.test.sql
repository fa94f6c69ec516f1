-- =====================================================================================
-- Issue 23 item 7: a keep or remove decision per flagged member, recorded with the review by
-- complete_access_review(); "remove" deactivates through deactivate_member (rank rules, Auth
-- ban); each decision is logged in the same transaction; bad decisions change nothing.
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(14);
select tests.seed_fixture();

-- Ids:  f1 = Fixture Co; d1 owner (e1), d2 admin (e2), d3 member (e3), d4 viewer (e4).
select tests.act_as_system();
update public.memberships set joined_at = now() - interval '400 days', last_active_at = now() - interval '100 days'
 where workspace_id = 'f0000000-0000-4000-a000-000000000001'
   and id in ('d0000000-0000-4000-a000-000000000003', 'd0000000-0000-4000-a000-000000000004');

select tests.act_as('e0000000-0000-4000-a000-000000000002');
create or replace function pg_temp.decide(p_decisions text, p_days integer default null) returns text language sql as $$
  select tests.error_of(format('select public.complete_access_review(%L, null, 0, %s, %L::jsonb)',
                               'f0000000-0000-4000-a000-000000000001', coalesce(p_days::text, 'null'), p_decisions))
$$;
select is(pg_temp.decide('{"membership_id": "d0000000-0000-4000-a000-000000000003"}'),
  '22023:invalid_decisions', 'a decision must be keep or remove');
select is(pg_temp.decide('[{"membership_id": "d0000000-0000-4000-a000-000000000003", "decision": "maybe"}]'),
  '22023:invalid_decisions', '... nothing else');
select is(pg_temp.decide('[{"membership_id": "not-a-uuid", "decision": "keep"}]'),
  '22023:invalid_decisions', '... about a member named by id');
select is(pg_temp.decide('[{"membership_id": "d0000000-0000-4000-a000-00000000f999", "decision": "keep"}]'),
  'PT404:not_found', 'a decision about someone outside the workspace is refused');
select is(pg_temp.decide('[{"membership_id": "d0000000-0000-4000-a000-000000000003", "decision": "keep"},
                           {"membership_id": "d0000000-0000-4000-a000-000000000003", "decision": "remove"}]'),
  '22023:duplicate_decision', 'two decisions about one member are refused');
select is(pg_temp.decide('[{"membership_id": "d0000000-0000-4000-a000-000000000001", "decision": "keep"}]'),
  '22023:not_flagged', 'a decision about someone the review does not flag is refused');
select is(pg_temp.decide('[{"membership_id": "d0000000-0000-4000-a000-000000000004", "decision": "remove"}]', 120),
  '22023:not_flagged', '... for the chosen period');
select is((select count(*) from public.access_reviews where workspace_id = 'f0000000-0000-4000-a000-000000000001'),
  0::bigint, 'refused calls recorded nothing');

select is((select row(flagged, deactivated, idle_days)::text from public.complete_access_review(
    'f0000000-0000-4000-a000-000000000001', 'Q4', 0, 60,
    '[{"membership_id": "d0000000-0000-4000-a000-000000000003", "decision": "keep"},
      {"membership_id": "d0000000-0000-4000-a000-000000000004", "decision": "remove"}]'::jsonb)),
  '(2,1,60)', 'the review counts both flagged and the one removal');
select is((select status::text from public.memberships where id = 'd0000000-0000-4000-a000-000000000004'),
  'inactive', '"remove" deactivated the viewer');
select is((select status::text from public.memberships where id = 'd0000000-0000-4000-a000-000000000003'),
  'active', '"keep" left the member as they were');
select is(array(select member_email || ':' || decision from public.access_review_decisions d
                 where d.workspace_id = 'f0000000-0000-4000-a000-000000000001' order by decision),
  (select array_agg(m.member_email || ':' || x.d order by x.d)
     from (values ('d0000000-0000-4000-a000-000000000003'::uuid, 'keep'),
                  ('d0000000-0000-4000-a000-000000000004'::uuid, 'remove')) x(id, d)
     join public.memberships m on m.id = x.id),
  'the decisions are stored with the review, readable by members.manage');
select is(array(select action from public.activity_log
                 where workspace_id = 'f0000000-0000-4000-a000-000000000001'
                   and action in ('member.deactivated', 'access_review.completed',
                                  'access_review.member_kept', 'access_review.member_removed')
                 order by id),
  array['member.deactivated', 'access_review.completed', 'access_review.member_kept', 'access_review.member_removed'],
  'the deactivation, the review and each decision are logged in the same transaction');

select tests.act_as('e0000000-0000-4000-a000-000000000003');
select is((select count(*) from public.access_review_decisions), 0::bigint,
  'a member cannot read the decisions');

select * from finish();
rollback;
