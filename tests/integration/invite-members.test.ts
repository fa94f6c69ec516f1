// The invite-members edge function through the real path: gateway (:54321) -> Deno functions
// server -> supabase-js -> Auth (the stack's GoTrue-compatible Auth, or Supabase Auth with
// SUPABASE_AUTH_BIN) and PostgREST -> Postgres, with the access tokens the demo users got by
// signing in through Auth (forged ones only to prove they are refused).
// Addresses that pass the database's checks are invited through Auth (a user and an invitation
// mail) and recorded as pending memberships; refused ones change nothing.
import type { SupabaseClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { mailUrl, ports } from '../../local-stack/config.ts'
import {
  anonKey,
  apiUrl,
  clientAs,
  closeSql,
  createUser,
  forgedToken,
  serviceClient,
  sessionToken,
  sql,
  uniqueEmail,
} from '../helpers/stack'

const ACME = '10000000-0000-4000-a000-000000000001'
const OWNER = '00000000-0000-4000-a000-000000000001'
const ADMIN = '00000000-0000-4000-a000-000000000002'
const VIEWER = '00000000-0000-4000-a000-000000000004'
const OTHER_OWNER = '00000000-0000-4000-a000-000000000008' // owns Globex, not a member of Acme

const url = `${apiUrl}/functions/v1/invite-members`

interface Failed {
  email: string
  reason: string
  code: string
}
interface InviteReply {
  invited?: string[]
  failed?: Failed[]
  code?: string
  message?: string
}

async function call(
  body: unknown,
  opts: { token?: string | null; apikey?: string | null; method?: string } = {},
): Promise<{ status: number; body: InviteReply }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (opts.apikey !== null) headers.apikey = opts.apikey ?? anonKey
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  const res = await fetch(url, {
    method: opts.method ?? 'POST',
    headers,
    body:
      opts.method === 'GET' ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as InviteReply }
}

const asUser = async (userId: string, body: unknown) =>
  call(body, { token: await sessionToken(userId) })

/** What an invitation would change: memberships, activity rows, Auth users, profiles. */
async function snapshot() {
  const [row] = await sql<{
    memberships: string
    pending: string
    activity: string
    users: string
    profiles: string
  }>(
    `select (select count(*) from public.memberships where workspace_id = $1) as memberships,
            (select count(*) from public.memberships where workspace_id = $1 and status = 'pending') as pending,
            (select coalesce(max(id), 0) from public.activity_log) as activity,
            (select count(*) from auth.users) as users,
            (select count(*) from public.profiles) as profiles`,
    [ACME],
  )
  return row
}

// The demo users sign in once, before any snapshot: a sign-in writes an auth.sign_in activity row
// (the custom access token hook), which would otherwise count as "something created".
beforeAll(async () => {
  for (const user of [OWNER, ADMIN, VIEWER, OTHER_OWNER]) await sessionToken(user)
})

let before: Awaited<ReturnType<typeof snapshot>>
beforeEach(async () => {
  before = await snapshot()
})
async function expectNothingCreated() {
  expect(await snapshot()).toEqual(before)
}

afterAll(closeSql)

describe('invite-members: requests it refuses', () => {
  it('answers a CORS preflight (the function itself; the gateway answers browsers first)', async () => {
    const res = await fetch(`http://127.0.0.1:${ports.functions}/invite-members`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'POST' },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect(res.headers.get('access-control-allow-headers')).toContain('authorization')
  })

  it('accepts POST only', async () => {
    const res = await call(null, { method: 'GET', token: await sessionToken(ADMIN) })
    expect(res.status).toBe(405)
    expect(res.body.code).toBe('method_not_allowed')
  })

  it('401 without a user token: no headers at all, or only the anon key', async () => {
    const body = { workspaceId: ACME, emails: [uniqueEmail('anon')], role: 'member' }
    for (const res of [await call(body, { apikey: null }), await call(body)]) {
      expect(res.status).toBe(401)
      expect(res.body).toEqual({ code: 'not_authenticated', message: 'Sign in to invite people.' })
    }
    await expectNothingCreated()
  })

  it('401 for a token with a forged signature or an expired one (PostgREST verifies it)', async () => {
    const forged = await forgedToken(OWNER, {
      secret: 'not-the-project-secret-but-long-enough-0123456789',
    })
    const expired = await forgedToken(OWNER, { expiresInSeconds: -60 })
    const body = { workspaceId: ACME, emails: [uniqueEmail('forged')], role: 'member' }
    for (const token of [forged, expired]) {
      const res = await call(body, { token })
      expect(res.status).toBe(401)
      expect(res.body.code).toBe('not_authenticated')
    }
    await expectNothingCreated()
  })

  it('403 for a Viewer, with a clear message', async () => {
    const res = await asUser(VIEWER, {
      workspaceId: ACME,
      emails: [uniqueEmail('by-viewer')],
      role: 'viewer',
    })
    expect(res.status).toBe(403)
    expect(res.body).toEqual({
      code: 'not_allowed',
      message: 'You do not have permission to invite people to this workspace.',
    })
    await expectNothingCreated()
  })

  it('404 for someone who is not a member of the workspace (its existence is not revealed)', async () => {
    const res = await asUser(OTHER_OWNER, {
      workspaceId: ACME,
      emails: [uniqueEmail('outsider')],
      role: 'member',
    })
    expect(res.status).toBe(404)
    expect(res.body.code).toBe('not_found')
    await expectNothingCreated()
  })

  it('400 for role owner: ownership moves only by transfer', async () => {
    const res = await asUser(OWNER, {
      workspaceId: ACME,
      emails: [uniqueEmail('owner')],
      role: 'owner',
    })
    expect(res.status).toBe(400)
    expect(res.body).toEqual({
      code: 'owner_via_transfer',
      message: 'Nobody can be invited as owner; ownership moves only by transfer.',
    })
    await expectNothingCreated()
  })

  it('400 for more than 100 addresses, saying so', async () => {
    const emails = Array.from({ length: 101 }, (_, i) => `person${i}@example.test`)
    const res = await asUser(ADMIN, { workspaceId: ACME, emails, role: 'member' })
    expect(res.status).toBe(400)
    expect(res.body.code).toBe('too_many')
    expect(res.body.message).toMatch(/At most 100 addresses per request \(got 101\)/)
    await expectNothingCreated()
  })

  it('400 for malformed bodies: not JSON, bad workspace id, unknown role, no addresses, emails not text', async () => {
    const token = await sessionToken(ADMIN)
    const cases: [unknown, string][] = [
      ['{not json', 'invalid_input'],
      [{ workspaceId: 'acme', emails: ['a@example.test'], role: 'member' }, 'invalid_input'],
      [{ workspaceId: ACME, emails: ['a@example.test'], role: 'superuser' }, 'unknown_role'],
      [{ workspaceId: ACME, emails: ' , \n ', role: 'member' }, 'no_invitees'],
      [{ workspaceId: ACME, emails: [42], role: 'member' }, 'invalid_input'],
    ]
    for (const [body, code] of cases) {
      const res = await call(body, { token })
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body.code).toBe(code)
      expect(res.body.message).toBeTruthy()
    }
    await expectNothingCreated()
  })
})

