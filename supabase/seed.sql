-- =====================================================================================
-- Local demo data. Applied after the migrations by `supabase db reset` and by
-- `npm run db:reset`. Runs as postgres with no JWT: activity rows it causes have
-- no actor (reported as 'system').
-- Every user's password: Fluxera-demo-2026!
-- =====================================================================================

-- ---------- Users (auth.users + email identities) ------------------------------------
insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
  confirmation_token, recovery_token, email_change_token_new, email_change,
  email_change_token_current, phone_change, phone_change_token, reauthentication_token
)
select
  '00000000-0000-0000-0000-000000000000', u.id, 'authenticated', 'authenticated', u.email,
  extensions.crypt('Fluxera-demo-2026!', extensions.gen_salt('bf', 10)), now(),
  '{"provider": "email", "providers": ["email"]}'::jsonb,
  jsonb_build_object('full_name', u.full_name),
  now() - u.age, now() - u.age,
  '', '', '', '', '', '', '', ''
from (values
  ('00000000-0000-4000-a000-000000000001'::uuid, 'owner@fluxera.test',       'Olivia Owner',     interval '400 days'),
  ('00000000-0000-4000-a000-000000000002'::uuid, 'admin@fluxera.test',       'Adam Admin',       interval '380 days'),
  ('00000000-0000-4000-a000-000000000003'::uuid, 'member@fluxera.test',      'Mia Member',       interval '300 days'),
  ('00000000-0000-4000-a000-000000000004'::uuid, 'viewer@fluxera.test',      'Victor Viewer',    interval '200 days'),
  ('00000000-0000-4000-a000-000000000005'::uuid, 'inactive@fluxera.test',    'Ivan Inactive',    interval '250 days'),
  ('00000000-0000-4000-a000-000000000006'::uuid, 'suspended@fluxera.test',   'Sara Suspended',   interval '150 days'),
  ('00000000-0000-4000-a000-000000000007'::uuid, 'pending@fluxera.test',     'Paul Pending',     interval '2 days'),
  ('00000000-0000-4000-a000-000000000008'::uuid, 'other-owner@fluxera.test', 'Grace Globex',     interval '420 days')
) as u(id, email, full_name, age);

insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
select u.id::text, u.id,
       jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true, 'phone_verified', false),
       'email', now(), u.created_at, u.created_at
  from auth.users u
 where u.email like '%@fluxera.test';

-- ---------- Workspaces and memberships -----------------------------------------------
insert into public.workspaces (id, name, plan, seat_limit, created_at) values
  ('10000000-0000-4000-a000-000000000001', 'Acme Corp', 'business', 50, now() - interval '400 days'),
  ('10000000-0000-4000-a000-000000000002', 'Globex',    'team',     null, now() - interval '420 days');

insert into public.memberships
  (id, workspace_id, user_id, role, status, suspended_until, status_reason,
   invited_by, invited_at, invite_expires_at, joined_at, last_active_at)
values
  -- Acme Corp
  ('20000000-0000-4000-a000-000000000001', '10000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000001',
   'owner', 'active', null, null, null, null, null, now() - interval '400 days', now() - interval '1 hour'),
  ('20000000-0000-4000-a000-000000000002', '10000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000002',
   'admin', 'active', null, null, '00000000-0000-4000-a000-000000000001', now() - interval '381 days', now() - interval '374 days',
   now() - interval '380 days', now() - interval '2 hours'),
  ('20000000-0000-4000-a000-000000000003', '10000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000003',
   'member', 'active', null, null, '00000000-0000-4000-a000-000000000002', now() - interval '301 days', now() - interval '294 days',
   now() - interval '300 days', now() - interval '3 days'),
  ('20000000-0000-4000-a000-000000000004', '10000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000004',
   'viewer', 'active', null, null, '00000000-0000-4000-a000-000000000002', now() - interval '201 days', now() - interval '194 days',
   now() - interval '200 days', now() - interval '120 days'),
  ('20000000-0000-4000-a000-000000000005', '10000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000005',
   'member', 'inactive', null, null, '00000000-0000-4000-a000-000000000002', now() - interval '251 days', now() - interval '244 days',
   now() - interval '250 days', now() - interval '95 days'),
  ('20000000-0000-4000-a000-000000000006', '10000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000006',
   'member', 'suspended', now() + interval '30 days', 'Laptop reported stolen; access paused pending investigation.',
   '00000000-0000-4000-a000-000000000002', now() - interval '151 days', now() - interval '144 days',
   now() - interval '150 days', now() - interval '10 days'),
  ('20000000-0000-4000-a000-000000000007', '10000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000007',
   'member', 'pending', null, null, '00000000-0000-4000-a000-000000000002', now() - interval '2 days', now() + interval '5 days',
   null, null),
  -- Globex (admin@fluxera.test is also a viewer here, for the workspace switcher)
  ('20000000-0000-4000-a000-000000000008', '10000000-0000-4000-a000-000000000002', '00000000-0000-4000-a000-000000000008',
   'owner', 'active', null, null, null, null, null, now() - interval '420 days', now() - interval '1 day'),
  ('20000000-0000-4000-a000-000000000009', '10000000-0000-4000-a000-000000000002', '00000000-0000-4000-a000-000000000002',
   'viewer', 'active', null, null, '00000000-0000-4000-a000-000000000008', now() - interval '61 days', now() - interval '54 days',
   now() - interval '60 days', now() - interval '5 days');

