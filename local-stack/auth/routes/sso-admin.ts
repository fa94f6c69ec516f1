// The admin API for SSO providers, as Supabase Auth v2.189.0's internal/api/ssoadmin.go: list,
// create (metadata XML, or an https metadata URL Auth fetches), get, update, delete. Behind the
// admin check only: like Auth's, it answers whether SAML sign-in is enabled or not.
import { db, tx, type Row } from '../db.ts'
import { ApiError, badRequest, notFound, unprocessable } from '../errors.ts'
import { route, type Ctx, type Route } from '../http.ts'
import { NAMEID, parseIdpMetadata, type IdpMetadata } from '../saml.ts'
import { requireAdmin } from '../tokens.ts'
import * as sso from '../data/sso.ts'

const bad = (msg: string) => badRequest('validation_failed', msg)
const badJson = (field: string, type: string, got: unknown) =>
  badRequest(
    'bad_json',
    `Could not parse request body as JSON: json: cannot unmarshal ${Array.isArray(got) ? 'array' : typeof got} into Go struct field CreateSSOProviderParams.${field} of type ${type}`,
  )

type Params = {
  type: string
  metadataUrl: string
  metadataXml: string
  domains: string[] | null
  attributeMapping: Row | null
  nameIdFormat: string
  resourceId: string | null
  disabled: boolean | null
}

function strField(body: Row, key: string): string {
  const v = body[key]
  if (v === undefined || v === null) return ''
  if (typeof v !== 'string') throw badJson(key, 'string', v)
  return v
}

/** An attribute mapping as Go unmarshals and marshals models.SAMLAttributeMapping (unknown fields dropped). */
function attributeMapping(v: unknown): Row | null {
  if (v === undefined || v === null) return null
  if (typeof v !== 'object' || Array.isArray(v))
    throw badJson('attribute_mapping', 'models.SAMLAttributeMapping', v)
  const keys = (v as Row).keys
  if (keys === undefined || keys === null) return {}
  if (typeof keys !== 'object' || Array.isArray(keys))
    throw badJson('attribute_mapping.keys', 'map[string]models.SAMLAttribute', keys)
  const out: Row = {}
  for (const [k, a] of Object.entries(keys as Row)) {
    const m: Row = {}
    if (a && typeof a === 'object') {
      if (typeof a.name === 'string' && a.name) m.name = a.name
      if (Array.isArray(a.names) && a.names.length) m.names = a.names.map(String)
      if (a.default !== undefined && a.default !== null) m.default = a.default
      if (a.array === true) m.array = true
    }
    out[k] = m
  }
  return { keys: out }
}

async function params(ctx: Ctx): Promise<Params> {
  const body = await ctx.body()
  const domains = body.domains
  if (domains !== undefined && domains !== null && !Array.isArray(domains))
    throw badJson('domains', '[]string', domains)
  if (Array.isArray(domains) && domains.some((d) => typeof d !== 'string'))
    throw badJson(
      'domains',
      'string',
      domains.find((d) => typeof d !== 'string'),
    )
  const resourceId = body.resource_id
  if (resourceId !== undefined && resourceId !== null && typeof resourceId !== 'string')
    throw badJson('resource_id', 'string', resourceId)
  const disabled = body.disabled
  if (disabled !== undefined && disabled !== null && typeof disabled !== 'boolean')
    throw badJson('disabled', 'bool', disabled)
  return {
    type: strField(body, 'type'),
    metadataUrl: strField(body, 'metadata_url'),
    metadataXml: strField(body, 'metadata_xml'),
    domains: Array.isArray(domains) ? (domains as string[]) : null,
    attributeMapping: attributeMapping(body.attribute_mapping),
    nameIdFormat: strField(body, 'name_id_format'),
    resourceId: typeof resourceId === 'string' ? resourceId : null,
    disabled: typeof disabled === 'boolean' ? disabled : null,
  }
}

