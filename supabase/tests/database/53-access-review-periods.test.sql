-- =====================================================================================
-- Issue 23 item 7: the Access review's idle period is a parameter (presets 30/60/90, default
-- 90, validated), flags and the stored count follow it, and "idle" reads "Last active".
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(11);
select tests.seed_fixture();

-- Ids:  f1 = Fixture Co; d1 owner (e1), d2 admin (e2), d3 member (e3), d4 viewer (e4).
select tests.act_as_system();
update public.memberships set joined_at = now() - interval '400 days',
       last_active_at = case id when 'd0000000-0000-4000-a000-000000000003' then now() - interval '45 days'
                                when 'd0000000-0000-4000-a000-000000000004' then now() - interval '75 days'
                                else now() end
 where workspace_id = 'f0000000-0000-4000-a000-000000000001';

select tests.act_as('e0000000-0000-4000-a000-000000000002');
select is((select idle_days from public.access_review_rule()), 90, 'the default idle period is 90 days');
select is((select presets from public.access_review_rule()), array[30, 60, 90], 'the presets are 30, 60 and 90 days');

create or replace function pg_temp.flagged(p_days integer) returns uuid[] language sql as $$
  select coalesce(array_agg(membership_id order by membership_id), '{}')
    from public.access_review_flags('f0000000-0000-4000-a000-000000000001', p_days) where flagged
$$;
select is(pg_temp.flagged(null), '{}'::uuid[], 'at 90 days (the default) nobody is idle');
select is(pg_temp.flagged(60), array['d0000000-0000-4000-a000-000000000004']::uuid[], 'at 60 days the viewer is');
select is(pg_temp.flagged(30),
  array['d0000000-0000-4000-a000-000000000003', 'd0000000-0000-4000-a000-000000000004']::uuid[],
  'at 30 days the member and the viewer are');

select is(tests.error_of($$select * from public.access_review_flags('f0000000-0000-4000-a000-000000000001', 0)$$),
  '22023:invalid_idle_days', 'an idle period of 0 days is refused');
select is(tests.error_of($$select * from public.access_review_flags('f0000000-0000-4000-a000-000000000001', 366)$$),
  '22023:invalid_idle_days', '... and one over a year');
select is(tests.error_of($$select public.complete_access_review('f0000000-0000-4000-a000-000000000001', null, 0, -5)$$),
  '22023:invalid_idle_days', 'complete_access_review validates the period too');

select is((select row(flagged, idle_days)::text from public.complete_access_review('f0000000-0000-4000-a000-000000000001', null, 0, 30)),
  '(2,30)', 'the review stores the period and the count flagged for it');

-- An action moves "Last active", and with it the flag.
select tests.act_as_system();
select private.log_activity('f0000000-0000-4000-a000-000000000001', 'auth.sign_in', 'user',
  'e0000000-0000-4000-a000-000000000004', null, null, 'e0000000-0000-4000-a000-000000000004',
  'e0000000-0000-4000-a000-000000000004');
select tests.act_as('e0000000-0000-4000-a000-000000000002');
select is(pg_temp.flagged(30), array['d0000000-0000-4000-a000-000000000003']::uuid[],
  'after the viewer''s activity, only the member is idle for 30 days');

select tests.act_as('e0000000-0000-4000-a000-000000000003');
select is(tests.error_of($$select * from public.access_review_flags('f0000000-0000-4000-a000-000000000001', 30)$$),
  '42501:not_allowed', 'a member may not read the flags');

select * from finish();
rollback;
