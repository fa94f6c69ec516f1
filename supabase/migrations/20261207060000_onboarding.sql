-- Onboarding kits and records (issue 24): supabase/schemas/97_onboarding.sql, and the activity catalogue's onboarding rows.
-- =====================================================================================
-- Onboarding: kits (what a new member is handed and the checklist around their arrival),
-- and the onboarding record each new member gets when they join (docs/onboarding.md).
-- A kit applies to a role and, optionally, to a directory group (by display name, like
-- directory_group_roles). When someone joins (accepts an invitation, or is provisioned by
-- directory sync) the matching kits become one onboarding record in the same transaction:
-- assets and licence seats reserved from stock (or flagged "none in stock") and tasks with
-- owners and due dates. Removing or deactivating the member before the end cancels the
-- record and returns what was reserved. Every change goes through the functions below and
-- is logged; the tables are read-only to the API.
-- =====================================================================================

set local check_function_bodies = off;

-- ---------- Tables -----------------------------------------------------------------

create table public.onboarding_kits (
  id uuid default gen_random_uuid() not null,
  workspace_id uuid not null,
  name text not null,
  role public.workspace_role,
  directory_group text,
  created_by uuid default auth.uid(),
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint onboarding_kits_name_length check (((char_length(btrim(name)) >= 1) and (char_length(btrim(name)) <= 120))),
  constraint onboarding_kits_group_length check ((char_length(directory_group) <= 256)),
  constraint onboarding_kits_not_owner check ((role is distinct from 'owner'::public.workspace_role)),
  constraint onboarding_kits_pkey primary key (id),
  constraint onboarding_kits_id_workspace_key unique (id, workspace_id),
  constraint onboarding_kits_created_by_fkey foreign key (created_by) references public.profiles(id) on delete set null,
  constraint onboarding_kits_workspace_id_fkey foreign key (workspace_id) references public.workspaces(id) on delete cascade
);

comment on table public.onboarding_kits is
  'What a new member of a role (and, optionally, of a directory group) is handed and the checklist around their arrival. Changed by save_onboarding_kit / delete_onboarding_kit (settings.manage).';
comment on constraint onboarding_kits_id_workspace_key on public.onboarding_kits is
  'Target of the items'' and tasks'' composite foreign keys, so they stay in the kit''s workspace.';
comment on column public.onboarding_kits.role is 'The role the kit applies to; null = every role but the owner.';
comment on column public.onboarding_kits.directory_group is
  'A directory group''s display name (case-insensitive) the new member must be in; null = any.';

create unique index onboarding_kits_workspace_name_key on public.onboarding_kits (workspace_id, lower(name));
comment on index public.onboarding_kits_workspace_name_key is 'Kit names are unique within a workspace.';
create index onboarding_kits_created_by_idx on public.onboarding_kits (created_by);
comment on index public.onboarding_kits_created_by_idx is 'Profile deletion (on delete set null).';

alter table public.onboarding_kits enable row level security;

create policy "Members with settings.manage or members.manage can read kits"
  on public.onboarding_kits for select to authenticated
  using (workspace_id in (select private.workspaces_with('settings.manage'))
         or workspace_id in (select private.workspaces_with('members.manage')));
comment on policy "Members with settings.manage or members.manage can read kits" on public.onboarding_kits is
  'Settings edits kits; the Onboarding view names them.';

revoke all on table public.onboarding_kits from anon, authenticated;
grant select on table public.onboarding_kits to authenticated;

create table public.onboarding_kit_items (
  id uuid default gen_random_uuid() not null,
  workspace_id uuid not null,
  kit_id uuid not null,
  kind text not null,
  asset_category text,
  asset_model text,
  license_id uuid,
  sort_order integer default 0 not null,
  constraint onboarding_kit_items_kind_values check ((kind = any (array['asset'::text, 'seat'::text]))),
  constraint onboarding_kit_items_shape check ((((kind = 'asset'::text) and (license_id is null) and ((asset_category is null) <> (asset_model is null)))
                                                or ((kind = 'seat'::text) and (license_id is not null) and (asset_category is null) and (asset_model is null)))),
  constraint onboarding_kit_items_category_length check ((char_length(asset_category) <= 60)),
  constraint onboarding_kit_items_model_length check ((char_length(asset_model) <= 120)),
  constraint onboarding_kit_items_pkey primary key (id),
  constraint onboarding_kit_items_kit_fkey foreign key (kit_id, workspace_id) references public.onboarding_kits(id, workspace_id) on delete cascade,
  constraint onboarding_kit_items_license_fkey foreign key (license_id, workspace_id) references public.licenses(id, workspace_id) on delete cascade
);

comment on table public.onboarding_kit_items is
  'One thing a kit hands out: an asset of a category, an asset of a model (assets.name), or a seat of a licence.';
comment on column public.onboarding_kit_items.asset_category is 'Any in-stock asset of this category (assets.category).';
comment on column public.onboarding_kit_items.asset_model is 'An in-stock asset of this model (assets.name).';

create index onboarding_kit_items_kit_idx on public.onboarding_kit_items (kit_id, workspace_id);
comment on index public.onboarding_kit_items_kit_idx is 'A kit''s items; kit deletion.';
create index onboarding_kit_items_license_idx on public.onboarding_kit_items (license_id, workspace_id);
comment on index public.onboarding_kit_items_license_idx is 'Licence deletion.';

alter table public.onboarding_kit_items enable row level security;

create policy "Readers of kits can read their items"
  on public.onboarding_kit_items for select to authenticated
  using (workspace_id in (select private.workspaces_with('settings.manage'))
         or workspace_id in (select private.workspaces_with('members.manage')));
