-- =====================================================================================
-- The permission catalogue in words, defined once: the areas permissions are grouped by (with
-- a plain description for the Roles page) and an enum of permission keys derived from the
-- catalogue, so the generated TypeScript types make a misspelt key a type error. The SPA keeps
-- no hand copy of keys, owner-only flags or descriptions.
-- =====================================================================================

-- ---------- Areas --------------------------------------------------------------------
create table public.permission_areas (
  resource text primary key
    constraint permission_areas_resource_format check (resource ~ '^[a-z_]+$'),
  label text not null,
  description text not null,
  sort_order integer not null
);
alter table public.permission_areas enable row level security;

comment on table public.permission_areas is
  'The areas permissions are grouped by on the Roles page (the resource part of a permission key), with a label and a one-line description. Read-only for signed-in users; changed only by migrations.';
comment on column public.permission_areas.resource is 'The resource part of permission keys, e.g. assets for assets.view.';
comment on column public.permission_areas.label is 'Heading shown to people, e.g. Assets.';
comment on column public.permission_areas.description is 'What the area covers, in one sentence.';
comment on column public.permission_areas.sort_order is 'Display order of the areas.';

insert into public.permission_areas (resource, label, description, sort_order) values
  ('assets',    'Assets',          'Laptops, phones and other equipment, and who holds them.',          10),
  ('licenses',  'Licences',        'Software licences and the seats handed out to members.',            20),
  ('reports',   'Reports',         'Dashboards and figures about the workspace.',                       30),
  ('members',   'People',          'The team directory, invitations, roles and member statuses.',       40),
  ('activity',  'Activity log',    'The record of who changed what, and when.',                         50),
  ('settings',  'Settings',        'Workspace settings and what each role may do.',                     60),
  ('reporting', 'SQL access',      'Read-only SQL credentials for analysts and BI tools.',              65),
  ('billing',   'Billing',         'The plan, seats and invoices. Owner only.',                         70),
  ('workspace', 'Workspace',       'Deleting the whole workspace. Owner only.',                         80),
  ('ownership', 'Ownership',       'Handing the workspace to another member. Owner only.',              90);

alter table public.permissions
  add constraint permissions_resource_fkey
  foreign key (resource) references public.permission_areas (resource);
comment on constraint permissions_resource_fkey on public.permissions is
  'Every permission belongs to an area that has a label and a description.';

revoke all on table public.permission_areas from anon, authenticated;
grant select on table public.permission_areas to authenticated;
create policy "Signed-in users can read the permission areas"
  on public.permission_areas for select to authenticated
  using (true);
comment on policy "Signed-in users can read the permission areas" on public.permission_areas is
  'Catalogue data, not workspace data: any signed-in user may read it.';

-- ---------- Permission keys as a type ------------------------------------------------
-- Built from the rows above, so the keys are typed once (in 20261128000400_permissions.sql).
-- A later migration that adds a permission also runs `alter type public.permission_key add
-- value '<key>'`; supabase/tests/database/16-catalogues.test.sql fails until it does.
do $$
begin
  execute format(
    'create type public.permission_key as enum (%s)',
    (select string_agg(quote_literal(p.key), ', ' order by p.sort_order) from public.permissions p));
end;
$$;
comment on type public.permission_key is
  'The keys of public.permissions, as an enum so that generated types name them (PermissionKey in the SPA). Kept equal to the table by 16-catalogues.test.sql.';
