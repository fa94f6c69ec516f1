-- =====================================================================================
-- Benchmark data: one large workspace "Bench Corp" and three small ones, built with
-- generate_series so that it runs in minutes on a 2-core machine. Run it with
-- `npm run bench:seed` (scripts/bench/seed.ts), which decides whether to rebuild.
--
-- Sizes (psql variables, scaled by seed.ts --scale): members 10,000, assets 50,000,
-- licences 5,000 (with seats), activity 1,000,000 rows over two years.
--
-- Everything here is synthetic and lives under deterministic ids (md5 of a label), with
-- emails ending in bench.fluxera.test, so a rebuild finds and removes exactly its own rows.
--
-- The activity history is written in one set-based insert: ids from the log's sequence in
-- occurred_at order, hashes by the product's own private.activity_hash() in a running
-- aggregate per workspace (step 4), with triggers off for that one superuser transaction; the
-- chain heads are then set as the trigger would have, and seed.ts checks the whole chain with
-- verify_activity_log(). Everything else goes through the product's triggers. Row-by-row logging of the
-- bulk inserts of members/assets/licences is muted with the product's own switch
-- (fluxera.muted_workspace, as delete_workspace() and the role-matrix defaults use); their
-- history is the synthetic two years written afterwards.
-- =====================================================================================
\set ON_ERROR_STOP on
\if :{?members}
\else
  \set members 10000
\endif
\if :{?assets}
\else
  \set assets 50000
\endif
\if :{?licenses}
\else
  \set licenses 5000
\endif
\if :{?activity}
\else
  \set activity 1000000
\endif
\timing on
set client_min_messages = warning;
-- Large inserts below run as postgres; no statement timeout applies to this role, but be explicit.
set statement_timeout = 0;
select setseed(0.4242) as seeded \gset

-- ---------- The workspaces this script owns -------------------------------------------
\echo '== bench workspaces'
create temp table bench_ws (
  k int primary key,           -- 0 = Bench Corp, 1..3 = small workspaces
  id uuid not null,
  name text not null,
  domain text not null,
  plan text not null,
  members int not null,
  assets int not null,
  licenses int not null,
  activity int not null
);
insert into bench_ws values
  (0, md5('fluxera-bench:ws:0')::uuid, 'Bench Corp',     'bench.fluxera.test',        'enterprise', :members, :assets, :licenses, :activity),
  (1, md5('fluxera-bench:ws:1')::uuid, 'Bench Small 1', 'small1.bench.fluxera.test', 'team',       25,  120, 12, 2000),
  (2, md5('fluxera-bench:ws:2')::uuid, 'Bench Small 2', 'small2.bench.fluxera.test', 'team',       40,  200, 15, 3000),
  (3, md5('fluxera-bench:ws:3')::uuid, 'Bench Small 3', 'small3.bench.fluxera.test', 'free',       60,  300, 20, 5000);

-- ---------- 1. Remove a previous build -----------------------------------------------
\echo '== 1. remove a previous bench build (if any)'
begin;
-- Like delete_workspace(): the cascade (members, assets, ...) is muted, one workspace at a time.
do $$
declare
  w uuid;
begin
  for w in select b.id from bench_ws b join public.workspaces x on x.id = b.id loop
    perform set_config('fluxera.muted_workspace', w::text, true);
    delete from public.workspaces where id = w;
  end loop;
  perform set_config('fluxera.muted_workspace', '', true);
end
$$;
delete from auth.users where email like '%bench.fluxera.test';
-- The activity log keeps history after a workspace is deleted, and refuses DELETE for every
-- role (trigger activity_log_append_only). The synthetic history of these bench workspaces is
-- removed here as local-database maintenance: superuser, this transaction only, rows of the
-- bench workspace ids only. No product path can do this, by design.
set local session_replication_role = replica;
delete from public.activity_log where workspace_id in (select id from bench_ws);
set local session_replication_role = origin;
-- Their chain heads go too (the next row of these ids starts a new chain).
do $$
begin
  if to_regclass('private.activity_chain_heads') is not null then
    delete from private.activity_chain_heads where workspace_id in (select id from bench_ws);
  end if;
end
$$;
commit;

