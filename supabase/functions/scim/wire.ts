// SCIM's wire format (RFC 7644 3.12): application/scim+json, errors with status as a string,
// and the discovery documents, which say only what this service really does.
export const SCIM_CONTENT_TYPE = 'application/scim+json'
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error'
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User'
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group'
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'
export const MAX_RESULTS = 200
export const MAX_BODY_BYTES = 1024 * 1024

/** A refusal the function answers as a SCIM error. */
export class ScimError extends Error {
  /** Already in the connection's recent requests (the database answered it). */
  recorded = false

  constructor(
    readonly status: number,
    readonly scimType: string | null,
    detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail)
  }
}

export function scimJson(body: unknown, status = 200, headers: Record<string, string> = {}) {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': SCIM_CONTENT_TYPE, ...headers },
  })
}

export function scimError(
  status: number,
  scimType: string | null,
  detail: string,
  headers: Record<string, string> = {},
): Response {
  const body: Record<string, unknown> = { schemas: [ERROR_SCHEMA], status: String(status), detail }
  if (scimType) body.scimType = scimType
  return scimJson(body, status, headers)
}

export function serviceProviderConfig(base: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Bearer token',
        description: 'The token made on Settings -> Directory sync, sent as Authorization: Bearer.',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  }
}

export function resourceTypes(base: string) {
  return [
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'A member of the workspace',
      schema: USER_SCHEMA,
      schemaExtensions: [{ schema: ENTERPRISE_SCHEMA, required: false }],
      meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/User` },
    },
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: 'A directory group; mapped groups give their members a role',
      schema: GROUP_SCHEMA,
      meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/Group` },
    },
  ]
}

interface Attr {
  name: string
  type: string
  multiValued?: boolean
  required?: boolean
  caseExact?: boolean
  mutability?: string
  returned?: string
  uniqueness?: string
  subAttributes?: Attr[]
  description?: string
}

function attr(name: string, more: Partial<Attr> = {}): Attr {
  return {
    name,
    type: 'string',
    multiValued: false,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...more,
  }
}

function schema(id: string, name: string, attributes: Attr[], base: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    id,
    name,
    attributes,
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${id}` },
  }
}

export function schemas(base: string) {
  return [
    schema(
      USER_SCHEMA,
      'User',
      [
        attr('userName', { required: true, uniqueness: 'server' }),
        attr('externalId', { caseExact: true }),
        attr('name', {
          type: 'complex',
          subAttributes: [
            attr('givenName'),
            attr('familyName'),
            attr('formatted', { mutability: 'readOnly' }),
          ],
        }),
        attr('displayName'),
        attr('title'),
        attr('active', { type: 'boolean' }),
        attr('emails', {
          type: 'complex',
          multiValued: true,
          description:
            'The work address is the sign-in address of the account; it is set when the member is created and cannot be changed over SCIM.',
          subAttributes: [attr('value'), attr('type'), attr('primary', { type: 'boolean' })],
        }),
        attr('groups', {
          type: 'complex',
          multiValued: true,
          mutability: 'readOnly',
          subAttributes: [attr('value', { mutability: 'readOnly' }), attr('display')],
        }),
      ],
      base,
    ),
    schema(
      ENTERPRISE_SCHEMA,
      'EnterpriseUser',
      [
        attr('employeeNumber', { caseExact: true }),
        attr('department'),
        attr('manager', {
          type: 'complex',
          subAttributes: [attr('value', { caseExact: true })],
        }),
      ],
      base,
    ),
    schema(
      GROUP_SCHEMA,
      'Group',
      [
        attr('displayName', { required: true, uniqueness: 'server' }),
        attr('externalId', { caseExact: true }),
        attr('members', {
          type: 'complex',
          multiValued: true,
          subAttributes: [attr('value', { mutability: 'immutable' }), attr('display')],
        }),
      ],
      base,
    ),
  ]
}

export function listResponse(resources: unknown[]) {
  return {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
    totalResults: resources.length,
    startIndex: 1,
    itemsPerPage: resources.length,
    Resources: resources,
  }
}
