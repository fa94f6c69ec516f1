// SAML single sign-on against a real identity provider (SimpleSAMLphp, started by
// local-stack/idp.ts): the round trip POST /sso → the IdP's login form → the signed response at
// /sso/saml/acs → the redirect with a session (implicit and PKCE, through supabase-js too), the
// admin API /admin/sso/providers, and each refusal (a tampered or re-targeted assertion, an
// expired one, a replay, an unknown domain, SAML off), with Auth v2.189.0's codes.
import { createClient } from '@supabase/supabase-js'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultIdpUsers, idpMetadataUrl, setIdpUsers, startIdp } from '../../local-stack/idp.ts'
import {
  anonKey,
  apiUrl,
  auth,
  admin,
  authUrl,
  claims,
  expectError,
  sql,
  type Json,
} from './helpers'
import {
  idpMetadataXml,
  postToAcs,
  redirectParams,
  registerIdp,
  resign,
  signInAtIdp,
} from './saml-helpers'
import { startSecondAuth, type SecondAuth } from './second-auth'

const DOMAIN = 'acme.test'
const ALICE = { username: 'alice', password: 'alice-idp-pass', email: 'alice@acme.test' }

let provider: Json

beforeAll(async () => {
  await startIdp()
  provider = await registerIdp([DOMAIN])
}, 60_000)

/** IdP metadata with another entity ID (the test IdP's certificate), for providers that are not it. */
async function otherMetadata(
  entityId = `https://idp-${randomUUID().slice(0, 8)}.example/metadata`,
) {
  return (await idpMetadataXml()).replace(`entityID="${idpMetadataUrl}"`, `entityID="${entityId}"`)
}

/** POST /sso for the test domain, then alice's login at the IdP: the form it would post to the ACS. */
async function capture(body: Json = {}) {
  const s = await auth('/sso', { body: { domain: DOMAIN, skip_http_redirect: true, ...body } })
  expect(s.status, JSON.stringify(s.body)).toBe(200)
  return signInAtIdp(s.body.url, ALICE.username, ALICE.password)
}

function expectAcsError(r: { status: number; location: string }, code: string, error: string) {
  expect(r.status).toBe(303)
  const u = new URL(r.location)
  expect(u.hash).toBe('')
  expect({
    error: u.searchParams.get('error'),
    error_code: u.searchParams.get('error_code'),
  }).toEqual({ error, error_code: code })
  return u.searchParams.get('error_description') ?? ''
}

function expectSession(r: { status: number; location: string }) {
  expect(r.status, r.location).toBe(302)
  const p = redirectParams(r.location)
  expect(p.access_token, r.location).toBeTruthy()
  return p
}

