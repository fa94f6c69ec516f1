// Supabase Auth's admin API for SAML providers (v2.189.0, internal/api/ssoadmin.go), called
// with the project's secret key, which only this server-side code holds:
//   POST   /admin/sso/providers        {type: "saml", metadata_xml | metadata_url, domains, attribute_mapping}
//   PUT    /admin/sso/providers/{id}   the same fields, each optional (domains: the full list)
//   DELETE /admin/sso/providers/{id}
// Answers are the provider ({id, disabled, saml: {entity_id, ...}, domains: [{domain}]}) or an
// error {code, message} (X-Supabase-Api-Version 2024-01-01).

export interface AuthProvider {
  id: string
  disabled?: boolean | null
  saml?: { entity_id?: string; metadata_url?: string }
  domains?: { domain: string }[] | null
}

export interface AttributeMapping {
  keys?: Record<string, { name?: string; names?: string[]; default?: unknown; array?: boolean }>
}

export interface ProviderFields {
  metadata_xml?: string
  metadata_url?: string
  domains?: string[]
  attribute_mapping?: AttributeMapping
  disabled?: boolean
}

export class AuthAdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** The secret key as Supabase gives it to functions (the new keys first, the legacy one else). */
export function secretKey(): string | null {
  try {
    const keys = JSON.parse(Deno.env.get('SUPABASE_SECRET_KEYS') ?? '{}') as Record<string, string>
    if (keys.default) return keys.default
  } catch {
    /* fall through to the legacy key */
  }
  return Deno.env.get('SUPABASE_SERVICE_ROLE_KEY') ?? null
}

export function authAdmin(baseUrl: string, key: string) {
  const root = `${baseUrl.replace(/\/+$/, '')}/auth/v1/admin/sso/providers`
  async function call<T>(method: string, path: string, body?: unknown): Promise<T | null> {
    const res = await fetch(`${root}${path}`, {
      method,
      headers: {
        apikey: key,
        Authorization: `Bearer ${key}`,
        'Content-Type': 'application/json',
        'X-Supabase-Api-Version': '2024-01-01',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    let parsed: Record<string, unknown> = {}
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {}
    } catch {
      /* chi's plain-text 404 for an Auth without the route */
    }
    if (!res.ok) {
      const code = String(
        parsed.code ?? parsed.error_code ?? (res.status === 404 ? 'not_found' : 'auth_error'),
      )
      const message = String(parsed.message ?? parsed.msg ?? (text.slice(0, 200) || res.statusText))
      throw new AuthAdminError(res.status, code, message)
    }
    return (text ? parsed : null) as T | null
  }
  return {
    create: (fields: ProviderFields) =>
      call<AuthProvider>('POST', '', { type: 'saml', ...fields }) as Promise<AuthProvider>,
    update: (id: string, fields: ProviderFields) =>
      call<AuthProvider>('PUT', `/${encodeURIComponent(id)}`, fields) as Promise<AuthProvider>,
    remove: async (id: string) => {
      try {
        await call('DELETE', `/${encodeURIComponent(id)}`)
      } catch (err) {
        // Already gone is what we wanted.
        if (!(
          err instanceof AuthAdminError &&
          err.status === 404 &&
          err.code === 'sso_provider_not_found'
        ))
          throw err
      }
    },
  }
}

export type AuthAdmin = ReturnType<typeof authAdmin>
