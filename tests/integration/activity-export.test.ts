// activity_export_page through PostgREST as the SPA asks for it (Accept: text/plain): the text
// of one page of an activity export, written by the database and copied into the file unparsed
// (src/pages/activity/exportActivity.ts). CSV fields as the SPA's csvField writes them (RFC 4180,
// formula cells prefixed), JSON objects that join into an array, the id window and the filters
// respected, and only people with activity.export in that workspace served.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { csvField } from '../../src/lib/csv'
import { EXPORT_COLUMNS } from '../../src/pages/activity/exportActivity'
import {
  anonKey,
  apiUrl,
  closeSql,
  createUser,
  sessionToken,
  sql,
  uniqueEmail,
} from '../helpers/stack'

let ws: string
let otherWs: string
const tokens: Record<string, string> = {}
let ids: number[] = []

const AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "Q"'

async function page(
  token: string | null,
  body: Record<string, unknown>,
): Promise<{ status: number; text: string }> {
  const res = await fetch(`${apiUrl}/rest/v1/rpc/activity_export_page`, {
    method: 'POST',
    headers: {
      apikey: anonKey,
      Authorization: `Bearer ${token ?? anonKey}`,
      Accept: 'text/plain',
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ p_workspace_id: ws, p_format: 'csv', ...body }),
  })
  return { status: res.status, text: await res.text() }
}

