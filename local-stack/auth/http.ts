// Request context and routing helpers shared by the route modules.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AuthConfig } from './config.ts'
import type { Row } from './db.ts'
import { ApiError, badRequest, sendJson } from './errors.ts'

export type Ctx = {
  cfg: AuthConfig
  req: IncomingMessage
  res: ServerResponse
  method: string
  path: string
  query: URLSearchParams
  params: Record<string, string>
  body: () => Promise<Row>
  json: (status: number, body: unknown, headers?: Record<string, string>) => void
  redirect: (status: number, location: string) => void
}

export type Handler = (ctx: Ctx) => Promise<void>
export type Route = { method: string; pattern: RegExp; keys: string[]; handler: Handler }

export function route(method: string, path: string, handler: Handler): Route {
  const keys: string[] = []
  const src = path.replace(/\{(\w+)\}/g, (_, k: string) => {
    keys.push(k)
    return '([^/]+)'
  })
  return { method, pattern: new RegExp(`^${src}/?$`), keys, handler }
}

/**
 * Every method on `prefix` and every path below it: for Auth's route groups whose middleware
 * answers before any route inside is matched (a feature that is off, a factor id that is not one).
 */
export function under(prefix: string, handler: Handler): Route {
  return { method: '*', pattern: new RegExp(`^${prefix}(?:/.*)?$`), keys: [], handler }
}

/** Auth's router (chi) answers a path it does not know with its plain-text 404. */
export function sendNotFound(res: ServerResponse) {
  res.writeHead(404, {
    'content-type': 'text/plain; charset=utf-8',
    'x-content-type-options': 'nosniff',
  })
  res.end('404 page not found\n')
}

/** …and a known path asked with another method with an empty 405. */
export function sendMethodNotAllowed(res: ServerResponse) {
  res.writeHead(405)
  res.end()
}

export async function readBody(req: IncomingMessage, limit = 1 << 20): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limit)
      throw new ApiError(
        413,
        'request_entity_too_large',
        `Request body too large (max ${limit} bytes)`,
      )
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** Parses a JSON object body as Go's json.Unmarshal would accept it; otherwise 400 bad_json. */
export function parseJsonBody(text: string): Row {
  if (text.trim() === '') return {}
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch (err) {
    throw badRequest('bad_json', `Could not parse request body as JSON: ${(err as Error).message}`)
  }
  if (v === null) return {}
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw badRequest(
      'bad_json',
      `Could not parse request body as JSON: json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v} into Go value of type object`,
    )
  }
  return v as Row
}

/** A string field: absent/null is '', any other non-string is Go's unmarshal error (bad_json). */
export function str(body: Row, key: string): string {
  const v = body[key]
  if (v === undefined || v === null) return ''
  if (typeof v !== 'string')
    throw badRequest(
      'bad_json',
      `Could not parse request body as JSON: json: cannot unmarshal ${typeof v} into Go struct field .${key} of type string`,
    )
  return v
}

/** An object field (metadata): absent/null is undefined, a non-object is bad_json. */
export function obj(body: Row, key: string): Row | undefined {
  const v = body[key]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw badRequest(
      'bad_json',
      `Could not parse request body as JSON: json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v} into Go struct field .${key} of type map[string]interface {}`,
    )
  }
  return v
}

export function makeCtx(cfg: AuthConfig, req: IncomingMessage, res: ServerResponse): Ctx {
  const url = new URL(req.url ?? '/', 'http://local')
  let cached: Promise<Row> | null = null
  return {
    cfg,
    req,
    res,
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    params: {},
    body: () => (cached ??= readBody(req).then(parseJsonBody)),
    json: (status, body, headers) => sendJson(res, status, body, headers),
    redirect: (status, location) => {
      res.writeHead(status, { location, 'content-type': 'text/html; charset=utf-8' })
      res.end(
        `<a href="${location.replace(/&/g, '&amp;').replace(/"/g, '&#34;')}">See Other</a>.\n\n`,
      )
    },
  }
}
