/// <reference types="vite/client" />
// Every asset is reachable at any size: PostgREST stops a response at max_rows (10,000), so the
// Assets page pages on the server. 10,050 assets are inserted by SQL in a test workspace, then
// the SPA's own src/api/assets.ts pages to the last one with a member's token.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { clientAs, closeSql, createUser, sql, uniqueEmail, type Client } from '../helpers/stack'

const holder = vi.hoisted(() => ({ client: null as unknown }))
vi.mock('@/lib/supabase', () => ({
  get supabase() {
    return holder.client
  },
}))
const { countAssets, listAssets } = await import('@/api/assets')

const N = 10_050
let ws: string
let client: Client

beforeAll(async () => {
  const owner = await createUser(uniqueEmail('assets-paging-owner'))
  const [w] = await sql<{ id: string }>(
    `with w as (insert into public.workspaces (name) values ('Many assets') returning id),
          m as (insert into public.memberships (workspace_id, user_id, role, status, joined_at)
                select id, $1, 'owner', 'active', now() from w returning workspace_id)
     select workspace_id as id from m`,
    [owner],
  )
  ws = w!.id
  // One statement, muted like the bench seed: these rows are fixtures, not history.
  await sql(
    `with mute as (select set_config('fluxera.muted_workspace', $1::text, true))
     insert into public.assets (workspace_id, name, asset_tag, category, status)
     select $1::uuid, 'Laptop ' || g, 'T-' || lpad(g::text, 6, '0'), 'laptop', 'in_stock'
       from generate_series(1, $2::int) g, mute`,
    [ws, N],
  )
  client = await clientAs(owner)
  holder.client = client
}, 120_000)

afterAll(async () => {
  await closeSql()
})

describe('Assets page past max_rows', () => {
  it('would lose rows without paging (PostgREST caps a response at max_rows)', async () => {
    const { data, error } = await client.from('assets').select('id').eq('workspace_id', ws)
    expect(error).toBeNull()
    expect(data!.length).toBeLessThan(N)
  })

  it('counts every asset', async () => {
    expect(await countAssets({ workspaceId: ws })).toBe(N)
  })

  it('reaches the last asset on the last page, in tag order', async () => {
    const last = await listAssets({ workspaceId: ws, first: N - 25, rows: 25 })
    expect(last).toHaveLength(25)
    expect(last.at(-1)!.asset_tag).toBe(`T-${String(N).padStart(6, '0')}`)
    expect(last[0]!.asset_tag).toBe(`T-${String(N - 24).padStart(6, '0')}`)
  })

  it('pages through all of them without gaps or repeats, newest tag first when sorted descending', async () => {
    const seen = new Set<string>()
    for (let first = 0; first < N; first += 1000) {
      const rows = await listAssets({
        workspaceId: ws,
        first,
        rows: 1000,
        sortField: 'asset_tag',
        sortOrder: -1,
      })
      for (const r of rows) seen.add(r.id)
    }
    expect(seen.size).toBe(N)
    const [top] = await listAssets({
      workspaceId: ws,
      first: 0,
      rows: 1,
      sortField: 'asset_tag',
      sortOrder: -1,
    })
    expect(top!.asset_tag).toBe(`T-${String(N).padStart(6, '0')}`)
  })

  it('searches on the server', async () => {
    expect(await countAssets({ workspaceId: ws, search: 't-01005' })).toBe(1)
    const [hit] = await listAssets({ workspaceId: ws, first: 0, rows: 25, search: 'T-010050' })
    expect(hit!.name).toBe(`Laptop ${N}`)
  })
})
