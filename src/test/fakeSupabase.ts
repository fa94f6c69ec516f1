/**
 * A stand-in for the supabase-js query builder that records each call (`from`, `select`, `eq`,
 * `order`, `range`, `rpc`, ...) and resolves to `result`. For api/ tests.
 */
export function fakeSupabase(result: { data: unknown; error: unknown; count?: number | null }) {
  const calls: [string, ...unknown[]][] = []
  const builder: Record<string, unknown> = new Proxy(
    {},
    {
      get(_target, prop: string) {
        if (prop === 'then') {
          return (resolve: (v: unknown) => unknown, reject: (e: unknown) => unknown) =>
            Promise.resolve(result).then(resolve, reject)
        }
        return (...args: unknown[]) => {
          calls.push([prop, ...args])
          return builder
        }
      },
    },
  )
  const client = {
    from: (table: string) => (calls.push(['from', table]), builder),
    rpc: (fn: string, args: unknown) => (calls.push(['rpc', fn, args]), builder),
  }
  return { client, calls }
}
