// The part of autocannon (no bundled types) that load.ts uses.
declare module 'autocannon' {
  namespace autocannon {
    interface Request {
      method?: string
      path?: string
      headers?: Record<string, string>
      body?: string
    }
    interface Options {
      url: string
      connections?: number
      duration?: number
      timeout?: number
      requests?: { setupRequest?: (req: Request) => Request }[]
    }
    interface Result {
      requests: { total: number }
      errors: number
      timeouts: number
    }
    interface Instance {
      on(
        event: 'response',
        listener: (
          client: unknown,
          statusCode: number,
          resBytes: number,
          responseTime: number,
        ) => void,
      ): Instance
    }
  }
  function autocannon(
    opts: autocannon.Options,
    callback: (err: Error | null, result: autocannon.Result) => void,
  ): autocannon.Instance
  export default autocannon
}
