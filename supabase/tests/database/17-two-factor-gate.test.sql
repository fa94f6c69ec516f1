-- =====================================================================================
-- my_two_factor_gates(): which of my workspaces are closed to me until I use 2FA.
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(6);
select tests.seed_fixture();

select tests.act_as('e0000000-0000-4000-a000-000000000001');  -- owner, aal1
select is((select count(*) from public.my_two_factor_gates()), 0::bigint,
  'no gate while the workspace does not require 2FA');
select tests.act_as_system();

update public.workspaces set require_2fa = 'everyone' where id = 'f0000000-0000-4000-a000-000000000001';

select tests.act_as('e0000000-0000-4000-a000-000000000001');
select results_eq(
  $$select workspace_name, require_2fa, role::text from public.my_two_factor_gates()$$,
  $$values ('Fixture Co'::text, 'everyone'::text, 'owner'::text)$$,
  'the Owner on an aal1 session is told the workspace needs 2FA (with its name)');
select is(array(select public.my_permissions('f0000000-0000-4000-a000-000000000001')), '{}'::text[],
  '… which is why my_permissions() is empty for the Owner then');
select tests.act_as('e0000000-0000-4000-a000-000000000001', 'aal2');
select is((select count(*) from public.my_two_factor_gates()), 0::bigint, 'no gate on an aal2 session');
select tests.act_as_system();

update public.workspaces set require_2fa = 'admins' where id = 'f0000000-0000-4000-a000-000000000001';
select tests.act_as('e0000000-0000-4000-a000-000000000003');  -- member
select is((select count(*) from public.my_two_factor_gates()), 0::bigint,
  'a Member is not gated when only Owner and Admins must use 2FA');
select tests.act_as('e0000000-0000-4000-a000-000000000002');  -- admin
select is((select count(*) from public.my_two_factor_gates()), 1::bigint, 'an Admin is');
select tests.act_as_system();

select * from finish();
rollback;