-- ---------- 2. People ------------------------------------------------------------------
\echo '== 2. users (auth.users, identities; profiles by trigger)'
create temp table first_names (i int primary key, v text);
insert into first_names select row_number() over (), v from unnest(array[
  'Olivia','Liam','Emma','Noah','Amelia','Oliver','Sophia','Elijah','Mia','Lucas','Ava','Mateo',
  'Isabella','Levi','Charlotte','Ethan','Harper','Leo','Evelyn','James','Luna','Henry','Camila',
  'Aiden','Gianna','Mason','Ella','Sebastian','Aria','Jack','Nora','Benjamin','Maria','Marek',
  'Martina','Marco','Anna','Jonas','Lea','Felix','Zoe','Hugo','Ines','Omar','Fatima','Yuki',
  'Hiro','Priya','Arjun','Chen','Wei','Sofia','Mateus','Lars','Ingrid','Pablo','Lucia','Tomas',
  'Katarzyna','Dmitri']) v;
create temp table last_names (i int primary key, v text);
insert into last_names select row_number() over (), v from unnest(array[
  'Smith','Johnson','Williams','Brown','Jones','Garcia','Miller','Davis','Rodriguez','Martinez',
  'Hernandez','Lopez','Gonzalez','Wilson','Anderson','Thomas','Taylor','Moore','Jackson','Martin',
  'Lee','Perez','Thompson','White','Harris','Sanchez','Clark','Ramirez','Lewis','Robinson',
  'Schmidt','Muller','Schneider','Fischer','Weber','Meyer','Wagner','Becker','Kowalski','Nowak',
  'Novak','Horvat','Rossi','Russo','Ferrari','Esposito','Dubois','Laurent','Moreau','Tanaka',
  'Suzuki','Sato','Kim','Park','Singh','Patel','Khan','Silva','Santos','Jensen']) v;

-- One row per person and workspace they belong to (each bench user belongs to one workspace,
-- the bench admin is added to "Bench Small 1" as well, below).
create temp table bench_users as
with base as (
  select w.k, w.id as workspace_id, w.domain, w.members, g,
         md5('fluxera-bench:user:' || w.k || ':' || g)::uuid as id,
         md5('fluxera-bench:membership:' || w.k || ':' || g)::uuid as membership_id,
         random() as r_role, random() as r_status, random() as r_idle, random() as r_time,
         random() as r_susp
    from bench_ws w
    cross join lateral generate_series(1, w.members) g
), named as (
  select b.*,
         f.v as first_name,
         l.v as last_name,
         case b.g when 1 then 'owner' when 2 then 'admin'
           else case when b.r_role < 0.02 then 'admin' when b.r_role < 0.72 then 'member' else 'viewer' end
         end::public.workspace_role as role,
         case when b.g <= 2 then 'active'
           else case when b.r_status < 0.85 then 'active' when b.r_status < 0.90 then 'inactive'
                     when b.r_status < 0.93 then 'suspended' else 'pending' end
         end::public.member_status as status,
         -- joined over the first 700 days of the workspace's two years, later numbers later
         now() - interval '730 days'
           + (b.g::float8 / b.members) * interval '700 days'
           + b.r_time * interval '20 hours' as joined
    from base b
    join first_names f on f.i = 1 + (b.g * 7) % 60
    join last_names l on l.i = 1 + (b.g * 13 + b.g / 60) % 60
)
select n.k, n.workspace_id, n.g, n.id, n.membership_id, n.role, n.status,
       case n.g when 1 then 'owner@' || n.domain when 2 then 'admin@' || n.domain
         else lower(n.first_name || '.' || n.last_name || '.' || n.g) || '@' || n.domain end as email,
       case n.g when 1 then 'Bench Owner' when 2 then 'Bench Admin'
         else n.first_name || ' ' || n.last_name end as full_name,
       -- pending: invited in the last 14 days (about half of those invitations have expired)
       case when n.status = 'pending' then now() - n.r_time * interval '14 days'
            else n.joined - interval '2 days' end as invited_at,
       case when n.status = 'pending' then now() - n.r_time * interval '14 days' + interval '7 days' end as invite_expires_at,
       case when n.status <> 'pending' then n.joined end as joined_at,
       case
         when n.status = 'pending' then null
         when n.g <= 2 then now() - n.r_idle * interval '2 days'
         when n.status = 'inactive' then greatest(n.joined, now() - interval '60 days' - n.r_idle * interval '600 days')
         when n.r_idle < 0.70 then greatest(n.joined, now() - n.r_idle / 0.70 * interval '30 days')
         when n.r_idle < 0.85 then greatest(n.joined, now() - interval '30 days' - (n.r_idle - 0.70) / 0.15 * interval '60 days')
         else greatest(n.joined, now() - interval '90 days' - (n.r_idle - 0.85) / 0.15 * interval '600 days')
       end as last_active_at,
       case when n.status = 'suspended' then
         case when n.r_susp < 0.60 then now() + interval '1 day' + n.r_susp * interval '90 days'
              when n.r_susp < 0.90 then now() - interval '1 hour' - (n.r_susp - 0.60) * interval '30 days'  -- ended: effectively active
              else null end                                                                                  -- until lifted
       end as suspended_until,
       case when n.status = 'pending' then null else n.joined end as confirmed_at,
       case when n.status = 'pending' then n.joined else n.joined - interval '2 days' end as created_at
  from named n;
