// Errors in Supabase Auth's two wire forms. Clients that send `X-Supabase-Api-Version: 2024-01-01`
// (supabase-js does) get `{code: <error_code>, message}` and the version echoed in a response header;
// others get the legacy `{code: <http status>, error_code, msg}`. OAuth-style errors are `{error, error_description}`.
import type { IncomingMessage, ServerResponse } from 'node:http'

export const API_VERSION_HEADER = 'x-supabase-api-version'

export class ApiError extends Error {
  status: number
  code: string
  extra: Record<string, unknown> | undefined
  constructor(status: number, code: string, message: string, extra?: Record<string, unknown>) {
    super(message)
    this.status = status
    this.code = code
    this.extra = extra
  }
}

/** `{error, error_description}` with status 400, as Auth's OAuthError. */
export class OAuthError extends Error {
  error: string
  constructor(error: string, description: string) {
    super(description)
    this.error = error
  }
}

export const badRequest = (code: string, msg: string) => new ApiError(400, code, msg)
export const unauthorized = (code: string, msg: string) => new ApiError(401, code, msg)
export const forbidden = (code: string, msg: string) => new ApiError(403, code, msg)
export const notFound = (code: string, msg: string) => new ApiError(404, code, msg)
export const unprocessable = (code: string, msg: string) => new ApiError(422, code, msg)
export const tooMany = (code: string, msg: string) => new ApiError(429, code, msg)
export const internal = (msg: string) => new ApiError(500, 'unexpected_failure', msg)

export function weakPassword(message: string, reasons: string[]): ApiError {
  return new ApiError(422, 'weak_password', message, { weak_password: { reasons } })
}

/** True when the client asked for the 2024-01-01 API version (or later). */
export function wantsNewApi(req: IncomingMessage): boolean {
  const v = req.headers[API_VERSION_HEADER]
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false
  return Date.parse(`${v}T00:00:00Z`) >= Date.parse('2024-01-01T00:00:00Z')
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  })
  res.end(text)
}

export function sendError(req: IncomingMessage, res: ServerResponse, err: unknown) {
  if (err instanceof OAuthError)
    return sendJson(
      res,
      400,
      { error: err.error, error_description: err.message },
      wantsNewApi(req) ? { 'x-supabase-api-version': '2024-01-01' } : {},
    )
  const e = err instanceof ApiError ? err : null
  if (!e) console.error('auth: unhandled error', err)
  const status = e?.status ?? 500
  const code = e?.code ?? 'unexpected_failure'
  const message = e?.message ?? 'Unexpected failure, please check server logs for more information'
  if (wantsNewApi(req)) {
    return sendJson(
      res,
      status,
      { code, message, ...(e?.extra ?? {}) },
      { 'x-supabase-api-version': '2024-01-01', 'x-sb-error-code': code },
    )
  }
  return sendJson(
    res,
    status,
    { code: status, error_code: code, msg: message, ...(e?.extra ?? {}) },
    { 'x-sb-error-code': code },
  )
}
