-- Substring search on the actor's email snapshot (the Activity page's "actor" text filter).
create extension if not exists pg_trgm with schema extensions;
create index activity_log_actor_email_trgm_idx on public.activity_log using gin (actor_email extensions.gin_trgm_ops);
