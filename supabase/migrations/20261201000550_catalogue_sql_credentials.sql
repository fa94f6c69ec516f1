-- =====================================================================================
-- Catalogue entries for the SQL access actions (written by public.create_sql_credential(),
-- rotate_sql_credential() and revoke_sql_credential(), 20261201000310_sql_credentials.sql),
-- found by 16-catalogues.test.sql after merging main.
-- =====================================================================================
insert into public.activity_entity_types (key, label, sort_order) values
  ('sql_credential', 'SQL credential', 90);

insert into public.activity_actions (key, entity_type, label, description, sentence, sort_order) values
  ('sql_credential.created', 'sql_credential', 'SQL credential created',
   'A read-only SQL login for analysts was created.',
   '{actor} created the SQL credential {after.name}',
   910),
  ('sql_credential.rotated', 'sql_credential', 'SQL credential rotated',
   'A SQL credential was given a new password; sessions with the old one ended.',
   '{actor} rotated the password of the SQL credential {after.name}',
   920),
  ('sql_credential.revoked', 'sql_credential', 'SQL credential revoked',
   'A SQL credential was deleted; its login no longer works.',
   '{actor} revoked the SQL credential {before.name}',
   930);
