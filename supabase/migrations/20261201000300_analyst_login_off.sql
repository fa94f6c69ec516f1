-- =====================================================================================
-- The vendor-wide analyst loses the published password. Earlier versions of
-- 20261128001600_reporting.sql created fluxera_analyst as a LOGIN role with a password written
-- in the migration; a database that already ran that version still carries it. This turns the
-- login off and removes the password wherever it ran. The local stack re-enables it in
-- supabase/seed.sql; an operator enables it on a hosted project with a secret of their own
-- (README, "Analysts": alter role fluxera_analyst login password ...).
-- Harmless on a fresh database, where the role is already NOLOGIN without a password.
-- =====================================================================================
alter role fluxera_analyst nologin password null;