describe('invite-members: per-address results', () => {
  it('reports malformed, repeated, already invited and already member addresses, creating nothing', async () => {
    const res = await asUser(ADMIN, {
      workspaceId: ACME,
      emails: [
        'not-an-email',
        'pending@fluxera.test',
        'member@fluxera.test',
        'Member@Fluxera.test',
        'a@b',
      ],
      role: 'member',
    })
    expect(res.status).toBe(200)
    expect(res.body.invited).toEqual([])
    expect(res.body.failed).toEqual([
      { email: 'not-an-email', code: 'invalid_email', reason: 'Not a valid email address.' },
      {
        email: 'pending@fluxera.test',
        code: 'duplicate_invite',
        reason: 'Already invited and not yet accepted. Resend the invitation instead.',
      },
      {
        email: 'member@fluxera.test',
        code: 'already_member',
        reason: 'Already a member of this workspace.',
      },
      {
        email: 'member@fluxera.test',
        code: 'duplicate_in_list',
        reason: 'Listed more than once; only the first is used.',
      },
      { email: 'a@b', code: 'invalid_email', reason: 'Not a valid email address.' },
    ])
    await expectNothingCreated()
  })

  /** The pending membership an invitation leaves, by address. */
  const pending = (email: string) =>
    sql(
      `select m.role, m.status from public.memberships m join auth.users u on u.id = m.user_id
        where m.workspace_id = $1 and lower(u.email) = $2`,
      [ACME, email],
    )
  const mailsTo = async (email: string) =>
    (
      (await (
        await fetch(`${mailUrl}/api/v1/search?query=${encodeURIComponent(`to:"${email}"`)}`)
      ).json()) as { messages_count: number }
    ).messages_count

  it('a good new address is invited: an Auth user, a pending membership and an invitation mail', async () => {
    const email = uniqueEmail('new-invitee')
    const res = await asUser(ADMIN, { workspaceId: ACME, emails: [email], role: 'member' })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ invited: [email], failed: [] })
    expect(await sql(`select 1 from auth.users where lower(email) = $1`, [email])).toHaveLength(1)
    expect(await pending(email)).toEqual([{ role: 'member', status: 'pending' }])
    expect(await mailsTo(email)).toBe(1)
  })

  it('an existing account outside the workspace is invited too, with a pending membership', async () => {
    const email = uniqueEmail('existing')
    const userId = await createUser(email)
    const res = await asUser(OWNER, { workspaceId: ACME, emails: [email], role: 'viewer' })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ invited: [email], failed: [] })
    expect(
      await sql(`select role, status from public.memberships where user_id = $1`, [userId]),
    ).toEqual([{ role: 'viewer', status: 'pending' }])
  })

  it('a mixed batch pasted as one text: every address reported, in order', async () => {
    const good1 = uniqueEmail('good-one')
    const good2 = uniqueEmail('good-two')
    const res = await asUser(ADMIN, {
      workspaceId: ACME,
      emails: `${good1.toUpperCase()}, broken@\nviewer@fluxera.test;  ${good2}\n\n`,
      role: 'admin', // an Admin may give the Admin role
    })
    expect(res.status).toBe(200)
    expect(res.body.invited).toEqual([good1, good2])
    expect(res.body.failed?.map((f) => [f.email, f.code])).toEqual([
      ['broken@', 'invalid_email'],
      ['viewer@fluxera.test', 'already_member'],
    ])
    expect(await pending(good1)).toEqual([{ role: 'admin', status: 'pending' }])
  })

  it('answers the SPA through supabase.functions.invoke with { invited, failed: { email, reason, code }[] }', async () => {
    const client = await clientAs(ADMIN)
    const email = uniqueEmail('via-invoke')
    const { data, error } = await client.functions.invoke<InviteReply>('invite-members', {
      body: { workspaceId: ACME, emails: [email, 'member@fluxera.test'], role: 'member' },
    })
    expect(error).toBeNull()
    expect(data).toEqual({
      invited: [email],
      failed: [
        {
          email: 'member@fluxera.test',
          code: 'already_member',
          reason: 'Already a member of this workspace.',
        },
      ],
    })
  })
})

