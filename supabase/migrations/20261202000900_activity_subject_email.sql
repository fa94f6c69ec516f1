-- Who a change was about, readable after they are gone. An activity row names its subject by
-- user id only; once a pending invitation is revoked (its unused Auth account is deleted) or a
-- member is removed, the Activity page could only say "a former member". Like actor_email, the
-- subject's email is now kept on the row at write time.

alter table public.activity_log add column subject_email text;
comment on column public.activity_log.subject_email is
  'The subject''s email when the row was written (a snapshot, like actor_email), so the log still names people who have since left or whose invitation was withdrawn. Null without a subject.';

-- Fills subject_email from the subject's profile. Named to fire before activity_log_chain
-- (BEFORE triggers run in name order), so the hash covers it. Like the chain trigger it runs as
-- the table owner (only the owner inserts) and names only schema-qualified objects.
create or replace function private.snapshot_activity_subject()
returns trigger
language plpgsql
as $$
begin
  if new.subject_user_id is not null and new.subject_email is null then
    select p.email into new.subject_email from public.profiles p where p.id = new.subject_user_id;
  end if;
  return new;
end;
$$;
comment on function private.snapshot_activity_subject() is
  'BEFORE INSERT trigger on activity_log: copies the subject''s email from public.profiles into subject_email unless the insert supplied one.';

create trigger activity_log_a_subject_email
  before insert on public.activity_log
  for each row execute function private.snapshot_activity_subject();
comment on trigger activity_log_a_subject_email on public.activity_log is
  'Keeps the subject''s email on the row; fires before activity_log_chain, which hashes it.';

-- The hash now covers subject_email, appended only when it is set: rows written before this
-- migration (no snapshot) hash exactly as they did, so the chain of existing workspaces verifies.
create or replace function private.activity_hash(p_row public.activity_log)
returns bytea
language sql
stable
as $$
  select pg_catalog.sha256(
    coalesce(p_row.prev_hash, ''::bytea)
    operator(pg_catalog.||) pg_catalog.convert_to(
      (
        pg_catalog.jsonb_build_array(
          p_row.id,
          p_row.workspace_id,
          ((extract(epoch from p_row.occurred_at) operator(pg_catalog.*) 1000000::numeric))::bigint,
          p_row.actor_id,
          p_row.actor_email,
          p_row.action,
          p_row.entity_type,
          p_row.entity_id,
          p_row.subject_user_id,
          p_row.before,
          p_row.after,
          p_row.ip,
          p_row.user_agent
        )
        operator(pg_catalog.||) case
          when p_row.subject_email is null then '[]'::jsonb
          else pg_catalog.jsonb_build_array(p_row.subject_email)
        end
      )::text,
      'UTF8'
    )
  )
$$;
comment on function private.activity_hash(public.activity_log) is
  'sha256 over prev_hash followed by the row''s content as canonical jsonb text (occurred_at as epoch microseconds, independent of TimeZone; subject_email appended only when set, so older rows hash as before). Inlinable (no SET clause); every name in it is schema-qualified.';

-- Rows already written keep a null snapshot: filling it in would change what their hash covers.