comment on policy "Readers of kits can read their items" on public.onboarding_kit_items is
  'Same readers as onboarding_kits.';

revoke all on table public.onboarding_kit_items from anon, authenticated;
grant select on table public.onboarding_kit_items to authenticated;

create table public.onboarding_kit_tasks (
  id uuid default gen_random_uuid() not null,
  workspace_id uuid not null,
  kit_id uuid not null,
  title text not null,
  owner_role public.workspace_role,
  owner_user_id uuid,
  due_days integer default 0 not null,
  sort_order integer default 0 not null,
  constraint onboarding_kit_tasks_title_length check (((char_length(btrim(title)) >= 1) and (char_length(btrim(title)) <= 200))),
  constraint onboarding_kit_tasks_one_owner check (((owner_role is null) <> (owner_user_id is null))),
  constraint onboarding_kit_tasks_due_days check (((due_days >= 0) and (due_days <= 365))),
  constraint onboarding_kit_tasks_pkey primary key (id),
  constraint onboarding_kit_tasks_kit_fkey foreign key (kit_id, workspace_id) references public.onboarding_kits(id, workspace_id) on delete cascade,
  constraint onboarding_kit_tasks_owner_fkey foreign key (owner_user_id) references public.profiles(id) on delete cascade
);

comment on table public.onboarding_kit_tasks is
  'A checklist task of a kit: text, who owns it (a role or a person) and how many days after joining it is due.';

create index onboarding_kit_tasks_kit_idx on public.onboarding_kit_tasks (kit_id, workspace_id);
comment on index public.onboarding_kit_tasks_kit_idx is 'A kit''s tasks; kit deletion.';
create index onboarding_kit_tasks_owner_idx on public.onboarding_kit_tasks (owner_user_id);
comment on index public.onboarding_kit_tasks_owner_idx is 'Profile deletion.';

alter table public.onboarding_kit_tasks enable row level security;

create policy "Readers of kits can read their tasks"
  on public.onboarding_kit_tasks for select to authenticated
  using (workspace_id in (select private.workspaces_with('settings.manage'))
         or workspace_id in (select private.workspaces_with('members.manage')));
comment on policy "Readers of kits can read their tasks" on public.onboarding_kit_tasks is
  'Same readers as onboarding_kits.';

revoke all on table public.onboarding_kit_tasks from anon, authenticated;
grant select on table public.onboarding_kit_tasks to authenticated;

create table public.onboarding_records (
  id uuid default gen_random_uuid() not null,
  workspace_id uuid not null,
  user_id uuid not null,
  status text default 'open'::text not null,
  kit_ids uuid[] default '{}'::uuid[] not null,
  kit_names text[] default '{}'::text[] not null,
  started_at timestamp with time zone default now() not null,
  finished_at timestamp with time zone,
  finished_by uuid,
  constraint onboarding_records_status_values check ((status = any (array['open'::text, 'completed'::text, 'cancelled'::text]))),
  constraint onboarding_records_finished check (((status = 'open'::text) = (finished_at is null))),
  constraint onboarding_records_pkey primary key (id),
  constraint onboarding_records_id_workspace_key unique (id, workspace_id),
  constraint onboarding_records_user_fkey foreign key (user_id) references public.profiles(id) on delete cascade,
  constraint onboarding_records_finished_by_fkey foreign key (finished_by) references public.profiles(id) on delete set null,
  constraint onboarding_records_workspace_id_fkey foreign key (workspace_id) references public.workspaces(id) on delete cascade
);

comment on table public.onboarding_records is
  'A new member''s onboarding: open until every task is done and every item handed over (completed), or cancelled when the member is removed or deactivated first. Not tied to the membership row, so it outlives a removal as history.';
comment on constraint onboarding_records_id_workspace_key on public.onboarding_records is
  'Target of the items'' and tasks'' composite foreign keys, so they stay in the record''s workspace.';
comment on column public.onboarding_records.kit_ids is 'The kits applied (a member can match several).';
comment on column public.onboarding_records.kit_names is 'The kits'' names when they were applied.';
comment on column public.onboarding_records.finished_by is 'Who completed the last step (null: cancelled by the system).';

create unique index onboarding_records_one_open_key on public.onboarding_records (workspace_id, user_id) where (status = 'open'::text);
comment on index public.onboarding_records_one_open_key is 'At most one open record per member.';
create index onboarding_records_workspace_started_idx on public.onboarding_records (workspace_id, started_at desc);
comment on index public.onboarding_records_workspace_started_idx is 'The Onboarding view, newest first.';
create index onboarding_records_user_idx on public.onboarding_records (user_id);
comment on index public.onboarding_records_user_idx is 'A member''s own record; profile deletion.';
create index onboarding_records_finished_by_idx on public.onboarding_records (finished_by);
comment on index public.onboarding_records_finished_by_idx is 'Profile deletion (on delete set null).';

alter table public.onboarding_records enable row level security;

create policy "Members with members.manage can read onboarding records"
  on public.onboarding_records for select to authenticated
  using (workspace_id in (select private.workspaces_with('members.manage')));
comment on policy "Members with members.manage can read onboarding records" on public.onboarding_records is
  'The Onboarding view.';

create policy "Members can read their own onboarding record"
  on public.onboarding_records for select to authenticated
  using (user_id = (select auth.uid()) and workspace_id in (select private.accessible_workspace_ids()));
comment on policy "Members can read their own onboarding record" on public.onboarding_records is
  'The first-day page.';