describe('POST /sso and the round trip through the IdP', () => {
  it('answers {url}: the IdP’s SSO URL with a signed AuthnRequest and a relay state; without skip_http_redirect, a 303 there', async () => {
    const s = await auth('/sso', { body: { domain: DOMAIN, skip_http_redirect: true } })
    expect(s.status).toBe(200)
    expect(Object.keys(s.body)).toEqual(['url'])
    const u = new URL(s.body.url)
    expect(`${u.origin}${u.pathname}`).toBe(
      idpMetadataUrl.replace('metadata.php', 'SSOService.php'),
    )
    expect([...u.searchParams.keys()]).toEqual(['SAMLRequest', 'RelayState', 'SigAlg', 'Signature'])
    const relay = u.searchParams.get('RelayState')!
    const rows = await sql(
      `select r.request_id, r.sso_provider_id, f.authentication_method, f.code_challenge
         from auth.saml_relay_states r join auth.flow_state f on f.id = r.flow_state_id where r.id = $1`,
      [relay],
    )
    expect(rows).toEqual([
      {
        request_id: expect.stringMatching(/^id-[0-9a-f]{40}$/),
        sso_provider_id: provider.id,
        authentication_method: 'sso/saml',
        code_challenge: null,
      },
    ])
    const r = await auth('/sso', { body: { provider_id: provider.id } })
    expect(r.status).toBe(303)
    expect(r.headers.get('location')).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/saml2\/idp\/SSOService\.php\?SAMLRequest=/,
    )
  })

  it('signs the user in: a new SSO user (is_sso_user, identity sso:<id>, amr sso/saml with the provider), the same user next time', async () => {
    const form = await capture()
    const r = await postToAcs(form.fields)
    const p = expectSession(r)
    expect(r.location.startsWith(`${new URL(r.location).origin}`)).toBe(true)
    expect(Object.keys(p).sort()).toEqual(
      ['access_token', 'expires_at', 'expires_in', 'refresh_token', 'sb', 'token_type'].sort(),
    )
    const c = claims(p.access_token)
    expect(c.amr).toEqual([
      { method: 'sso/saml', timestamp: expect.any(Number), provider: provider.id },
    ])
    expect(c.app_metadata).toEqual({
      provider: `sso:${provider.id}`,
      providers: [`sso:${provider.id}`],
    })
    expect(c.email).toBe(ALICE.email)
    const user = await auth('/user', { token: p.access_token })
    expect(user.status).toBe(200)
    expect(user.body.identities).toEqual([
      expect.objectContaining({
        id: 'idp-alice',
        provider: `sso:${provider.id}`,
        email: ALICE.email,
        identity_data: expect.objectContaining({
          iss: idpMetadataUrl,
          sub: 'idp-alice',
          email: ALICE.email,
          email_verified: true,
        }),
      }),
    ])
    expect(user.body.email_confirmed_at).toBeTruthy()
    const [row] = await sql<{ is_sso_user: boolean; not_after: string | null }>(
      `select u.is_sso_user, s.not_after from auth.users u join auth.sessions s on s.user_id = u.id
        where s.id = $1`,
      [c.session_id],
    )
    expect(row!.is_sso_user).toBe(true)
    // The session ends when the IdP's session does (SessionNotOnOrAfter).
    expect(row!.not_after).not.toBeNull()
    // Refreshing keeps the sso/saml entry.
    const refreshed = await auth('/token?grant_type=refresh_token', {
      body: { refresh_token: p.refresh_token },
    })
    expect(claims(refreshed.body.access_token).amr[0]).toMatchObject({
      method: 'sso/saml',
      provider: provider.id,
    })
    const again = expectSession(await postToAcs((await capture()).fields))
    expect(claims(again.access_token).sub).toBe(c.sub)
  })

  it('the attribute mapping fills identity_data (name, custom claims such as groups)', async () => {
    const mapped = await admin(`/admin/sso/providers/${provider.id}`, {
      method: 'PUT',
      body: {
        attribute_mapping: {
          keys: {
            email: { name: 'email' },
            name: { name: 'name' },
            groups: { name: 'groups', array: true },
            department: { name: 'department', default: 'none' },
          },
        },
      },
    })
    expect(mapped.status).toBe(200)
    try {
      const p = expectSession(await postToAcs((await capture()).fields))
      expect(claims(p.access_token).user_metadata).toMatchObject({
        name: 'Alice Example',
        custom_claims: { groups: ['staff', 'it'], department: 'none' },
      })
    } finally {
      await admin(`/admin/sso/providers/${provider.id}`, {
        method: 'PUT',
        body: { attribute_mapping: { keys: {} } },
      })
    }
  })

  it('redirects to an allowed redirect_to, and to the site URL instead of one that is not allowed', async () => {
    const allowed = `http://127.0.0.1:${new URL(apiUrl).port}/after-sso`
    const ok = await postToAcs((await capture({ redirect_to: allowed })).fields)
    expect(ok.location.split('#')[0]).toBe(allowed)
    const evil = await postToAcs((await capture({ redirect_to: 'https://evil.example/x' })).fields)
    expect(evil.location.startsWith('https://evil.example')).toBe(false)
    expectSession(evil)
  })

  it('PKCE through supabase-js: signInWithSSO, the IdP, ?code= at redirect_to, exchangeCodeForSession; the code works once', async () => {
    const store = new Map<string, string>()
    const client = createClient(apiUrl, anonKey, {
      auth: {
        flowType: 'pkce',
        persistSession: true,
        autoRefreshToken: false,
        detectSessionInUrl: false,
        storage: {
          getItem: (k) => store.get(k) ?? null,
          setItem: (k, v) => void store.set(k, v),
          removeItem: (k) => void store.delete(k),
        },
      },
    })
    const redirectTo = `http://127.0.0.1:${new URL(apiUrl).port}/sso-callback`
    const { data, error } = await client.auth.signInWithSSO({
      domain: DOMAIN,
      options: { redirectTo, skipBrowserRedirect: true },
    })
    expect(error).toBeNull()
    const form = await signInAtIdp(data!.url, ALICE.username, ALICE.password)
    const r = await postToAcs(form.fields)
    expect(r.status).toBe(302)
    const back = new URL(r.location)
    expect(`${back.origin}${back.pathname}`).toBe(redirectTo)
    expect(back.hash).toBe('')
    const code = back.searchParams.get('code')!
    expect(code).toMatch(/^[0-9a-f-]{36}$/)
    const ex = await client.auth.exchangeCodeForSession(code)
    expect(ex.error).toBeNull()
    expect(ex.data.session!.user.email).toBe(ALICE.email)
    expect(claims(ex.data.session!.access_token).amr[0]).toMatchObject({ method: 'sso/saml' })
    const twice = await auth('/token?grant_type=pkce', {
      body: { auth_code: code, code_verifier: 'x'.repeat(43) },
    })
    expectError(twice, 404, 'flow_state_not_found')
  })

  it('PKCE: a wrong code verifier is 400 bad_code_verifier', async () => {
    const challenge = 'A'.repeat(43)
    const form = await capture({ code_challenge: challenge, code_challenge_method: 's256' })
    const r = await postToAcs(form.fields)
    const code = new URL(r.location).searchParams.get('code')!
    const bad = await auth('/token?grant_type=pkce', {
      body: { auth_code: code, code_verifier: 'B'.repeat(43) },
    })
    expectError(bad, 400, 'bad_code_verifier')
  })
})

