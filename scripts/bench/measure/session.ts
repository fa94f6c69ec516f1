// What every measurement of `npm run bench` shares: the options, the database connection, the
// bench context, the admin's token and clients, and the results they fill in.
import type { SupabaseClient } from '@supabase/supabase-js'
import type { BenchContext, Dataset } from '../context.ts'
import type { Db, MeasureOptions } from '../lib.ts'
import type { ExplainFlag } from './explain.ts'
import type { ExportResult } from './export.ts'
import type { JsResult } from './js.ts'
import type { Goal } from './goals.ts'
import type { ReadRow } from './reads.ts'
import type { RpcRow } from './rpc.ts'
import type { TriggerResult } from './trigger.ts'
import type { VerifyResult } from './verify.ts'
import type { WriteRow } from './write.ts'

export interface Settings {
  iterations: number
  warmup: number
  exportRows: number
  exportChunk: number
  apiUrl: string
  quick: boolean
}

/** bench-results/bench.json */
export interface BenchResults {
  date: string
  machine: {
    cpus: number
    cpuModel: string | undefined
    memoryGb: number
    node: string
    loadAvgAtStart: number[]
    loadAvgBeforeRun?: number[]
    otherActiveQueriesAtStart?: number
    postgres?: string
    postgrest?: string
    loadAvgAtEnd?: number[]
  }
  auth: string
  settings: Settings
  dataset?: Dataset
  migrations?: string[] | null
  reads: ReadRow[]
  rpc: RpcRow[]
  writes: WriteRow[]
  export: ExportResult | null
  trigger: TriggerResult | null
  verify: VerifyResult | null
  explain: { seqScans: ExplainFlag[]; file: string; nestedCaptured?: boolean }
  js: JsResult | null
  goals: Goal[]
}

export interface Session {
  settings: Settings
  /** Warm-up and iterations per query. */
  opts: MeasureOptions
  dbUrl: string
  db: Db
  ctx: BenchContext
  /** The bench admin's access token, its claims, and the service role's claims. */
  token: string
  claims: string
  serviceClaims: string
  /** supabase-js as the bench admin and as the service role. */
  admin: SupabaseClient
  service: SupabaseClient
  /** The parts asked for (--only), all when absent. */
  wants: (part: string) => boolean
  results: BenchResults
  log: (...xs: unknown[]) => void
}