revoke all on table public.onboarding_records from anon, authenticated;
grant select on table public.onboarding_records to authenticated;

create table public.onboarding_items (
  id uuid default gen_random_uuid() not null,
  workspace_id uuid not null,
  record_id uuid not null,
  user_id uuid not null,
  kit_id uuid,
  kind text not null,
  wanted text not null,
  asset_category text,
  asset_model text,
  license_id uuid,
  asset_id uuid,
  state text not null,
  reserved_label text,
  handed_over_at timestamp with time zone,
  handed_over_by uuid,
  constraint onboarding_items_kind_values check ((kind = any (array['asset'::text, 'seat'::text]))),
  constraint onboarding_items_state_values check ((state = any (array['reserved'::text, 'none_in_stock'::text, 'handed_over'::text, 'returned'::text]))),
  constraint onboarding_items_handed_over check (((state = 'handed_over'::text) = (handed_over_at is not null))),
  constraint onboarding_items_pkey primary key (id),
  constraint onboarding_items_record_fkey foreign key (record_id, workspace_id) references public.onboarding_records(id, workspace_id) on delete cascade,
  constraint onboarding_items_kit_fkey foreign key (kit_id) references public.onboarding_kits(id) on delete set null,
  constraint onboarding_items_asset_fkey foreign key (asset_id) references public.assets(id) on delete set null,
  constraint onboarding_items_license_fkey foreign key (license_id) references public.licenses(id) on delete set null,
  constraint onboarding_items_handed_over_by_fkey foreign key (handed_over_by) references public.profiles(id) on delete set null
);

comment on table public.onboarding_items is
  'One thing being prepared for a new member: reserved (an asset or a seat held for them), none_in_stock (nothing to reserve yet), handed_over (assigned to them, with who and when) or returned (the onboarding was cancelled).';
comment on column public.onboarding_items.wanted is 'What the kit asks for, in words (e.g. "A Laptop", "iPhone 15", "A seat of Figma Professional").';
comment on column public.onboarding_items.asset_id is 'The asset reserved or handed over.';
comment on column public.onboarding_items.reserved_label is 'The reserved asset or licence in words, kept for history.';

create unique index onboarding_items_asset_reserved_key on public.onboarding_items (asset_id) where (state = 'reserved'::text);
comment on index public.onboarding_items_asset_reserved_key is 'An asset is reserved for one new member at a time.';
create index onboarding_items_record_idx on public.onboarding_items (record_id, workspace_id);
comment on index public.onboarding_items_record_idx is 'A record''s items.';
create index onboarding_items_license_reserved_idx on public.onboarding_items (license_id) where (state = 'reserved'::text);
comment on index public.onboarding_items_license_reserved_idx is 'Seats reserved per licence (what is left in stock).';
create index onboarding_items_user_idx on public.onboarding_items (workspace_id, user_id);
comment on index public.onboarding_items_user_idx is 'A member''s own items.';
create index onboarding_items_kit_idx on public.onboarding_items (kit_id);
comment on index public.onboarding_items_kit_idx is 'Kit deletion (on delete set null).';
create index onboarding_items_handed_over_by_idx on public.onboarding_items (handed_over_by);
comment on index public.onboarding_items_handed_over_by_idx is 'Profile deletion (on delete set null).';

alter table public.onboarding_items enable row level security;

create policy "Members with members.manage can read onboarding items"
  on public.onboarding_items for select to authenticated
  using (workspace_id in (select private.workspaces_with('members.manage')));
comment on policy "Members with members.manage can read onboarding items" on public.onboarding_items is
  'The Onboarding view.';

create policy "Members can read their own onboarding items"
  on public.onboarding_items for select to authenticated
  using (user_id = (select auth.uid()) and workspace_id in (select private.accessible_workspace_ids()));
comment on policy "Members can read their own onboarding items" on public.onboarding_items is
  'The first-day page: what is being prepared for them.';

revoke all on table public.onboarding_items from anon, authenticated;
grant select on table public.onboarding_items to authenticated;

create table public.onboarding_tasks (
  id uuid default gen_random_uuid() not null,
  workspace_id uuid not null,
  record_id uuid not null,
  user_id uuid not null,
  kit_id uuid,
  title text not null,
  owner_role public.workspace_role,
  owner_user_id uuid,
  due_on date not null,
  sort_order integer default 0 not null,
  completed_at timestamp with time zone,
  completed_by uuid,
  constraint onboarding_tasks_one_owner check (((owner_role is null) <> (owner_user_id is null))),
  constraint onboarding_tasks_pkey primary key (id),
  constraint onboarding_tasks_record_fkey foreign key (record_id, workspace_id) references public.onboarding_records(id, workspace_id) on delete cascade,
  constraint onboarding_tasks_kit_fkey foreign key (kit_id) references public.onboarding_kits(id) on delete set null,
  constraint onboarding_tasks_owner_fkey foreign key (owner_user_id) references public.profiles(id) on delete set null,
  constraint onboarding_tasks_completed_by_fkey foreign key (completed_by) references public.profiles(id) on delete set null
);

comment on table public.onboarding_tasks is
  'A checklist task of a new member''s onboarding, copied from the kit when they joined, with its owner (a role or a person), due date, and who completed it when.';
comment on column public.onboarding_tasks.user_id is 'The new member the task is about.';

