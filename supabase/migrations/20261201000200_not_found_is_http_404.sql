-- =====================================================================================
-- "Not found" answers HTTP 404, not 500. PostgREST 12 maps SQLSTATE P0002 (no_data_found)
-- to 500 Internal Server Error; a custom SQLSTATE `PTxyz` makes it answer HTTP xyz instead
-- (PostgREST "Raise errors with HTTP Status Codes"). So every RPC that refused with
-- P0002 / hint not_found now raises PT404 with the same message and hint; the SPA keeps
-- branching on the hint (src/lib/errors.ts also maps the PT404 code to not_found).
--
-- The bodies below are the current definitions with only the SQLSTATE changed (generated
-- from pg_get_functiondef, then reviewed); later migrations that redefine some of these
-- functions for other reasons keep PT404.
-- =====================================================================================

CREATE OR REPLACE FUNCTION private.create_invitations(p_workspace_id uuid, p_inviter uuid, p_user_ids uuid[], p_role workspace_role)
 RETURNS SETOF memberships
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_workspace public.workspaces;
  v_inviter public.memberships;
  v_user_ids uuid[];
  v_list text;
begin
  if p_role is null then
    raise exception 'Choose a role: admin, member or viewer.' using errcode = '22023', hint = 'unknown_role';
  end if;
  if p_role = 'owner' then
    raise exception 'Nobody can be invited as owner; ownership moves only by transfer.'
      using errcode = '42501', hint = 'owner_via_transfer';
  end if;

  select array_agg(distinct u) into v_user_ids from unnest(p_user_ids) as u where u is not null;
  if v_user_ids is null then
    raise exception 'Give at least one person to invite.' using errcode = '22023', hint = 'no_invitees';
  end if;
  if cardinality(v_user_ids) > 500 then
    raise exception 'At most 500 people per invitation batch.' using errcode = '22023', hint = 'too_many';
  end if;

  select * into v_workspace from public.workspaces w where w.id = p_workspace_id for no key update;
  if not found then
    raise exception 'Workspace not found.' using errcode = 'PT404', hint = 'not_found';
  end if;

  select * into v_inviter from public.memberships m
   where m.workspace_id = p_workspace_id and m.user_id = p_inviter;
  if not found
     or private.effective_status(v_inviter.status, v_inviter.suspended_until) <> 'active'
     or not private.role_has_permission(p_workspace_id, v_inviter.role, 'members.invite') then
    raise exception 'You do not have permission to invite people here.' using errcode = '42501', hint = 'not_allowed';
  end if;

  select string_agg(u::text, ', ') into v_list
    from unnest(v_user_ids) as u
   where not exists (select 1 from public.profiles p where p.id = u);
  if v_list is not null then
    raise exception 'Unknown user(s): %.', v_list using errcode = 'PT404', hint = 'not_found';
  end if;

  select string_agg(p.email, ', ' order by p.email) into v_list
    from public.memberships m join public.profiles p on p.id = m.user_id
   where m.workspace_id = p_workspace_id and m.user_id = any (v_user_ids) and m.status = 'pending';
  if v_list is not null then
    raise exception 'Already invited: %. Resend the invitation instead.', v_list
      using errcode = '23505', hint = 'duplicate_invite';
  end if;

  select string_agg(p.email, ', ' order by p.email) into v_list
    from public.memberships m join public.profiles p on p.id = m.user_id
   where m.workspace_id = p_workspace_id and m.user_id = any (v_user_ids);
  if v_list is not null then
    raise exception 'Already a member: %.', v_list using errcode = '23505', hint = 'already_member';
  end if;

  perform private.assert_seat_available(p_workspace_id, cardinality(v_user_ids));

  -- The inviter is the actor of the member.invited rows (no JWT on this path).
  perform set_config('fluxera.actor_id', p_inviter::text, true);
  return query
    insert into public.memberships (workspace_id, user_id, role, status, invited_by, invited_at, invite_expires_at)
    select p_workspace_id, u, p_role, 'pending', p_inviter, now(),
           now() + make_interval(days => v_workspace.invite_expiry_days)
      from unnest(v_user_ids) as u
    returning *;
  perform set_config('fluxera.actor_id', '', true);
end;
$function$
;
CREATE OR REPLACE FUNCTION private.prepare_member_change(p_membership_id uuid, p_permission text)
 RETURNS memberships
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_workspace_id uuid;
  v_target public.memberships;
