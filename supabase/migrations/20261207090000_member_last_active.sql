-- "Last active" = the latest of sign-in and any activity row the member authored in the workspace,
-- kept in memberships.last_active_at by a statement trigger on activity_log (docs/product-rules.md).

create or replace function private.touch_member_last_active()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- "Last active" (docs/product-rules.md, access reviews): the latest of the member's
  -- sign-ins (auth.sign_in rows, and the access token hook) and of any activity row they
  -- authored in that workspace. One statement per INSERT statement, at most one row per
  -- member; kept to the minute so a burst of actions writes the membership once.
  update public.memberships m
     set last_active_at = a.at
    from (select n.workspace_id, n.actor_id, max(n.occurred_at) as at
            from new_rows n
           where n.actor_id is not null
           group by n.workspace_id, n.actor_id) a
   where m.workspace_id = a.workspace_id and m.user_id = a.actor_id
     and (m.last_active_at is null or m.last_active_at < a.at - interval '1 minute');
  return null;
end;
$$;
comment on function private.touch_member_last_active() is
  'AFTER INSERT statement trigger on activity_log: moves memberships.last_active_at ("Last active") to the newest activity row each member authored in the statement, when at least a minute newer. The one place that defines last activity besides the sign-in hook.';

create trigger activity_log_last_active
  after insert on public.activity_log
  referencing new table as new_rows
  for each statement execute function private.touch_member_last_active();
comment on trigger activity_log_last_active on public.activity_log is
  'Keeps memberships.last_active_at ("Last active") at the member''s newest authored activity.';

comment on column public.memberships.last_active_at is
  '"Last active": the latest of the member''s sign-ins into this workspace (custom access token hook) and of any activity row they authored there (private.touch_member_last_active, to the minute). Access reviews'' idle rule and the Users page read it.';

-- Existing history: each member's newest authored row.
update public.memberships m
   set last_active_at = a.at
  from (select workspace_id, actor_id, max(occurred_at) as at
          from public.activity_log
         where actor_id is not null
         group by workspace_id, actor_id) a
 where m.workspace_id = a.workspace_id and m.user_id = a.actor_id
   and (m.last_active_at is null or m.last_active_at < a.at);