/** RFC 4180 records (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const records: string[][] = []
  let field = ''
  let record: string[] = []
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      record.push(field)
      field = ''
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field)
      records.push(record)
      record = []
      field = ''
      i++
    } else field += c
  }
  return records
}

beforeAll(async () => {
  const people: Record<string, string> = {}
  for (const role of ['owner', 'admin', 'member', 'viewer', 'outsider']) {
    const email = uniqueEmail(`export-${role}`)
    people[role] = await createUser(email)
    tokens[role] = await sessionToken(email)
  }
  // A workspace is created with its Owner in one statement (one Owner always).
  const workspace = async (name: string, ownerId: string) =>
    (
      await sql<{ id: string }>(
        `with w as (insert into public.workspaces (name) values ($1) returning id),
              m as (insert into public.memberships (workspace_id, user_id, role, status, joined_at)
                    select id, $2, 'owner', 'active', now() from w returning workspace_id)
         select workspace_id as id from m`,
        [name, ownerId],
      )
    )[0]!.id
  ws = await workspace(`Export ${randomUUID().slice(0, 6)}`, people.owner!)
  otherWs = await workspace(`Export other ${randomUUID().slice(0, 6)}`, people.outsider!)
  await sql(
    `insert into public.memberships (workspace_id, user_id, role, status, joined_at)
     values ($1, $2, 'admin', 'active', now()), ($1, $3, 'member', 'active', now()),
            ($1, $4, 'viewer', 'active', now())`,
    [ws, people.admin, people.member, people.viewer],
  )
  const rows = await sql<{ id: string }>(
    `insert into public.activity_log (workspace_id, actor_id, actor_email, action, entity_type, entity_id, ip, user_agent, before, after)
     values ($1, $2, '=cmd@example.test', 'asset.updated', 'asset', 'line
break', '10.0.0.7', $3, '{"name": "Laptop, \\"Pro\\""}', '{"name": "Laptop"}'),
            ($1, $2, 'ana@example.test', 'asset.deleted', 'asset', 'a-2', null, null, null, null),
            ($1, $2, 'ana@example.test', 'asset.updated', 'asset', 'a-3', null, null, null, null)
     returning id`,
    [ws, people.admin, AGENT],
  )
  ids = rows.map((r) => Number(r.id)).sort((a, b) => a - b)
})
afterAll(closeSql)

describe('activity_export_page', () => {
  const window = () => ({ p_up_to_id: ids.at(-1)!, p_above_id: ids[0]! - 1 })

  it('writes CSV lines newest first, each field as the SPA writes it', async () => {
    const { status, text } = await page(tokens.admin!, window())
    expect(status).toBe(200)
    const records = parseCsv(text)
    expect(records.map((r) => Number(r[0]))).toEqual([...ids].reverse())
    expect(records.map((r) => r.length)).toEqual(ids.map(() => EXPORT_COLUMNS.length))
    const [row] = await sql<Record<string, unknown>>(
      `select a.*, to_json(a.occurred_at) #>> '{}' as occurred_at, host(a.ip) as ip
         from public.activity_log a where a.id = $1`,
      [ids[0]],
    )
    const tricky = records.at(-1)!
    const col = (c: (typeof EXPORT_COLUMNS)[number]) => tricky[EXPORT_COLUMNS.indexOf(c)]
    // The formula cell keeps its quote prefix, the line break and the quotes survive a parser.
    expect(col('actor_email')).toBe("'=cmd@example.test")
    expect(col('entity_id')).toBe('line\nbreak')
    expect(col('user_agent')).toBe(AGENT)
    expect(JSON.parse(col('before')!)).toEqual({ name: 'Laptop, "Pro"' })
    expect(col('ip')).toBe('10.0.0.7')
    expect(col('occurred_at')).toBe(row!.occurred_at)
    // Text fields are byte for byte what csvField (the SPA's CSV of other exports) writes.
    for (const c of ['actor_email', 'action', 'entity_type', 'entity_id', 'user_agent'] as const)
      expect(text).toContain(csvField(row![c]))
  })

  it('writes JSON objects that join into an array, and respects the window and filters', async () => {
    const json = await page(tokens.owner!, { ...window(), p_format: 'json' })
    expect(json.status).toBe(200)
    const objects = JSON.parse(`[${json.text}]`) as Record<string, unknown>[]
    expect(objects.map((o) => o.id)).toEqual([...ids].reverse())
    expect(Object.keys(objects[0]!)).toEqual([...EXPORT_COLUMNS])
    const narrow = await page(tokens.admin!, { p_up_to_id: ids[1]!, p_above_id: ids[0]! })
    expect(parseCsv(narrow.text).map((r) => Number(r[0]))).toEqual([ids[1]])
    const filtered = await page(tokens.admin!, { ...window(), p_action: 'asset.deleted' })
    expect(parseCsv(filtered.text).map((r) => r[4])).toEqual(['asset.deleted'])
    // Below the first row of the workspace (its members joined before: those are its first rows).
    const [first] = await sql<{ id: string }>(
      `select min(id) as id from public.activity_log where workspace_id = $1`,
      [ws],
    )
    const below = Number(first!.id) - 1
    const none = await page(tokens.admin!, { p_up_to_id: below, p_above_id: below - 5 })
    expect(none).toEqual({ status: 200, text: '' })
  })

  it('serves only people with activity.export in that workspace', async () => {
    for (const who of ['member', 'viewer']) {
      const r = await page(tokens[who]!, window())
      expect(r.status, who).toBe(403)
      expect(r.text).not.toContain('ana@example.test')
    }
    const outsider = await page(tokens.outsider!, window())
    expect([403, 404]).toContain(outsider.status)
    expect(outsider.text).not.toContain('ana@example.test')
    const anonymous = await page(null, window())
    expect([401, 403, 404]).toContain(anonymous.status)
    expect(anonymous.text).not.toContain('ana@example.test')
    // Another workspace's rows are not reached through this one's id window.
    const other = await page(tokens.outsider!, { ...window(), p_workspace_id: otherWs })
    expect(other).toEqual({ status: 200, text: '' })
  })

  it('refuses a window over 100,000 ids or an unknown format with 400 and a reason', async () => {
    const wide = await page(tokens.admin!, { p_up_to_id: 200001, p_above_id: 1 })
    expect(wide.status).toBe(400)
    expect(JSON.parse(wide.text)).toMatchObject({ code: '22023', hint: 'invalid_range' })
    const xml = await page(tokens.admin!, { ...window(), p_format: 'xml' })
    expect(xml.status).toBe(400)
    expect(JSON.parse(xml.text)).toMatchObject({ hint: 'invalid_format' })
  })
})
