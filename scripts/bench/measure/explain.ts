// EXPLAIN (ANALYZE, BUFFERS) of every measured statement as the bench admin, written to a file,
// with every Seq Scan on the big tables flagged (and whether it keeps most of the table).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { root } from '../../../local-stack/config.ts'
import { readCases } from '../cases.ts'
import type { BenchContext } from '../context.ts'
import { asRole, resolve, sqlRead } from '../lib.ts'
import type { Session } from './session.ts'

export const SEQ_SCAN_TABLES = ['memberships', 'assets', 'activity_log', 'licenses']

export interface ExplainFlag {
  query: string
  table: string
  where: string
  rowsKept: number
  rowsRemoved: number
  share: number
  verdict: string
}

export async function explainAll({
  dbUrl,
  ctx,
  claims,
  outFile,
  tables,
}: {
  dbUrl: string
  ctx: BenchContext
  claims: string
  outFile: string
  tables: readonly string[]
}): Promise<{ flags: ExplainFlag[]; nested: boolean }> {
  // A second session with auto_explain, so that statements run inside the RLS helpers
  // (security definer SQL functions are not inlined) are captured as well as the main plan.
  const ex = new pg.Client({ connectionString: dbUrl, application_name: 'fluxera-bench-explain' })
  await ex.connect()
  const notices: string[] = []
  ex.on('notice', (n) => notices.push(n.message ?? ''))
  let nested = true
  try {
    await ex.query(`load 'auto_explain'`)
    await ex.query(`set auto_explain.log_min_duration = 0; set auto_explain.log_analyze = on; set auto_explain.log_buffers = on;
      set auto_explain.log_nested_statements = on; set auto_explain.log_level = notice; set auto_explain.log_timing = off`)
  } catch {
    nested = false
  }
  const out = [
    `EXPLAIN (ANALYZE, BUFFERS) as role authenticated (the bench admin), ${new Date().toISOString()}`,
    `Nested statements (inside RLS helpers and triggers) captured with auto_explain: ${nested ? 'yes' : 'no (auto_explain not loadable)'}`,
    '',
  ]
  const flags: ExplainFlag[] = []
  // Every Seq Scan on a big table is flagged; one that keeps most of the table's rows (the bench
  // workspace is nearly all of memberships) is the planner's right choice and marked as such.
  const scan = (id: string, text: string, where: string) => {
    const lines = text.split('\n')
    lines.forEach((line, i) => {
      const m = line.match(/Seq Scan on (?:public\.)?(\w+)/)
      const table = m?.[1]
      if (table === undefined || !tables.includes(table)) return
      const rows = Number(line.match(/actual (?:time=\S+ )?rows=(\d+)/)?.[1] ?? 0)
      const loops = Number(line.match(/loops=(\d+)/)?.[1] ?? 1)
      let removed = 0
      for (const next of lines.slice(i + 1, i + 8)) {
        if (/->/.test(next)) break
        removed += Number(next.match(/Rows Removed by Filter: (\d+)/)?.[1] ?? 0)
      }
      const kept = rows * loops
      const share = kept + removed > 0 ? kept / (kept + removed) : 0
      flags.push({
        query: id,
        table,
        where,
        rowsKept: kept,
        rowsRemoved: removed,
        share: Number(share.toFixed(3)),
        verdict:
          share >= 0.5
            ? 'keeps most of the table: right plan here'
            : 'filters most rows out: needs an index',
      })
    })
  }
  // The plan PostgREST runs at steady state: a prepared statement executed five times first, so
  // that Postgres has made its custom-or-generic plan choice (generic plans show $n in conditions).
  const explainOne = async (
    id: string,
    label: string,
    sql: string,
    params: unknown[],
    { write = false }: { write?: boolean } = {},
  ) => {
    const args = params.length
      ? `(${params.map((p) => ex.escapeLiteral(String(p))).join(', ')})`
      : ''
    const plan = await asRole(
      ex,
      'authenticated',
      claims,
      async () => {
        await ex.query(`prepare bench_explain as ${sql}`)
        try {
          if (!write) for (let i = 0; i < 5; i++) await ex.query(`execute bench_explain${args}`)
          notices.length = 0
          return (
            await ex.query<{ 'QUERY PLAN': string }>(
              `explain (analyze, buffers) execute bench_explain${args}`,
            )
          ).rows
            .map((r) => r['QUERY PLAN'])
            .join('\n')
        } finally {
          await ex.query('deallocate bench_explain')
        }
      },
      { rollback: true },
    )
    out.push(
      `=== ${id}: ${label}${write ? ' (rolled back)' : ''}`,
      sql.replace(/\s+/g, ' '),
      `params: ${JSON.stringify(params)}`,
      '',
      plan,
      '',
    )
    scan(id, plan, 'plan')
    // auto_explain also reports the EXPLAINed statement itself; keep the others, once each.
    const seen = new Map<string, { count: number; plan: string }>()
    for (const n of notices) {
      const m = n.match(/Query Text: ([\s\S]*?)\n([\s\S]*)$/)
      const text = m?.[1]?.trim()
      if (text === undefined || /^(explain|execute|prepare)/i.test(text)) continue
      const key = text.replace(/\s+/g, ' ')
      const entry = seen.get(key) ?? { count: 0, plan: m?.[2] ?? '' }
      entry.count++
      seen.set(key, entry)
    }
    for (const [q, e] of seen) {
      out.push(`--- nested statement, run ${e.count}x: ${q.slice(0, 300)}`, e.plan, '')
      scan(id, e.plan, `nested: ${q.slice(0, 80)}`)
    }
    if (notices.length > 0 && seen.size === 0) out.push('(no nested statements)', '')
  }
  for (const c of readCases(ctx)) {
    const s = sqlRead(resolve(c.read, 0))
    await explainOne(c.id, c.label, s.explain, s.params)
    if (s.explainCount)
      await explainOne(
        `${c.id}#count`,
        `${c.label}: the count=exact query`,
        s.explainCount,
        s.countParams,
      )
  }
  await explainOne(
    'rpc.my_permissions',
    'rpc my_permissions',
    'select * from public.my_permissions($1)',
    [ctx.workspaceId],
  )
  await explainOne(
    'write.asset_patch',
    'PATCH one asset',
    'update public.assets set notes = $1 where id = $2 returning *',
    ['bench explain', ctx.assetIds[0]],
    { write: true },
  )
  await ex.end()
  writeFileSync(outFile, out.join('\n') + '\n')
  return { flags, nested }
}

/** `--only=explain`: writes bench-results/explain.txt */
export async function explain(s: Session): Promise<void> {
  const { flags, nested } = await explainAll({
    dbUrl: s.dbUrl,
    ctx: s.ctx,
    claims: s.claims,
    outFile: join(root, 'bench-results', 'explain.txt'),
    tables: SEQ_SCAN_TABLES,
  })
  s.results.explain.seqScans = flags
  s.results.explain.nestedCaptured = nested
  s.log(
    `\nEXPLAIN: ${flags.length === 0 ? 'no Seq Scan' : `${flags.length} Seq Scan finding(s)`} on ${SEQ_SCAN_TABLES.join('/')} (bench-results/explain.txt)`,
  )
  for (const f of flags) {
    s.log(
      `  (!) Seq Scan on ${f.table} in ${f.query} (${f.where}): keeps ${f.rowsKept} of ${f.rowsKept + f.rowsRemoved} rows, ${f.verdict}`,
    )
  }
}