-- ---------- Assets -------------------------------------------------------------------
insert into public.assets (workspace_id, name, asset_tag, serial_number, category, status, assigned_to, notes, created_by)
values
  ('10000000-0000-4000-a000-000000000001', 'MacBook Pro 14" M3',   'ACME-0001', 'C02XK1ABMD6M', 'Laptop',  'assigned',  '00000000-0000-4000-a000-000000000001', null, '00000000-0000-4000-a000-000000000002'),
  ('10000000-0000-4000-a000-000000000001', 'MacBook Air 13" M2',   'ACME-0002', 'C02YL2BCMD6N', 'Laptop',  'assigned',  '00000000-0000-4000-a000-000000000002', null, '00000000-0000-4000-a000-000000000002'),
  ('10000000-0000-4000-a000-000000000001', 'ThinkPad X1 Carbon',   'ACME-0003', 'PF3ABC12',     'Laptop',  'assigned',  '00000000-0000-4000-a000-000000000003', null, '00000000-0000-4000-a000-000000000002'),
  ('10000000-0000-4000-a000-000000000001', 'Dell XPS 15',          'ACME-0004', '7HQ2M53',      'Laptop',  'assigned',  '00000000-0000-4000-a000-000000000005', 'Reclaim: owner offboarded.', '00000000-0000-4000-a000-000000000002'),
  ('10000000-0000-4000-a000-000000000001', 'Dell UltraSharp 27"',  'ACME-0005', 'CN0U2723',     'Monitor', 'assigned',  '00000000-0000-4000-a000-000000000003', null, '00000000-0000-4000-a000-000000000002'),
  ('10000000-0000-4000-a000-000000000001', 'LG UltraFine 5K',      'ACME-0006', '905NTXR1',     'Monitor', 'in_stock',  null, null, '00000000-0000-4000-a000-000000000002'),
  ('10000000-0000-4000-a000-000000000001', 'iPhone 15',            'ACME-0007', 'F2LXK9PQN72', 'Phone',   'assigned',  '00000000-0000-4000-a000-000000000006', null, '00000000-0000-4000-a000-000000000002'),
  ('10000000-0000-4000-a000-000000000001', 'Pixel 8',              'ACME-0008', 'GA04823',      'Phone',   'in_stock',  null, null, '00000000-0000-4000-a000-000000000002'),
  ('10000000-0000-4000-a000-000000000001', 'Jabra Evolve2 85',     'ACME-0009', 'JB85-11873',   'Headset', 'in_repair', null, 'Left ear cup crackles; sent to vendor.', '00000000-0000-4000-a000-000000000002'),
  ('10000000-0000-4000-a000-000000000001', 'Logitech MX Keys',     'ACME-0010', 'LMX-44921',    'Peripheral', 'assigned', '00000000-0000-4000-a000-000000000004', null, '00000000-0000-4000-a000-000000000002'),
  ('10000000-0000-4000-a000-000000000001', 'iPad Pro 11"',         'ACME-0011', 'DMPXL8Q2',     'Tablet',  'in_stock',  null, null, '00000000-0000-4000-a000-000000000003'),
  ('10000000-0000-4000-a000-000000000001', 'HP LaserJet Pro',      'ACME-0012', 'VNB3K41234',   'Printer', 'retired',   null, 'Replaced in 2025.', '00000000-0000-4000-a000-000000000002'),
  ('10000000-0000-4000-a000-000000000002', 'Surface Laptop 5',     'GLX-001',   '0F3K2QW',      'Laptop',  'assigned',  '00000000-0000-4000-a000-000000000008', null, '00000000-0000-4000-a000-000000000008'),
  ('10000000-0000-4000-a000-000000000002', 'Meeting room display', 'GLX-002',   'SAM-QM55',     'Display', 'in_stock',  null, null, '00000000-0000-4000-a000-000000000008');

