-- =====================================================================================
-- Access reviews: the record that an admin reviewed who has access (PRODUCT.md, "Regular
-- reviews"). Rows are written by complete_access_review().
-- =====================================================================================

create table public.access_reviews (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  reviewer_id uuid references public.profiles (id) on delete set null,
  completed_at timestamptz not null default now(),
  members_reviewed integer not null default 0
    constraint access_reviews_members_reviewed_nonnegative check (members_reviewed >= 0),
  flagged integer not null default 0
    constraint access_reviews_flagged_nonnegative check (flagged >= 0),
  deactivated integer not null default 0
    constraint access_reviews_deactivated_nonnegative check (deactivated >= 0),
  notes text
    constraint access_reviews_notes_length check (char_length(notes) <= 2000)
);
alter table public.access_reviews enable row level security;

comment on table public.access_reviews is 'A completed access review of a workspace.';
comment on column public.access_reviews.reviewer_id is 'Who completed the review.';
comment on column public.access_reviews.members_reviewed is 'Non-pending members at the time of the review.';
comment on column public.access_reviews.flagged is 'Active members idle for 90 days or more at the time of the review.';
comment on column public.access_reviews.deactivated is 'Members the reviewer deactivated during the review (reported by the SPA).';
comment on column public.access_reviews.notes is 'Reviewer notes, at most 2000 characters.';

create index access_reviews_workspace_completed_idx on public.access_reviews (workspace_id, completed_at desc);
create index access_reviews_reviewer_idx on public.access_reviews (reviewer_id);
comment on index public.access_reviews_workspace_completed_idx is 'Review history, newest first.';
comment on index public.access_reviews_reviewer_idx is 'Profile deletion (on delete set null).';
