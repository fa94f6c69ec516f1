/**
 * The columns the Activity page reads: the whole row (`*`), chain hashes included.
 *
 * A list of the 14 other columns was tried (session 3) to leave out the hashes, a quarter of the
 * JSON. Measured under 50 connections at Bench Corp scale, PostgREST 12 spends about 0.06 ms of
 * CPU per named column on every request, and `*` skips that work: the first page cost 1.65 ms
 * of PostgREST CPU with the list against 0.83 ms with `*`, so the page served 0.47x of the
 * ceiling with the list and 0.7x with `*` (docs/benchmarks.md). The extra 4 KB of hashes are
 * cheaper than the parsing. Kept apart from `activity.ts` (which imports the Supabase client) so
 * the benchmarks send exactly the SPA's request (scripts/bench/lib.ts).
 */
export const ACTIVITY_COLUMNS = '*'
