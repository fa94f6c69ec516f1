/**
 * A SCIM request of the Directory sync page's recent list, in words: what the identity provider
 * asked for ("Created a user") and how it went ("Refused: the userName is taken").
 */
export interface ScimRequestLike {
  method: string
  path: string
  status: number
  detail?: string | null
}

const RESOURCES: Record<string, [one: string, many: string]> = {
  Users: ['a user', 'users'],
  Groups: ['a group', 'groups'],
}

const VERBS: Record<string, string> = {
  POST: 'Created',
  PUT: 'Replaced',
  PATCH: 'Updated',
  DELETE: 'Deleted',
}

/** "Created a user", "Looked up users", "Read the service's capabilities". */
export function requestWords(method: string, path: string): string {
  const [route = '', query = ''] = path.split('?')
  const [resource = '', id] = route.replace(/^\/+(v2\/+)?/, '').split('/')
  const names = RESOURCES[resource]
  if (!names) {
    if (/^(ServiceProviderConfig|ResourceTypes|Schemas)$/.test(resource))
      return "Read the service's capabilities"
    return 'Other request'
  }
  const verb = VERBS[method.toUpperCase()]
  if (verb) return `${verb} ${names[0]}`
  if (id) return `Read ${names[0]}`
  return /(^|&)filter=/.test(query) ? `Looked up ${names[1]}` : `Listed ${names[1]}`
}

const STATUS_WORDS: Record<number, string> = {
  400: 'Refused: bad request',
  401: 'Refused: token not accepted',
  403: 'Refused: not allowed',
  404: 'Refused: not found',
  409: 'Refused: conflict',
  413: 'Refused: too large',
  429: 'Refused: too many requests',
}

/** The outcome in words, with the status code for whoever reads the IdP's logs. */
export function outcomeWords(status: number): { text: string; ok: boolean } {
  if (status >= 200 && status < 300) return { text: `Succeeded (${status})`, ok: true }
  const words = STATUS_WORDS[status] ?? (status >= 500 ? 'Failed on our side' : 'Refused')
  return { text: `${words} (${status})`, ok: false }
}

/** The path as people read it: percent-escapes decoded (a filter's quotes and spaces). */
export function readablePath(path: string): string {
  try {
    return decodeURIComponent(path.replace(/\+/g, ' '))
  } catch {
    return path
  }
}