begin
  select m.workspace_id into v_workspace_id from public.memberships m where m.id = p_membership_id;
  if v_workspace_id is null or not private.is_member(v_workspace_id) then
    raise exception 'Member not found.' using errcode = 'PT404', hint = 'not_found';
  end if;

  perform 1 from public.workspaces w where w.id = v_workspace_id for no key update;
  perform private.require_permission(v_workspace_id, p_permission);

  select * into v_target from public.memberships m where m.id = p_membership_id for update;
  if not found then
    raise exception 'Member not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  if v_target.user_id = auth.uid() then
    raise exception 'You cannot change your own role or status.' using errcode = '42501', hint = 'self_change';
  end if;
  if v_target.role = 'owner' then
    raise exception 'The workspace owner cannot be changed, deactivated, suspended or removed.'
      using errcode = '42501', hint = 'owner_protected';
  end if;
  return v_target;
end;
$function$
;
CREATE OR REPLACE FUNCTION public.accept_invitation(p_workspace_id uuid)
 RETURNS memberships
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_own public.memberships;
begin
  select * into v_own from public.memberships m
   where m.workspace_id = p_workspace_id and m.user_id = auth.uid()
   for update;
  if not found or v_own.status not in ('pending', 'active') then
    raise exception 'No pending invitation to this workspace.' using errcode = 'PT404', hint = 'not_found';
  end if;
  if v_own.status = 'active' then
    return v_own;  -- accepting twice (double click, second tab) is harmless
  end if;
  if v_own.invite_expires_at <= now() then
    raise exception 'This invitation has expired; ask for a new one.' using errcode = '22023', hint = 'invitation_expired';
  end if;
  update public.memberships m set status = 'active', joined_at = now()
   where m.id = v_own.id
  returning * into v_own;
  return v_own;
end;
$function$
;
CREATE OR REPLACE FUNCTION public.activity_alerts(p_workspace_id uuid, p_since timestamp with time zone DEFAULT (now() - '24:00:00'::interval))
 RETURNS TABLE(kind text, actor_id uuid, actor_email text, window_start timestamp with time zone, window_end timestamp with time zone, event_count integer, threshold integer)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if not private.is_member(p_workspace_id) then
    raise exception 'Workspace not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  perform private.require_permission(p_workspace_id, 'activity.view');
  if p_since is null or p_since > now() then
    raise exception 'Give a start time that is not in the future.' using errcode = '22023', hint = 'invalid_date';
  end if;

  return query
    with events as (
      select r.kind, r.threshold, r.window_length,
             case when r.group_by = 'actor' then a.actor_id else a.subject_user_id end as who,
             case when r.group_by = 'actor' then a.actor_email end as who_email,
             a.occurred_at, a.id
        from private.alert_rules r
        cross join lateral unnest(r.actions) as ra(action)
        -- One range scan of activity_log_workspace_action_idx per rule action: LATERAL with
        -- OFFSET 0 keeps the subquery from being flattened into a join the planner could
        -- turn into a scan of the workspace's whole period.
        cross join lateral (
          select l.actor_id, l.actor_email, l.subject_user_id, l.occurred_at, l.id
            from public.activity_log l
           where l.workspace_id = p_workspace_id and l.action = ra.action and l.occurred_at >= p_since
          offset 0
        ) a
    ), ranked as (
      select e.*,
             row_number() over w as rn,
             lead(e.occurred_at, e.threshold - 1) over w as nth_at
        from events e
      window w as (partition by e.kind, e.who order by e.occurred_at, e.id)
    ), starts as (
      -- Events that open a qualifying window; a new alert wherever they stop overlapping.
      select s.*,
             case when lag(s.rn) over w is null or lag(s.rn) over w + s.threshold - 1 < s.rn then 1 else 0 end as is_new
        from ranked s
       where s.nth_at <= s.occurred_at + s.window_length
      window w as (partition by s.kind, s.who order by s.rn)
    ), grouped as (
      select s.*, sum(s.is_new) over (partition by s.kind, s.who order by s.rn) as burst
        from starts s
    )
    select g.kind,
           g.who,
           coalesce(max(g.who_email), max(p.email), case when g.who is null then 'system' end),
           min(g.occurred_at),
           max(g.nth_at),
           (max(g.rn) + min(g.threshold) - min(g.rn))::integer,
           min(g.threshold)
      from grouped g
      left join public.profiles p on p.id = g.who
     group by g.kind, g.who, g.burst
     order by min(g.occurred_at) desc, g.kind;
