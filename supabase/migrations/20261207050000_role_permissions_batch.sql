-- Roles matrix: one Save applies every collected change in one transaction (issue 23, item 8).

create or replace function public.set_role_permissions(p_workspace_id uuid, p_changes jsonb)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_change jsonb;
  v_n integer := 0;
begin
  if jsonb_typeof(p_changes) is distinct from 'array' or jsonb_array_length(p_changes) = 0 then
    raise exception 'Send the changes as a list of { role, permission, granted }.'
      using errcode = '22023', hint = 'invalid_input';
  end if;
  if jsonb_array_length(p_changes) > 200 then
    raise exception 'At most 200 changes at a time.' using errcode = '22023', hint = 'too_many_changes';
  end if;
  for v_change in select * from jsonb_array_elements(p_changes) loop
    if jsonb_typeof(v_change) is distinct from 'object'
       or jsonb_typeof(v_change -> 'granted') is distinct from 'boolean' then
      raise exception 'Each change needs a role, a permission and granted (true or false).'
        using errcode = '22023', hint = 'invalid_input';
    end if;
    begin
      perform public.set_role_permission(p_workspace_id, (v_change ->> 'role')::public.workspace_role,
                                         v_change ->> 'permission', (v_change ->> 'granted')::boolean);
    exception when invalid_text_representation then
      raise exception 'Unknown role "%": choose admin, member or viewer.', v_change ->> 'role'
        using errcode = '22023', hint = 'unknown_role';
    end;
    v_n := v_n + 1;
  end loop;
  return v_n;
end;
$$;
comment on function public.set_role_permissions(p_workspace_id uuid, p_changes jsonb) is
  'The Roles matrix''s Save: applies a list of changes [{ role, permission, granted }] (1 to 200) in one transaction, each as set_role_permission (same checks, same activity rows), all or none. Returns how many were applied. Errors: those of set_role_permission, 22023 invalid_input/too_many_changes/unknown_role.';
grant execute on function public.set_role_permissions(p_workspace_id uuid, p_changes jsonb) to authenticated;