alter table bench_users add primary key (k, g);
analyze bench_users;

-- One bcrypt hash for everyone (password "Bench-password-1!"): hashing 10,000 passwords at
-- cost 10 would take minutes and prove nothing about the product.
select extensions.crypt('Bench-password-1!', extensions.gen_salt('bf', 10)) as pw_hash \gset

begin;
-- Shaped like supabase/seed.sql's users (token columns '' rather than null, as Auth expects).
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                        invited_at, last_sign_in_at, raw_app_meta_data, raw_user_meta_data,
                        created_at, updated_at,
                        confirmation_token, recovery_token, email_change_token_new, email_change,
                        email_change_token_current, phone_change, phone_change_token, reauthentication_token)
select '00000000-0000-0000-0000-000000000000', u.id, 'authenticated', 'authenticated', u.email,
       case when u.status = 'pending' then '' else :'pw_hash' end,
       u.confirmed_at,
       case when u.status = 'pending' then u.invited_at end,
       u.last_active_at,
       '{"provider":"email","providers":["email"]}'::jsonb,
       jsonb_build_object('full_name', u.full_name),
       u.created_at, coalesce(u.last_active_at, u.created_at),
       '', '', '', '', '', '', '', ''
  from bench_users u
 order by u.k, u.g;

insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
select u.id::text, u.id,
       jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', u.status <> 'pending', 'phone_verified', false),
       'email', u.last_active_at, u.created_at, u.created_at
  from bench_users u
 where u.status <> 'pending';
commit;

-- ---------- 3. Workspaces, memberships, assets, licences, seats ------------------------
\echo '== 3. workspaces, memberships, assets, licences and seats'
create temp table bench_assets as
select w.k, w.id as workspace_id, g,
       md5('fluxera-bench:asset:' || w.k || ':' || g)::uuid as id,
       (array['laptop','monitor','phone','tablet','desktop','dock','headset','server','printer','network'])[1 + (g * 7) % 10] as category,
       (array['MacBook Pro 14','ThinkPad T14','Dell XPS 13','Dell U2723QE','LG 27UK850','iPhone 15','Pixel 8',
              'iPad Air','OptiPlex 7010','CalDigit TS4','Jabra Evolve2','PowerEdge R650','LaserJet M404','Meraki MR46'])[1 + (g * 11) % 14]
         as model,
       random() as r_status, random() as r_who, random() as r_time
  from bench_ws w
  cross join lateral generate_series(1, w.assets) g;
alter table bench_assets add primary key (k, g);

-- People who can hold assets and seats: not pending.
create temp table bench_holders as
select k, row_number() over (partition by k order by g) as idx, id
  from bench_users where status <> 'pending';
alter table bench_holders add primary key (k, idx);
create temp table bench_holder_counts as select k, count(*) as n from bench_holders group by k;
analyze bench_assets; analyze bench_holders; analyze bench_holder_counts;

create temp table bench_licenses as
select w.k, w.id as workspace_id, g,
       md5('fluxera-bench:license:' || w.k || ':' || g)::uuid as id,
       (array['Microsoft 365 E3','Adobe Creative Cloud','Slack Business+','Zoom Pro','Jira Software',
              'Figma Professional','GitHub Enterprise','1Password Business','Okta Workforce','Salesforce Sales Cloud',
              'AutoCAD','JetBrains All Products','Miro Business','Notion Plus','Tableau Creator'])[1 + (g * 7) % 15]
         || ' #' || g as product,
       (array['Microsoft','Adobe','Salesforce','Zoom','Atlassian','Figma','GitHub','1Password','Okta',
              'Autodesk','JetBrains','Miro','Notion'])[1 + (g * 5) % 13] as vendor,
       5 + (g * 37) % 46 as seats,
       random() as r_fill, random() as r_exp
  from bench_ws w
  cross join lateral generate_series(1, w.licenses) g;
alter table bench_licenses add primary key (k, g);
analyze bench_licenses;

begin;
insert into public.workspaces (id, name, plan, seat_limit, created_at, updated_at)
select id, name, plan, null, now() - interval '730 days', now() - interval '30 days' from bench_ws order by k;

do $$
declare
  w record;
