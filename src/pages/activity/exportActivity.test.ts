import { describe, expect, it, vi } from 'vitest'
import type { ActivityCheckpoint } from '@/api/activity'
import { parseCheckpoint } from './checkpoint'
import { streamActivityExport, type ExportSink } from './exportActivity'

const CP: ActivityCheckpoint = {
  workspace_id: 'ws-1',
  last_id: 12,
  hash: 'ab'.repeat(32),
  row_count: 12,
  taken_at: '2026-12-01T10:00:00Z',
}

/** A sink that keeps what it was given, and whether it was closed or aborted. */
function memorySink() {
  const chunks: (Uint8Array | string)[] = []
  const state = { closed: false, aborted: false }
  const sink: ExportSink = {
    write: async (c) => void chunks.push(c),
    close: async () => void (state.closed = true),
    abort: async () => void (state.aborted = true),
  }
  const text = () =>
    chunks.map((c) => (typeof c === 'string' ? c : new TextDecoder().decode(c))).join('')
  return { sink, state, text, chunks }
}

/** Page text as activity_export_page writes it, for ids 1..12, in pieces of 7 bytes. */
function pages(format: 'csv' | 'json', ids = 12) {
  return vi.fn(async (upTo: number, above: number) => {
    const lines: string[] = []
    for (let id = Math.min(upTo, ids); id > above; id--)
      lines.push(format === 'csv' ? `${id},x\r\n` : `{"id":${id}}`)
    const text = format === 'csv' ? lines.join('') : lines.join(',\n')
    if (!text) return new Response('').body
    const bytes = new TextEncoder().encode(text)
    return new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += 7) c.enqueue(bytes.slice(i, i + 7))
        c.close()
      },
    })
  })
}

describe('streamActivityExport', () => {
  it('writes the checkpoint, the header and every page newest first, over id windows', async () => {
    const m = memorySink()
    const fetchPage = pages('csv')
    const progress: number[] = []
    const rows = await streamActivityExport({
      format: 'csv',
      checkpoint: CP,
      lowestId: 1,
      fetchPage,
      sink: m.sink,
      window: 5,
      parallel: 2,
      onProgress: (p) => progress.push(p.rows),
    })
    expect(rows).toBe(12)
    expect(fetchPage.mock.calls.map((c) => [c[0], c[1]])).toEqual([
      [12, 7],
      [7, 2],
      [2, 0],
    ])
    const lines = m.text().split('\r\n')
    expect(lines[0]).toMatch(/^# fluxera-activity-checkpoint \{/)
    expect(lines[1]).toMatch(/^id,occurred_at,actor_id,/)
    expect(lines.slice(2, -1).map((l) => Number(l.split(',')[0]))).toEqual(
      Array.from({ length: 12 }, (_, i) => 12 - i),
    )
    expect(progress.at(-1)).toBe(12)
    expect(m.state).toEqual({ closed: true, aborted: false })
    expect(parseCheckpoint(m.text())).toEqual(CP)
  })

  it('joins JSON pages into one document that carries the checkpoint', async () => {
    const m = memorySink()
    const rows = await streamActivityExport({
      format: 'json',
      checkpoint: CP,
      lowestId: 1,
      fetchPage: pages('json'),
      sink: m.sink,
      window: 4,
    })
    expect(rows).toBe(12)
    const file = JSON.parse(m.text()) as { checkpoint: unknown; rows: { id: number }[] }
    expect(file.checkpoint).toEqual(CP)
    expect(file.rows.map((r) => r.id)).toEqual(Array.from({ length: 12 }, (_, i) => 12 - i))
    // The checkpoint can be read from the file's first line alone (the integrity check reads
    // only the head of a large file).
    expect(parseCheckpoint(m.text().split('\n')[0]!)).toEqual(CP)
  })

  it('skips empty pages and writes a valid file for an empty log', async () => {
    const m = memorySink()
    await streamActivityExport({
      format: 'json',
      checkpoint: CP,
      lowestId: 1,
      fetchPage: pages('json', 3),
      sink: m.sink,
      window: 4,
    })
    expect((JSON.parse(m.text()) as { rows: unknown[] }).rows).toHaveLength(3)
    const empty = memorySink()
    const fetchPage = pages('json')
    await streamActivityExport({
      format: 'json',
      checkpoint: null,
      lowestId: null,
      fetchPage,
      sink: empty.sink,
    })
    expect(JSON.parse(empty.text())).toEqual([])
    expect(fetchPage).not.toHaveBeenCalled()
  })

  it('Stop aborts the file and the pages still loading', async () => {
    const m = memorySink()
    const controller = new AbortController()
    const seen: AbortSignal[] = []
    const fetchPage = vi.fn(async (_u: number, _a: number, signal: AbortSignal) => {
      seen.push(signal)
      controller.abort(new DOMException('Export stopped', 'AbortError'))
      return new Response('1,x\r\n').body
    })
    await expect(
      streamActivityExport({
        format: 'csv',
        checkpoint: CP,
        lowestId: 1,
        fetchPage,
        sink: m.sink,
        window: 5,
        signal: controller.signal,
      }),
    ).rejects.toThrow('Export stopped')
    expect(m.state).toEqual({ closed: false, aborted: true })
    expect(seen.every((s) => s.aborted)).toBe(true)
  })

  it('a failed page aborts the file', async () => {
    const m = memorySink()
    await expect(
      streamActivityExport({
        format: 'csv',
        checkpoint: CP,
        lowestId: 1,
        fetchPage: async () => {
          throw new Error('HTTP 500')
        },
        sink: m.sink,
      }),
    ).rejects.toThrow('HTTP 500')
    expect(m.state.aborted).toBe(true)
  })
})
