// Every read the benchmark measures, in the order `npm run bench` runs them: the Users page
// (measure/members.ts), the Activity page (measure/activity.ts) and the whole-list loads
// (measure/spa.ts). EXPLAIN (measure/explain.ts) and variant.ts run the same list.
import type { BenchContext } from './context.ts'
import type { ReadCase } from './lib.ts'
import { activityCases } from './measure/activity.ts'
import { memberCases } from './measure/members.ts'
import { spaCases } from './measure/spa.ts'

export function readCases(ctx: BenchContext): ReadCase[] {
  return [...memberCases(ctx), ...activityCases(ctx), ...spaCases(ctx)]
}