begin
  for w in select * from bench_ws order by k loop
    -- Muted like the role-matrix defaults: this is the workspace's starting state, and its
    -- two years of history are written in step 4.
    perform set_config('fluxera.muted_workspace', w.id::text, true);

    insert into public.memberships (id, workspace_id, user_id, role, status, suspended_until, status_reason,
                                    invited_by, invited_at, invite_expires_at, joined_at, last_active_at,
                                    created_at, updated_at)
    select u.membership_id, u.workspace_id, u.id, u.role, u.status, u.suspended_until,
           case when u.status = 'suspended' then 'Bench: pending security review' end,
           case when u.g > 2 then (select o.id from bench_users o where o.k = u.k and o.g = 1 + u.g % 2) end,
           u.invited_at, u.invite_expires_at, u.joined_at, u.last_active_at,
           u.created_at, coalesce(u.last_active_at, u.created_at)
      from bench_users u
     where u.k = w.k
     order by u.g;

    insert into public.assets (id, workspace_id, name, asset_tag, serial_number, category, status,
                               assigned_to, notes, created_by, created_at, updated_at)
    select a.id, a.workspace_id,
           a.model || ' #' || a.g,
           'BA' || a.k || '-' || lpad(a.g::text, 6, '0'),
           'SN' || upper(substr(md5('sn' || a.k || ':' || a.g), 1, 12)),
           a.category,
           case when a.r_status < 0.55 then 'assigned' when a.r_status < 0.85 then 'in_stock'
                when a.r_status < 0.93 then 'in_repair' else 'retired' end,
           case when a.r_status < 0.55 then h.id end,
           case when a.g % 5 = 0 then 'Purchased batch ' || (a.g / 100) || ', warranty 3 years' end,
           (select o.id from bench_users o where o.k = a.k and o.g = 1 + a.g % 2),
           now() - interval '725 days' + a.r_time * interval '720 days',
           now() - a.r_time * interval '300 days'
      from bench_assets a
      join bench_holder_counts c on c.k = a.k
      join bench_holders h on h.k = a.k and h.idx = 1 + floor(a.r_who * c.n)::int
     where a.k = w.k
     order by a.g;

    insert into public.licenses (id, workspace_id, product, vendor, seats, expires_on, notes, created_by, created_at, updated_at)
    select l.id, l.workspace_id, l.product, l.vendor, l.seats,
           (current_date - 60 + floor(l.r_exp * 900)::int),
           case when l.g % 4 = 0 then 'Renewal through reseller' end,
           (select o.id from bench_users o where o.k = l.k and o.g = 1 + l.g % 2),
           now() - interval '720 days' + l.r_exp * interval '700 days', now() - l.r_exp * interval '200 days'
      from bench_licenses l
     where l.k = w.k
     order by l.g;

    -- About 40% of each licence's seats assigned, to distinct holders (131 is prime to n);
    -- never more than the licence's seats, by construction. Written with triggers off (this
    -- superuser transaction only): the seat-count guard counts the licence's seats once per
    -- inserted row with a plan made while the table was nearly empty (a scan of all seats),
    -- which made this one statement quadratic (over 5 minutes for 52,607 seats); its
    -- activity trigger is muted here anyway.
    perform set_config('session_replication_role', 'replica', true);
    insert into public.license_seats (workspace_id, license_id, user_id, assigned_by, assigned_at)
    select l.workspace_id, l.id, h.id,
           (select o.id from bench_users o where o.k = l.k and o.g = 1 + l.g % 2),
           now() - (s.i + 1) * interval '3 days'
      from bench_licenses l
      join bench_holder_counts c on c.k = l.k
      cross join lateral generate_series(0, greatest(0, least(c.n - 1, floor(l.seats * (0.2 + 0.4 * l.r_fill))::int - 1))) s(i)
      join bench_holders h on h.k = l.k and h.idx = 1 + ((l.g * 97 + s.i * 131) % c.n)
     where l.k = w.k;
    perform set_config('session_replication_role', 'origin', true);
  end loop;
  perform set_config('fluxera.muted_workspace', '', true);
end
$$;

-- The bench admin also belongs to a small workspace (as a viewer), so the RLS helpers return
-- more than one workspace for them, as for real multi-workspace users.
select set_config('fluxera.muted_workspace', (select id::text from bench_ws where k = 1), true) as muted \gset
insert into public.memberships (workspace_id, user_id, role, status, invited_at, joined_at, last_active_at, created_at)
select (select id from bench_ws where k = 1), u.id, 'viewer', 'active', now() - interval '400 days',
       now() - interval '399 days', now() - interval '3 days', now() - interval '400 days'
  from bench_users u where u.k = 0 and u.g = 2;