/** CreateSSOProviderParams.validate. */
function validate(p: Params, forUpdate: boolean) {
  if (!forUpdate && p.type !== 'saml') throw bad("Only 'saml' supported for SSO provider type")
  if (p.metadataUrl && p.metadataXml)
    throw bad('Only one of metadata_xml or metadata_url needs to be set')
  if (!forUpdate && !p.metadataUrl && !p.metadataXml)
    throw bad('Either metadata_xml or metadata_url must be set')
  if (p.metadataUrl) {
    let u: URL
    try {
      u = new URL(p.metadataUrl)
    } catch {
      throw bad('metadata_url is not a valid URL')
    }
    if (u.protocol !== 'https:') throw bad('metadata_url is not a HTTPS URL')
  }
  const formats = [NAMEID.persistent, NAMEID.email, NAMEID.transient, NAMEID.unspecified]
  if (p.nameIdFormat && !formats.includes(p.nameIdFormat))
    throw bad(`name_id_format must be unspecified or one of ${formats.join(', ')}`)
}

/** The metadata of the request: its XML, or what its https URL answers. */
async function metadata(p: Params): Promise<{ raw: string; md: IdpMetadata }> {
  let raw = p.metadataXml
  if (!raw) {
    let res: Response
    try {
      res = await fetch(p.metadataUrl, {
        headers: { accept: 'application/xml;charset=UTF-8', 'accept-charset': 'UTF-8' },
      })
    } catch (err) {
      throw new ApiError(500, 'unexpected_failure', (err as Error).message)
    }
    if (res.status !== 200)
      throw badRequest(
        'saml_metadata_fetch_failed',
        `HTTP ${res.status} error fetching SAML Metadata from URL '${p.metadataUrl}'`,
      )
    const bytes = Buffer.from(await res.arrayBuffer())
    raw = bytes.toString('utf8')
    if (!Buffer.from(raw, 'utf8').equals(bytes))
      throw bad(
        'SAML Metadata XML contains invalid UTF-8 characters, which are not supported at this time',
      )
  }
  return { raw, md: await parseIdpMetadata(raw) }
}

async function loadProvider(ctx: Ctx): Promise<Row> {
  await requireAdmin(ctx.cfg, ctx.req)
  const idp = ctx.params.idp_id ?? ''
  const p = idp.startsWith('resource_')
    ? await sso.findProviderByResourceId(db(), idp.slice('resource_'.length))
    : await sso.findProviderById(db(), idp)
  if (!p) throw notFound('sso_provider_not_found', 'SSO Identity Provider not found')
  return p
}

async function list(ctx: Ctx) {
  await requireAdmin(ctx.cfg, ctx.req)
  const rows = await sso.listProviders(
    db(),
    ctx.query.get('resource_id') ?? '',
    ctx.query.get('resource_id_prefix') ?? '',
  )
  ctx.json(200, { items: rows.map((r) => sso.providerJson(r, false)) })
}

async function create(ctx: Ctx) {
  await requireAdmin(ctx.cfg, ctx.req)
  const p = await params(ctx)
  validate(p, false)
  const { raw, md } = await metadata(p)
  if (await sso.findProviderByEntityId(db(), md.entityId))
    throw unprocessable(
      'saml_idp_already_exists',
      `SAML Identity Provider with this EntityID (${md.entityId}) already exists`,
    )
  for (const domain of p.domains ?? []) {
    const owner = await sso.findProviderByDomain(db(), domain)
    if (owner)
      throw badRequest(
        'sso_domain_already_exists',
        `SSO Domain '${domain}' is already assigned to an SSO identity provider (${owner.id})`,
      )
  }
  const created = await tx((c) =>
    sso.insertProvider(c, {
      entityId: md.entityId,
      metadataXml: raw,
      metadataUrl: p.metadataUrl || null,
      attributeMapping: p.attributeMapping ?? {},
      nameIdFormat: p.nameIdFormat || null,
      resourceId: p.resourceId,
      disabled: p.disabled,
      domains: p.domains ?? [],
    }),
  )
  ctx.json(201, sso.providerJson(created))
}

