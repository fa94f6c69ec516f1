-- =====================================================================================
-- Assets, licences and licence seats: the workspace data members work on.
-- Assignment targets are members of the same workspace (composite foreign keys), so removing
-- a member unassigns their assets and frees their seats, each change logged.
-- =====================================================================================

set local check_function_bodies = off;

-- ---------- Functions --------------------------------------------------------------

-- Changing assigned_to needs assets.assign on top of the update policy's assets.edit.
-- Only checked for API callers at the top level: cascades (a removed member's assets) and
-- system sessions without a JWT are not blocked.
create or replace function private.guard_asset_assignment()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if auth.uid() is not null and pg_trigger_depth() = 1 then
    perform private.require_permission(new.workspace_id, 'assets.assign');
  end if;
  return new;
end;
$$;
comment on function private.guard_asset_assignment() is
  'BEFORE UPDATE trigger on assets (only when assigned_to changes): requires assets.assign.';

-- Seat count: lock the licence row so concurrent assignments cannot overshoot.
create or replace function private.guard_license_seat_count()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_seats integer;
  v_used integer;
begin
  select l.seats into v_seats from public.licenses l where l.id = new.license_id for update;
  select count(*) into v_used from public.license_seats s where s.license_id = new.license_id;
  if v_seats is not null and v_used >= v_seats then
    raise exception 'All % seats of this licence are assigned.', v_seats
      using errcode = '22023', hint = 'no_seats_left';
  end if;
  return new;
end;
$$;
comment on function private.guard_license_seat_count() is
  'BEFORE INSERT trigger on license_seats: refuses a seat beyond licenses.seats (locks the licence row).';

create or replace function private.guard_license_seat_shrink()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_used integer;
begin
  select count(*) into v_used from public.license_seats s where s.license_id = new.id;
  if v_used > new.seats then
    raise exception '% seats are assigned; free some before reducing the licence to % seats.', v_used, new.seats
      using errcode = '22023', hint = 'seats_in_use';
  end if;
  return new;
end;
$$;
comment on function private.guard_license_seat_shrink() is
  'BEFORE UPDATE trigger on licenses: seats cannot drop below the seats assigned.';

-- ---------- Tables -----------------------------------------------------------------

create table public.assets (
  id uuid default gen_random_uuid() not null,
  workspace_id uuid not null,
  name text not null,
  asset_tag text,
  serial_number text,
  category text,
  status text default 'in_stock'::text not null,
  assigned_to uuid,
  notes text,
  created_by uuid default auth.uid(),
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint assets_asset_tag_length check (((char_length(btrim(asset_tag)) >= 1) and (char_length(btrim(asset_tag)) <= 64))),
  constraint assets_category_length check ((char_length(category) <= 60)),
  constraint assets_name_length check (((char_length(btrim(name)) >= 1) and (char_length(btrim(name)) <= 120))),
  constraint assets_notes_length check ((char_length(notes) <= 2000)),
  constraint assets_serial_number_length check ((char_length(serial_number) <= 120)),
  constraint assets_status_values check ((status = any (array['in_stock'::text, 'assigned'::text, 'in_repair'::text, 'retired'::text]))),
  constraint assets_pkey primary key (id),
  constraint assets_workspace_asset_tag_key unique (workspace_id, asset_tag),
  constraint assets_assigned_to_member_fkey foreign key (workspace_id, assigned_to) references public.memberships(workspace_id, user_id) on update cascade on delete set null (assigned_to),
  constraint assets_created_by_fkey foreign key (created_by) references public.profiles(id) on delete set null,
  constraint assets_workspace_id_fkey foreign key (workspace_id) references public.workspaces(id) on delete cascade
);

comment on table public.assets is 'Hardware and other tracked assets of a workspace.';
comment on column public.assets.asset_tag is 'Inventory tag, unique within the workspace.';
comment on column public.assets.status is 'in_stock | assigned | in_repair | retired.';
comment on column public.assets.assigned_to is
  'User the asset is assigned to; must be a member of the workspace. Changing it needs assets.assign.';
comment on column public.assets.notes is 'Free text, at most 2000 characters.';
comment on column public.assets.created_by is 'Creator (defaults to the caller).';
comment on constraint assets_workspace_asset_tag_key on public.assets is
  'asset_tag is unique within a workspace.';

create index assets_workspace_name_idx on public.assets (workspace_id, name);
comment on index public.assets_workspace_name_idx is 'Asset list sorted by name.';

create index assets_workspace_status_idx on public.assets (workspace_id, status);
comment on index public.assets_workspace_status_idx is 'Asset list filtered by status.';

create index assets_workspace_assigned_to_idx on public.assets (workspace_id, assigned_to) where assigned_to is not null;
comment on index public.assets_workspace_assigned_to_idx is
  'My assets; offboarding; member-removal cascade.';

create index assets_created_by_idx on public.assets (created_by);
comment on index public.assets_created_by_idx is 'Profile deletion (on delete set null).';

create index assets_workspace_tag_id_idx on public.assets (workspace_id, asset_tag, id);
comment on index public.assets_workspace_tag_id_idx is
  'Assets page, default order (tag, then id), paged on the server.';

create index assets_workspace_status_tag_idx on public.assets (workspace_id, status, asset_tag, id);
comment on index public.assets_workspace_status_tag_idx is
  'Assets page filtered or sorted by status.';

alter table public.assets enable row level security;

create policy "Members with assets.view can read assets"
  on public.assets for select to authenticated
  using (workspace_id in (select private.workspaces_with('assets.view')));
comment on policy "Members with assets.view can read assets" on public.assets is
  'All assets of the workspace.';

create policy "Members can read assets assigned to them"
  on public.assets for select to authenticated
  using (assigned_to = (select auth.uid())
         and workspace_id in (select private.accessible_workspace_ids()));
comment on policy "Members can read assets assigned to them" on public.assets is
  'An active member always sees what is assigned to them, even without assets.view.';

create policy "Members with assets.create can add assets"
  on public.assets for insert to authenticated
  with check (workspace_id in (select private.workspaces_with('assets.create'))
              and (assigned_to is null or workspace_id in (select private.workspaces_with('assets.assign'))));
comment on policy "Members with assets.create can add assets" on public.assets is
  'Adding an asset needs assets.create; adding it already assigned also needs assets.assign.';

create policy "Members with assets.edit can update assets"
  on public.assets for update to authenticated
  using (workspace_id in (select private.workspaces_with('assets.edit')))
  with check (workspace_id in (select private.workspaces_with('assets.edit')));
comment on policy "Members with assets.edit can update assets" on public.assets is
  'Editing needs assets.edit; changing assigned_to additionally needs assets.assign (trigger assets_guard_assignment).';

create policy "Members with assets.delete can delete assets"
  on public.assets for delete to authenticated
  using (workspace_id in (select private.workspaces_with('assets.delete')));
comment on policy "Members with assets.delete can delete assets" on public.assets is
  'Deleting needs assets.delete.';

create trigger assets_touch_updated_at
  before update on public.assets
  for each row execute function private.touch_updated_at();
comment on trigger assets_touch_updated_at on public.assets is 'Maintains updated_at.';

create trigger assets_guard_assignment
  before update of assigned_to on public.assets
  for each row
  when (old.assigned_to is distinct from new.assigned_to)
  execute function private.guard_asset_assignment();
comment on trigger assets_guard_assignment on public.assets is
  'Reassigning an asset needs assets.assign.';

create trigger assets_activity
  after insert or update or delete on public.assets
  for each row execute function private.record_activity('asset');
comment on trigger assets_activity on public.assets is
  'asset.created / updated / assigned / deleted.';

revoke all on table public.assets from anon, authenticated;
grant select, delete on table public.assets to authenticated;
grant insert (workspace_id, name, asset_tag, serial_number, category, status, assigned_to, notes) on table public.assets to authenticated;
grant update (name, asset_tag, serial_number, category, status, assigned_to, notes) on table public.assets to authenticated;

create table public.licenses (
  id uuid default gen_random_uuid() not null,
  workspace_id uuid not null,
  product text not null,
  vendor text,
  seats integer not null,
  expires_on date,
  notes text,
  created_by uuid default auth.uid(),
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint licenses_notes_length check ((char_length(notes) <= 2000)),
  constraint licenses_product_length check (((char_length(btrim(product)) >= 1) and (char_length(btrim(product)) <= 120))),
  constraint licenses_seats_positive check (((seats > 0) and (seats <= 1000000))),
  constraint licenses_vendor_length check ((char_length(vendor) <= 120)),
  constraint licenses_pkey primary key (id),
  constraint licenses_id_workspace_key unique (id, workspace_id),
  constraint licenses_created_by_fkey foreign key (created_by) references public.profiles(id) on delete set null,
  constraint licenses_workspace_id_fkey foreign key (workspace_id) references public.workspaces(id) on delete cascade
);

create table public.license_seats (
  id uuid default gen_random_uuid() not null,
  workspace_id uuid not null,
  license_id uuid not null,
  user_id uuid not null,
  assigned_by uuid default auth.uid(),
  assigned_at timestamp with time zone default now() not null,
  constraint license_seats_pkey primary key (id),
  constraint license_seats_license_user_key unique (license_id, user_id),
  constraint license_seats_assigned_by_fkey foreign key (assigned_by) references public.profiles(id) on delete set null,
  constraint license_seats_license_fkey foreign key (license_id, workspace_id) references public.licenses(id, workspace_id) on delete cascade,
  constraint license_seats_member_fkey foreign key (workspace_id, user_id) references public.memberships(workspace_id, user_id) on update cascade on delete cascade
);

comment on table public.license_seats is
  'A licence seat assigned to a member. Never more rows per licence than licenses.seats.';
comment on column public.license_seats.user_id is
  'Member holding the seat (must be a member of the workspace).';
comment on column public.license_seats.assigned_by is 'Who assigned it (defaults to the caller).';
comment on constraint license_seats_license_user_key on public.license_seats is
  'A member holds at most one seat of a licence.';

create index license_seats_workspace_user_idx on public.license_seats (workspace_id, user_id);
comment on index public.license_seats_workspace_user_idx is
  'My seats; offboarding; member-removal cascade.';

create index license_seats_assigned_by_idx on public.license_seats (assigned_by);
comment on index public.license_seats_assigned_by_idx is 'Profile deletion (on delete set null).';

alter table public.license_seats enable row level security;

create policy "Members with licenses.view can read seats"
  on public.license_seats for select to authenticated
  using (workspace_id in (select private.workspaces_with('licenses.view')));
comment on policy "Members with licenses.view can read seats" on public.license_seats is
  'All seats of the workspace.';

create policy "Members can read their own seats"
  on public.license_seats for select to authenticated
  using (user_id = (select auth.uid()) and workspace_id in (select private.accessible_workspace_ids()));
comment on policy "Members can read their own seats" on public.license_seats is
  'An active member sees their own seats.';

create policy "Members with assets.assign can assign seats"
  on public.license_seats for insert to authenticated
  with check (workspace_id in (select private.workspaces_with('assets.assign')));
comment on policy "Members with assets.assign can assign seats" on public.license_seats is
  'Assigning a seat needs assets.assign; the seat count is enforced by trigger.';

create policy "Members with assets.assign can free seats"
  on public.license_seats for delete to authenticated
  using (workspace_id in (select private.workspaces_with('assets.assign')));
comment on policy "Members with assets.assign can free seats" on public.license_seats is
  'Freeing a seat needs assets.assign.';

create trigger license_seats_guard_count
  before insert on public.license_seats
  for each row execute function private.guard_license_seat_count();
comment on trigger license_seats_guard_count on public.license_seats is
  'Never more seats assigned than bought.';

create trigger license_seats_activity
  after insert or update or delete on public.license_seats
  for each row execute function private.record_activity('license_seat');
comment on trigger license_seats_activity on public.license_seats is
  'license_seat.assigned / revoked.';

revoke all on table public.license_seats from anon, authenticated;
grant select, delete on table public.license_seats to authenticated;
grant insert (workspace_id, license_id, user_id) on table public.license_seats to authenticated;

comment on table public.licenses is
  'Software licences of a workspace, each with a number of seats.';
comment on column public.licenses.seats is 'Seats bought (> 0); never fewer than seats assigned.';
comment on column public.licenses.expires_on is 'Expiry date, if any.';
comment on column public.licenses.notes is 'Free text, at most 2000 characters.';
comment on constraint licenses_id_workspace_key on public.licenses is
  'Target of license_seats'' composite foreign key, so a seat is always in its licence''s workspace.';

create index licenses_workspace_product_idx on public.licenses (workspace_id, product);
comment on index public.licenses_workspace_product_idx is 'Licence list sorted by product.';

create index licenses_workspace_expires_on_idx on public.licenses (workspace_id, expires_on);
comment on index public.licenses_workspace_expires_on_idx is 'Expiring licences.';

create index licenses_created_by_idx on public.licenses (created_by);
comment on index public.licenses_created_by_idx is 'Profile deletion (on delete set null).';

alter table public.licenses enable row level security;

create policy "Members with licenses.view can read licences"
  on public.licenses for select to authenticated
  using (workspace_id in (select private.workspaces_with('licenses.view')));
comment on policy "Members with licenses.view can read licences" on public.licenses is
  'All licences of the workspace.';

create policy "Members can read licences they hold a seat of"
  on public.licenses for select to authenticated
  using (workspace_id in (select private.accessible_workspace_ids())
         and id in (select s.license_id from public.license_seats s where s.user_id = (select auth.uid())));
comment on policy "Members can read licences they hold a seat of" on public.licenses is
  'An active member sees the licences whose seats they hold.';

create policy "Members with licenses.create can add licences"
  on public.licenses for insert to authenticated
  with check (workspace_id in (select private.workspaces_with('licenses.create')));
comment on policy "Members with licenses.create can add licences" on public.licenses is
  'Adding needs licenses.create.';

create policy "Members with licenses.edit can update licences"
  on public.licenses for update to authenticated
  using (workspace_id in (select private.workspaces_with('licenses.edit')))
  with check (workspace_id in (select private.workspaces_with('licenses.edit')));
comment on policy "Members with licenses.edit can update licences" on public.licenses is
  'Editing needs licenses.edit.';

create policy "Members with licenses.delete can delete licences"
  on public.licenses for delete to authenticated
  using (workspace_id in (select private.workspaces_with('licenses.delete')));
comment on policy "Members with licenses.delete can delete licences" on public.licenses is
  'Deleting needs licenses.delete.';

create trigger licenses_touch_updated_at
  before update on public.licenses
  for each row execute function private.touch_updated_at();
comment on trigger licenses_touch_updated_at on public.licenses is 'Maintains updated_at.';

create trigger licenses_guard_seat_shrink
  before update of seats on public.licenses
  for each row
  when (new.seats < old.seats)
  execute function private.guard_license_seat_shrink();
comment on trigger licenses_guard_seat_shrink on public.licenses is
  'Seats cannot drop below seats in use.';

create trigger licenses_activity
  after insert or update or delete on public.licenses
  for each row execute function private.record_activity('license');
comment on trigger licenses_activity on public.licenses is 'license.created / updated / deleted.';

revoke all on table public.licenses from anon, authenticated;
grant select, delete on table public.licenses to authenticated;
grant insert (workspace_id, product, vendor, seats, expires_on, notes) on table public.licenses to authenticated;
grant update (product, vendor, seats, expires_on, notes) on table public.licenses to authenticated;
