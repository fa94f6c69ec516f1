-- =====================================================================================
-- Bulk member actions (access reviews, the Users table's multi-select): deactivate, change
-- role and resend invitations for many members in one call. All or nothing: each member
-- goes through the single-member RPC (same rules, same errors, same activity rows, same
-- offboarding of the Auth account), and the first refusal aborts the whole call with that
-- error, its message prefixed with the member it is about.
-- =====================================================================================

-- ---------- Shared helpers -----------------------------------------------------------
create or replace function private.bulk_membership_ids(p_membership_ids uuid[])
returns uuid[]
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_ids uuid[];
begin
  -- Distinct, in the order given (the first offending member is the first in the list).
  select array_agg(t.id order by t.ord) into v_ids
    from (select e.id, min(e.ord) as ord
            from unnest(p_membership_ids) with ordinality as e(id, ord)
           where e.id is not null
           group by e.id) t;
  if v_ids is null then
    raise exception 'Choose at least one member.' using errcode = '22023', hint = 'no_members';
  end if;
  if cardinality(v_ids) > 500 then
    raise exception 'At most 500 members at once.' using errcode = '22023', hint = 'too_many';
  end if;
  return v_ids;
end;
$$;
comment on function private.bulk_membership_ids(uuid[]) is
  'Validates a bulk selection: distinct non-null ids in input order, 1..500. Errors: 22023 no_members/too_many.';

create or replace function private.raise_bulk_error(
  p_membership_id uuid, p_state text, p_message text, p_hint text, p_detail text
)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_label text;
begin
  -- Name the member by email, unless the error is that the caller may not see them.
  if coalesce(p_hint, '') <> 'not_found' then
    select p.email into v_label
      from public.memberships m join public.profiles p on p.id = m.user_id
     where m.id = p_membership_id and private.is_member(m.workspace_id);
  end if;
  raise exception '%: %', coalesce(v_label, 'Member ' || p_membership_id::text), p_message
    using errcode = p_state, hint = coalesce(p_hint, ''),
          detail = concat_ws(' ', 'membership_id=' || p_membership_id::text, nullif(p_detail, ''));
end;
$$;
comment on function private.raise_bulk_error(uuid, text, text, text, text) is
  'Re-raises a single-member RPC''s error for a bulk call: same SQLSTATE and hint, message prefixed with the member''s email (or id when not visible), detail starting with membership_id=<id>.';

-- ---------- Deactivation -------------------------------------------------------------
create or replace function public.deactivate_members(p_membership_ids uuid[])
returns setof public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id uuid;
  v_row public.memberships;
  v_state text;
  v_message text;
  v_hint text;
  v_detail text;
begin
  foreach v_id in array private.bulk_membership_ids(p_membership_ids) loop
    begin
      v_row := public.deactivate_member(v_id);
    exception when others then
      get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
                              v_hint = pg_exception_hint, v_detail = pg_exception_detail;
      perform private.raise_bulk_error(v_id, v_state, v_message, v_hint, v_detail);
    end;
    return next v_row;
  end loop;
end;
$$;
comment on function public.deactivate_members(uuid[]) is
  'Deactivates up to 500 members at once, all or nothing (members.manage), each exactly as deactivate_member() (member.deactivated rows; Auth ban and session revocation for users left with no active membership). Returns the updated rows. Errors: those of deactivate_member, message prefixed with the first offending member''s email, detail membership_id=<id>; 22023 no_members/too_many.';

-- ---------- Role ---------------------------------------------------------------------
create or replace function public.change_members_role(p_membership_ids uuid[], p_role public.workspace_role)
returns setof public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_ids uuid[] := private.bulk_membership_ids(p_membership_ids);
  v_id uuid;
  v_row public.memberships;
  v_state text;
  v_message text;
  v_hint text;
  v_detail text;
begin
  -- Refusals that concern no member in particular come first, unprefixed.
  if p_role is null then
    raise exception 'Choose a role: admin, member or viewer.' using errcode = '22023', hint = 'unknown_role';
  end if;
  if p_role = 'owner' then
    raise exception 'Ownership moves only through a transfer by the owner.'
      using errcode = '42501', hint = 'owner_via_transfer';
  end if;

  foreach v_id in array v_ids loop
    begin
      v_row := public.change_member_role(v_id, p_role);
    exception when others then
      get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
                              v_hint = pg_exception_hint, v_detail = pg_exception_detail;
      perform private.raise_bulk_error(v_id, v_state, v_message, v_hint, v_detail);
    end;
    return next v_row;
  end loop;
end;
$$;
comment on function public.change_members_role(uuid[], public.workspace_role) is
  'Sets the role of up to 500 members at once, all or nothing (members.manage), each exactly as change_member_role() (member.role_changed rows; members already in the role are left alone). Returns the rows. Errors: 22023 unknown_role, 42501 owner_via_transfer (before any member), then those of change_member_role prefixed with the first offending member''s email; 22023 no_members/too_many.';

-- ---------- Invitations --------------------------------------------------------------
create or replace function public.resend_invitations(p_membership_ids uuid[])
returns setof public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id uuid;
  v_row public.memberships;
  v_state text;
  v_message text;
  v_hint text;
  v_detail text;
begin
  foreach v_id in array private.bulk_membership_ids(p_membership_ids) loop
    begin
      v_row := public.resend_invitation(v_id);
    exception when others then
      get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
                              v_hint = pg_exception_hint, v_detail = pg_exception_detail;
      perform private.raise_bulk_error(v_id, v_state, v_message, v_hint, v_detail);
    end;
    return next v_row;
  end loop;
end;
$$;
comment on function public.resend_invitations(uuid[]) is
  'Renews up to 500 pending invitations at once, all or nothing (members.invite), each exactly as resend_invitation() (member.invitation_resent rows); the invite edge function sends the mails. Errors: those of resend_invitation prefixed with the first offending member''s email; 22023 no_members/too_many.';

-- ---------- Grants -------------------------------------------------------------------
revoke all on function
  private.bulk_membership_ids(uuid[]),
  private.raise_bulk_error(uuid, text, text, text, text)
from public, anon, authenticated;

revoke all on function
  public.deactivate_members(uuid[]),
  public.change_members_role(uuid[], public.workspace_role),
  public.resend_invitations(uuid[])
from public, anon;
grant execute on function
  public.deactivate_members(uuid[]),
  public.change_members_role(uuid[], public.workspace_role),
  public.resend_invitations(uuid[])
to authenticated;
