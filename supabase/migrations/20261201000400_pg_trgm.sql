-- =====================================================================================
-- pg_trgm: trigram indexes, so that a substring search ("contains") of names, emails, asset
-- tags and licence products reads an index instead of every row of the workspace.
-- Installed in the `extensions` schema, as on hosted Supabase.
-- =====================================================================================
create schema if not exists extensions;
create extension if not exists pg_trgm with schema extensions;
comment on extension pg_trgm is 'Trigram matching: GIN indexes that serve ilike ''%term%'' searches.';