describe('invite-members: the step after Auth (create_invitations), checked on its own', () => {
  // Through the function this step needs a working Auth, so here the same service-role RPC call
  // it makes, with the same parameters, on a workspace of its own.
  it('the service role records pending memberships with the verified inviter as actor; users cannot call it', async () => {
    const ownerId = await createUser(uniqueEmail('ws-owner'))
    const inviteeId = await createUser(uniqueEmail('ws-invitee'))
    const [ws] = await sql<{ id: string }>(
      `with w as (insert into public.workspaces (name) values ('Invite step test') returning id),
            m as (insert into public.memberships (workspace_id, user_id, role, status, joined_at)
                  select id, $1, 'owner', 'active', now() from w returning workspace_id)
       select workspace_id as id from m`,
      [ownerId],
    )
    const params = {
      p_workspace_id: ws!.id,
      p_inviter: ownerId,
      p_user_ids: [inviteeId],
      p_role: 'member' as const,
    }

    // Not in src/types/database.types.ts (the SPA never calls it), hence untyped clients.
    const untyped = (c: unknown) => c as SupabaseClient
    const asOwner = untyped(await clientAs(ownerId))
    const refused = await asOwner.rpc('create_invitations', params)
    expect(refused.error?.code).toBe('42501')

    const { data, error } = await untyped(serviceClient()).rpc('create_invitations', params)
    expect(error).toBeNull()
    expect(data).toMatchObject([
      { user_id: inviteeId, role: 'member', status: 'pending', invited_by: ownerId },
    ])
    const log = await sql(
      `select actor_id, subject_user_id from public.activity_log where workspace_id = $1 and action = 'member.invited'`,
      [ws!.id],
    )
    expect(log).toEqual([{ actor_id: ownerId, subject_user_id: inviteeId }])
  })
})
