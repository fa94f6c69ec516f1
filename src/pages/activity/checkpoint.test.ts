import { describe, expect, it } from 'vitest'
import { exportHead, exportTail } from './exportActivity'
import { parseCheckpoint } from './checkpoint'

const CP = {
  workspace_id: 'ws-1',
  last_id: 42,
  hash: 'ab'.repeat(32),
  row_count: 17,
  taken_at: '2026-12-01T10:00:00Z',
}
/** An export with no rows: its opening and its end. */
const text = async (format: 'csv' | 'json') => exportHead(format, CP) + exportTail(format, CP)

describe('activity checkpoints in exports', () => {
  it('a JSON export carries the checkpoint next to its rows, and it can be read back', async () => {
    const file = await text('json')
    expect(JSON.parse(file)).toEqual({ checkpoint: CP, rows: [] })
    expect(parseCheckpoint(file)).toEqual(CP)
  })

  it('a CSV export carries it in a comment line before the header', async () => {
    const file = await text('csv')
    const [first, header] = file.split('\r\n')
    expect(first).toMatch(/^# fluxera-activity-checkpoint \{/)
    expect(header).toMatch(/^id,occurred_at,/)
    expect(parseCheckpoint(file)).toEqual(CP)
  })

  it('reads a bare checkpoint and refuses anything else', () => {
    expect(parseCheckpoint(JSON.stringify(CP))).toEqual(CP)
    expect(parseCheckpoint('[]')).toBeNull()
    expect(parseCheckpoint('id,occurred_at\r\n')).toBeNull()
    expect(parseCheckpoint(JSON.stringify({ ...CP, hash: 5 }))).toBeNull()
  })
})
