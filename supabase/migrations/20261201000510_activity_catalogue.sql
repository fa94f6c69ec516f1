-- =====================================================================================
-- The activity catalogue, defined once: every entity type and action the database writes to
-- public.activity_log, with a label for people, a one-line meaning and a sentence template
-- the SPA fills from the row ("{actor} changed {subject}'s role from {before.role} to
-- {after.role}"). The SPA reads these tables at run time; it keeps no hand copy.
-- supabase/tests/database/16-catalogues.test.sql fails when a function, trigger or row names
-- an action or entity type missing here.
-- =====================================================================================

-- ---------- Entity types -------------------------------------------------------------
create table public.activity_entity_types (
  key text primary key
    constraint activity_entity_types_key_format check (key ~ '^[a-z_]+$'),
  label text not null,
  sort_order integer not null
);
alter table public.activity_entity_types enable row level security;

comment on table public.activity_entity_types is
  'What an activity row can be about (activity_log.entity_type), with a label for people. Read-only for signed-in users; changed only by migrations.';
comment on column public.activity_entity_types.key is 'The value written to activity_log.entity_type.';
comment on column public.activity_entity_types.label is 'Name shown to people, e.g. Licence seat.';
comment on column public.activity_entity_types.sort_order is 'Display order in filters.';

insert into public.activity_entity_types (key, label, sort_order) values
  ('workspace',       'Workspace',       10),
  ('membership',      'Member',          20),
  ('user',            'Account',         30),
  ('role_permission', 'Role permission', 40),
  ('asset',           'Asset',           50),
  ('license',         'Licence',         60),
  ('license_seat',    'Licence seat',    70),
  ('access_review',   'Access review',   80);

-- ---------- Actions ------------------------------------------------------------------
create table public.activity_actions (
  key text primary key
    constraint activity_actions_key_format check (key ~ '^[a-z_]+\.[a-z_]+$'),
  entity_type text not null references public.activity_entity_types (key),
  label text not null,
  description text not null,
  sentence text not null,
  cleared_field text,
  sentence_if_cleared text,
  sort_order integer not null,
  constraint activity_actions_cleared_pair check ((cleared_field is null) = (sentence_if_cleared is null))
);
alter table public.activity_actions enable row level security;

comment on table public.activity_actions is
  'Every action written to activity_log.action, with a label, a one-line meaning and a sentence template. Read-only for signed-in users; changed only by migrations.';
comment on column public.activity_actions.key is 'The value written to activity_log.action (noun.verb).';
comment on column public.activity_actions.entity_type is 'The entity type rows with this action carry.';
comment on column public.activity_actions.label is 'Short name for filters and exports, e.g. Role changed.';
comment on column public.activity_actions.description is 'What the action means, in one sentence.';
comment on column public.activity_actions.sentence is
  'Template of the sentence shown per row. Placeholders: {actor} (who did it), {subject} (the member it is about), {entity} (the name of the thing changed), {before.<field>} and {after.<field>} (values from the row, in words).';
comment on column public.activity_actions.cleared_field is
  'Optional placeholder path (e.g. after.assigned_to): when the row leaves it empty, sentence_if_cleared is used instead.';
comment on column public.activity_actions.sentence_if_cleared is 'The sentence when cleared_field is empty (e.g. an asset checked back in).';
comment on column public.activity_actions.sort_order is 'Display order in filters.';

create index activity_actions_entity_type_idx on public.activity_actions (entity_type);
comment on index public.activity_actions_entity_type_idx is 'Foreign key lookups from the entity types.';

insert into public.activity_actions (key, entity_type, label, description, sentence, cleared_field, sentence_if_cleared, sort_order) values
  ('workspace.created',          'workspace', 'Workspace created',  'The workspace was created.',
     '{actor} created the workspace {after.name}', null, null, 10),
  ('workspace.settings_changed', 'workspace', 'Settings changed',   'A workspace setting (name, 2FA rule, …) was changed.',
     '{actor} changed the workspace settings', null, null, 20),
  ('workspace.deleted',          'workspace', 'Workspace deleted',  'The workspace and all its data were deleted.',
     '{actor} deleted the workspace {before.name}', null, null, 30),
  ('member.invited',             'membership', 'Invited',            'Someone was invited to join the workspace.',
     '{actor} invited {subject} as {after.role}', null, null, 100),
  ('member.invitation_resent',   'membership', 'Invitation resent',  'A pending invitation was sent again with a new expiry date.',
     '{actor} resent the invitation to {subject}', null, null, 110),
  ('member.invitation_revoked',  'membership', 'Invitation revoked', 'A pending invitation was cancelled; its link no longer works.',
     '{actor} revoked the invitation to {subject}', null, null, 120),
  ('member.joined',              'membership', 'Joined',             'An invited person accepted and joined the workspace.',
     '{subject} joined the workspace', null, null, 130),
  ('member.declined',            'membership', 'Invitation declined', 'An invited person declined the invitation.',
     '{subject} declined the invitation', null, null, 140),
  ('member.role_changed',        'membership', 'Role changed',       'A member was given a different role.',
     '{actor} changed {subject}''s role from {before.role} to {after.role}', null, null, 150),
  ('member.deactivated',         'membership', 'Deactivated',        'A member lost access until reactivated (offboarding).',
     '{actor} deactivated {subject}', null, null, 160),
  ('member.reactivated',         'membership', 'Reactivated',        'A deactivated member got their access back.',
     '{actor} reactivated {subject}', null, null, 170),
  ('member.suspended',           'membership', 'Suspended',          'A member''s access was paused, until a date or until lifted.',
     '{actor} suspended {subject}', null, null, 180),
  ('member.suspension_lifted',   'membership', 'Suspension lifted',  'A suspended member got their access back.',
     '{actor} lifted {subject}''s suspension', null, null, 190),
  ('member.removed',             'membership', 'Removed',            'A member was removed from the workspace.',
     '{actor} removed {subject} from the workspace', null, null, 200),
  ('member.left',                'membership', 'Left',               'A member left the workspace.',
     '{subject} left the workspace', null, null, 210),
  ('member.updated',             'membership', 'Member updated',     'Other details of a membership changed.',
     '{actor} updated {subject}''s membership', null, null, 220),
  ('member.sessions_revoked',    'user',       'Signed out everywhere', 'A member who lost access was signed out of every device.',
     '{subject} was signed out of every device', null, null, 230),
  ('ownership.transferred',      'membership', 'Ownership transferred', 'The Owner handed the workspace to another member.',
     '{actor} made {subject} the Owner', null, null, 240),
  ('permission.granted',         'role_permission', 'Permission granted', 'A role was allowed something new.',
     '{actor} allowed the {after.role} role to {after.permission}', null, null, 300),
  ('permission.revoked',         'role_permission', 'Permission revoked', 'A role lost a permission.',
     '{actor} stopped the {before.role} role from being able to {before.permission}', null, null, 310),
  ('permission.updated',         'role_permission', 'Permission updated', 'Details of a role''s permission changed.',
     '{actor} updated what the {after.role} role may do', null, null, 320),
  ('asset.created',              'asset', 'Asset added',    'An asset was added to the inventory.',
     '{actor} added the asset {entity}', null, null, 400),
  ('asset.updated',              'asset', 'Asset edited',   'An asset''s details were changed.',
     '{actor} edited the asset {entity}', null, null, 410),
  ('asset.assigned',             'asset', 'Asset handed out', 'An asset was handed to a member or checked back in.',
     '{actor} handed {entity} to {subject}', 'after.assigned_to', '{actor} checked in {entity} from {subject}', 420),
  ('asset.deleted',              'asset', 'Asset deleted',  'An asset was removed from the inventory.',
     '{actor} deleted the asset {entity}', null, null, 430),
  ('license.created',            'license', 'Licence added',   'A software licence was added.',
     '{actor} added the licence {entity}', null, null, 500),
  ('license.updated',            'license', 'Licence edited',  'A licence''s details were changed.',
     '{actor} edited the licence {entity}', null, null, 510),
  ('license.deleted',            'license', 'Licence deleted', 'A licence and its seats were removed.',
     '{actor} deleted the licence {entity}', null, null, 520),
  ('license_seat.assigned',      'license_seat', 'Seat given',   'A member was given a seat of a licence.',
     '{actor} gave {subject} a licence seat', null, null, 530),
  ('license_seat.revoked',       'license_seat', 'Seat taken back', 'A member''s licence seat was taken back.',
     '{actor} took back {subject}''s licence seat', null, null, 540),
  ('license_seat.updated',       'license_seat', 'Seat updated', 'Details of a licence seat changed.',
     '{actor} updated {subject}''s licence seat', null, null, 550),
  ('access_review.completed',    'access_review', 'Access review completed', 'Someone confirmed who should keep access.',
     '{actor} completed an access review', null, null, 600),
  ('access_review.updated',      'access_review', 'Access review updated', 'An access review was changed.',
     '{actor} updated an access review', null, null, 610),
  ('access_review.deleted',      'access_review', 'Access review deleted', 'An access review was deleted.',
     '{actor} deleted an access review', null, null, 620),
  ('auth.sign_in',               'user', 'Signed in',          'A member signed in.',
     '{subject} signed in', null, null, 700),
  ('auth.sign_in_failed',        'user', 'Sign-in failed',     'Someone tried to sign in as a member with a wrong password.',
     'A sign-in as {subject} failed (wrong password)', null, null, 710);

-- ---------- Access -------------------------------------------------------------------
revoke all on table public.activity_entity_types, public.activity_actions from anon, authenticated;
grant select on table public.activity_entity_types, public.activity_actions to authenticated;

create policy "Signed-in users can read the activity entity types"
  on public.activity_entity_types for select to authenticated
  using (true);
comment on policy "Signed-in users can read the activity entity types" on public.activity_entity_types is
  'Catalogue data, not workspace data: any signed-in user may read it.';

create policy "Signed-in users can read the activity actions"
  on public.activity_actions for select to authenticated
  using (true);
comment on policy "Signed-in users can read the activity actions" on public.activity_actions is
  'Catalogue data, not workspace data: any signed-in user may read it.';

comment on column public.activity_log.action is
  'Action name, e.g. member.role_changed; every value is catalogued in public.activity_actions.';
comment on column public.activity_log.entity_type is
  'What the row is about; every value is catalogued in public.activity_entity_types.';