-- ---------- Licences and seats -------------------------------------------------------
insert into public.licenses (id, workspace_id, product, vendor, seats, expires_on, notes, created_by) values
  ('30000000-0000-4000-a000-000000000001', '10000000-0000-4000-a000-000000000001', 'Microsoft 365 Business Standard', 'Microsoft', 10,
   (now() + interval '200 days')::date, null, '00000000-0000-4000-a000-000000000002'),
  ('30000000-0000-4000-a000-000000000002', '10000000-0000-4000-a000-000000000001', 'Figma Professional', 'Figma', 3,
   (now() + interval '25 days')::date, 'Renewal due soon.', '00000000-0000-4000-a000-000000000002'),
  ('30000000-0000-4000-a000-000000000003', '10000000-0000-4000-a000-000000000001', 'JetBrains All Products Pack', 'JetBrains', 2,
   (now() + interval '90 days')::date, null, '00000000-0000-4000-a000-000000000002'),
  ('30000000-0000-4000-a000-000000000004', '10000000-0000-4000-a000-000000000002', 'Slack Pro', 'Salesforce', 5,
   null, null, '00000000-0000-4000-a000-000000000008');

insert into public.license_seats (workspace_id, license_id, user_id, assigned_by) values
  ('10000000-0000-4000-a000-000000000001', '30000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000002'),
  ('10000000-0000-4000-a000-000000000001', '30000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000002', '00000000-0000-4000-a000-000000000002'),
  ('10000000-0000-4000-a000-000000000001', '30000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000003', '00000000-0000-4000-a000-000000000002'),
  ('10000000-0000-4000-a000-000000000001', '30000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000004', '00000000-0000-4000-a000-000000000002'),
  ('10000000-0000-4000-a000-000000000001', '30000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000005', '00000000-0000-4000-a000-000000000002'),
  ('10000000-0000-4000-a000-000000000001', '30000000-0000-4000-a000-000000000002', '00000000-0000-4000-a000-000000000003', '00000000-0000-4000-a000-000000000002'),
  ('10000000-0000-4000-a000-000000000001', '30000000-0000-4000-a000-000000000003', '00000000-0000-4000-a000-000000000002', '00000000-0000-4000-a000-000000000002'),
  ('10000000-0000-4000-a000-000000000002', '30000000-0000-4000-a000-000000000004', '00000000-0000-4000-a000-000000000008', '00000000-0000-4000-a000-000000000008'),
  ('10000000-0000-4000-a000-000000000002', '30000000-0000-4000-a000-000000000004', '00000000-0000-4000-a000-000000000002', '00000000-0000-4000-a000-000000000008');

-- =====================================================================================
-- ---------- Demo story: four weeks of Acme Corp's team at work (ux, issue 13 #14) -----
-- The rows above are logged by "System" at the moment the seed ran. This section adds the
-- history a new admin would expect to find, consistent with the data above: who invited
-- whom, a role change, laptops and phones handed out, a licence seat, sign-ins, and the
-- suspension of Sara Suspended. Written straight to the activity log with past times (the
-- chain trigger still links and hashes every row). Ends before any later section.
-- =====================================================================================
insert into public.activity_log
  (workspace_id, occurred_at, actor_id, actor_email, action, entity_type, entity_id, subject_user_id,
   before, after, ip, user_agent)
