// Issue 19, the low findings and the per-person workspace limits, through the real request path
// (Auth, the gateway, PostgREST): the workspace asked for at sign-up appears only when the
// address is confirmed through the mailed link; a person cannot create workspaces without limit;
// the Activity RPCs refuse values above their documented maxima with a 400; and 1 MB of
// user_metadata does not reach the access token. (The SQL-level cases: pgTAP 41.)
import { afterAll, describe, expect, it } from 'vitest'
import { mailUrl } from '../../local-stack/config.ts'
import {
  anonClient,
  anonKey,
  apiUrl,
  clientAs,
  closeSql,
  createUser,
  signInFresh,
  sql,
  TEST_PASSWORD,
  uniqueEmail,
} from '../helpers/stack'

afterAll(closeSql)

/** The links of the newest mail to `to` in Mailpit (waits up to 10 s for it). */
async function mailedLinks(to: string): Promise<string[]> {
  for (let i = 0; i < 100; i++) {
    const res = await fetch(
      `${mailUrl}/api/v1/search?query=${encodeURIComponent(`to:"${to}"`)}&limit=1`,
    )
    const list = (await res.json()) as { messages: { ID: string }[] }
    const hit = list.messages[0]
    if (hit) {
      const mail = (await (await fetch(`${mailUrl}/api/v1/message/${hit.ID}`)).json()) as {
        HTML: string
      }
      return [...mail.HTML.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'))
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`no mail to ${to}`)
}

async function ownedWorkspaces(userId: string) {
  return sql<{ name: string; role: string; status: string }>(
    `select w.name, m.role::text as role, m.status::text as status
       from public.memberships m join public.workspaces w on w.id = m.workspace_id
      where m.user_id = $1 order by w.name`,
    [userId],
  )
}

/** The JSON payload of a JWT (no verification: the token came from Auth over loopback). */
function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'))
}

describe('the sign-up workspace waits for the confirmed address', () => {
  it('sign-up without confirming: no workspace; the mailed link: the workspace, with them as Owner', async () => {
    const email = uniqueEmail('squat')
    const { data, error } = await anonClient().auth.signUp({
      email,
      password: TEST_PASSWORD,
      options: { data: { full_name: 'Sam Founder', workspace_name: 'Founder Labs' } },
    })
    expect(error).toBeNull()
    expect(data.session).toBeNull() // confirmations are on
    const userId = data.user!.id

    expect(await ownedWorkspaces(userId)).toEqual([])
    const refused = await anonClient().auth.signInWithPassword({ email, password: TEST_PASSWORD })
    expect(refused.error?.code).toBe('email_not_confirmed')
    expect(await ownedWorkspaces(userId)).toEqual([])

    const link = (await mailedLinks(email)).find((l) => l.includes('type=signup'))
    expect(link).toBeDefined()
    const res = await fetch(link!, { redirect: 'manual' })
    expect(res.headers.get('location')).toContain('access_token=')

    expect(await ownedWorkspaces(userId)).toEqual([
      { name: 'Founder Labs', role: 'owner', status: 'active' },
    ])
    // And the person sees it through the API as its Owner.
    const me = await signInFresh(email)
    const { data: mine, error: mineError } = await me.rpc('my_memberships')
    expect(mineError).toBeNull()
    expect(mine).toEqual([
      expect.objectContaining({ workspace_name: 'Founder Labs', role: 'owner', status: 'active' }),
    ])
  })

  it('an invitee-style sign-up (no workspace_name) gets no workspace when confirmed', async () => {
    const email = uniqueEmail('plain')
    const { data, error } = await anonClient().auth.signUp({
      email,
      password: TEST_PASSWORD,
      options: { data: { full_name: 'Pat Plain' } },
    })
    expect(error).toBeNull()
    const link = (await mailedLinks(email)).find((l) => l.includes('type=signup'))
    await fetch(link!, { redirect: 'manual' })
    const [row] = await sql<{ confirmed: boolean }>(
      'select email_confirmed_at is not null as confirmed from auth.users where id = $1',
      [data.user!.id],
    )
    expect(row!.confirmed).toBe(true)
    expect(await ownedWorkspaces(data.user!.id)).toEqual([])
  })
})

describe('a person cannot create workspaces without limit', () => {
  it('3 owned at most (403), 3 created per 24 hours at most, deleted ones included (429)', async () => {
    const userId = await createUser(uniqueEmail('maker'), 'Max Maker')
    const c = await clientAs(userId)
    for (const name of ['One', 'Two', 'Three']) {
      const { error } = await c.rpc('create_workspace', { p_name: name })
      expect(error).toBeNull()
    }

    const fourth = await c.rpc('create_workspace', { p_name: 'Four' })
    expect(fourth.status).toBe(403)
    expect(fourth.error).toMatchObject({ code: '42501', hint: 'workspace_limit_reached' })
    expect(fourth.error!.message).toMatch(/own 3 workspaces, and one person may own at most 3/)

    const [three] = await sql<{ id: string }>(
      `select w.id from public.workspaces w join public.memberships m on m.workspace_id = w.id
        where m.user_id = $1 and w.name = 'Three'`,
      [userId],
    )
    const deleted = await c.rpc('delete_workspace', {
      p_workspace_id: three!.id,
      p_confirm_name: 'Three',
    })
    expect(deleted.error).toBeNull()

    const again = await c.rpc('create_workspace', { p_name: 'Three again' })
    expect(again.status).toBe(429)
    expect(again.error).toMatchObject({ code: 'PT429', hint: 'workspace_rate_limited' })
    expect(again.error!.message).toMatch(/created 3 workspaces in the last 24 hours/)
    expect(again.error!.details).toMatch(/^retry_at=\d{4}-\d\d-\d\dT/)

    expect((await ownedWorkspaces(userId)).map((w) => w.name)).toEqual(['One', 'Two'])
  })

  it('concurrent creations are counted one after the other: never more than 3 owned', async () => {
    const userId = await createUser(uniqueEmail('racer'), 'Rae Racer')
    const c = await clientAs(userId)
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => c.rpc('create_workspace', { p_name: `Race ${i}` })),
    )
    expect(results.filter((r) => r.error === null)).toHaveLength(3)
    expect(results.filter((r) => r.status === 403)).toHaveLength(3)
    expect(await ownedWorkspaces(userId)).toHaveLength(3)
  })
})