describe('refused', () => {
  it('an unknown domain or provider is 404 sso_provider_not_found; neither or both is 400 validation_failed', async () => {
    const d = await auth('/sso', { api: true, body: { domain: 'nobody.test' } })
    expectError(d, 404, 'sso_provider_not_found', true)
    expect(d.body.message).toBe('No SSO provider assigned for this domain')
    const id = await auth('/sso', { body: { provider_id: randomUUID() } })
    expectError(id, 404, 'sso_provider_not_found')
    expect(id.body.msg).toBe('No such SSO provider')
    expectError(await auth('/sso', { body: {} }), 400, 'validation_failed')
    expectError(
      await auth('/sso', { body: { domain: DOMAIN, provider_id: provider.id } }),
      400,
      'validation_failed',
    )
    expectError(
      await auth('/sso', {
        body: { domain: DOMAIN, code_challenge: 'short', code_challenge_method: 's256' },
      }),
      400,
      'validation_failed',
    )
    const { error } = await createClient(apiUrl, anonKey, {
      auth: { persistSession: false },
    }).auth.signInWithSSO({ domain: 'nobody.test' })
    expect({ status: error?.status, code: error?.code }).toEqual({
      status: 404,
      code: 'sso_provider_not_found',
    })
  })

  it('a disabled provider is 404 sso_provider_disabled', async () => {
    await admin(`/admin/sso/providers/${provider.id}`, { method: 'PUT', body: { disabled: true } })
    try {
      expectError(await auth('/sso', { body: { domain: DOMAIN } }), 404, 'sso_provider_disabled')
    } finally {
      await admin(`/admin/sso/providers/${provider.id}`, {
        method: 'PUT',
        body: { disabled: false },
      })
    }
  })

  it('a tampered assertion (another email, signatures kept) is validation_failed, and nobody is signed in', async () => {
    const form = await capture()
    const xml = Buffer.from(form.fields.SAMLResponse!, 'base64').toString('utf8')
    const forged = xml.replaceAll(ALICE.email, 'mallory@acme.test')
    expect(forged).not.toBe(xml)
    const r = await postToAcs({
      ...form.fields,
      SAMLResponse: Buffer.from(forged).toString('base64'),
    })
    expect(expectAcsError(r, 'validation_failed', 'invalid_request')).toMatch(
      /^SAML Assertion is not valid /,
    )
    expect(await sql(`select 1 from auth.users where email = 'mallory@acme.test'`)).toEqual([])
  })

  it('re-signed with the IdP’s key and unchanged, an assertion is accepted (the control for the next two)', async () => {
    const form = await capture()
    expectSession(
      await postToAcs({
        ...form.fields,
        SAMLResponse: resign(form.fields.SAMLResponse!, (a) => a),
      }),
    )
  })

  it('a wrong audience (an assertion for another service provider, validly signed) is validation_failed', async () => {
    const form = await capture()
    const other = resign(form.fields.SAMLResponse!, (a) =>
      a.replace(
        /<saml:Audience>[^<]*<\/saml:Audience>/,
        '<saml:Audience>https://other-sp.example/metadata</saml:Audience>',
      ),
    )
    expectAcsError(
      await postToAcs({ ...form.fields, SAMLResponse: other }),
      'validation_failed',
      'invalid_request',
    )
  })

  it('an expired assertion (validly signed, issued and valid until 10 minutes ago) is validation_failed', async () => {
    const form = await capture()
    const past = (iso: string) =>
      new Date(Date.parse(iso) - 10 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z')
    const old = resign(form.fields.SAMLResponse!, (a) =>
      a.replace(
        /(IssueInstant|NotBefore|NotOnOrAfter)="([^"]+)"/g,
        (_, k: string, v: string) => `${k}="${past(v)}"`,
      ),
    )
    expectAcsError(
      await postToAcs({ ...form.fields, SAMLResponse: old }),
      'validation_failed',
      'invalid_request',
    )
  })

  it('a response replayed with its RelayState is saml_relay_state_not_found (a relay state works once)', async () => {
    const form = await capture()
    expectSession(await postToAcs(form.fields))
    expectAcsError(await postToAcs(form.fields), 'saml_relay_state_not_found', 'server_error')
  })

  it('a response re-posted without its RelayState is taken as IdP-initiated, as the real Auth does, while the assertion is fresh (90 s)', async () => {
    const form = await capture()
    expectSession(await postToAcs(form.fields))
    expectSession(await postToAcs({ SAMLResponse: form.fields.SAMLResponse! }))
    const stale = resign(form.fields.SAMLResponse!, (a) =>
      a.replace(
        /IssueInstant="([^"]+)"/,
        (_m, v: string) =>
          `IssueInstant="${new Date(Date.parse(v) - 100_000).toISOString().replace(/\.\d+Z$/, 'Z')}"`,
      ),
    )
    expectAcsError(await postToAcs({ SAMLResponse: stale }), 'validation_failed', 'invalid_request')
  })

  it('a response for another provider’s sign-in (its relay state) is validation_failed', async () => {
    const other = await admin('/admin/sso/providers', {
      body: {
        type: 'saml',
        metadata_xml: await otherMetadata(),
        domains: [`other-${randomUUID().slice(0, 6)}.test`],
      },
    })
    expect(other.status).toBe(201)
    try {
      const theirs = await auth('/sso', {
        body: { provider_id: other.body.id, skip_http_redirect: true },
      })
      const relay = new URL(theirs.body.url).searchParams.get('RelayState')!
      const ours = await capture()
      expectAcsError(
        await postToAcs({ SAMLResponse: ours.fields.SAMLResponse!, RelayState: relay }),
        'validation_failed',
        'invalid_request',
      )
    } finally {
      await admin(`/admin/sso/providers/${other.body.id}`, { method: 'DELETE' })
    }
  })

  it('a relay state that is not a UUID or URL is validation_failed; an unknown one saml_relay_state_not_found', async () => {
    expectAcsError(
      await postToAcs({ SAMLResponse: 'x', RelayState: 'not a uuid' }),
      'validation_failed',
      'invalid_request',
    )
    expectAcsError(
      await postToAcs({ SAMLResponse: 'x', RelayState: randomUUID() }),
      'saml_relay_state_not_found',
      'server_error',
    )
  })
})

