-- =====================================================================================
-- Profiles: the public face of auth.users (email and display name), kept in sync by a
-- trigger on auth.users, so the API never reads the auth schema.
-- =====================================================================================

-- ---------- Table --------------------------------------------------------------------
create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  email text
    constraint profiles_email_format check (
      email is null or (char_length(email) <= 320 and email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$')
    ),
  full_name text
    constraint profiles_full_name_length check (char_length(full_name) <= 120),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
alter table public.profiles enable row level security;

create index profiles_email_idx on public.profiles (lower(email));
comment on index public.profiles_email_idx is 'Lookup by email (invitations, check_invitees).';

comment on table public.profiles is
  'One row per auth user: email and display name. Written by the auth.users trigger; users may edit their own full_name.';
comment on column public.profiles.id is 'Same id as auth.users.id.';
comment on column public.profiles.email is 'Copy of auth.users.email (null for phone-only users).';
comment on column public.profiles.full_name is 'Display name, from raw_user_meta_data->>''full_name'' at sign-up; at most 120 characters.';

create trigger profiles_touch_updated_at
  before update on public.profiles
  for each row execute function private.touch_updated_at();
comment on trigger profiles_touch_updated_at on public.profiles is 'Maintains updated_at.';

-- ---------- Sync from auth.users -----------------------------------------------------
create or replace function private.sync_profile_from_auth_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_name text := nullif(left(btrim(new.raw_user_meta_data ->> 'full_name'), 120), '');
begin
  if tg_op = 'INSERT' then
    insert into public.profiles (id, email, full_name)
    values (new.id, new.email, v_name)
    on conflict (id) do update
      set email = excluded.email,
          full_name = coalesce(excluded.full_name, public.profiles.full_name);
  else
    update public.profiles p
       set email = new.email,
           full_name = case
             when new.raw_user_meta_data ->> 'full_name' is distinct from old.raw_user_meta_data ->> 'full_name'
               then v_name
             else p.full_name
           end
     where p.id = new.id
       and (p.email is distinct from new.email
            or new.raw_user_meta_data ->> 'full_name' is distinct from old.raw_user_meta_data ->> 'full_name');
  end if;
  return null;
end;
$$;
comment on function private.sync_profile_from_auth_user() is
  'AFTER INSERT/UPDATE trigger on auth.users: creates or updates public.profiles (email, full_name from raw_user_meta_data). Never blocks sign-up over an over-long name (it is truncated).';

create trigger fluxera_a_sync_profile
  after insert or update of email, raw_user_meta_data on auth.users
  for each row execute function private.sync_profile_from_auth_user();
-- (No COMMENT ON TRIGGER here: that needs ownership of auth.users, which hosted Supabase
-- keeps with supabase_auth_admin. Creating the trigger itself is allowed.)