end;
$function$
;
CREATE OR REPLACE FUNCTION public.check_invitees(p_workspace_id uuid, p_emails text[])
 RETURNS TABLE(email text, status text)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if not private.is_member(p_workspace_id) then
    raise exception 'Workspace not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  perform private.require_permission(p_workspace_id, 'members.invite');
  if cardinality(p_emails) > 500 then
    raise exception 'At most 500 people per invitation batch.' using errcode = '22023', hint = 'too_many';
  end if;

  return query
    with input as (
      select lower(btrim(e.raw)) as email, e.ord
        from unnest(p_emails) with ordinality as e(raw, ord)
    )
    select i.email,
           case
             when not private.is_valid_email(i.email) then 'invalid_email'
             when count(*) over (partition by i.email) > 1
                  and i.ord > min(i.ord) over (partition by i.email) then 'duplicate_in_list'
             when m.status = 'pending' then 'duplicate_invite'
             when m.status is not null then 'already_member'
             else 'ok'
           end
      from input i
      left join public.profiles p on lower(p.email) = i.email
      left join public.memberships m on m.workspace_id = p_workspace_id and m.user_id = p.id
     order by i.ord;
end;
$function$
;
CREATE OR REPLACE FUNCTION public.complete_access_review(p_workspace_id uuid, p_notes text DEFAULT NULL::text, p_deactivated integer DEFAULT 0)
 RETURNS access_reviews
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_review public.access_reviews;
begin
  if not private.is_member(p_workspace_id) then
    raise exception 'Workspace not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  perform private.require_permission(p_workspace_id, 'members.manage');
  if char_length(p_notes) > 2000 then
    raise exception 'The notes are too long (at most 2000 characters).' using errcode = '22023', hint = 'too_long';
  end if;
  if coalesce(p_deactivated, 0) < 0 then
    raise exception 'The number of deactivated members cannot be negative.' using errcode = '22023', hint = 'invalid_input';
  end if;

  insert into public.access_reviews (workspace_id, reviewer_id, members_reviewed, flagged, deactivated, notes)
  select p_workspace_id,
         auth.uid(),
         count(*) filter (where m.status <> 'pending'),
         count(*) filter (where private.effective_status(m.status, m.suspended_until) = 'active'
                            and m.role <> 'owner'
                            and coalesce(m.last_active_at, m.joined_at, m.created_at) < now() - interval '90 days'),
         coalesce(p_deactivated, 0),
         nullif(btrim(p_notes), '')
    from public.memberships m
   where m.workspace_id = p_workspace_id
  returning * into v_review;
  return v_review;
