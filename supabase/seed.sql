-- =====================================================================================
-- Local demo data. Applied after the migrations by `supabase db reset` and by
-- `node scripts/stack.mjs reset`. Runs as postgres with no JWT: activity rows it causes have
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

-- ---------- Local login for the vendor-wide analyst ----------------------------------
-- Migrations create fluxera_analyst NOLOGIN with no password (no secret is ever shipped to
-- production in a migration). This local-only password lets psql, Metabase or the tests in
-- tests/integration/sql-credentials.test.ts connect to the local stack as the analyst.
alter role fluxera_analyst login password 'analyst-local-only';