describe('documented maxima are refused with a 400, not clamped', () => {
  it('activity_of_people p_limit above 1,000 and activity_count p_cap above 100,000', async () => {
    const userId = await createUser(uniqueEmail('counter'), 'Cy Counter')
    const c = await clientAs(userId)
    const { data: ws, error } = await c.rpc('create_workspace', { p_name: 'Counting Co' })
    expect(error).toBeNull()

    const people = await c.rpc('activity_of_people', {
      p_workspace_id: ws!.id,
      p_user_ids: [userId],
      p_limit: 100_000,
    })
    expect(people.status).toBe(400)
    expect(people.error).toMatchObject({ code: '22023', hint: 'invalid_page' })
    expect(people.error!.message).toMatch(/1 to 1000/)

    const count = await c.rpc('activity_count', { p_workspace_id: ws!.id, p_cap: 10_000_000 })
    expect(count.status).toBe(400)
    expect(count.error).toMatchObject({ code: '22023', hint: 'invalid_cap' })
    expect(count.error!.message).toMatch(/1 to 100000/)

    // The maxima themselves still answer.
    const atMax = await c.rpc('activity_of_people', {
      p_workspace_id: ws!.id,
      p_user_ids: [userId],
      p_limit: 1000,
    })
    expect(atMax.error).toBeNull()
    const capMax = await c.rpc('activity_count', { p_workspace_id: ws!.id, p_cap: 100_000 })
    expect(capMax.error).toBeNull()
  })
})

describe('user_metadata is bounded before it reaches a token', () => {
  it('after storing 1 MB of user_metadata, sign-in works and the token stays small', async () => {
    const email = uniqueEmail('bloat')
    const userId = await createUser(email, 'Bea Bloat')
    const c = await signInFresh(email)
    const blob = 'x'.repeat(1024 * 1024)
    const { error } = await c.auth.updateUser({ data: { blob } })
    if (error) {
      // A gateway body limit below 1 MB (issue 19 item 4) refuses the PUT with 413; the token
      // bound must hold for metadata stored any other way, so store it directly then.
      expect(error.status).toBe(413)
      await sql(
        `update auth.users set raw_user_meta_data = raw_user_meta_data || jsonb_build_object('blob', $2::text) where id = $1`,
        [userId, blob],
      )
    }
    const [stored] = await sql<{ bytes: number }>(
      'select octet_length(raw_user_meta_data::text) as bytes from auth.users where id = $1',
      [userId],
    )
    expect(stored!.bytes).toBeGreaterThan(1024 * 1024)

    const signIn = await anonClient().auth.signInWithPassword({ email, password: TEST_PASSWORD })
    expect(signIn.error).toBeNull()
    const token = signIn.data.session!.access_token
    expect(token.length).toBeLessThan(4096)
    const claims = payloadOf(token)
    expect(claims.user_metadata).toMatchObject({ full_name: 'Bea Bloat', metadata_trimmed: true })
    expect(claims.user_metadata).not.toHaveProperty('blob')

    // The token works, and a refreshed one is bounded too.
    const rest = await fetch(`${apiUrl}/rest/v1/rpc/my_memberships`, {
      method: 'POST',
      headers: {
        apikey: anonKey,
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
      },
      body: '{}',
    })
    expect(rest.status).toBe(200)
    const refreshed = await anonClient().auth.refreshSession({
      refresh_token: signIn.data.session!.refresh_token,
    })
    expect(refreshed.error).toBeNull()
    expect(refreshed.data.session!.access_token.length).toBeLessThan(4096)
  })

  it('small user_metadata reaches the token unchanged', async () => {
    const email = uniqueEmail('slim')
    await createUser(email, 'Sid Slim')
    const c = await signInFresh(email)
    const { error } = await c.auth.updateUser({ data: { theme: 'dark' } })
    expect(error).toBeNull()
    const signIn = await anonClient().auth.signInWithPassword({ email, password: TEST_PASSWORD })
    const claims = payloadOf(signIn.data.session!.access_token)
    expect(claims.user_metadata).toMatchObject({ full_name: 'Sid Slim', theme: 'dark' })
    expect(claims.user_metadata).not.toHaveProperty('metadata_trimmed')
  })
})