select set_config('fluxera.muted_workspace', '', true) as muted \gset
commit;

-- ---------- 4. Two years of activity -------------------------------------------------------
\echo '== 4. activity history (hash chain computed set-based, checked by verify_activity_log)'
-- Action mix: (action, entity type, who acts, weight in 1/10000).
create temp table bench_mix (action text, entity_type text, actor_kind text, weight int);
insert into bench_mix values
  ('auth.sign_in',                'user',            'anyone',  2800),
  ('auth.sign_in_failed',         'user',            'anyone',   300),
  ('asset.updated',               'asset',           'admin',   2030),
  ('asset.assigned',              'asset',           'admin',   1200),
  ('asset.created',               'asset',           'creator',  500),
  ('asset.deleted',               'asset',           'admin',     80),
  ('license.updated',             'license',         'admin',    300),
  ('license.created',             'license',         'creator',  100),
  ('license.deleted',             'license',         'admin',     20),
  ('license_seat.assigned',       'license_seat',    'admin',    900),
  ('license_seat.revoked',        'license_seat',    'admin',    400),
  ('member.invited',              'membership',      'admin',    400),
  ('member.invitation_resent',    'membership',      'admin',    100),
  ('member.invitation_revoked',   'membership',      'admin',     50),
  ('member.joined',               'membership',      'self',     350),
  ('member.role_changed',         'membership',      'admin',    150),
  ('member.deactivated',          'membership',      'admin',    100),
  ('member.reactivated',          'membership',      'admin',     40),
  ('member.suspended',            'membership',      'admin',     50),
  ('member.suspension_lifted',    'membership',      'admin',     40),
  ('member.removed',              'membership',      'admin',     40),
  ('member.left',                 'membership',      'self',      10),
  ('member.declined',             'membership',      'self',      10),
  ('permission.granted',          'role_permission', 'admin',     10),
  ('permission.revoked',          'role_permission', 'admin',     10),
  ('workspace.settings_changed',  'workspace',       'admin',      5),
  ('access_review.completed',     'access_review',   'admin',      5);
-- 10,000 slots, each naming one action, so a uniform draw picks by weight.
create temp table bench_mix_slots as
select row_number() over () as slot, m.action, m.entity_type, m.actor_kind
  from (select *, sum(weight) over (order by weight desc, action) as upto from bench_mix) m
  cross join lateral generate_series(1, m.weight)
 order by m.upto;
alter table bench_mix_slots add primary key (slot);
do $$ begin
  if (select count(*) from bench_mix_slots) <> 10000 then raise exception 'bench_mix weights must sum to 10000'; end if;
end $$;

-- Actor pools per workspace, in order of how busy they are (power-law draws below).
create temp table bench_admins as
select k, row_number() over (partition by k order by g) as idx, id, email
  from bench_users where role in ('owner', 'admin') and status <> 'pending';
alter table bench_admins add primary key (k, idx);
create temp table bench_people as
select k, row_number() over (partition by k order by r) as idx, id, email, membership_id
  from (select *, random() as r from bench_users where status <> 'pending') u;
alter table bench_people add primary key (k, idx);
create temp table bench_all_members as
select k, row_number() over (partition by k order by g) as idx, id, email, membership_id from bench_users;
alter table bench_all_members add primary key (k, idx);
create temp table bench_pool_sizes as
select w.k,
       (select count(*) from bench_admins a where a.k = w.k) as admins,
       (select count(*) from bench_people p where p.k = w.k) as people,
       (select count(*) from bench_all_members m where m.k = w.k) as members,
       w.assets, w.licenses
  from bench_ws w;
analyze bench_admins; analyze bench_people; analyze bench_all_members; analyze bench_pool_sizes;

create temp table bench_activity_src as
select w.k, w.id as workspace_id, g,
       -- activity grows over the two years (density rises linearly), ending a minute ago
       now() - interval '730 days' + sqrt((g - 0.5 + 0.4 * random()) / w.activity) * (interval '730 days' - interval '1 minute')
         as occurred_at,
       1 + floor(random() * 10000)::int as slot,
       random() as r_actor, random() as r_entity, random() as r_subject, random() as r_detail
  from bench_ws w
  cross join lateral generate_series(1, w.activity) g;
analyze bench_activity_src;

