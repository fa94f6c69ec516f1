import { ref, type Ref } from 'vue'
import { verifyActivityLog, verifyAgainstCheckpoint, type IntegrityResult } from '@/api/activity'
import { useNotify } from '@/composables/useNotify'
import { CHECKPOINT_HEAD_BYTES, parseCheckpoint } from './checkpoint'

/** What a failed checkpoint comparison means, by the database's `problem` code. */
export const CHECKPOINT_PROBLEMS: Record<string, string> = {
  checkpoint_hash_mismatch: 'entries up to the checkpoint were rewritten after it was taken',
  checkpoint_row_missing: 'the entry the checkpoint ends at is gone: the log was cut short',
  checkpoint_count_mismatch: 'entries up to the checkpoint were removed or added',
}

/**
 * The Activity page's integrity check: the whole hash chain in chunks (with progress, stoppable),
 * or the log against a checkpoint kept in a file (an export, or a saved checkpoint).
 */
export function useIntegrityCheck(workspaceId: Ref<string>) {
  const notify = useNotify()
  const verifying = ref(false)
  /** Entries checked so far by the running check (it goes in chunks). */
  const verified = ref(0)
  const result = ref<IntegrityResult | null>(null)
  let controller: AbortController | null = null

  async function verify() {
    verifying.value = true
    verified.value = 0
    result.value = null
    controller = new AbortController()
    try {
      result.value = await verifyActivityLog(workspaceId.value, {
        onProgress: (n) => (verified.value = n),
        signal: controller.signal,
      })
    } catch (err) {
      if (!(err instanceof DOMException && err.name === 'AbortError'))
        notify.error(err, 'Could not verify the log')
    } finally {
      verifying.value = false
      controller = null
    }
  }

  /** Verifies against the checkpoint in a file kept earlier. */
  async function verifyFile(file: File) {
    // Only the first bytes: an export of a million rows is not read into memory for one line.
    const checkpoint = parseCheckpoint(await file.slice(0, CHECKPOINT_HEAD_BYTES).text())
    if (!checkpoint) {
      notify.error(new Error(`${file.name} holds no activity checkpoint.`), 'Cannot verify')
      return
    }
    verifying.value = true
    try {
      result.value = await verifyAgainstCheckpoint(workspaceId.value, checkpoint)
    } catch (err) {
      notify.error(err, 'Could not verify the log')
    } finally {
      verifying.value = false
    }
  }

  const cancel = () => controller?.abort()

  /** Stops a running check and forgets the last answer (another workspace was opened). */
  function reset() {
    cancel()
    result.value = null
  }

  return { verifying, verified, result, verify, verifyFile, cancel, reset }
}

export type IntegrityCheck = ReturnType<typeof useIntegrityCheck>