describe('at the IdP', () => {
  it('a user removed from the IdP’s users can no longer get a response (the leaver); back, they can', async () => {
    const s = await auth('/sso', { body: { domain: DOMAIN, skip_http_redirect: true } })
    setIdpUsers(defaultIdpUsers().filter((u) => u.username !== ALICE.username))
    try {
      await expect(signInAtIdp(s.body.url, ALICE.username, ALICE.password)).rejects.toThrow(
        /did not answer with a SAML response/,
      )
    } finally {
      setIdpUsers(defaultIdpUsers())
    }
    expectSession(await postToAcs((await capture()).fields))
  })
})

describe('with other settings (a second Auth)', () => {
  let off: SecondAuth
  let shortRelay: SecondAuth
  beforeAll(async () => {
    ;[off, shortRelay] = await Promise.all([
      startSecondAuth({ GOTRUE_SAML_ENABLED: 'false' }),
      startSecondAuth({ GOTRUE_SAML_RELAY_STATE_VALIDITY_PERIOD: '1s' }),
    ])
  }, 60_000)
  afterAll(async () => {
    await Promise.all([off?.stop(), shortRelay?.stop()])
  })

  it('SAML off: every /sso path is 404 saml_provider_disabled; the admin API still answers (as v2.189.0’s)', async () => {
    for (const api of [false, true]) {
      const r = await auth('/sso', { base: off.url, api, body: { domain: DOMAIN } })
      expectError(r, 404, 'saml_provider_disabled', api)
      expect(api ? r.body.message : r.body.msg).toBe('SAML 2.0 is disabled')
    }
    expectError(await auth('/sso/saml/metadata', { base: off.url }), 404, 'saml_provider_disabled')
    expectError(
      await auth('/sso/saml/acs', { base: off.url, body: {} }),
      404,
      'saml_provider_disabled',
    )
    expect((await auth('/settings', { base: off.url })).body.saml_enabled).toBe(false)
    expect((await admin('/admin/sso/providers', { base: off.url })).status).toBe(200)
  })

  it('a relay state older than its validity period is 422 saml_relay_state_expired', async () => {
    const s = await auth('/sso', {
      base: shortRelay.url,
      body: { domain: DOMAIN, skip_http_redirect: true },
    })
    const form = await signInAtIdp(s.body.url, ALICE.username, ALICE.password)
    await new Promise((r) => setTimeout(r, 1100))
    expectAcsError(
      await postToAcs(form.fields, `${shortRelay.url}/sso/saml/acs`),
      'saml_relay_state_expired',
      'server_error',
    )
  })
})