end;
$function$
;
CREATE OR REPLACE FUNCTION public.decline_invitation(p_workspace_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  delete from public.memberships m
   where m.workspace_id = p_workspace_id and m.user_id = auth.uid() and m.status = 'pending';
  if not found then
    raise exception 'No pending invitation to this workspace.' using errcode = 'PT404', hint = 'not_found';
  end if;
end;
$function$
;
CREATE OR REPLACE FUNCTION public.delete_workspace(p_workspace_id uuid, p_confirm_name text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_workspace public.workspaces;
begin
  if not private.is_member(p_workspace_id) then
    raise exception 'Workspace not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  select * into v_workspace from public.workspaces w where w.id = p_workspace_id for update;
  perform private.require_permission(p_workspace_id, 'workspace.delete');
  if p_confirm_name is distinct from v_workspace.name then
    raise exception 'Type the workspace name exactly to confirm.' using errcode = '22023', hint = 'confirm_mismatch';
  end if;

  -- One workspace.deleted row; the cascade (members, assets, ...) is not logged row by row.
  perform set_config('fluxera.muted_workspace', p_workspace_id::text, true);
  delete from public.workspaces w where w.id = p_workspace_id;
  perform set_config('fluxera.muted_workspace', '', true);
end;
$function$
;
CREATE OR REPLACE FUNCTION public.invitation_details(p_workspace_id uuid)
 RETURNS TABLE(membership_id uuid, workspace_id uuid, workspace_name text, role workspace_role, invited_by_email text, invited_by_name text, invited_at timestamp with time zone, invite_expires_at timestamp with time zone, expired boolean)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  return query
    select m.id, w.id, w.name, m.role, p.email, p.full_name, m.invited_at, m.invite_expires_at,
           m.invite_expires_at <= now()
      from public.memberships m
      join public.workspaces w on w.id = m.workspace_id
      left join public.profiles p on p.id = m.invited_by
     where m.workspace_id = p_workspace_id and m.user_id = auth.uid() and m.status = 'pending';
  if not found then
    raise exception 'No pending invitation to this workspace.' using errcode = 'PT404', hint = 'not_found';
  end if;
end;
$function$
;
CREATE OR REPLACE FUNCTION public.leave_workspace(p_workspace_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_own public.memberships;
begin
  perform 1 from public.workspaces w where w.id = p_workspace_id for no key update;
  select * into v_own from public.memberships m
   where m.workspace_id = p_workspace_id and m.user_id = auth.uid()
   for update;
  if not found then
    raise exception 'You are not a member of this workspace.' using errcode = 'PT404', hint = 'not_found';
  end if;
  if v_own.role = 'owner' then
    raise exception 'Transfer ownership before leaving the workspace.'
      using errcode = '42501', hint = 'owner_must_transfer';
  end if;
  delete from public.memberships m where m.id = v_own.id;
end;
$function$
;
CREATE OR REPLACE FUNCTION public.member_mfa_status(p_workspace_id uuid)
 RETURNS TABLE(user_id uuid, totp_enrolled boolean)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if not private.is_member(p_workspace_id) then
    raise exception 'Workspace not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  perform private.require_permission(p_workspace_id, 'members.manage');

  return query
    select m.user_id,
           exists (select 1
                     from auth.mfa_factors f
                    where f.user_id = m.user_id
                      and f.factor_type::text = 'totp'
                      and f.status::text = 'verified')
      from public.memberships m
     where m.workspace_id = p_workspace_id
     order by m.created_at, m.user_id;
end;
$function$
;
CREATE OR REPLACE FUNCTION public.offboarding_summary(p_membership_id uuid)
 RETURNS TABLE(kind text, id uuid, name text, tag text, license_id uuid, assigned_at timestamp with time zone)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_target public.memberships;
begin
  select * into v_target from public.memberships m where m.id = p_membership_id;
  if not found or not private.is_member(v_target.workspace_id) then
    raise exception 'Member not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  perform private.require_permission(v_target.workspace_id, 'members.manage');

  return query
    select 'asset'::text, a.id, a.name, a.asset_tag, null::uuid, a.updated_at
      from public.assets a
     where a.workspace_id = v_target.workspace_id and a.assigned_to = v_target.user_id
    union all
    select 'license_seat'::text, s.id, l.product, null::text, l.id, s.assigned_at
      from public.license_seats s
      join public.licenses l on l.id = s.license_id
     where s.workspace_id = v_target.workspace_id and s.user_id = v_target.user_id
    order by 1, 3, 2;
end;
$function$
;
CREATE OR REPLACE FUNCTION public.reassign_member_holdings(p_membership_id uuid, p_to_user_id uuid DEFAULT NULL::uuid)
 RETURNS TABLE(assets integer, seats integer)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_source public.memberships;
  v_target public.memberships;
  v_assets integer := 0;
  v_seats integer := 0;
  v_licenses uuid[];
begin
  select * into v_source from public.memberships m where m.id = p_membership_id;
  if not found or not private.is_member(v_source.workspace_id) then
    raise exception 'Member not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  -- Same lock as the member RPCs: the recipient cannot be deactivated or removed meanwhile.
  perform 1 from public.workspaces w where w.id = v_source.workspace_id for no key update;
  perform private.require_permission(v_source.workspace_id, 'assets.assign');

  if p_to_user_id is not null then
    if p_to_user_id = v_source.user_id then
      raise exception 'Choose someone else to take over these items.' using errcode = '22023', hint = 'invalid_input';
    end if;
    select * into v_target from public.memberships m
     where m.workspace_id = v_source.workspace_id and m.user_id = p_to_user_id
     for share;
    if not found then
      raise exception 'The person to hand the items to is not a member of this workspace.'
        using errcode = 'PT404', hint = 'not_found';
    end if;
    if private.effective_status(v_target.status, v_target.suspended_until) <> 'active' then
      raise exception 'Items can only be handed to an active member.' using errcode = '22023', hint = 'target_not_active';
    end if;
  end if;

  -- Assets: one asset.assigned row each (trigger). Checked in: back in stock unless in
  -- repair or retired; reassigned: status assigned unless in repair or retired.
  update public.assets a
     set assigned_to = p_to_user_id,
         status = case when a.status in ('assigned', 'in_stock')
                       then case when p_to_user_id is null then 'in_stock' else 'assigned' end
                       else a.status end
   where a.workspace_id = v_source.workspace_id and a.assigned_to = v_source.user_id;
  get diagnostics v_assets = row_count;

  -- Seats: freed (license_seat.revoked), then, when reassigning, given to the recipient
  -- (license_seat.assigned) unless they already hold a seat of that licence. Freeing first
  -- keeps the seat count guard satisfied.
  with freed as (
    delete from public.license_seats s
     where s.workspace_id = v_source.workspace_id and s.user_id = v_source.user_id
    returning s.license_id
  )
  select array_agg(f.license_id) into v_licenses from freed f;
  v_seats := coalesce(cardinality(v_licenses), 0);

  if p_to_user_id is not null and v_seats > 0 then
    insert into public.license_seats (workspace_id, license_id, user_id)
    select v_source.workspace_id, l.license_id, p_to_user_id
      from unnest(v_licenses) as l(license_id)
     where not exists (select 1 from public.license_seats s
                        where s.license_id = l.license_id and s.user_id = p_to_user_id);
  end if;

  return query select v_assets, v_seats;
end;
$function$
;
CREATE OR REPLACE FUNCTION public.set_role_permission(p_workspace_id uuid, p_role workspace_role, p_permission text, p_granted boolean)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_caller_role public.workspace_role;
  v_owner_only boolean;
begin
  if not private.is_member(p_workspace_id) then
    raise exception 'Workspace not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  perform 1 from public.workspaces w where w.id = p_workspace_id for no key update;
  perform private.require_permission(p_workspace_id, 'settings.manage');
  v_caller_role := private.accessible_role(p_workspace_id);

  if p_role is null then
    raise exception 'Choose a role: admin, member or viewer.' using errcode = '22023', hint = 'unknown_role';
  end if;
  if p_granted is null then
    raise exception 'Say whether the permission is granted.' using errcode = '22023', hint = 'invalid_input';
  end if;
  select p.owner_only into v_owner_only from public.permissions p where p.key = p_permission;
  if not found then
    raise exception 'Unknown permission "%".', p_permission using errcode = '22023', hint = 'unknown_permission';
  end if;
  if p_role = 'owner' then
    raise exception 'The owner always holds every permission.' using errcode = '42501', hint = 'owner_protected';
  end if;
  if v_owner_only then
    raise exception '% stays with the owner and cannot be granted.', p_permission
      using errcode = '42501', hint = 'owner_only_permission';
  end if;
  if p_role = 'admin' and v_caller_role <> 'owner' then
    raise exception 'Only the owner can change what admins may do.' using errcode = '42501', hint = 'not_allowed';
  end if;

  if p_granted then
    insert into public.role_permissions (workspace_id, role, permission, granted_by)
    values (p_workspace_id, p_role, p_permission, auth.uid())
    on conflict do nothing;
  else
    delete from public.role_permissions rp
     where rp.workspace_id = p_workspace_id and rp.role = p_role and rp.permission = p_permission;
  end if;
end;
$function$
;
CREATE OR REPLACE FUNCTION public.transfer_ownership(p_workspace_id uuid, p_new_owner_membership_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_target public.memberships;
begin
  if not private.is_member(p_workspace_id) then
    raise exception 'Workspace not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  perform 1 from public.workspaces w where w.id = p_workspace_id for no key update;
  perform private.require_permission(p_workspace_id, 'ownership.transfer');

  select * into v_target from public.memberships m
   where m.id = p_new_owner_membership_id and m.workspace_id = p_workspace_id
   for update;
  if not found then
    raise exception 'Member not found.' using errcode = 'PT404', hint = 'not_found';
  end if;
  if v_target.user_id = auth.uid() then
    raise exception 'You already own this workspace.' using errcode = '42501', hint = 'self_change';
  end if;
  if private.effective_status(v_target.status, v_target.suspended_until) <> 'active' then
    raise exception 'Ownership can only go to an active member.' using errcode = '22023', hint = 'target_not_active';
  end if;

  -- Demote first: the partial unique index allows only one owner at any instant.
  update public.memberships m set role = 'admin'
   where m.workspace_id = p_workspace_id and m.role = 'owner';
  update public.memberships m
     set role = 'owner', status = 'active', suspended_until = null, status_reason = null
   where m.id = v_target.id;
end;
$function$
;
comment on function delete_workspace(uuid,text) is 'Deletes the workspace and everything in it (owner only: workspace.delete). p_confirm_name must equal the name. The activity log keeps its history. Errors: PT404 not_found, 42501 not_allowed, 22023 confirm_mismatch.';
comment on function private.prepare_member_change(uuid,text) is 'Locks the workspace, checks the caller''s permission and returns the locked target membership. Raises PT404 not_found, 42501 not_allowed / self_change / owner_protected.';
comment on function change_member_role(uuid,workspace_role) is 'Sets a member''s role to admin, member or viewer (members.manage). Logs member.role_changed. Errors: 22023 unknown_role, 42501 not_allowed/self_change/owner_protected/owner_via_transfer, PT404 not_found.';
comment on function leave_workspace(uuid) is 'The caller leaves the workspace (any status but owner). Logs member.left. Errors: PT404 not_found, 42501 owner_must_transfer.';
comment on function private.create_invitations(uuid,uuid,uuid[],workspace_role) is 'Creates pending memberships for existing Auth users (the invite edge function creates them first). All or nothing. Errors: 22023 unknown_role/no_invitees/too_many/seat_limit_reached, 42501 owner_via_transfer/not_allowed, PT404 not_found, 23505 duplicate_invite/already_member. Service role only.';
comment on function resend_invitation(uuid) is 'Renews a pending invitation''s expiry (members.invite); the edge function sends the mail. Logs member.invitation_resent. Errors: 22023 not_pending, 42501 not_allowed, PT404 not_found.';
comment on function invitation_details(uuid) is 'The caller''s pending invitation: workspace name, role, inviter, expiry (for "Join X as Y"). Errors: PT404 not_found.';
comment on function accept_invitation(uuid) is 'The caller accepts their pending invitation and becomes active. Idempotent. Logs member.joined. Errors: PT404 not_found, 22023 invitation_expired.';
comment on function complete_access_review(uuid,text,integer) is 'Records a completed access review (members.manage): members reviewed, active members idle 90+ days (flagged), how many the reviewer deactivated, notes. Logs access_review.completed. Errors: 42501 not_allowed, 22023 too_long/invalid_input, PT404 not_found.';
comment on function offboarding_summary(uuid) is 'The offboarding step''s list (members.manage): assets assigned to the member (kind asset: id, name, tag = asset_tag, assigned_at = last change of the asset) and their licence seats (kind license_seat: seat id, name = licence product, license_id, assigned_at). Works for any status. Errors: PT404 not_found, 42501 not_allowed.';
comment on function reassign_member_holdings(uuid,uuid) is 'Reclaims everything a member holds in their workspace, atomically (assets.assign). With p_to_user_id (an effectively active member of the same workspace): their assets are assigned to that person and their licence seats move to them (a seat of a licence the recipient already holds is just freed). Without: assets are checked in (assigned_to null; status in_stock unless in_repair or retired) and seats freed. Returns how many assets and seats were taken from the member. Each change is logged by the table triggers (asset.assigned, license_seat.revoked, license_seat.assigned). Errors: PT404 not_found, 42501 not_allowed, 22023 invalid_input/target_not_active.';
comment on function activity_alerts(uuid,timestamp with time zone) is 'Unusual patterns in the workspace''s activity since p_since (default: the last 24 hours), activity.view: deletion_burst (>= 10 asset.deleted / license.deleted / member.removed by one actor within 10 minutes), role_change_burst (>= 5 member.role_changed by one actor within 10 minutes), failed_sign_in_burst (>= 5 auth.sign_in_failed for one account within 15 minutes; actor_id/actor_email = that account). One row per burst (overlapping windows merged): window_start/window_end = first/last event, event_count = events in between, threshold = the rule''s (private.alert_rules). Newest first. Errors: PT404 not_found, 42501 not_allowed, 22023 invalid_date.';
comment on function member_mfa_status(uuid) is 'Two-factor state of every member of the workspace (any status), for the member detail drawer (members.manage): totp_enrolled = the user has a verified TOTP factor in auth.mfa_factors. Reveals nothing else about the factors. Errors: PT404 not_found (not an active member of the workspace), 42501 not_allowed.';