create temp table bench_activity as
select s.k, s.g, s.workspace_id, s.occurred_at, m.action, m.entity_type,
       actor.id as actor_id,
       -- a failed sign-in for an unknown address has no actor id, only the email tried
       case when m.action = 'auth.sign_in_failed' and s.r_detail < 0.2
            then 'unknown.' || (s.g % 500) || '@example.test' else actor.email end as actor_email,
       case when m.action = 'auth.sign_in_failed' and s.r_detail < 0.2 then true else false end as unknown_actor,
       subj.id as subject_id, subj.membership_id as subject_membership_id,
       md5('fluxera-bench:asset:' || s.k || ':' || (1 + floor(s.r_entity * ps.assets)::int))::uuid as asset_id,
       md5('fluxera-bench:license:' || s.k || ':' || (1 + floor(s.r_entity * ps.licenses)::int))::uuid as license_id,
       1 + floor(s.r_entity * ps.assets)::int as asset_no,
       s.r_detail,
       (array['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
              'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
              'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
              'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
              'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Edg/131.0'])[1 + s.g % 5]
         as user_agent,
       ('10.' || (s.g % 7) || '.' || ((s.g / 7) % 250) || '.' || (1 + (s.g / 1750) % 250))::inet as ip
  from bench_activity_src s
  join bench_mix_slots m on m.slot = s.slot
  join bench_pool_sizes ps on ps.k = s.k
  -- who acts: admins for management (power law: a few admins do most of it), members and
  -- admins for creation, anyone for sign-ins, the subject themself for joined/left/declined
  left join bench_admins adm
         on m.actor_kind in ('admin', 'creator') and adm.k = s.k
        and adm.idx = 1 + floor(power(s.r_actor, 2) * ps.admins)::int
  left join bench_people ppl
         on m.actor_kind in ('anyone', 'creator') and ppl.k = s.k
        and ppl.idx = 1 + floor(power(s.r_actor, 3) * ps.people)::int
  left join bench_all_members subj
         on subj.k = s.k and subj.idx = 1 + floor(power(s.r_subject, 1.5) * ps.members)::int
  cross join lateral (
    select case
             when m.actor_kind = 'admin' then adm.id
             when m.actor_kind = 'anyone' then ppl.id
             when m.actor_kind = 'self' then subj.id
             when m.actor_kind = 'creator' and s.r_detail < 0.6 then adm.id
             else coalesce(ppl.id, adm.id)
           end as id,
           case
             when m.actor_kind = 'admin' then adm.email
             when m.actor_kind = 'anyone' then ppl.email
             when m.actor_kind = 'self' then subj.email
             when m.actor_kind = 'creator' and s.r_detail < 0.6 then adm.email
             else coalesce(ppl.email, adm.email)
           end as email
  ) actor;