async function get(ctx: Ctx) {
  ctx.json(200, sso.providerJson(await loadProvider(ctx)))
}

/** Changes only what the request names; `domains` (when present) is the whole new list. */
async function update(ctx: Ctx) {
  const provider = await loadProvider(ctx)
  const p = await params(ctx)
  validate(p, true)
  let modified = false
  let samlChanged = false
  let metadataXml: string = provider.metadata_xml
  let metadataUrl: string | null = provider.metadata_url
  if (p.metadataXml || p.metadataUrl) {
    const { raw, md } = await metadata(p)
    if (md.entityId !== provider.entity_id)
      throw badRequest(
        'saml_entity_id_mismatch',
        `SAML Metadata can be updated only if the EntityID matches for the provider; expected '${provider.entity_id}' but got '${md.entityId}'`,
      )
    if (p.metadataUrl) metadataUrl = p.metadataUrl
    metadataXml = raw
    modified = samlChanged = true
  }
  const current: string[] = provider.domains
  const keep = new Set<string>()
  const add: string[] = []
  for (const domain of p.domains ?? []) {
    const owner = await sso.findProviderByDomain(db(), domain)
    if (owner && owner.id !== provider.id)
      throw badRequest(
        'sso_domain_already_exists',
        `SSO domain '${domain}' already assigned to another provider (${owner.id})`,
      )
    if (owner) keep.add(domain)
    else {
      add.push(domain)
      modified = true
    }
  }
  const remove = p.domains === null ? [] : current.filter((d) => !keep.has(d))
  if (remove.length) modified = true
  let mapping: Row = provider.attribute_mapping ?? {}
  if (p.attributeMapping?.keys !== undefined) {
    if (JSON.stringify(p.attributeMapping) !== JSON.stringify(mapping)) {
      mapping = p.attributeMapping
      modified = samlChanged = true
    }
  }
  // As Auth does, a name_id_format left out of the request clears the one set.
  const nameIdFormat = p.nameIdFormat || null
  if (nameIdFormat !== (provider.name_id_format ?? null)) modified = samlChanged = true
  let resourceId: string | null = provider.resource_id
  if (p.resourceId !== null) {
    const next = p.resourceId === '' ? null : p.resourceId
    if (next !== resourceId) {
      resourceId = next
      modified = true
    }
  }
  let disabled: boolean | null = provider.disabled
  if (p.disabled !== null && p.disabled !== disabled) {
    disabled = p.disabled
    modified = true
  }
  if (!modified) return ctx.json(200, sso.providerJson(provider))
  try {
    await tx(async (c) => {
      await sso.updateProvider(c, provider.id, { resourceId, disabled })
      if (p.domains !== null) {
        await sso.removeDomains(c, provider.id, remove)
        await sso.addDomains(c, provider.id, add)
      }
      if (samlChanged)
        await sso.updateSamlProvider(c, provider.id, {
          metadataXml,
          metadataUrl,
          attributeMapping: mapping,
          nameIdFormat,
        })
    })
  } catch (err) {
    if (err instanceof ApiError) throw err
    throw unprocessable(
      'conflict',
      'Updating SSO provider failed, likely due to a conflict. Try again?',
    )
  }
  ctx.json(200, sso.providerJson((await sso.findProviderById(db(), provider.id))!))
}

async function remove(ctx: Ctx) {
  const provider = await loadProvider(ctx)
  await tx((c) => sso.deleteProvider(c, provider.id))
  ctx.json(200, sso.providerJson(provider))
}

export const ssoAdminRoutes: Route[] = [
  route('GET', '/admin/sso/providers', list),
  route('POST', '/admin/sso/providers', create),
  route('GET', '/admin/sso/providers/{idp_id}', get),
  route('PUT', '/admin/sso/providers/{idp_id}', update),
  route('DELETE', '/admin/sso/providers/{idp_id}', remove),
]