select '10000000-0000-4000-a000-000000000001', now() - s.ago, s.actor,
       (select u.email from auth.users u where u.id = s.actor),
       s.action, s.entity_type, s.entity_id, s.subject, s.before, s.after, s.ip::inet, s.agent
  from (values
    (interval '27 days 3 hours', '00000000-0000-4000-a000-000000000001'::uuid, 'auth.sign_in', 'user',
     '00000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000001'::uuid,
     null::jsonb, '{"method": "password", "aal": "aal2"}'::jsonb, '198.51.100.23', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari/605.1.15'),
    (interval '27 days 2 hours', '00000000-0000-4000-a000-000000000001', 'member.role_changed', 'membership',
     '20000000-0000-4000-a000-000000000004', '00000000-0000-4000-a000-000000000004',
     '{"role": "member"}', '{"role": "viewer"}', '198.51.100.23', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari/605.1.15'),
    (interval '26 days 5 hours', '00000000-0000-4000-a000-000000000002', 'auth.sign_in', 'user',
     '00000000-0000-4000-a000-000000000002', '00000000-0000-4000-a000-000000000002',
     null, '{"method": "password", "aal": "aal2"}', '203.0.113.41', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0'),
    (interval '26 days 4 hours', '00000000-0000-4000-a000-000000000002', 'asset.assigned', 'asset',
     (select a.id::text from public.assets a where a.asset_tag = 'ACME-0003'), '00000000-0000-4000-a000-000000000003',
     '{"assigned_to": null, "status": "in_stock"}', '{"assigned_to": "00000000-0000-4000-a000-000000000003", "status": "assigned", "name": "ThinkPad X1 Carbon"}',
     '203.0.113.41', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0'),
    (interval '26 days 4 hours' - interval '10 minutes', '00000000-0000-4000-a000-000000000002', 'asset.assigned', 'asset',
     (select a.id::text from public.assets a where a.asset_tag = 'ACME-0005'), '00000000-0000-4000-a000-000000000003',
     '{"assigned_to": null, "status": "in_stock"}', '{"assigned_to": "00000000-0000-4000-a000-000000000003", "status": "assigned", "name": "Dell UltraSharp 27\""}',
     '203.0.113.41', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0'),
    (interval '24 days 1 hour', '00000000-0000-4000-a000-000000000003', 'auth.sign_in', 'user',
     '00000000-0000-4000-a000-000000000003', '00000000-0000-4000-a000-000000000003',
     null, '{"method": "password", "aal": "aal1"}', '192.0.2.77', 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0'),
    (interval '24 days', '00000000-0000-4000-a000-000000000003', 'asset.created', 'asset',
     (select a.id::text from public.assets a where a.asset_tag = 'ACME-0011'), null,
     null, '{"name": "iPad Pro 11\"", "asset_tag": "ACME-0011", "status": "in_stock", "category": "Tablet"}', '192.0.2.77', 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0'),
    (interval '20 days 6 hours', '00000000-0000-4000-a000-000000000002', 'license_seat.assigned', 'license_seat',
     null, '00000000-0000-4000-a000-000000000003',
     null, '{"license_id": "30000000-0000-4000-a000-000000000002", "user_id": "00000000-0000-4000-a000-000000000003"}', '203.0.113.41', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0'),
    (interval '19 days 2 hours', '00000000-0000-4000-a000-000000000002', 'asset.assigned', 'asset',
     (select a.id::text from public.assets a where a.asset_tag = 'ACME-0010'), '00000000-0000-4000-a000-000000000004',
     '{"assigned_to": null, "status": "in_stock"}', '{"assigned_to": "00000000-0000-4000-a000-000000000004", "status": "assigned", "name": "Logitech MX Keys"}',
     '203.0.113.41', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0'),
    (interval '17 days 3 hours', '00000000-0000-4000-a000-000000000001', 'permission.granted', 'role_permission',
     'member:assets.edit', null, null, '{"role": "member", "permission": "assets.edit"}', '198.51.100.23', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari/605.1.15'),
    (interval '17 days 2 hours', '00000000-0000-4000-a000-000000000001', 'permission.revoked', 'role_permission',
     'member:assets.edit', null, '{"role": "member", "permission": "assets.edit"}', null, '198.51.100.23', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari/605.1.15'),
    (interval '14 days 4 hours', '00000000-0000-4000-a000-000000000006', 'auth.sign_in', 'user',
     '00000000-0000-4000-a000-000000000006', '00000000-0000-4000-a000-000000000006',
     null, '{"method": "password", "aal": "aal1"}', '192.0.2.140', 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Mobile/15E148'),
    (interval '12 days 22 hours', '00000000-0000-4000-a000-000000000006', 'auth.sign_in_failed', 'user',
     '00000000-0000-4000-a000-000000000006', '00000000-0000-4000-a000-000000000006',
     null, null, '185.220.101.7', 'python-requests/2.32'),
    (interval '12 days 21 hours', '00000000-0000-4000-a000-000000000006', 'auth.sign_in_failed', 'user',
     '00000000-0000-4000-a000-000000000006', '00000000-0000-4000-a000-000000000006',
     null, null, '185.220.101.7', 'python-requests/2.32'),
    (interval '10 days 1 hour', '00000000-0000-4000-a000-000000000002', 'member.suspended', 'membership',
     '20000000-0000-4000-a000-000000000006', '00000000-0000-4000-a000-000000000006',
     '{"status": "active", "suspended_until": null, "status_reason": null}',
     jsonb_build_object('status', 'suspended', 'suspended_until', now() + interval '30 days',
                        'status_reason', 'Laptop reported stolen; access paused pending investigation.'),
     '203.0.113.41', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0'),
    (interval '10 days 1 hour' - interval '1 second', null, 'member.sessions_revoked', 'user',
     '00000000-0000-4000-a000-000000000006', '00000000-0000-4000-a000-000000000006',
     null, '{"sessions": 2}', null, null),
    (interval '6 days 3 hours', '00000000-0000-4000-a000-000000000001', 'workspace.settings_changed', 'workspace',
     '10000000-0000-4000-a000-000000000001', null, '{"invite_expiry_days": 14}', '{"invite_expiry_days": 7}',
     '198.51.100.23', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari/605.1.15'),
    (interval '3 days 2 hours', '00000000-0000-4000-a000-000000000003', 'auth.sign_in', 'user',
     '00000000-0000-4000-a000-000000000003', '00000000-0000-4000-a000-000000000003',
     null, '{"method": "password", "aal": "aal1"}', '192.0.2.77', 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0'),
    (interval '2 days', '00000000-0000-4000-a000-000000000002', 'member.invited', 'membership',
     '20000000-0000-4000-a000-000000000007', '00000000-0000-4000-a000-000000000007',
     null, '{"role": "member", "status": "pending"}', '203.0.113.41', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0'),
    (interval '2 hours', '00000000-0000-4000-a000-000000000002', 'auth.sign_in', 'user',
     '00000000-0000-4000-a000-000000000002', '00000000-0000-4000-a000-000000000002',
     null, '{"method": "password", "aal": "aal2"}', '203.0.113.41', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0'),
    (interval '1 hour', '00000000-0000-4000-a000-000000000001', 'auth.sign_in', 'user',
     '00000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000001',
     null, '{"method": "password", "aal": "aal2"}', '198.51.100.23', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari/605.1.15')
  ) as s(ago, actor, action, entity_type, entity_id, subject, before, after, ip, agent)
 order by s.ago desc;
-- ---------- End of the demo story --------------------------------------------------------

-- ---------- Onboarding (issue 24): one kit and one member mid-onboarding -------------------
-- "New starter" applies to the Member role: a laptop and a monitor from stock, a Microsoft 365
-- seat, and three tasks. Nina Newcomer accepted her invitation three days ago: the seed makes
-- her join now (so the join trigger applies the kit exactly as in production: the monitor and
-- the seat are reserved, no laptop is in stock), then moves the dates back three days, hands
-- over the seat and ticks the first task, as Adam Admin.
insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
  confirmation_token, recovery_token, email_change_token_new, email_change,
  email_change_token_current, phone_change, phone_change_token, reauthentication_token
) values (
  '00000000-0000-0000-0000-000000000000', '00000000-0000-4000-a000-000000000009', 'authenticated', 'authenticated',
  'newcomer@fluxera.test', extensions.crypt('Fluxera-demo-2026!', extensions.gen_salt('bf', 10)), now(),
  '{"provider": "email", "providers": ["email"]}'::jsonb, '{"full_name": "Nina Newcomer"}'::jsonb,
  now() - interval '4 days', now() - interval '4 days', '', '', '', '', '', '', '', '');
insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
values ('00000000-0000-4000-a000-000000000009', '00000000-0000-4000-a000-000000000009',
        '{"sub": "00000000-0000-4000-a000-000000000009", "email": "newcomer@fluxera.test", "email_verified": true, "phone_verified": false}',
        'email', now(), now() - interval '4 days', now() - interval '4 days');

insert into public.onboarding_kits (id, workspace_id, name, role, directory_group, created_by) values
  ('40000000-0000-4000-a000-000000000001', '10000000-0000-4000-a000-000000000001', 'New starter', 'member', null,
   '00000000-0000-4000-a000-000000000002');
insert into public.onboarding_kit_items (workspace_id, kit_id, kind, asset_category, asset_model, license_id, sort_order) values
  ('10000000-0000-4000-a000-000000000001', '40000000-0000-4000-a000-000000000001', 'asset', 'Laptop', null, null, 1),
  ('10000000-0000-4000-a000-000000000001', '40000000-0000-4000-a000-000000000001', 'asset', 'Monitor', null, null, 2),
  ('10000000-0000-4000-a000-000000000001', '40000000-0000-4000-a000-000000000001', 'seat', null, null, '30000000-0000-4000-a000-000000000001', 3);
insert into public.onboarding_kit_tasks (workspace_id, kit_id, title, owner_role, owner_user_id, due_days, sort_order) values
  ('10000000-0000-4000-a000-000000000001', '40000000-0000-4000-a000-000000000001', 'Create the email account and send the first sign-in details', 'admin', null, 0, 1),
  ('10000000-0000-4000-a000-000000000001', '40000000-0000-4000-a000-000000000001', 'Book a welcome call with the team', null, '00000000-0000-4000-a000-000000000003', 2, 2),
  ('10000000-0000-4000-a000-000000000001', '40000000-0000-4000-a000-000000000001', 'Walk through the security tips and set up two-factor authentication', 'admin', null, 7, 3);

insert into public.memberships
  (id, workspace_id, user_id, role, status, invited_by, invited_at, invite_expires_at)
values
  ('20000000-0000-4000-a000-000000000010', '10000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000009',
   'member', 'pending', '00000000-0000-4000-a000-000000000002', now() - interval '5 days', now() + interval '2 days');
update public.memberships set status = 'active', joined_at = now()
 where id = '20000000-0000-4000-a000-000000000010';
update public.memberships set joined_at = now() - interval '3 days', last_active_at = now() - interval '3 hours'
 where id = '20000000-0000-4000-a000-000000000010';
update public.onboarding_records set started_at = now() - interval '3 days'
 where user_id = '00000000-0000-4000-a000-000000000009';
update public.onboarding_tasks t set due_on = (now() - interval '3 days')::date + k.due_days
  from public.onboarding_kit_tasks k
 where t.user_id = '00000000-0000-4000-a000-000000000009' and k.kit_id = t.kit_id and k.sort_order = t.sort_order;
insert into public.license_seats (workspace_id, license_id, user_id, assigned_by, assigned_at) values
  ('10000000-0000-4000-a000-000000000001', '30000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000009',
   '00000000-0000-4000-a000-000000000002', now() - interval '3 days');
update public.onboarding_items
   set state = 'handed_over', handed_over_at = now() - interval '3 days', handed_over_by = '00000000-0000-4000-a000-000000000002'
 where user_id = '00000000-0000-4000-a000-000000000009' and kind = 'seat';
update public.onboarding_tasks
   set completed_at = now() - interval '3 days' + interval '2 hours', completed_by = '00000000-0000-4000-a000-000000000002'
 where user_id = '00000000-0000-4000-a000-000000000009' and sort_order = 1;

-- ---------- Local login for the vendor-wide analyst ----------------------------------
-- Migrations create fluxera_analyst NOLOGIN with no password (no secret is ever shipped to
-- production in a migration). This local-only password lets psql, Metabase or the tests in
-- tests/integration/sql-credentials.test.ts connect to the local stack as the analyst.
alter role fluxera_analyst login password 'analyst-local-only';
