// Cost of the activity trigger: `updates` single-row asset updates in a PL/pgSQL loop, timed
// with clock_timestamp(), with the trigger and with it disabled, all in rolled-back transactions.
import pg from 'pg'

export async function triggerCost({ db, ctx, claims, updates }) {
  const { rows } = await db.query(
    `select t.tgname from pg_trigger t join pg_proc p on p.oid = t.tgfoid
      where t.tgrelid = 'public.assets'::regclass and not t.tgisinternal and p.proname = 'record_activity'`,
  )
  const triggers = rows.map((r) => r.tgname)
  if (triggers.length === 0)
    throw new Error('no activity trigger (record_activity) on public.assets')
  // Two paths: as the bench admin (role authenticated, RLS on: what an API write costs) and as
  // postgres (no RLS: the trigger's own cost against a bare update).
  const run = async (withTrigger, asAdmin) => {
    // Everything below is rolled back: no asset changes and no activity rows are kept. Disabling
    // the trigger is DDL inside this transaction only (assets is briefly locked against writes).
    await db.query('begin')
    try {
      const before = (
        await db.query('select coalesce(max(id), 0)::text as id from public.activity_log')
      ).rows[0].id
      if (!withTrigger)
        for (const t of triggers)
          await db.query(`alter table public.assets disable trigger ${pg.escapeIdentifier(t)}`)
      await db.query(
        `select set_config('request.jwt.claims', $1, true), set_config('bench.ws', $2, true), set_config('bench.n', $3, true)`,
        [
          asAdmin ? claims : JSON.stringify({ sub: ctx.admin.id, role: 'authenticated' }),
          ctx.workspaceId,
          String(updates),
        ],
      )
      if (asAdmin) await db.query(`set local role authenticated`)
      await db.query(`do $$
        declare
          v_ids uuid[];
          v_n int := current_setting('bench.n')::int;
          v_t0 timestamptz;
        begin
          select array_agg(id) into v_ids
            from (select id from public.assets where workspace_id = current_setting('bench.ws')::uuid order by id limit v_n) s;
          v_t0 := clock_timestamp();
          for i in 1..v_n loop
            update public.assets set notes = 'bench trigger cost ' || i where id = v_ids[i];
          end loop;
          perform set_config('bench.elapsed_ms', (extract(epoch from clock_timestamp() - v_t0) * 1000)::text, true);
        end $$`)
      const { rows: r } = await db.query(
        `select current_setting('bench.elapsed_ms')::float8 as ms,
                (select count(*) from public.activity_log where workspace_id = $1 and id > $2)::int as logged`,
        [ctx.workspaceId, before],
      )
      return r[0]
    } finally {
      await db.query('rollback')
    }
  }
  const pair = async (asAdmin) => {
    // A, B, A, B: the mean of two runs each, so that cache warming favours neither.
    const without1 = await run(false, asAdmin)
    const with1 = await run(true, asAdmin)
    const without2 = await run(false, asAdmin)
    const with2 = await run(true, asAdmin)
    const withMs = (with1.ms + with2.ms) / 2
    const withoutMs = (without1.ms + without2.ms) / 2
    return {
      runs: { with: [with1.ms, with2.ms], without: [without1.ms, without2.ms] },
      activityRowsWritten: { with: with1.logged, without: without1.logged },
      withMs,
      withoutMs,
      ratio: withMs / withoutMs,
      perUpdateWithUs: (withMs / updates) * 1000,
      perUpdateWithoutUs: (withoutMs / updates) * 1000,
      addedPerUpdateUs: ((withMs - withoutMs) / updates) * 1000,
    }
  }
  const admin = await pair(true)
  const bare = await pair(false)
  return { updates: updates, triggers, ...admin, asPostgresNoRls: bare }
}
