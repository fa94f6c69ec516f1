// The test identity provider and DNS server of the local stack, started only when asked (tests
// that need them call startIdp()/startDns(); `node local-stack/cli.ts idp start` starts both):
// - SimpleSAMLphp 1.19 from Debian, served by `php -S` with SIMPLESAMLPHP_CONFIG_DIR at
//   local-stack/idp/config, test users from exampleauth:UserPass, responses signed RSA-SHA256;
//   it knows the stack's Auth as a service provider;
// - dnsmasq from Debian on 127.0.0.1 (UDP and TCP), answering only the TXT records a test sets
//   (domain verification) and NXDOMAIN for everything else.
// Both ports shift with FLUXERA_PORT_OFFSET (ports.idp, ports.dns).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { apiUrl, ports, root, stateDir } from './config.ts'
import { httpOk, processService, StackError } from './services.ts'

export const idpUrl = `http://127.0.0.1:${ports.idp}`
/** SimpleSAMLphp's IdP entity ID and metadata URL. */
export const idpMetadataUrl = `${idpUrl}/saml2/idp/metadata.php`
const idpState = join(stateDir, 'idp')
const dnsState = join(stateDir, 'dns')
const simplesamlWww = '/usr/share/simplesamlphp/www'

export type IdpUser = {
  username: string
  password: string
  /** The persistent NameID (Auth's provider_id for the identity). */
  uid: string
  email: string
  name?: string
  groups?: string[]
}

/** The users in local-stack/idp/users.json (alice@acme.test, bob@acme.test). */
export const defaultIdpUsers = (): IdpUser[] =>
  JSON.parse(readFileSync(join(root, 'local-stack', 'idp', 'users.json'), 'utf8')) as IdpUser[]

/** Replaces the IdP's users; takes effect on the next login (removing one = a leaver). */
export function setIdpUsers(users: IdpUser[]) {
  mkdirSync(idpState, { recursive: true })
  writeFileSync(join(idpState, 'users.json'), JSON.stringify(users, null, 2))
}

export type ServiceProvider = { entityId: string; acs: string; assertionLifetime?: number }

/** The stack's Auth as a service provider (its entity ID is its metadata URL, as Auth's is). */
export const stackServiceProvider = (): ServiceProvider => ({
  entityId: `${apiUrl}/auth/v1/sso/saml/metadata`,
  acs: `${apiUrl}/auth/v1/sso/saml/acs`,
})

/** The service providers the IdP answers (read on every request). */
export function setServiceProviders(sps: ServiceProvider[]) {
  mkdirSync(idpState, { recursive: true })
  writeFileSync(join(idpState, 'sp-remote.json'), JSON.stringify(sps, null, 2))
}

const idp = processService({
  name: 'idp',
  port: ports.idp,
  where: `${idpUrl} (SimpleSAMLphp, metadata ${idpMetadataUrl})`,
  async prepare() {
    if (!existsSync(join(simplesamlWww, 'index.php')))
      throw new StackError(
        'idp',
        'SimpleSAMLphp not found (apt-get install simplesamlphp php-cli php-xml php-mbstring)',
      )
    for (const dir of ['tmp', 'sessions']) mkdirSync(join(idpState, dir), { recursive: true })
    if (!existsSync(join(idpState, 'sp-remote.json'))) setServiceProviders([stackServiceProvider()])
    return ['php', ['-S', `127.0.0.1:${ports.idp}`, '-t', simplesamlWww]]
  },
  env: {
    SIMPLESAMLPHP_CONFIG_DIR: join(root, 'local-stack', 'idp', 'config'),
    FLUXERA_IDP_URL: idpUrl,
    FLUXERA_IDP_STATE: idpState,
    // php -S serves one request at a time unless told otherwise.
    PHP_CLI_SERVER_WORKERS: '4',
  },
  ready: () => httpOk(idpMetadataUrl, (s) => s === 200),
})

/** dnsmasq's settings: loopback only, no upstream, no /etc/hosts, only the given TXT records. */
function writeDnsConf(records: Record<string, string[]>) {
  mkdirSync(dnsState, { recursive: true })
  const quote = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
  const lines = [
    'no-resolv',
    'no-hosts',
    'no-poll',
    'bind-interfaces',
    'listen-address=127.0.0.1',
    `port=${ports.dns}`,
    // Every other name: NXDOMAIN, answered here rather than forwarded anywhere.
    'local=/#/',
    ...Object.entries(records).flatMap(([name, values]) =>
      values.map((v) => `txt-record=${name},${quote(v)}`),
    ),
  ]
  writeFileSync(join(dnsState, 'dnsmasq.conf'), lines.join('\n') + '\n')
}

const dns = processService({
  name: 'dns',
  port: ports.dns,
  where: `127.0.0.1:${ports.dns} (dnsmasq, TXT records for domain verification)`,
  async prepare() {
    if (!existsSync('/usr/sbin/dnsmasq'))
      throw new StackError('dns', 'dnsmasq not found (apt-get install dnsmasq)')
    if (!existsSync(join(dnsState, 'dnsmasq.conf'))) writeDnsConf({})
    return [
      '/usr/sbin/dnsmasq',
      [
        '--keep-in-foreground',
        `--conf-file=${join(dnsState, 'dnsmasq.conf')}`,
        '--pid-file=',
        '--log-facility=-',
      ],
    ]
  },
  env: {},
  ready: async () => {
    const { Resolver } = await import('node:dns/promises')
    const r = new Resolver({ timeout: 500, tries: 1 })
    r.setServers([`127.0.0.1:${ports.dns}`])
    try {
      await r.resolveTxt('ready.check.invalid')
      return true
    } catch (err) {
      return (err as { code?: string }).code === 'ENOTFOUND'
    }
  },
})

export const testServices = [idp, dns]

/** Starts the IdP unless it runs; it then knows the stack's Auth as a service provider. */
export async function startIdp() {
  if (!(await idp.running())) {
    await idp.checkPort()
    await idp.start()
  }
  return { url: idpUrl, metadataUrl: idpMetadataUrl }
}

export const stopIdp = () => idp.stop()

/** Starts the DNS server unless it runs; returns where to ask (Deno.resolveDns's nameServer). */
export async function startDns() {
  if (!(await dns.running())) {
    await dns.checkPort()
    await dns.start()
  }
  return { ipAddr: '127.0.0.1', port: ports.dns }
}

export const stopDns = () => dns.stop()

/**
 * Sets every TXT record the DNS server answers (name → values), e.g.
 * `{ '_fluxera.acme.test': ['fluxera-verification=abc'] }`, and restarts it to load them
 * (dnsmasq reads TXT records only at start; a restart takes a few milliseconds).
 */
export async function setTxtRecords(records: Record<string, string[]>) {
  writeDnsConf(records)
  await dns.stop()
  await startDns()
}

/** The TXT records set now. */
export function txtRecords(): Record<string, string[]> {
  const file = join(dnsState, 'dnsmasq.conf')
  const out: Record<string, string[]> = {}
  if (!existsSync(file)) return out
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^txt-record=([^,]+),"(.*)"$/.exec(line)
    if (m) (out[m[1]!] ??= []).push(m[2]!.replace(/\\(.)/g, '$1'))
  }
  return out
}
