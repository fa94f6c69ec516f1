-- =====================================================================================
-- Assets, licences and licence seats: the workspace data members work on.
-- Assignment targets are members of the same workspace (composite foreign keys), so
-- removing a member unassigns their assets and frees their seats, each change logged.
-- =====================================================================================

-- ---------- Assets -------------------------------------------------------------------
create table public.assets (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  name text not null
    constraint assets_name_length check (char_length(btrim(name)) between 1 and 120),
  asset_tag text
    constraint assets_asset_tag_length check (char_length(btrim(asset_tag)) between 1 and 64),
  serial_number text
    constraint assets_serial_number_length check (char_length(serial_number) <= 120),
  category text
    constraint assets_category_length check (char_length(category) <= 60),
  status text not null default 'in_stock'
    constraint assets_status_values check (status in ('in_stock', 'assigned', 'in_repair', 'retired')),
  assigned_to uuid,
  notes text
    constraint assets_notes_length check (char_length(notes) <= 2000),
  created_by uuid default auth.uid() references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint assets_workspace_asset_tag_key unique (workspace_id, asset_tag),
  constraint assets_assigned_to_member_fkey foreign key (workspace_id, assigned_to)
    references public.memberships (workspace_id, user_id) on delete set null (assigned_to)
);
alter table public.assets enable row level security;

comment on table public.assets is 'Hardware and other tracked assets of a workspace.';
comment on column public.assets.asset_tag is 'Inventory tag, unique within the workspace.';
comment on column public.assets.status is 'in_stock | assigned | in_repair | retired.';
comment on column public.assets.assigned_to is
  'User the asset is assigned to; must be a member of the workspace. Changing it needs assets.assign.';
comment on column public.assets.notes is 'Free text, at most 2000 characters.';
comment on column public.assets.created_by is 'Creator (defaults to the caller).';

create index assets_workspace_name_idx on public.assets (workspace_id, name);
create index assets_workspace_status_idx on public.assets (workspace_id, status);
create index assets_workspace_assigned_to_idx on public.assets (workspace_id, assigned_to) where assigned_to is not null;
create index assets_created_by_idx on public.assets (created_by);
comment on index public.assets_workspace_name_idx is 'Asset list sorted by name.';
comment on index public.assets_workspace_status_idx is 'Asset list filtered by status.';
comment on index public.assets_workspace_assigned_to_idx is 'My assets; offboarding; member-removal cascade.';
comment on index public.assets_created_by_idx is 'Profile deletion (on delete set null).';

create trigger assets_touch_updated_at
  before update on public.assets
  for each row execute function private.touch_updated_at();
comment on trigger assets_touch_updated_at on public.assets is 'Maintains updated_at.';
comment on constraint assets_workspace_asset_tag_key on public.assets is 'asset_tag is unique within a workspace.';

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

create trigger assets_guard_assignment
  before update of assigned_to on public.assets
  for each row
  when (old.assigned_to is distinct from new.assigned_to)
  execute function private.guard_asset_assignment();
comment on trigger assets_guard_assignment on public.assets is
  'Reassigning an asset needs assets.assign.';

-- ---------- Licences -----------------------------------------------------------------
create table public.licenses (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  product text not null
    constraint licenses_product_length check (char_length(btrim(product)) between 1 and 120),
  vendor text
    constraint licenses_vendor_length check (char_length(vendor) <= 120),
  seats integer not null
    constraint licenses_seats_positive check (seats > 0 and seats <= 1000000),
  expires_on date,
  notes text
    constraint licenses_notes_length check (char_length(notes) <= 2000),
  created_by uuid default auth.uid() references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint licenses_id_workspace_key unique (id, workspace_id)
);
alter table public.licenses enable row level security;

comment on table public.licenses is 'Software licences of a workspace, each with a number of seats.';
comment on column public.licenses.seats is 'Seats bought (> 0); never fewer than seats assigned.';
comment on column public.licenses.expires_on is 'Expiry date, if any.';
comment on column public.licenses.notes is 'Free text, at most 2000 characters.';
comment on constraint licenses_id_workspace_key on public.licenses is
  'Target of license_seats'' composite foreign key, so a seat is always in its licence''s workspace.';

create index licenses_workspace_product_idx on public.licenses (workspace_id, product);
create index licenses_workspace_expires_on_idx on public.licenses (workspace_id, expires_on);
create index licenses_created_by_idx on public.licenses (created_by);
comment on index public.licenses_workspace_product_idx is 'Licence list sorted by product.';
comment on index public.licenses_workspace_expires_on_idx is 'Expiring licences.';
comment on index public.licenses_created_by_idx is 'Profile deletion (on delete set null).';

create trigger licenses_touch_updated_at
  before update on public.licenses
  for each row execute function private.touch_updated_at();
comment on trigger licenses_touch_updated_at on public.licenses is 'Maintains updated_at.';

-- ---------- Licence seats ------------------------------------------------------------
create table public.license_seats (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null,
  license_id uuid not null,
  user_id uuid not null,
  assigned_by uuid default auth.uid() references public.profiles (id) on delete set null,
  assigned_at timestamptz not null default now(),
  constraint license_seats_license_user_key unique (license_id, user_id),
  constraint license_seats_license_fkey foreign key (license_id, workspace_id)
    references public.licenses (id, workspace_id) on delete cascade,
  constraint license_seats_member_fkey foreign key (workspace_id, user_id)
    references public.memberships (workspace_id, user_id) on delete cascade
);
alter table public.license_seats enable row level security;

comment on table public.license_seats is
  'A licence seat assigned to a member. Never more rows per licence than licenses.seats.';
comment on column public.license_seats.user_id is 'Member holding the seat (must be a member of the workspace).';
comment on column public.license_seats.assigned_by is 'Who assigned it (defaults to the caller).';
comment on constraint license_seats_license_user_key on public.license_seats is 'A member holds at most one seat of a licence.';

create index license_seats_workspace_user_idx on public.license_seats (workspace_id, user_id);
create index license_seats_assigned_by_idx on public.license_seats (assigned_by);
comment on index public.license_seats_workspace_user_idx is 'My seats; offboarding; member-removal cascade.';
comment on index public.license_seats_assigned_by_idx is 'Profile deletion (on delete set null).';

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

create trigger license_seats_guard_count
  before insert on public.license_seats
  for each row execute function private.guard_license_seat_count();
comment on trigger license_seats_guard_count on public.license_seats is 'Never more seats assigned than bought.';

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

create trigger licenses_guard_seat_shrink
  before update of seats on public.licenses
  for each row
  when (new.seats < old.seats)
  execute function private.guard_license_seat_shrink();
comment on trigger licenses_guard_seat_shrink on public.licenses is 'Seats cannot drop below seats in use.';