create index onboarding_tasks_record_idx on public.onboarding_tasks (record_id, workspace_id);
comment on index public.onboarding_tasks_record_idx is 'A record''s tasks.';
create index onboarding_tasks_user_idx on public.onboarding_tasks (workspace_id, user_id);
comment on index public.onboarding_tasks_user_idx is 'A member''s own checklist.';
create index onboarding_tasks_owner_idx on public.onboarding_tasks (owner_user_id);
comment on index public.onboarding_tasks_owner_idx is 'Tasks waiting on a person; profile deletion.';
create index onboarding_tasks_kit_idx on public.onboarding_tasks (kit_id);
comment on index public.onboarding_tasks_kit_idx is 'Kit deletion (on delete set null).';
create index onboarding_tasks_completed_by_idx on public.onboarding_tasks (completed_by);
comment on index public.onboarding_tasks_completed_by_idx is 'Profile deletion (on delete set null).';

alter table public.onboarding_tasks enable row level security;

create policy "Members with members.manage can read onboarding tasks"
  on public.onboarding_tasks for select to authenticated
  using (workspace_id in (select private.workspaces_with('members.manage')));
comment on policy "Members with members.manage can read onboarding tasks" on public.onboarding_tasks is
  'The Onboarding view.';

create policy "Members can read their own onboarding tasks and the tasks they own"
  on public.onboarding_tasks for select to authenticated
  using ((user_id = (select auth.uid()) or owner_user_id = (select auth.uid()))
         and workspace_id in (select private.accessible_workspace_ids()));
comment on policy "Members can read their own onboarding tasks and the tasks they own" on public.onboarding_tasks is
  'The first-day page; a person named as a task''s owner sees it.';

revoke all on table public.onboarding_tasks from anon, authenticated;
grant select on table public.onboarding_tasks to authenticated;

-- ---------- Functions --------------------------------------------------------------

create or replace function private.onboarding_text(p_value jsonb, p_field text, p_max integer)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_text text := nullif(btrim(p_value ->> p_field), '');
begin
  if v_text is not null and char_length(v_text) > p_max then
    raise exception '% is longer than % characters.', initcap(replace(p_field, '_', ' ')), p_max
      using errcode = '22023', hint = 'invalid_input';
  end if;
  return v_text;
end;
$$;
comment on function private.onboarding_text(p_value jsonb, p_field text, p_max integer) is
  'A trimmed text field of a kit''s JSON (null when empty); 22023 invalid_input when longer than p_max.';

create or replace function public.save_onboarding_kit(
  p_workspace_id uuid,
  p_kit_id uuid,
  p_name text,
  p_role public.workspace_role,
  p_directory_group text,
  p_items jsonb,
  p_tasks jsonb
)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id uuid := p_kit_id;
  v_before jsonb;
  v_item jsonb;
  v_task jsonb;
  v_n integer := 0;
  v_owner uuid;
  v_days integer;
begin
  perform private.require_workspace_permission(p_workspace_id, 'settings.manage');
  if p_name is null or btrim(p_name) = '' then
    raise exception 'Give the kit a name.' using errcode = '22023', hint = 'invalid_input';
  end if;
  if p_role = 'owner' then
    raise exception 'A kit cannot apply to the Owner.' using errcode = '22023', hint = 'invalid_input';
  end if;
  if jsonb_typeof(coalesce(p_items, '[]')) <> 'array' or jsonb_typeof(coalesce(p_tasks, '[]')) <> 'array' then
    raise exception 'Items and tasks must be lists.' using errcode = '22023', hint = 'invalid_input';
  end if;
  if exists (select 1 from public.onboarding_kits k
              where k.workspace_id = p_workspace_id and lower(k.name) = lower(btrim(p_name))
                and k.id is distinct from p_kit_id) then
    raise exception 'Another kit is already called "%".', btrim(p_name) using errcode = '23505', hint = 'duplicate_name';
  end if;

  if v_id is null then
    insert into public.onboarding_kits (workspace_id, name, role, directory_group)
    values (p_workspace_id, btrim(p_name), p_role, nullif(btrim(p_directory_group), ''))
    returning id into v_id;
  else
    select jsonb_build_object('name', k.name, 'role', k.role, 'directory_group', k.directory_group)
      into v_before
      from public.onboarding_kits k
     where k.id = v_id and k.workspace_id = p_workspace_id
       for update;
    if not found then
      raise exception 'Kit not found.' using errcode = 'PT404', hint = 'not_found';
    end if;
    update public.onboarding_kits k
       set name = btrim(p_name), role = p_role, directory_group = nullif(btrim(p_directory_group), ''),
           updated_at = now()
     where k.id = v_id;
    delete from public.onboarding_kit_items i where i.kit_id = v_id;
    delete from public.onboarding_kit_tasks t where t.kit_id = v_id;
  end if;

  for v_item in select * from jsonb_array_elements(coalesce(p_items, '[]')) loop
    v_n := v_n + 1;
    if v_item ->> 'kind' = 'seat' then
      if not exists (select 1 from public.licenses l
                      where l.workspace_id = p_workspace_id and l.id::text = v_item ->> 'license_id') then
        raise exception 'Choose a licence of this workspace for item %.', v_n using errcode = '22023', hint = 'invalid_input';
      end if;
      insert into public.onboarding_kit_items (workspace_id, kit_id, kind, license_id, sort_order)
      values (p_workspace_id, v_id, 'seat', (v_item ->> 'license_id')::uuid, v_n);
    elsif v_item ->> 'kind' = 'asset' then
      if (private.onboarding_text(v_item, 'asset_category', 60) is null)
         = (private.onboarding_text(v_item, 'asset_model', 120) is null) then
        raise exception 'Item % needs either a category or a model.', v_n using errcode = '22023', hint = 'invalid_input';
      end if;
      insert into public.onboarding_kit_items (workspace_id, kit_id, kind, asset_category, asset_model, sort_order)
      values (p_workspace_id, v_id, 'asset', private.onboarding_text(v_item, 'asset_category', 60),
              private.onboarding_text(v_item, 'asset_model', 120), v_n);
    else
      raise exception 'Item % must be an asset or a licence seat.', v_n using errcode = '22023', hint = 'invalid_input';
    end if;
  end loop;

  v_n := 0;
  for v_task in select * from jsonb_array_elements(coalesce(p_tasks, '[]')) loop
    v_n := v_n + 1;
    if private.onboarding_text(v_task, 'title', 200) is null then
      raise exception 'Task % needs a text.', v_n using errcode = '22023', hint = 'invalid_input';
    end if;
    v_days := coalesce((v_task ->> 'due_days')::integer, 0);
    if v_days < 0 or v_days > 365 then
      raise exception 'Task % must be due between 0 and 365 days after joining.', v_n using errcode = '22023', hint = 'invalid_input';
    end if;
    v_owner := nullif(v_task ->> 'owner_user_id', '')::uuid;
    if v_owner is not null and not exists (
         select 1 from public.memberships m
          where m.workspace_id = p_workspace_id and m.user_id = v_owner and m.status = 'active') then
      raise exception 'The owner of task % must be an active member.', v_n using errcode = '22023', hint = 'invalid_input';
    end if;
    if (v_owner is null) = (nullif(v_task ->> 'owner_role', '') is null) then
      raise exception 'Task % needs an owner: a role or a person.', v_n using errcode = '22023', hint = 'invalid_input';
    end if;
    insert into public.onboarding_kit_tasks (workspace_id, kit_id, title, owner_role, owner_user_id, due_days, sort_order)
    values (p_workspace_id, v_id, private.onboarding_text(v_task, 'title', 200),
            nullif(v_task ->> 'owner_role', '')::public.workspace_role, v_owner, v_days, v_n);
  end loop;

  perform private.log_activity(p_workspace_id,
    case when v_before is null then 'onboarding_kit.created' else 'onboarding_kit.updated' end,
    'onboarding_kit', v_id::text, v_before,
    jsonb_build_object('name', btrim(p_name), 'role', p_role, 'directory_group', nullif(btrim(p_directory_group), ''),
                       'items', jsonb_array_length(coalesce(p_items, '[]')),
                       'tasks', jsonb_array_length(coalesce(p_tasks, '[]'))));
  return v_id;
