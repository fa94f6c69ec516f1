import { describe, expect, it, vi } from 'vitest'
import type { ActivityRow } from '@/api/activity'
import { exportActivity } from './exportActivity'

function row(id: number, over: Partial<ActivityRow> = {}): ActivityRow {
  return {
    id,
    workspace_id: 'ws-1',
    occurred_at: '2026-11-01T10:00:00Z',
    actor_id: 'u1',
    actor_email: 'ana@x.com',
    action: 'asset.updated',
    entity_type: 'asset',
    entity_id: 'a1',
    subject_user_id: null,
    subject_email: null,
    before: null,
    after: null,
    ip: null,
    user_agent: null,
    ...over,
  }
}

/** A fake keyset source over rows ordered by id descending. */
function source(rows: ActivityRow[]) {
  return vi.fn(async (beforeId: number | null, size: number) =>
    rows.filter((r) => beforeId === null || r.id < beforeId).slice(0, size),
  )
}

const text = async (parts: BlobPart[]) => new Blob(parts).text()

describe('exportActivity', () => {
  it('writes CSV with a header and escapes commas, quotes, line breaks and formulas', async () => {
    const rows = [
      row(2, { after: { name: 'Laptop, "Pro"' }, user_agent: 'Mozilla/5.0\nX' }),
      row(1, { actor_email: '=cmd@x.com' }),
    ]
    const csv = await text(await exportActivity({ format: 'csv', fetchPage: source(rows) }))
    const lines = csv.split('\r\n')
    expect(lines[0]).toBe(
      'id,occurred_at,actor_id,actor_email,action,entity_type,entity_id,subject_user_id,subject_email,before,after,ip,user_agent',
    )
    expect(csv).toContain('"{""name"":""Laptop, \\""Pro\\""""}"')
    expect(csv).toContain('"Mozilla/5.0\nX"')
    expect(csv).toContain(",'=cmd@x.com,")
    expect(csv.endsWith('\r\n')).toBe(true)
  })

  it('pages through the whole set by id and reports progress', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => row(12 - i))
    const fetchPage = source(rows)
    const progress: number[] = []
    const parts = await exportActivity({
      format: 'json',
      fetchPage,
      pageSize: 5,
      onProgress: (n) => progress.push(n),
    })
    expect(fetchPage.mock.calls.map((c) => c[0])).toEqual([null, 8, 3, 1])
    expect(progress).toEqual([5, 10, 12])
    const parsed = JSON.parse(await text(parts)) as { id: number }[]
    expect(parsed.map((r) => r.id)).toEqual(rows.map((r) => r.id))
    expect(parsed[0]).not.toHaveProperty('hash')
  })

  it('writes an empty JSON array for an empty set', async () => {
    expect(
      JSON.parse(await text(await exportActivity({ format: 'json', fetchPage: source([]) }))),
    ).toEqual([])
  })

  it('stops when cancelled', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(
      exportActivity({ format: 'csv', fetchPage: source([row(1)]), signal: controller.signal }),
    ).rejects.toThrow('cancelled')
  })
})
