// Cost of the activity trigger: `updates` single-row asset updates in a PL/pgSQL loop, timed
// with clock_timestamp(), with the trigger and with it disabled, all in rolled-back transactions;
// as the bench admin (RLS on) and as postgres (no RLS).
import pg from 'pg'
import type { BenchContext } from '../context.ts'
import { fmtRatio, oneRow, type Db } from '../lib.ts'
import type { Session } from './session.ts'

const TRIGGER_UPDATES = 10000

export interface TriggerPair {
  runs: { with: number[]; without: number[] }
  activityRowsWritten: { with: number; without: number }
  withMs: number
  withoutMs: number
  ratio: number
  perUpdateWithUs: number
  perUpdateWithoutUs: number
  addedPerUpdateUs: number
}

export interface TriggerResult extends TriggerPair {
  updates: number
  triggers: string[]
  asPostgresNoRls: TriggerPair
}

export async function triggerCost({
  db,
  ctx,
  claims,
  updates,
}: {
  db: Db
  ctx: BenchContext
  claims: string
  updates: number
}): Promise<TriggerResult> {
  const { rows } = await db.query<{ tgname: string }>(
    `select t.tgname from pg_trigger t join pg_proc p on p.oid = t.tgfoid
      where t.tgrelid = 'public.assets'::regclass and not t.tgisinternal and p.proname = 'record_activity'`,
  )
  const triggers = rows.map((r) => r.tgname)
  if (triggers.length === 0)
    throw new Error('no activity trigger (record_activity) on public.assets')
  // Two paths: as the bench admin (role authenticated, RLS on: what an API write costs) and as
  // postgres (no RLS: the trigger's own cost against a bare update).
  const run = async (withTrigger: boolean, asAdmin: boolean) => {
    // Everything below is rolled back: no asset changes and no activity rows are kept. Disabling
    // the trigger is DDL inside this transaction only (assets is briefly locked against writes).
    await db.query('begin')
    try {
      const before = (
        await oneRow<{ id: string }>(
          db,
          'select coalesce(max(id), 0)::text as id from public.activity_log',
        )
      ).id
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
      return await oneRow<{ ms: number; logged: number }>(
        db,
        `select current_setting('bench.elapsed_ms')::float8 as ms,
                (select count(*) from public.activity_log where workspace_id = $1 and id > $2)::int as logged`,
        [ctx.workspaceId, before],
      )
    } finally {
      await db.query('rollback')
    }
  }
  const pair = async (asAdmin: boolean): Promise<TriggerPair> => {
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

/** `--only=trigger` */
export async function trigger(s: Session): Promise<void> {
  const t = await triggerCost({
    db: s.db,
    ctx: s.ctx,
    claims: s.claims,
    updates: TRIGGER_UPDATES,
  })
  s.results.trigger = t
  const b = t.asPostgresNoRls
  s.log(
    `\n${TRIGGER_UPDATES} asset updates in SQL, as the admin (RLS): with activity trigger ${t.withMs.toFixed(0)} ms, ` +
      `without ${t.withoutMs.toFixed(0)} ms: ${fmtRatio(t.ratio)} (+${t.addedPerUpdateUs.toFixed(0)} µs per update)`,
  )
  s.log(
    `${TRIGGER_UPDATES} asset updates in SQL, as postgres (no RLS): with ${b.withMs.toFixed(0)} ms, without ${b.withoutMs.toFixed(0)} ms: ` +
      `${fmtRatio(b.ratio)} (+${b.addedPerUpdateUs.toFixed(0)} µs per update)`,
  )
}