exception
  when invalid_text_representation then
    raise exception 'An owner, licence or due date is not valid.' using errcode = '22023', hint = 'invalid_input';
end;
$$;
comment on function public.save_onboarding_kit(p_workspace_id uuid, p_kit_id uuid, p_name text, p_role public.workspace_role, p_directory_group text, p_items jsonb, p_tasks jsonb) is
  'Creates (p_kit_id null) or replaces a kit with its items ([{kind: asset, asset_category | asset_model} | {kind: seat, license_id}]) and tasks ([{title, owner_role | owner_user_id, due_days}]). settings.manage. Logs onboarding_kit.created / updated. Errors: PT404 not_found, 42501 not_allowed, 22023 invalid_input, 23505 duplicate_name.';
grant execute on function public.save_onboarding_kit(p_workspace_id uuid, p_kit_id uuid, p_name text, p_role public.workspace_role, p_directory_group text, p_items jsonb, p_tasks jsonb) to authenticated;

create or replace function public.delete_onboarding_kit(p_kit_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_kit public.onboarding_kits;
begin
  select * into v_kit from public.onboarding_kits k where k.id = p_kit_id;
  if not found or not private.is_member(v_kit.workspace_id) then
    raise exception 'Kit not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  perform private.require_permission(v_kit.workspace_id, 'settings.manage');
  delete from public.onboarding_kits k where k.id = p_kit_id;
  perform private.log_activity(v_kit.workspace_id, 'onboarding_kit.deleted', 'onboarding_kit', p_kit_id::text,
    jsonb_build_object('name', v_kit.name), null);
end;
$$;
comment on function public.delete_onboarding_kit(p_kit_id uuid) is
  'Deletes a kit (settings.manage). Records already started keep their items and tasks. Logs onboarding_kit.deleted. Errors: PT404 not_found, 42501 not_allowed.';
grant execute on function public.delete_onboarding_kit(p_kit_id uuid) to authenticated;

-- Picks stock for an item: an in-stock, unassigned asset of the category or model that no
-- other onboarding holds, or a seat of the licence while seats bought > seats assigned +
-- seats reserved. Sets the item reserved (with what) or none_in_stock.
create or replace function private.reserve_onboarding_item(p_item_id uuid)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_item public.onboarding_items;
  v_asset public.assets;
  v_license public.licenses;
  v_free integer;
begin
  select * into v_item from public.onboarding_items i where i.id = p_item_id for update;
  if v_item.kind = 'asset' then
    select a.* into v_asset
      from public.assets a
     where a.workspace_id = v_item.workspace_id
       and a.status = 'in_stock' and a.assigned_to is null
       and (v_item.asset_category is null or lower(a.category) = lower(v_item.asset_category))
       and (v_item.asset_model is null or lower(a.name) = lower(v_item.asset_model))
       and not exists (select 1 from public.onboarding_items o
                        where o.asset_id = a.id and o.state = 'reserved' and o.id <> v_item.id)
     order by a.created_at, a.id
     limit 1
       for update of a skip locked;
    if found then
      update public.onboarding_items i
         set state = 'reserved', asset_id = v_asset.id,
             reserved_label = v_asset.name || coalesce(' (' || v_asset.asset_tag || ')', '')
       where i.id = v_item.id;
      return 'reserved';
    end if;
  else
    select * into v_license from public.licenses l where l.id = v_item.license_id for update;
    if found then
      v_free := v_license.seats
        - (select count(*) from public.license_seats s where s.license_id = v_license.id)
        - (select count(*) from public.onboarding_items o
            where o.license_id = v_license.id and o.state = 'reserved' and o.id <> v_item.id);
      if v_free > 0 then
        update public.onboarding_items i
           set state = 'reserved', reserved_label = v_license.product
         where i.id = v_item.id;
        return 'reserved';
      end if;
    end if;
  end if;
  update public.onboarding_items i set state = 'none_in_stock', asset_id = null where i.id = v_item.id;
  return 'none_in_stock';
end;
$$;
comment on function private.reserve_onboarding_item(p_item_id uuid) is
  'Reserves stock for an onboarding item (an in-stock asset of the category or model no other onboarding holds; a seat while bought > assigned + reserved) or flags it none_in_stock. Returns the new state.';

create or replace function private.apply_onboarding_kits(p_workspace_id uuid, p_user_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_member public.memberships;
  v_record public.onboarding_records;
  v_kit public.onboarding_kits;
  v_item_id uuid;
  v_added text[] := '{}';
begin
  select * into v_member from public.memberships m
   where m.workspace_id = p_workspace_id and m.user_id = p_user_id;
  if not found or v_member.status <> 'active' or v_member.role = 'owner' then
    return;
  end if;
  select * into v_record from public.onboarding_records r
   where r.workspace_id = p_workspace_id and r.user_id = p_user_id and r.status = 'open'
     for update;

  for v_kit in
    select k.* from public.onboarding_kits k
     where k.workspace_id = p_workspace_id
       and (k.role is null or k.role = v_member.role)
       and (k.directory_group is null or exists (
             select 1 from public.directory_group_members gm
               join public.directory_groups g on g.id = gm.group_id
              where gm.membership_id = v_member.id and lower(g.display_name) = lower(k.directory_group)))
       and not (k.id = any (coalesce(v_record.kit_ids, '{}')))
     order by k.name, k.id
  loop
    if v_record.id is null then
      insert into public.onboarding_records (workspace_id, user_id)
      values (p_workspace_id, p_user_id)
      returning * into v_record;
    end if;
    update public.onboarding_records r
       set kit_ids = r.kit_ids || v_kit.id, kit_names = r.kit_names || v_kit.name
     where r.id = v_record.id
    returning * into v_record;
    v_added := v_added || v_kit.name;

    for v_item_id in
      insert into public.onboarding_items
        (workspace_id, record_id, user_id, kit_id, kind, wanted, asset_category, asset_model, license_id, state)
      select p_workspace_id, v_record.id, p_user_id, v_kit.id, i.kind,
             case when i.kind = 'seat' then 'A seat of ' || l.product
                  when i.asset_model is not null then i.asset_model
                  when i.asset_category ~* '^[aeiou]' then 'An ' || i.asset_category
                  else 'A ' || i.asset_category end,
             i.asset_category, i.asset_model, i.license_id, 'none_in_stock'
        from public.onboarding_kit_items i
        left join public.licenses l on l.id = i.license_id
       where i.kit_id = v_kit.id
       order by i.sort_order, i.id
      returning id
    loop
      perform private.reserve_onboarding_item(v_item_id);
    end loop;

    insert into public.onboarding_tasks
      (workspace_id, record_id, user_id, kit_id, title, owner_role, owner_user_id, due_on, sort_order)
    select p_workspace_id, v_record.id, p_user_id, v_kit.id, t.title, t.owner_role, t.owner_user_id,
           (v_record.started_at + make_interval(days => t.due_days))::date, t.sort_order
      from public.onboarding_kit_tasks t
     where t.kit_id = v_kit.id;
  end loop;

  if cardinality(v_added) > 0 then
    perform private.log_activity(p_workspace_id, 'onboarding.started', 'onboarding', v_record.id::text, null,
      jsonb_build_object('name', array_to_string(v_added, ', '),
                         'items', (select count(*) from public.onboarding_items i where i.record_id = v_record.id),
                         'none_in_stock', (select count(*) from public.onboarding_items i
                                            where i.record_id = v_record.id and i.state = 'none_in_stock'),
                         'tasks', (select count(*) from public.onboarding_tasks t where t.record_id = v_record.id)),
      p_user_id);
  end if;
end;
$$;
comment on function private.apply_onboarding_kits(p_workspace_id uuid, p_user_id uuid) is
  'Applies every kit that matches the active member (role, directory group) and is not yet part of their open record, creating the record if needed: items reserved from stock, tasks with owners and due dates. Idempotent. Logs onboarding.started (subject: the member).';

create or replace function private.onboarding_on_join()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- Joining: an invitation accepted (pending -> active), or a member created active (directory
  -- sync provisioning sets joined_at = now()). A role change on the first day (directory sync
  -- maps groups to roles after creating the member, or an Admin corrects the role) adds the kits
  -- of the new role. Reactivating someone is not joining.
  if new.status = 'active' and new.role <> 'owner' and new.joined_at >= now() - interval '1 day'
     and (tg_op = 'INSERT'
          or old.status = 'pending'
          or (old.role is distinct from new.role and old.status = 'active')) then
    perform private.apply_onboarding_kits(new.workspace_id, new.user_id);
  end if;
  return null;
end;
$$;
comment on function private.onboarding_on_join() is
  'AFTER INSERT / UPDATE trigger on memberships: a member who joined (invitation accepted, or created active by directory sync) gets the matching kits; a role change on their first day adds the new role''s kits.';

create or replace function private.onboarding_on_group_join()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_member public.memberships;
begin
  select * into v_member from public.memberships m where m.id = new.membership_id;
  -- Identity providers push group memberships after creating the user, in later requests: a
  -- group gained on the first day still counts as part of joining.
  if found and v_member.status = 'active' and v_member.joined_at >= now() - interval '1 day' then
    perform private.apply_onboarding_kits(v_member.workspace_id, v_member.user_id);
  end if;
  return null;
end;
$$;
comment on function private.onboarding_on_group_join() is
  'AFTER INSERT trigger on directory_group_members: a member who joined within the last day also gets the kits of the directory groups they are added to.';

create or replace function private.cancel_onboarding(p_workspace_id uuid, p_user_id uuid, p_reason text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_record public.onboarding_records;
  v_returned integer;
begin
  if coalesce(current_setting('fluxera.muted_workspace', true), '') = p_workspace_id::text then
    return;  -- the workspace itself is being deleted
  end if;
  update public.onboarding_records r
     set status = 'cancelled', finished_at = now(), finished_by = null
   where r.workspace_id = p_workspace_id and r.user_id = p_user_id and r.status = 'open'
  returning * into v_record;
  if not found then
    return;
  end if;
  update public.onboarding_items i set state = 'returned'
   where i.record_id = v_record.id and i.state in ('reserved', 'none_in_stock');
  get diagnostics v_returned = row_count;
  perform private.log_activity(p_workspace_id, 'onboarding.cancelled', 'onboarding', v_record.id::text,
    jsonb_build_object('status', 'open'),
    jsonb_build_object('status', 'cancelled', 'reason', p_reason, 'returned', v_returned),
    p_user_id);
end;
$$;
comment on function private.cancel_onboarding(p_workspace_id uuid, p_user_id uuid, p_reason text) is
  'Cancels the member''s open onboarding record and returns what was reserved to stock (items -> returned). Logs onboarding.cancelled. Skipped while the workspace is being deleted.';

create or replace function private.onboarding_on_leave()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' then
    perform private.cancel_onboarding(old.workspace_id, old.user_id, 'removed');
  elsif new.status = 'inactive' and old.status <> 'inactive' then
    perform private.cancel_onboarding(new.workspace_id, new.user_id, 'deactivated');
  end if;
  return null;
end;
$$;
comment on function private.onboarding_on_leave() is
  'AFTER DELETE / UPDATE OF status trigger on memberships: removal or deactivation cancels an open onboarding.';

create or replace function private.finish_onboarding_if_done(p_record_id uuid)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_record public.onboarding_records;
begin
  if exists (select 1 from public.onboarding_tasks t where t.record_id = p_record_id and t.completed_at is null)
     or exists (select 1 from public.onboarding_items i where i.record_id = p_record_id and i.state <> 'handed_over') then
    return false;
  end if;
  update public.onboarding_records r
     set status = 'completed', finished_at = now(), finished_by = auth.uid()
   where r.id = p_record_id and r.status = 'open'
  returning * into v_record;
  if found then
    perform private.log_activity(v_record.workspace_id, 'onboarding.completed', 'onboarding', v_record.id::text,
      jsonb_build_object('status', 'open'), jsonb_build_object('status', 'completed'), v_record.user_id);
  end if;
  return found;
end;
$$;
comment on function private.finish_onboarding_if_done(p_record_id uuid) is
  'Completes the record when every task is done and every item handed over. Logs onboarding.completed. Returns whether it completed now.';

create or replace function private.open_onboarding_record(p_record_id uuid)
returns public.onboarding_records
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_record public.onboarding_records;
begin
  select * into v_record from public.onboarding_records r where r.id = p_record_id for update;
  if v_record.status <> 'open' then
    raise exception 'This onboarding is already %.', v_record.status using errcode = '22023', hint = 'onboarding_closed';
  end if;
  return v_record;
end;
$$;
comment on function private.open_onboarding_record(p_record_id uuid) is
  'Locks the record; 22023 onboarding_closed unless it is open.';

create or replace function public.complete_onboarding_task(p_task_id uuid)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_task public.onboarding_tasks;
  v_uid uuid := private.require_caller();
begin
  select * into v_task from public.onboarding_tasks t where t.id = p_task_id;
  if not found or not private.is_member(v_task.workspace_id) then
    raise exception 'Task not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  -- coalesce: a task owned by a role has no owner_user_id (and the reverse); null must not pass.
  if not (private.has_permission(v_task.workspace_id, 'members.manage')
          or coalesce(v_task.owner_user_id = v_uid, false)
          or coalesce(v_task.owner_role = private.accessible_role(v_task.workspace_id), false)) then
    raise exception 'Only the task''s owner or someone with members.manage can complete it.'
      using errcode = '42501', hint = 'not_allowed';
  end if;
  perform private.open_onboarding_record(v_task.record_id);
  update public.onboarding_tasks t set completed_at = now(), completed_by = v_uid
   where t.id = p_task_id and t.completed_at is null;
  if found then
    perform private.log_activity(v_task.workspace_id, 'onboarding.task_completed', 'onboarding', v_task.record_id::text,
      null, jsonb_build_object('name', v_task.title), v_task.user_id);
  end if;
  return private.finish_onboarding_if_done(v_task.record_id);
end;
$$;
comment on function public.complete_onboarding_task(p_task_id uuid) is
  'Marks a task done, with who and when (members.manage, the task''s owner, or a holder of its owner role). Idempotent. Logs onboarding.task_completed, and onboarding.completed when it was the last step; returns whether the onboarding completed. Errors: PT404 not_found, 42501 not_allowed, 22023 onboarding_closed.';
grant execute on function public.complete_onboarding_task(p_task_id uuid) to authenticated;

create or replace function public.hand_over_onboarding_item(p_item_id uuid)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_item public.onboarding_items;
  v_uid uuid := private.require_caller();
  v_asset public.assets;
begin
  select * into v_item from public.onboarding_items i where i.id = p_item_id;
  if not found or not private.is_member(v_item.workspace_id) then
    raise exception 'Item not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  perform private.require_permission(v_item.workspace_id, 'assets.assign');
  perform private.open_onboarding_record(v_item.record_id);
  if v_item.state = 'handed_over' then
    return false;
  end if;
  -- The reservation may have gone stale (the asset handed to someone else by hand): look again.
  if v_item.kind = 'asset' and v_item.asset_id is not null then
    select * into v_asset from public.assets a where a.id = v_item.asset_id for update;
    if not found or v_asset.status <> 'in_stock' or v_asset.assigned_to is not null then
      v_item.state := 'stale';
    end if;
  end if;
  if v_item.state <> 'reserved' then
    if private.reserve_onboarding_item(v_item.id) <> 'reserved' then
      raise exception '% is not in stock. Add one on the % page, then hand it over.', v_item.wanted,
        case v_item.kind when 'seat' then 'Licenses (more seats)' else 'Assets' end
        using errcode = '22023', hint = 'none_in_stock';
    end if;
    select * into v_item from public.onboarding_items i where i.id = p_item_id;
  end if;

  if v_item.kind = 'asset' then
    update public.assets a set assigned_to = v_item.user_id, status = 'assigned' where a.id = v_item.asset_id;
  else
    insert into public.license_seats (workspace_id, license_id, user_id)
    values (v_item.workspace_id, v_item.license_id, v_item.user_id)
    on conflict (license_id, user_id) do nothing;
  end if;
  update public.onboarding_items i set state = 'handed_over', handed_over_at = now(), handed_over_by = v_uid
   where i.id = p_item_id;
  return private.finish_onboarding_if_done(v_item.record_id);
end;
$$;
comment on function public.hand_over_onboarding_item(p_item_id uuid) is
  'Hands a reserved item to the new member (assets.assign): assigns the asset or gives the licence seat (logged as asset.assigned / license_seat.assigned, with who and when also on the item), reserving again first if the reservation went stale or nothing was in stock. Returns whether the onboarding completed. Errors: PT404 not_found, 42501 not_allowed, 22023 none_in_stock / onboarding_closed.';
grant execute on function public.hand_over_onboarding_item(p_item_id uuid) to authenticated;

-- ---------- Triggers on tables defined elsewhere, calling functions of this file ---

create trigger memberships_onboarding_join
  after insert or update of status, role, joined_at on public.memberships
  for each row execute function private.onboarding_on_join();
comment on trigger memberships_onboarding_join on public.memberships is
  'Starts onboarding for a member who joins; a first-day role change adds that role''s kits.';

create trigger memberships_onboarding_leave
  after delete or update of status on public.memberships
  for each row execute function private.onboarding_on_leave();
comment on trigger memberships_onboarding_leave on public.memberships is
  'Removal or deactivation cancels an open onboarding.';

create trigger directory_group_members_onboarding
  after insert on public.directory_group_members
  for each row execute function private.onboarding_on_group_join();
comment on trigger directory_group_members_onboarding on public.directory_group_members is
  'A member provisioned with their groups gets the kits of those groups.';

-- ---------- Catalogue rows (supabase/schemas/50_activity_log.sql) -----------------------
insert into public.activity_entity_types (key, label, sort_order) values
  ('onboarding', 'Onboarding', 100),
  ('onboarding_kit', 'Onboarding kit', 110);

insert into public.activity_actions (key, entity_type, label, description, sentence, cleared_field, sentence_if_cleared, sort_order) values
  ('onboarding.started', 'onboarding', 'Onboarding started', 'A new member joined and their onboarding kits were applied: items reserved from stock, tasks given owners and due dates.', '{subject} joined and onboarding started ({after.name})', NULL, NULL, 1000),
  ('onboarding.task_completed', 'onboarding', 'Onboarding task done', 'A task of a new member''s onboarding checklist was completed.', '{actor} completed "{after.name}" for {subject}', NULL, NULL, 1010),
  ('onboarding.completed', 'onboarding', 'Onboarding completed', 'Every task was done and every item handed over.', '{subject}''s onboarding is complete', NULL, NULL, 1020),
  ('onboarding.cancelled', 'onboarding', 'Onboarding cancelled', 'The member left before their onboarding finished; what was reserved went back to stock.', '{subject}''s onboarding was cancelled and {after.returned} reserved items went back to stock', NULL, NULL, 1030),
  ('onboarding_kit.created', 'onboarding_kit', 'Onboarding kit added', 'An onboarding kit was created.', '{actor} created the onboarding kit {entity}', NULL, NULL, 1100),
  ('onboarding_kit.updated', 'onboarding_kit', 'Onboarding kit edited', 'An onboarding kit was changed.', '{actor} edited the onboarding kit {entity}', NULL, NULL, 1110),
  ('onboarding_kit.deleted', 'onboarding_kit', 'Onboarding kit deleted', 'An onboarding kit was deleted; onboardings already started keep their items and tasks.', '{actor} deleted the onboarding kit {entity}', NULL, NULL, 1120);
