// SAML 2.0 for the local Auth, as Supabase Auth v2.189.0 is a service provider (its crewjam/saml
// setup in internal/api/saml.go): the SP's key and certificate, its metadata, the identity
// provider's metadata, the signed AuthnRequest (HTTP-Redirect) and the checks on a response.
// Signatures, canonicalisation and the assertion's conditions are @node-saml/node-saml's (with
// xml-crypto); this file only reads metadata and adds the checks crewjam makes that node-saml does
// not (issue instants within 90 s, the issuer, the Recipient and Destination).
import { SAML, ValidateInResponseTo, type CacheProvider } from '@node-saml/node-saml'
import { execFileSync } from 'node:child_process'
import { createHash, createPrivateKey, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import xml2js from 'xml2js'
import { stateDir } from '../config.ts'
import type { AuthConfig } from './config.ts'
import type { Row } from './db.ts'
import { badRequest } from './errors.ts'

export const NAMEID = {
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  email: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  transient: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
  unspecified: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
}
const BINDING = {
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
  artifact: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact',
}
const MD = 'urn:oasis:names:tc:SAML:2.0:metadata'
const DS = 'http://www.w3.org/2000/09/xmldsig#'

// crewjam/saml's MaxIssueDelay and MaxClockSkew.
const MAX_ISSUE_DELAY_MS = 90_000
const MAX_CLOCK_SKEW_MS = 180_000

/** Auth's SAMLConfiguration.Validate: base64 of a PKCS#1 DER RSA key, e = 65537, at least 2048 bits. */
export function parseSamlKey(b64: string): string {
  let der: Buffer
  try {
    der = Buffer.from(b64, 'base64')
  } catch {
    throw new Error('SAML private key not in standard Base64 format')
  }
  let key
  try {
    key = createPrivateKey({ key: der, format: 'der', type: 'pkcs1' })
  } catch {
    throw new Error('SAML private key not in PKCS#1 format')
  }
  const d = key.asymmetricKeyDetails
  if (d?.publicExponent !== 65537n)
    throw new Error('SAML private key should use the 65537 (0x10001) RSA public exponent')
  if ((d.modulusLength ?? 0) < 2048) throw new Error('SAML private key must be at least RSA 2048')
  return key.export({ format: 'pem', type: 'pkcs1' }).toString()
}

export type SpKeys = { keyPem: string; certPem: string; certB64: string }

/**
 * The SP certificate: a self-signed vessel for the public key, like Auth's (CN "SAML 2.0
 * Certificate for <host>", DNS name _samlsp.<host>, digitalSignature), made by openssl once per
 * key and host and kept in the stack's state folder so the metadata stays the same across restarts.
 */
export function spKeys(cfg: AuthConfig): SpKeys {
  const keyPem = parseSamlKey(cfg.saml.privateKey)
  const host = new URL(cfg.externalUrl).hostname
  const tag = createHash('sha256').update(keyPem).update(host).digest('hex').slice(0, 16)
  const dir = join(stateDir, 'auth')
  const file = join(dir, `saml-sp-cert-${tag}.pem`)
  let certPem: string
  if (existsSync(file)) certPem = readFileSync(file, 'utf8')
  else {
    mkdirSync(dir, { recursive: true })
    const keyFile = join(dir, `saml-sp-key-${process.pid}.pem`)
    writeFileSync(keyFile, keyPem, { mode: 0o600 })
    try {
      certPem = execFileSync(
        'openssl',
        [
          'req',
          '-new',
          '-x509',
          '-key',
          keyFile,
          '-subj',
          `/CN=SAML 2.0 Certificate for ${host}`,
          '-days',
          '73000',
          '-set_serial',
          '0',
          '-addext',
          `subjectAltName=DNS:_samlsp.${host}`,
          '-addext',
          'keyUsage=critical,digitalSignature',
          '-addext',
          'basicConstraints=CA:FALSE',
        ],
        { encoding: 'utf8' },
      )
    } finally {
      rmSync(keyFile, { force: true })
    }
    writeFileSync(file, certPem)
  }
  const certB64 = certPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')
  return { keyPem, certPem, certB64 }
}

export function spUrls(cfg: AuthConfig) {
  const base = `${cfg.externalUrl.replace(/\/$/, '')}/sso/`
  return {
    entityId: `${base}saml/metadata`,
    acs: `${base}saml/acs`,
    slo: `${base}saml/slo`,
  }
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;')

/** Go's time.Time in XML (RFC 3339 with nanoseconds trimmed). */
function goTime(d: Date): string {
  return d.toISOString().replace(/\.000Z$/, 'Z')
}

/**
 * The SP metadata Auth serves at /sso/saml/metadata: crewjam's Metadata() with Auth's edits (no
 * AuthnRequestsSigned, the email and persistent NameID formats, only the signing key).
 */
export function spMetadata(cfg: AuthConfig, validFor: number): string {
  const u = spUrls(cfg)
  const { certB64 } = spKeys(cfg)
  const until = goTime(new Date(Date.now() + validFor))
  return (
    `<EntityDescriptor xmlns="${MD}" validUntil="${until}" entityID="${esc(u.entityId)}">` +
    `<SPSSODescriptor xmlns="${MD}" validUntil="${until}" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" WantAssertionsSigned="true">` +
    `<KeyDescriptor use="signing"><KeyInfo xmlns="${DS}"><X509Data xmlns="${DS}"><X509Certificate xmlns="${DS}">${certB64}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>` +
    `<SingleLogoutService Binding="${BINDING.post}" Location="${esc(u.slo)}" ResponseLocation="${esc(u.slo)}"></SingleLogoutService>` +
    `<NameIDFormat>${NAMEID.email}</NameIDFormat><NameIDFormat>${NAMEID.persistent}</NameIDFormat>` +
    `<AssertionConsumerService Binding="${BINDING.post}" Location="${esc(u.acs)}" index="1"></AssertionConsumerService>` +
    `<AssertionConsumerService Binding="${BINDING.artifact}" Location="${esc(u.acs)}" index="2"></AssertionConsumerService>` +
    `</SPSSODescriptor></EntityDescriptor>`
  )
}

export type IdpMetadata = {
  entityId: string
  validUntil: number | null
  cacheDurationMs: number | null
  ssoRedirect: string
  signingCerts: string[]
}

type X = Row // xml2js objects of node-saml's parse: elements as arrays, `$` attributes, `_` text
const text = (v: X | string | undefined): string =>
  typeof v === 'string' ? v : typeof v?._ === 'string' ? v._ : ''

/** XML as node-saml reads it (xml2js: elements as arrays, `$` attributes, `_` text, no prefixes). */
async function parseXml(text: string): Promise<X | null> {
  const parser = new xml2js.Parser({
    explicitRoot: true,
    explicitCharkey: true,
    tagNameProcessors: [xml2js.processors.stripPrefix],
  })
  try {
    return ((await parser.parseStringPromise(text)) as X | null) ?? null
  } catch {
    return null
  }
}

/** ISO 8601 durations as metadata's cacheDuration uses them (PnDTnHnMnS). */
function durationMs(v: string): number | null {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(v)
  if (!m) return null
  return (
    ((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 60_000 +
    Number(m[4] ?? 0) * 1000
  )
}

/** Auth's parseSAMLMetadata: an EntityDescriptor with exactly one IDPSSODescriptor. */
export async function parseIdpMetadata(raw: string): Promise<IdpMetadata> {
  // What Go's XML decoding (samlsp.ParseMetadata) cannot read is a plain error in Auth: a 500.
  const doc = await parseXml(raw)
  if (!doc) throw new Error('SAML metadata: not valid XML')
  let entity = doc.EntityDescriptor as X | undefined
  if (doc.EntitiesDescriptor) entity = doc.EntitiesDescriptor.EntityDescriptor?.[0]
  if (!entity) throw new Error('SAML metadata: no EntityDescriptor')
  const entityId = String(entity.$?.entityID ?? '')
  if (!entityId) throw badRequest('validation_failed', 'SAML Metadata does not contain an EntityID')
  const idps = (entity.IDPSSODescriptor ?? []) as X[]
  if (idps.length < 1)
    throw badRequest('validation_failed', 'SAML Metadata does not contain any IDPSSODescriptor')
  if (idps.length > 1)
    throw badRequest('validation_failed', 'SAML Metadata contains multiple IDPSSODescriptors')
  const idp = idps[0]!
  const certs: string[] = []
  for (const kd of (idp.KeyDescriptor ?? []) as X[]) {
    const use = kd.$?.use ?? ''
    if (use !== '' && use !== 'signing') continue
    for (const data of (kd.KeyInfo?.[0]?.X509Data ?? []) as X[])
      for (const c of (data.X509Certificate ?? []) as X[]) certs.push(text(c).replace(/\s+/g, ''))
  }
  const redirect = ((idp.SingleSignOnService ?? []) as X[]).find(
    (x) => x.$?.Binding === BINDING.redirect,
  )
  const validUntil = entity.$?.validUntil as string | undefined
  const cacheDuration = entity.$?.cacheDuration as string | undefined
  return {
    entityId,
    validUntil: validUntil ? Date.parse(validUntil) : null,
    cacheDurationMs: cacheDuration ? durationMs(cacheDuration) : null,
    ssoRedirect: String(redirect?.$?.Location ?? ''),
    signingCerts: certs.filter(Boolean),
  }
}

/** The Issuer of a base64 SAMLResponse, read without checking anything (Auth's peek for IdP-initiated sign-ins); null when it is not XML. */
export async function peekResponseIssuer(samlResponse: string): Promise<string | null> {
  const doc = await parseXml(Buffer.from(samlResponse, 'base64').toString('utf8'))
  if (!doc) return null
  return text(doc.Response?.Issuer?.[0]).trim()
}

const pem = (b64: string) =>
  `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`

function samlFor(
  cfg: AuthConfig,
  idp: IdpMetadata,
  opts: {
    nameIdFormat?: string | null
    requestId?: string
    validateRequest?: (id: string) => string | null
  },
) {
  const u = spUrls(cfg)
  const { keyPem } = spKeys(cfg)
  const cache: CacheProvider = {
    saveAsync: async () => null,
    getAsync: async (id) => opts.validateRequest?.(id) ?? null,
    removeAsync: async () => null,
  }
  return new SAML({
    callbackUrl: u.acs,
    entryPoint: idp.ssoRedirect || undefined,
    issuer: u.entityId,
    audience: u.entityId,
    idpCert: idp.signingCerts.length ? idp.signingCerts.map(pem) : ['-'],
    idpIssuer: idp.entityId,
    privateKey: keyPem,
    // crewjam's redirect binding signs with RSA-SHA1 (samlsp.DefaultServiceProvider).
    signatureAlgorithm: 'sha1',
    identifierFormat: opts.nameIdFormat || NAMEID.persistent,
    allowCreate: true,
    disableRequestedAuthnContext: true,
    generateUniqueId: () => opts.requestId ?? `id-${randomBytes(20).toString('hex')}`,
    // A response to one of our requests must name it (the relay state's request ID); a response
    // posted without a relay state is IdP-initiated and names none, as crewjam allows.
    validateInResponseTo: opts.validateRequest
      ? ValidateInResponseTo.always
      : ValidateInResponseTo.never,
    requestIdExpirationPeriodMs: 365 * 24 * 3600_000,
    cacheProvider: cache,
    wantAssertionsSigned: false,
    wantAuthnResponseSigned: false,
    acceptedClockSkewMs: MAX_CLOCK_SKEW_MS,
  })
}

/** The IdP's HTTP-Redirect URL carrying a signed AuthnRequest, and the request's ID. */
export async function authnRequestUrl(
  cfg: AuthConfig,
  idp: IdpMetadata,
  relayState: string,
  nameIdFormat: string | null,
): Promise<{ url: string; requestId: string }> {
  const requestId = `id-${randomBytes(20).toString('hex')}`
  const saml = samlFor(cfg, idp, { nameIdFormat, requestId })
  const url = await saml.getAuthorizeUrlAsync(relayState, undefined, {})
  return { url, requestId }
}

export type Attribute = { name: string; friendlyName: string; values: string[] }
export type Assertion = {
  issuer: string
  nameId: string
  nameIdFormat: string
  attributes: Attribute[]
  sessionNotOnOrAfter: string | null
}

/** A SAMLResponse rejected: Auth answers 400 validation_failed "SAML Assertion is not valid". */
export class InvalidResponse extends Error {}

/**
 * Validates a base64 SAMLResponse against the IdP's metadata. `requestId` is the relay state's
 * AuthnRequest ID for an SP-initiated flow, null for an IdP-initiated one.
 */
export async function validateResponse(
  cfg: AuthConfig,
  idp: IdpMetadata,
  samlResponse: string,
  requestId: string | null,
  requestCreatedAt: string | null,
): Promise<Assertion> {
  const u = spUrls(cfg)
  const now = Date.now()
  const saml = samlFor(cfg, idp, {
    validateRequest:
      requestId !== null ? (id) => (id === requestId ? requestCreatedAt : null) : undefined,
  })
  let profile
  try {
    ;({ profile } = await saml.validatePostResponseAsync({ SAMLResponse: samlResponse }))
  } catch (err) {
    throw new InvalidResponse((err as Error).message)
  }
  if (!profile) throw new InvalidResponse('no assertion')
  // The Response element (its signature, if any, was checked above; crewjam reads these off it).
  const resp = ((await parseXml(Buffer.from(samlResponse, 'base64').toString('utf8')))?.Response ??
    {}) as X
  const destination = resp.$?.Destination as string | undefined
  if (destination && destination !== u.acs)
    throw new InvalidResponse(`Destination does not match AcsURL (expected ${u.acs})`)
  const issued = Date.parse(String(resp.$?.IssueInstant ?? ''))
  if (!(issued + MAX_ISSUE_DELAY_MS >= now))
    throw new InvalidResponse('response IssueInstant expired')
  // The assertion node-saml verified.
  const a = (profile.getAssertion!() as X).Assertion as X
  if (!(Date.parse(a.$?.IssueInstant ?? '') + MAX_ISSUE_DELAY_MS >= now))
    throw new InvalidResponse('assertion IssueInstant expired')
  if (text(a.Issuer?.[0]) !== idp.entityId)
    throw new InvalidResponse(`issuer is not "${idp.entityId}"`)
  const subject = a.Subject?.[0] as X | undefined
  for (const sc of (subject?.SubjectConfirmation ?? []) as X[]) {
    const data = sc.SubjectConfirmationData?.[0] as X | undefined
    if (data?.$?.Recipient !== u.acs)
      throw new InvalidResponse(`assertion SubjectConfirmation Recipient is not ${u.acs}`)
  }
  const nameId = subject?.NameID?.[0] as X | undefined
  const attributes: Attribute[] = []
  for (const st of (a.AttributeStatement ?? []) as X[])
    for (const at of (st.Attribute ?? []) as X[])
      attributes.push({
        name: at.$?.Name ?? '',
        friendlyName: at.$?.FriendlyName ?? '',
        values: ((at.AttributeValue ?? []) as X[]).map(text),
      })
  let sessionNotOnOrAfter: string | null = null
  for (const st of (a.AuthnStatement ?? []) as X[]) {
    if (st.$?.SessionNotOnOrAfter) {
      sessionNotOnOrAfter = st.$.SessionNotOnOrAfter as string
      break
    }
  }
  return {
    issuer: text(a.Issuer?.[0]),
    nameId: text(nameId),
    nameIdFormat: nameId?.$?.Format ?? '',
    attributes,
    sessionNotOnOrAfter,
  }
}

/** Values of the attributes whose Name or FriendlyName is `name` (case-insensitive), as Auth's Attribute(). */
function attribute(a: Assertion, name: string): string[] {
  const n = name.toLowerCase()
  return a.attributes
    .filter((x) => x.name.toLowerCase() === n || x.friendlyName.toLowerCase() === n)
    .flatMap((x) => x.values)
}

/** Auth's SAMLAssertion.UserID: the subject-id attribute, else a NameID that is not transient. */
export function userIdOf(a: Assertion): string {
  const sid = attribute(a, 'urn:oasis:names:tc:SAML:attribute:subject-id')
  if (sid.length) return sid[0]!
  if (!a.nameId) return ''
  if (a.nameIdFormat === NAMEID.email) return a.nameId.trim().toLowerCase()
  return a.nameIdFormat === NAMEID.transient ? '' : a.nameId
}

/** Auth's SAMLAssertion.Email: the usual email attributes, else an emailAddress NameID. */
export function emailOf(a: Assertion): string {
  for (const name of [
    'urn:oid:0.9.2342.19200300.100.1.3',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
    'http://schemas.xmlsoap.org/claims/EmailAddress',
    'mail',
    'Mail',
    'email',
  ]) {
    const v = attribute(a, name).find((x) => x !== '')
    if (v) return v
  }
  return a.nameIdFormat === NAMEID.email ? a.nameId : ''
}

export type AttributeMapping = {
  keys?: Record<string, { name?: string; names?: string[]; default?: unknown; array?: boolean }>
}

/** Auth's SAMLAssertion.Process: the claims the attribute mapping names. */
export function mapAttributes(a: Assertion, mapping: AttributeMapping | null): Row {
  const out: Row = {}
  for (const [key, m] of Object.entries(mapping?.keys ?? {})) {
    const names = [...(m.name ? [m.name] : []), ...(m.names ?? [])]
    let set = false
    for (const name of names) {
      for (const v of attribute(a, name)) {
        if (v === '') continue
        set = true
        if (m.array) (out[key] ??= []).push(v)
        else {
          out[key] = v
          break
        }
      }
      if (set) break
    }
    if (!set && m.default != null) out[key] = m.default
  }
  return out
}