-- Rows shaped like what private.record_activity() and the auth hooks write, in chain order:
-- ids drawn from the log's own sequence in occurred_at order (as the trigger would draw them).
create temp table bench_activity_rows as
select nextval('public.activity_log_id_seq') as id, r.*,
       -- the subject's email at write time, as the activity_log_a_subject_email trigger keeps it
       (select sp.email from public.profiles sp where sp.id = r.subject_user_id) as subject_email
  from (
select a.workspace_id, a.occurred_at,
       case when a.unknown_actor then null
            when a.action = 'member.suspension_lifted' and a.r_detail < 0.5 then null  -- lifted by the scheduler
            else a.actor_id end,
       case when a.action = 'member.suspension_lifted' and a.r_detail < 0.5 then null else a.actor_email end,
       a.action, a.entity_type,
       case a.entity_type
         when 'user' then case when a.unknown_actor then null else a.actor_id::text end
         when 'asset' then a.asset_id::text
         when 'license' then a.license_id::text
         when 'license_seat' then md5('fluxera-bench:seat:' || a.k || ':' || a.g)::uuid::text
         when 'membership' then a.subject_membership_id::text
         when 'role_permission' then (array['member','viewer'])[1 + a.g % 2] || ':' ||
                                     (array['assets.create','licenses.create','reports.view','members.view','assets.view'])[1 + a.g % 5]
         when 'workspace' then a.workspace_id::text
         when 'access_review' then md5('fluxera-bench:review:' || a.k || ':' || a.g)::uuid::text
       end,
       case
         when a.entity_type = 'user' then case when a.unknown_actor then null else a.actor_id end
         when a.action in ('asset.assigned', 'license_seat.assigned', 'license_seat.revoked') then a.subject_id
         when a.entity_type = 'membership' then a.subject_id
       end,
       -- before
       case a.action
         when 'asset.updated' then case when a.r_detail < 0.4 then jsonb_build_object('status', 'in_stock')
                                        when a.r_detail < 0.7 then jsonb_build_object('notes', null)
                                        else jsonb_build_object('name', 'Laptop ' || a.asset_no) end
         when 'asset.assigned' then jsonb_build_object('status', 'in_stock', 'assigned_to', null)
         when 'asset.deleted' then jsonb_build_object('id', a.asset_id, 'name', 'Retired device ' || a.asset_no,
                                                      'status', 'retired', 'asset_tag', 'BA' || a.k || '-X' || a.g)
         when 'license.updated' then jsonb_build_object('seats', 10 + a.g % 40)
         when 'license.deleted' then jsonb_build_object('id', a.license_id, 'product', 'Old suite ' || a.g, 'seats', 5)
         when 'license_seat.revoked' then jsonb_build_object('license_id', a.license_id, 'user_id', a.subject_id)
         when 'member.role_changed' then jsonb_build_object('role', (array['viewer','member','admin'])[1 + a.g % 3])
         when 'member.deactivated' then jsonb_build_object('status', 'active')
         when 'member.reactivated' then jsonb_build_object('status', 'inactive')
         when 'member.suspended' then jsonb_build_object('status', 'active', 'suspended_until', null)
         when 'member.suspension_lifted' then jsonb_build_object('status', 'suspended')
         when 'member.joined' then jsonb_build_object('status', 'pending', 'joined_at', null)
         when 'member.invitation_resent' then jsonb_build_object('invite_expires_at', a.occurred_at - interval '2 days')
         when 'member.removed' then jsonb_build_object('role', 'member', 'status', 'active', 'user_id', a.subject_id)
         when 'member.left' then jsonb_build_object('role', 'viewer', 'status', 'active', 'user_id', a.subject_id)
         when 'member.declined' then jsonb_build_object('role', 'member', 'status', 'pending', 'user_id', a.subject_id)
         when 'member.invitation_revoked' then jsonb_build_object('role', 'member', 'status', 'pending', 'user_id', a.subject_id)
         when 'workspace.settings_changed' then jsonb_build_object('invite_expiry_days', 7)
       end,
       -- after
       case a.action
         when 'auth.sign_in' then jsonb_build_object('aal', case when a.r_detail < 0.15 then 'aal2' else 'aal1' end,
                                                     'method', case when a.r_detail < 0.9 then 'password' else 'magiclink' end)
         when 'asset.updated' then case when a.r_detail < 0.4 then jsonb_build_object('status', 'in_repair')
                                        when a.r_detail < 0.7 then jsonb_build_object('notes', 'Battery replaced, ticket #' || a.g)
                                        else jsonb_build_object('name', 'Laptop ' || a.asset_no || ' (spare)') end
         when 'asset.assigned' then jsonb_build_object('status', 'assigned', 'assigned_to', a.subject_id)
         when 'asset.created' then jsonb_build_object('id', a.asset_id, 'name', 'Device ' || a.asset_no, 'status', 'in_stock',
                                                      'category', 'laptop', 'asset_tag', 'BA' || a.k || '-' || lpad(a.asset_no::text, 6, '0'),
                                                      'workspace_id', a.workspace_id, 'created_by', a.actor_id)
         when 'license.updated' then jsonb_build_object('seats', 12 + a.g % 40)
         when 'license.created' then jsonb_build_object('id', a.license_id, 'product', 'Suite ' || a.g, 'vendor', 'Vendor',
                                                        'seats', 10 + a.g % 40, 'workspace_id', a.workspace_id)
         when 'license_seat.assigned' then jsonb_build_object('license_id', a.license_id, 'user_id', a.subject_id,
                                                              'assigned_by', a.actor_id)
         when 'member.invited' then jsonb_build_object('role', 'member', 'status', 'pending', 'user_id', a.subject_id,
                                                       'invite_expires_at', a.occurred_at + interval '7 days')
         when 'member.role_changed' then jsonb_build_object('role', (array['member','admin','viewer'])[1 + a.g % 3])
         when 'member.deactivated' then jsonb_build_object('status', 'inactive')
         when 'member.reactivated' then jsonb_build_object('status', 'active')
         when 'member.suspended' then jsonb_build_object('status', 'suspended', 'suspended_until', a.occurred_at + interval '14 days')
         when 'member.suspension_lifted' then jsonb_build_object('status', 'active')
         when 'member.joined' then jsonb_build_object('status', 'active', 'joined_at', a.occurred_at)
         when 'member.invitation_resent' then jsonb_build_object('invite_expires_at', a.occurred_at + interval '7 days')
         when 'permission.granted' then jsonb_build_object('role', 'member', 'permission', 'assets.create')
         when 'workspace.settings_changed' then jsonb_build_object('invite_expiry_days', 14)
         when 'access_review.completed' then jsonb_build_object('members_reviewed', 9000 + a.g % 500, 'flagged', 100 + a.g % 50)
       end,
       case when a.action like 'auth.%' or a.r_detail < 0.7 then a.ip end,
       case when a.action like 'auth.%' or a.r_detail < 0.7 then a.user_agent end
  from bench_activity a
 order by a.occurred_at, a.k, a.g
  ) r(workspace_id, occurred_at, actor_id, actor_email, action, entity_type, entity_id, subject_user_id,
      before, after, ip, user_agent);

