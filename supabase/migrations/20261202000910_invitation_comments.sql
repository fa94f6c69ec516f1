-- Two function comments that said something the code does not do (issue 14, item 6).

comment on function public.revoke_invitation(uuid) is
  'Deletes a pending invitation (members.invite). Logs member.invitation_revoked. Remembers the invitee''s outstanding link hashes (invitation_link_state then says "withdrawn") and deletes the Auth account when it was created for invitations only and never used. Errors: 22023 not_pending, 42501 not_allowed, PT404 not_found.';

comment on function public.resend_invitations(uuid[]) is
  'Renews up to 500 pending invitations at once, all or nothing (members.invite), each exactly as resend_invitation() (member.invitation_resent rows). It sends no mail itself: the invite-members edge function ({action: "resend"}, at most 100 ids per call) calls it as the caller and then mails each invitee a new link. Errors: those of resend_invitation prefixed with the first offending member''s email; 22023 no_members/too_many.';
