-- =====================================================================================
-- private.activity_action(): the name of every kind of audited change, case by case. What
-- the trigger (private.record_activity) writes with it is checked in 05-activity.
-- =====================================================================================
begin;
set local client_min_messages = warning;
select plan(37);

create temp table cases (tbl text, op text, entity text, old jsonb, new jsonb, actor uuid, expected text);
insert into cases values
  ('workspaces', 'INSERT', 'workspace', null, '{"id": "w"}', null, 'workspace.created'),
  ('workspaces', 'DELETE', 'workspace', '{"id": "w"}', null, null, 'workspace.deleted'),
  ('workspaces', 'UPDATE', 'workspace', '{"name": "a"}', '{"name": "b"}', null, 'workspace.settings_changed'),
  -- memberships: insert
  ('memberships', 'INSERT', 'membership', null, '{"status": "pending"}', null, 'member.invited'),
  ('memberships', 'INSERT', 'membership', null, '{"status": "active"}', null, 'member.joined'),
  -- memberships: delete, by whether pending and whether the actor is the member
  ('memberships', 'DELETE', 'membership', '{"status": "pending", "user_id": "00000000-0000-4000-a000-0000000000aa"}', null,
   '00000000-0000-4000-a000-0000000000aa', 'member.declined'),
  ('memberships', 'DELETE', 'membership', '{"status": "pending", "user_id": "00000000-0000-4000-a000-0000000000aa"}', null,
   '00000000-0000-4000-a000-0000000000bb', 'member.invitation_revoked'),
  ('memberships', 'DELETE', 'membership', '{"status": "pending", "user_id": "00000000-0000-4000-a000-0000000000aa"}', null,
   null, 'member.invitation_revoked'),
  ('memberships', 'DELETE', 'membership', '{"status": "active", "user_id": "00000000-0000-4000-a000-0000000000aa"}', null,
   '00000000-0000-4000-a000-0000000000aa', 'member.left'),
  ('memberships', 'DELETE', 'membership', '{"status": "active", "user_id": "00000000-0000-4000-a000-0000000000aa"}', null,
   '00000000-0000-4000-a000-0000000000bb', 'member.removed'),
  ('memberships', 'DELETE', 'membership', '{"status": "inactive", "user_id": "00000000-0000-4000-a000-0000000000aa"}', null,
   null, 'member.removed'),
  -- memberships: update; a role change wins over a status change
  ('memberships', 'UPDATE', 'membership', '{"role": "admin", "status": "active"}', '{"role": "owner", "status": "active"}', null,
   'ownership.transferred'),
  ('memberships', 'UPDATE', 'membership', '{"role": "member", "status": "active"}', '{"role": "admin", "status": "active"}', null,
   'member.role_changed'),
  ('memberships', 'UPDATE', 'membership', '{"role": "member", "status": "suspended"}', '{"role": "viewer", "status": "active"}', null,
   'member.role_changed'),
  ('memberships', 'UPDATE', 'membership', '{"role": "member", "status": "pending"}', '{"role": "member", "status": "active"}', null,
   'member.joined'),
  ('memberships', 'UPDATE', 'membership', '{"role": "member", "status": "active"}', '{"role": "member", "status": "inactive"}', null,
   'member.deactivated'),
  ('memberships', 'UPDATE', 'membership', '{"role": "member", "status": "active"}', '{"role": "member", "status": "suspended"}', null,
   'member.suspended'),
  ('memberships', 'UPDATE', 'membership', '{"role": "member", "status": "suspended"}', '{"role": "member", "status": "active"}', null,
   'member.suspension_lifted'),
  ('memberships', 'UPDATE', 'membership', '{"role": "member", "status": "inactive"}', '{"role": "member", "status": "active"}', null,
   'member.reactivated'),
  ('memberships', 'UPDATE', 'membership', '{"role": "member", "status": "active"}', '{"role": "member", "status": "pending"}', null,
   'member.updated'),
  ('memberships', 'UPDATE', 'membership', '{"role": "member", "status": "suspended", "suspended_until": null}',
   '{"role": "member", "status": "suspended", "suspended_until": "2030-01-01T00:00:00+00:00"}', null, 'member.suspended'),
  ('memberships', 'UPDATE', 'membership', '{"role": "member", "status": "pending", "invite_expires_at": "2026-12-01T00:00:00+00:00"}',
   '{"role": "member", "status": "pending", "invite_expires_at": "2026-12-08T00:00:00+00:00"}', null, 'member.invitation_resent'),
  ('memberships', 'UPDATE', 'membership', '{"role": "member", "status": "pending", "invited_by": "x"}',
   '{"role": "member", "status": "pending", "invited_by": "y"}', null, 'member.updated'),
  ('memberships', 'UPDATE', 'membership', '{"role": "member", "status": "active", "last_active_at": "a"}',
   '{"role": "member", "status": "active", "last_active_at": "b"}', null, 'member.updated'),
  -- the other tables
  ('role_permissions', 'INSERT', 'role_permission', null, '{}', null, 'permission.granted'),
  ('role_permissions', 'DELETE', 'role_permission', '{}', null, null, 'permission.revoked'),
  ('assets', 'INSERT', 'asset', null, '{}', null, 'asset.created'),
  ('assets', 'DELETE', 'asset', '{}', null, null, 'asset.deleted'),
  ('assets', 'UPDATE', 'asset', '{"assigned_to": null}', '{"assigned_to": "00000000-0000-4000-a000-0000000000aa"}', null,
   'asset.assigned'),
  ('assets', 'UPDATE', 'asset', '{"assigned_to": "u", "name": "a"}', '{"assigned_to": "u", "name": "b"}', null, 'asset.updated'),
  ('licenses', 'UPDATE', 'license', '{}', '{}', null, 'license.updated'),
  ('license_seats', 'INSERT', 'license_seat', null, '{}', null, 'license_seat.assigned'),
  ('license_seats', 'DELETE', 'license_seat', '{}', null, null, 'license_seat.revoked'),
  ('access_reviews', 'INSERT', 'access_review', null, '{}', null, 'access_review.completed'),
  ('gizmos', 'UPDATE', 'gizmo', '{}', '{}', null, 'gizmo.update');

select is(
  array(select c.tbl || ' ' || c.op || ' ' || coalesce(c.old::text, '-') || ' -> ' || coalesce(c.new::text, '-')
               || ': ' || coalesce(private.activity_action(c.tbl, c.op, c.entity, c.old, c.new, c.actor), 'null')
               || ' (expected ' || c.expected || ')'
          from cases c
         where private.activity_action(c.tbl, c.op, c.entity, c.old, c.new, c.actor) is distinct from c.expected),
  '{}'::text[],
  'every case is named as expected');

select is((select count(*)::integer from cases), 35, 'the table above has its 35 cases');

-- Each case one by one (so a failure names it in the TAP output).
select is(private.activity_action(c.tbl, c.op, c.entity, c.old, c.new, c.actor), c.expected,
          c.tbl || ' ' || c.op || ' -> ' || c.expected)
  from cases c
 where c.tbl <> 'gizmos'
 order by c.tbl, c.op, c.expected;

select is(
  array(select a from (select private.activity_action(c.tbl, c.op, c.entity, c.old, c.new, c.actor) as a from cases c
                        where c.tbl <> 'gizmos') s
         where a not in (select key from public.activity_actions)),
  '{}'::text[],
  'every name it gives for an audited table is in the activity catalogue');

select * from finish();
rollback;
