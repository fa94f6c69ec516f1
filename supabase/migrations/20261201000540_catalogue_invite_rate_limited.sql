-- =====================================================================================
-- Catalogue entry for member.invite_rate_limited (written by public.log_invite_rate_limited(),
-- 20261201000235_invitation_limits.sql), found by 16-catalogues.test.sql after merging main.
-- =====================================================================================
insert into public.activity_actions (key, entity_type, label, description, sentence, sort_order) values
  ('member.invite_rate_limited', 'workspace', 'Invitations held back',
   'A batch of invitations was refused because the workspace sent too many in a short time.',
   '{actor} tried to send {after.addresses} invitations, but too many had been sent recently',
   125);
