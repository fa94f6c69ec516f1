import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ref } from 'vue'
import * as activity from '@/api/activity'
import { checkpointLine } from './checkpoint'
import { useIntegrityCheck } from './useIntegrityCheck'

vi.mock('@/api/activity')
const toastAdd = vi.hoisted(() => vi.fn())
vi.mock('primevue/usetoast', () => ({ useToast: () => ({ add: toastAdd }) }))

const CP = { workspace_id: 'ws-1', last_id: 7, hash: 'a'.repeat(64), row_count: 7, taken_at: 'x' }
const INTACT = { ok: true, rows_checked: 40, first_bad_id: null }

beforeEach(() => {
  toastAdd.mockReset()
  vi.mocked(activity.verifyActivityLog).mockReset()
  vi.mocked(activity.verifyAgainstCheckpoint).mockReset()
})

describe('useIntegrityCheck', () => {
  it('checks the whole chain with progress and keeps the answer', async () => {
    vi.mocked(activity.verifyActivityLog).mockImplementation(async (_ws, opts) => {
      opts?.onProgress?.(20)
      return INTACT
    })
    const check = useIntegrityCheck(ref('ws-1'))
    const running = check.verify()
    expect(check.verifying.value).toBe(true)
    await running
    expect(activity.verifyActivityLog).toHaveBeenCalledWith(
      'ws-1',
      expect.objectContaining({ signal: expect.any(AbortSignal) }),
    )
    expect(check.verified.value).toBe(20)
    expect(check.result.value).toEqual(INTACT)
    expect(check.verifying.value).toBe(false)
  })

  it('stops quietly when cancelled, and says so when the check fails', async () => {
    vi.mocked(activity.verifyActivityLog).mockImplementation(
      (_ws, opts) =>
        new Promise((_, reject) =>
          opts?.signal?.addEventListener('abort', () =>
            reject(new DOMException('stopped', 'AbortError')),
          ),
        ),
    )
    const check = useIntegrityCheck(ref('ws-1'))
    const running = check.verify()
    check.cancel()
    await running
    expect(check.verifying.value).toBe(false)
    expect(check.result.value).toBeNull()
    expect(toastAdd).not.toHaveBeenCalled()

    vi.mocked(activity.verifyActivityLog).mockRejectedValue(new Error('boom'))
    await check.verify()
    expect(toastAdd).toHaveBeenCalledWith(
      expect.objectContaining({ severity: 'error', summary: 'Could not verify the log' }),
    )
  })

  it('verifies against the checkpoint a kept file carries', async () => {
    vi.mocked(activity.verifyAgainstCheckpoint).mockResolvedValue({
      ...INTACT,
      checkpoint_ok: true,
    })
    const check = useIntegrityCheck(ref('ws-1'))
    await check.verifyFile(new File([checkpointLine(CP), 'id,action\r\n'], 'export.csv'))
    expect(activity.verifyAgainstCheckpoint).toHaveBeenCalledWith('ws-1', CP)
    expect(check.result.value?.checkpoint_ok).toBe(true)
    check.reset()
    expect(check.result.value).toBeNull()
  })

  it('refuses a file without a checkpoint and asks the database nothing', async () => {
    const check = useIntegrityCheck(ref('ws-1'))
    await check.verifyFile(new File(['hello'], 'notes.txt'))
    expect(activity.verifyAgainstCheckpoint).not.toHaveBeenCalled()
    expect(toastAdd).toHaveBeenCalledWith(
      expect.objectContaining({
        summary: 'Cannot verify',
        detail: 'notes.txt holds no activity checkpoint.',
      }),
    )
  })
})
