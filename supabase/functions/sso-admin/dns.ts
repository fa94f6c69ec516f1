// Domain verification: the TXT records of a domain, read with Deno's resolver. SSO_DNS_SERVER
// ("host:port", optional) names the server to ask; the tests point it at a dnsmasq on loopback,
// production leaves it unset (the system's resolver).

export const TXT_PREFIX = 'fluxera-verification='

export function nameServer(
  value: string | undefined,
): { ipAddr: string; port: number } | undefined {
  const v = value?.trim()
  if (!v) return undefined
  const m = /^\[?([0-9a-fA-F:.]+?)\]?(?::(\d{1,5}))?$/.exec(v)
  if (!m) throw new Error(`SSO_DNS_SERVER must be host:port, got "${v}"`)
  return { ipAddr: m[1]!, port: m[2] ? Number(m[2]) : 53 }
}

/** The domain's TXT records, each record's strings joined; [] when it has none or does not exist. */
export async function txtRecords(domain: string): Promise<string[]> {
  const server = nameServer(Deno.env.get('SSO_DNS_SERVER'))
  try {
    const records = await Deno.resolveDns(domain, 'TXT', server ? { nameServer: server } : {})
    return records.map((chunks) => chunks.join(''))
  } catch (err) {
    // NXDOMAIN / no data: simply not there (yet).
    if (err instanceof Deno.errors.NotFound) return []
    throw err
  }
}

export function hasToken(records: string[], token: string): boolean {
  return records.some((r) => r.trim() === `${TXT_PREFIX}${token}`)
}
