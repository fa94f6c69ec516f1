// Serves every supabase/functions/<name>/index.ts at /<name>, like Supabase's edge runtime behind
// /functions/v1/<name>. Each function calls Deno.serve(handler) as on Supabase; this server captures
// that handler instead of opening a port per function. Folders starting with `_` are shared code.
const functionsDir = new URL('../supabase/functions/', import.meta.url)
const port = Number(Deno.env.get('FUNCTIONS_PORT') ?? '54329')

type Handler = (req: Request, info?: unknown) => Response | Promise<Response>
const handlers = new Map<string, Handler>()
const realServe = Deno.serve.bind(Deno)

async function load(name: string): Promise<Handler | undefined> {
  const cached = handlers.get(name)
  if (cached) return cached
  const entry = new URL(`${name}/index.ts`, functionsDir)
  try {
    await Deno.stat(entry)
  } catch {
    return undefined
  }
  let captured: Handler | undefined
  const deno = Deno as unknown as { serve: unknown }
  deno.serve = (...args: unknown[]) => {
    captured = args.find((a) => typeof a === 'function') as Handler
    return { finished: Promise.resolve(), shutdown: () => Promise.resolve(), ref() {}, unref() {} }
  }
  try {
    await import(entry.href)
  } finally {
    deno.serve = realServe
  }
  if (captured) handlers.set(name, captured)
  return captured
}

realServe({ hostname: '127.0.0.1', port }, async (req) => {
  const url = new URL(req.url)
  const [name] = url.pathname.split('/').filter(Boolean)
  if (!name || name.startsWith('_'))
    return Response.json({ msg: 'function not found' }, { status: 404 })
  try {
    const handler = await load(name)
    if (!handler) return Response.json({ msg: `function ${name} not found` }, { status: 404 })
    return await handler(req)
  } catch (err) {
    console.error(`function ${name} failed:`, err)
    return Response.json({ msg: 'function failed', error: String(err) }, { status: 500 })
  }
})