-- The hash chain, computed set-based with the product's own hash function
-- (private.activity_hash, the one the trigger and verify_activity_log() use): a running
-- aggregate over each workspace's rows in id order whose state is the previous row's hash,
-- starting from the workspace's current chain head (its "workspace.created" row, written by
-- the trigger in step 3). One pass, no per-row lookups.
create function pg_temp.bench_chain_step(p_state bytea, p_row public.activity_log, p_start bytea)
returns bytea
language plpgsql
immutable
as $$
begin
  p_row.prev_hash := coalesce(p_state, p_start);
  return private.activity_hash(p_row);
end;
$$;
create aggregate pg_temp.bench_chain(public.activity_log, bytea) (sfunc = pg_temp.bench_chain_step, stype = bytea);

create temp table bench_chain_start as
select b.id as workspace_id,
       (select a.hash from public.activity_log a where a.workspace_id = b.id order by a.id desc limit 1) as start_hash
  from bench_ws b;

begin;
-- The rows are written with triggers off (superuser only: session_replication_role cannot be
-- set by API roles), this transaction only, with the ids and hashes computed above; the
-- chain heads are then moved to each workspace's newest row, as the trigger would have, and
-- seed.ts checks the result with verify_activity_log(). Before private.activity_chain_heads the rows went
-- through the trigger one by one, whose head lookup made the insert quadratic (~60 rows/s
-- after 70,000 rows).
set local session_replication_role = replica;
insert into public.activity_log (id, workspace_id, occurred_at, actor_id, actor_email, action, entity_type,
                                 entity_id, subject_user_id, before, after, ip, user_agent, prev_hash, hash,
                                 subject_email)
select c.id, c.workspace_id, c.occurred_at, c.actor_id, c.actor_email, c.action, c.entity_type, c.entity_id,
       c.subject_user_id, c.before, c.after, c.ip, c.user_agent,
       coalesce(lag(c.hash) over w, c.start_hash), c.hash, c.subject_email
  from (
    select r.*, s.start_hash,
           pg_temp.bench_chain(row(r.id, r.workspace_id, r.occurred_at, r.actor_id, r.actor_email, r.action,
                                   r.entity_type, r.entity_id, r.subject_user_id, r.before, r.after, r.ip,
                                   r.user_agent, null, ''::bytea, r.subject_email)::public.activity_log,
                             s.start_hash)
             over (partition by r.workspace_id order by r.id) as hash
      from bench_activity_rows r
      join bench_chain_start s on s.workspace_id = r.workspace_id
  ) c
window w as (partition by c.workspace_id order by c.id)
order by c.id;
set local session_replication_role = origin;
do $$
begin
  if to_regclass('private.activity_chain_heads') is not null then
    insert into private.activity_chain_heads (workspace_id, last_id, last_hash, row_count)
    select b.id, h.id, h.hash, (select count(*) from public.activity_log a where a.workspace_id = b.id)
      from bench_ws b
      cross join lateral (select a.id, a.hash from public.activity_log a where a.workspace_id = b.id
                           order by a.id desc limit 1) h
    on conflict (workspace_id) do update
      set last_id = excluded.last_id, last_hash = excluded.last_hash, row_count = excluded.row_count;
  end if;
end
$$;
commit;

-- ---------- 5. Statistics ------------------------------------------------------------------
\echo '== 5. vacuum analyze'
vacuum (analyze) auth.users;
vacuum (analyze) public.profiles;
vacuum (analyze) public.memberships;
vacuum (analyze) public.assets;
vacuum (analyze) public.licenses;
vacuum (analyze) public.license_seats;
vacuum (analyze) public.activity_log;

\echo '== bench data'
select w.name,
       (select count(*) from public.memberships m where m.workspace_id = w.id) as members,
       (select count(*) from public.assets a where a.workspace_id = w.id) as assets,
       (select count(*) from public.licenses l where l.workspace_id = w.id) as licences,
       (select count(*) from public.license_seats s where s.workspace_id = w.id) as seats,
       (select count(*) from public.activity_log x where x.workspace_id = w.id) as activity
  from public.workspaces w join bench_ws b on b.id = w.id
 order by b.k;
