// The browser's part of a SAML sign-in, done with fetch: following the IdP's redirects with its
// cookies, filling SimpleSAMLphp's login form, and reading the auto-submitted form that carries the
// signed response to Auth's ACS. Also: registering the test IdP with Auth's admin API, and
// re-signing a captured assertion with the IdP's key (xml-crypto) to build responses that are
// validly signed but wrong in one respect (audience, expiry).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { SignedXml } from 'xml-crypto'
import { root } from '../../local-stack/config.ts'
import { idpMetadataUrl, startIdp } from '../../local-stack/idp.ts'
import { admin, authUrl, type Json } from './helpers'

export type PostedForm = { action: string; fields: Record<string, string> }

const decode = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#0*39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')

/** The first <form> of a page: its action (resolved against the page) and its inputs' values. */
export function readForm(html: string, pageUrl: string): PostedForm | null {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html)
  if (!form) return null
  const action = decode(/\baction="([^"]*)"/i.exec(form[1]!)?.[1] ?? '')
  const fields: Record<string, string> = {}
  for (const m of form[2]!.matchAll(/<input\b([^>]*)>/gi)) {
    const name = /\bname="([^"]*)"/i.exec(m[1]!)?.[1]
    if (!name) continue
    fields[decode(name)] = decode(/\bvalue="([^"]*)"/i.exec(m[1]!)?.[1] ?? '')
  }
  return { action: new URL(action || pageUrl, pageUrl).toString(), fields }
}

/** A browser's cookie jar for one host, enough for SimpleSAMLphp's session. */
class Browser {
  cookies = new Map<string, string>()
  async go(url: string, init: { method?: string; form?: Record<string, string> } = {}) {
    let current = url
    let method = init.method ?? 'GET'
    let body: string | undefined = init.form ? new URLSearchParams(init.form).toString() : undefined
    for (let hop = 0; hop < 10; hop++) {
      const headers: Record<string, string> = {}
      if (this.cookies.size)
        headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
      if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded'
      const res = await fetch(current, { method, headers, body, redirect: 'manual' })
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';')
        const i = pair!.indexOf('=')
        this.cookies.set(pair!.slice(0, i).trim(), pair!.slice(i + 1).trim())
      }
      const location = res.headers.get('location')
      if (res.status >= 300 && res.status < 400 && location) {
        current = new URL(location, current).toString()
        method = 'GET'
        body = undefined
        continue
      }
      return { url: current, status: res.status, html: await res.text() }
    }
    throw new Error(`too many redirects from ${url}`)
  }
}

/**
 * Opens Auth's redirect to the IdP (the `url` of POST /sso), signs in on SimpleSAMLphp's login
 * form and returns the form the IdP would post to Auth's ACS (SAMLResponse, RelayState), unsent.
 */
export async function signInAtIdp(ssoUrl: string, username: string, password: string) {
  const browser = new Browser()
  const page = await browser.go(ssoUrl)
  const login = readForm(page.html, page.url)
  if (!login || !('username' in login.fields))
    throw new Error(`no login form at ${page.url} (${page.status}): ${page.html.slice(0, 300)}`)
  const after = await browser.go(login.action, {
    method: 'POST',
    form: { ...login.fields, username, password },
  })
  const posted = readForm(after.html, after.url)
  if (!posted?.fields.SAMLResponse)
    throw new Error(
      `the IdP did not answer with a SAML response (${after.status} at ${after.url}): ${after.html
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .slice(0, 300)}`,
    )
  return posted
}

/** Posts a SAML response form to Auth's ACS as the browser would (no API key); the redirect it answers. */
export async function postToAcs(fields: Record<string, string>, acs = `${authUrl}/sso/saml/acs`) {
  const res = await fetch(acs, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  })
  await res.text()
  return { status: res.status, location: res.headers.get('location') ?? '' }
}

/** The tokens in a redirect's fragment, or its query's error, as an object. */
export function redirectParams(location: string): Json {
  const u = new URL(location)
  const out: Json = Object.fromEntries(new URLSearchParams(u.hash.slice(1)))
  for (const [k, v] of u.searchParams) out[k] = v
  return out
}

export async function idpMetadataXml(): Promise<string> {
  await startIdp()
  const res = await fetch(idpMetadataUrl)
  if (!res.ok) throw new Error(`IdP metadata: ${res.status}`)
  return res.text()
}

/** Registers the test IdP with Auth for `domains` (replacing a provider of the same entity ID). */
export async function registerIdp(domains: string[], extra: Json = {}) {
  const metadata_xml = await idpMetadataXml()
  const list = await admin('/admin/sso/providers')
  for (const p of list.body.items ?? [])
    if (p.saml?.entity_id === idpMetadataUrl)
      await admin(`/admin/sso/providers/${p.id}`, { method: 'DELETE' })
  const r = await admin('/admin/sso/providers', {
    body: { type: 'saml', metadata_xml, domains, ...extra },
  })
  if (r.status !== 201)
    throw new Error(`registering the IdP: ${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}

const idpKey = () => readFileSync(join(root, 'local-stack', 'idp', 'cert', 'idp.key'), 'utf8')

/**
 * A response with its assertion changed by `edit` (on the XML text) and signed again with the
 * IdP's key, the Response's own signature dropped (an assertion-only signature is valid SAML).
 */
export function resign(samlResponse: string, edit: (assertionXml: string) => string): string {
  const xml = Buffer.from(samlResponse, 'base64').toString('utf8')
  const m = /<saml:Assertion\b[\s\S]*<\/saml:Assertion>/.exec(xml)
  if (!m) throw new Error('no saml:Assertion in the response')
  const unsigned = edit(m[0].replace(/<ds:Signature\b[\s\S]*?<\/ds:Signature>/, ''))
  const sig = new SignedXml({
    privateKey: idpKey(),
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  })
  sig.addReference({
    xpath: "/*[local-name(.)='Assertion']",
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    transforms: [
      'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
      'http://www.w3.org/2001/10/xml-exc-c14n#',
    ],
  })
  // The assertion is signed on its own, in the context of its namespace declarations.
  const standalone = unsigned.replace(
    /^<saml:Assertion\b/,
    '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"',
  )
  const dedup = standalone.replace(
    /(xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion")([^>]*?)\s+xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"/,
    '$1$2',
  )
  sig.computeSignature(dedup, {
    location: {
      reference: "/*[local-name(.)='Assertion']/*[local-name(.)='Issuer']",
      action: 'after',
    },
  })
  const response = xml
    .replace(
      /(<samlp:Response\b[\s\S]*?<\/saml:Issuer>)\s*<ds:Signature\b[\s\S]*?<\/ds:Signature>/,
      '$1',
    )
    .replace(m[0], sig.getSignedXml())
  return Buffer.from(response, 'utf8').toString('base64')
}