describe('GET /sso/saml/metadata', () => {
  it('is the SP metadata: entity ID <API_EXTERNAL_URL>/sso/saml/metadata, ACS /sso/saml/acs, a signing key; no API key needed', async () => {
    const res = await fetch(`${authUrl}/sso/saml/metadata`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/xml')
    const xml = await res.text()
    expect(xml).toContain(`entityID="${authUrl}/sso/saml/metadata"`)
    expect(xml).toContain(
      `<AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${authUrl}/sso/saml/acs" index="1">`,
    )
    expect(xml).toMatch(/<KeyDescriptor use="signing">/)
    expect(xml).not.toMatch(/use="encryption"/)
    const dl = await fetch(`${authUrl}/sso/saml/metadata?download=true`)
    expect(dl.headers.get('content-disposition')).toBe('attachment; filename="metadata.xml"')
  })
})

describe('the admin API /admin/sso/providers', () => {
  it('creates, lists (without metadata_xml), gets (by id or resource_<id>), updates and deletes a provider', async () => {
    const resource = `res-${randomUUID().slice(0, 8)}`
    const xml = await otherMetadata()
    const domain = `crud-${randomUUID().slice(0, 6)}.test`
    const c = await admin('/admin/sso/providers', {
      body: {
        type: 'saml',
        metadata_xml: xml,
        domains: [domain],
        resource_id: resource,
        attribute_mapping: { keys: { email: { name: 'mail' } } },
      },
    })
    expect(c.status).toBe(201)
    expect(Object.keys(c.body)).toEqual([
      'id',
      'resource_id',
      'disabled',
      'saml',
      'domains',
      'created_at',
      'updated_at',
    ])
    expect(c.body).toMatchObject({
      resource_id: resource,
      disabled: null,
      saml: {
        entity_id: expect.stringMatching(/^https:\/\/idp-/),
        metadata_xml: xml,
        attribute_mapping: { keys: { email: { name: 'mail' } } },
      },
      domains: [{ domain }],
    })
    const id = c.body.id as string
    try {
      const list = await admin('/admin/sso/providers')
      const mine = list.body.items.find((p: Json) => p.id === id)
      expect(mine.saml.metadata_xml).toBeUndefined()
      const filtered = await admin(`/admin/sso/providers?resource_id=${resource}`)
      expect(filtered.body.items.map((p: Json) => p.id)).toEqual([id])
      expect((await admin(`/admin/sso/providers/${id}`)).body).toEqual(c.body)
      expect((await admin(`/admin/sso/providers/resource_${resource}`)).body.id).toBe(id)
      const u = await admin(`/admin/sso/providers/${id}`, {
        method: 'PUT',
        body: { domains: [domain, `b-${domain}`], disabled: true },
      })
      expect(u.status).toBe(200)
      expect(u.body.domains).toEqual([{ domain }, { domain: `b-${domain}` }])
      expect(u.body.disabled).toBe(true)
      expect(u.body.saml.attribute_mapping).toEqual({ keys: { email: { name: 'mail' } } })
      const mismatch = await admin(`/admin/sso/providers/${id}`, {
        method: 'PUT',
        body: { metadata_xml: await otherMetadata() },
      })
      expectError(mismatch, 400, 'saml_entity_id_mismatch')
      const d = await admin(`/admin/sso/providers/${id}`, { method: 'DELETE' })
      expect(d.status).toBe(200)
      expect(d.body.id).toBe(id)
      expectError(await admin(`/admin/sso/providers/${id}`), 404, 'sso_provider_not_found')
      expect(await sql(`select 1 from auth.sso_domains where domain = $1`, [domain])).toEqual([])
    } finally {
      await admin(`/admin/sso/providers/${id}`, { method: 'DELETE' })
    }
  })

  it('refuses bad input with Auth’s codes', async () => {
    const xml = await otherMetadata()
    const create = (body: Json) => admin('/admin/sso/providers', { body })
    expectError(await create({ type: 'oidc', metadata_xml: xml }), 400, 'validation_failed')
    expectError(await create({ type: 'saml' }), 400, 'validation_failed')
    expectError(
      await create({ type: 'saml', metadata_xml: xml, metadata_url: 'https://x.example/m' }),
      400,
      'validation_failed',
    )
    const http = await create({ type: 'saml', metadata_url: 'http://127.0.0.1/metadata' })
    expectError(http, 400, 'validation_failed')
    expect(http.body.msg).toBe('metadata_url is not a HTTPS URL')
    expectError(
      await create({ type: 'saml', metadata_xml: xml, name_id_format: 'nope' }),
      400,
      'validation_failed',
    )
    // Metadata that is not XML is a plain error in Auth: 500, whatever the product sends.
    expectError(await create({ type: 'saml', metadata_xml: '<not xml' }), 500, 'unexpected_failure')
    const noIdp = xml.replace(/IDPSSODescriptor/g, 'SPSSODescriptor')
    expectError(await create({ type: 'saml', metadata_xml: noIdp }), 400, 'validation_failed')
    const dupEntity = await create({ type: 'saml', metadata_xml: await idpMetadataXml() })
    expectError(dupEntity, 422, 'saml_idp_already_exists')
    const dupDomain = await create({ type: 'saml', metadata_xml: xml, domains: [DOMAIN] })
    expectError(dupDomain, 400, 'sso_domain_already_exists')
    expectError(await admin('/admin/sso/providers/not-a-uuid'), 404, 'sso_provider_not_found')
    expectError(await admin(`/admin/sso/providers/${randomUUID()}`), 404, 'sso_provider_not_found')
    const anon = await auth('/admin/sso/providers', { token: anonKey })
    expectError(anon, 403, 'not_admin')
  })
})
