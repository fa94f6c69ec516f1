import { ref } from 'vue'
import {
  activityCheckpoint,
  activityChunk,
  countActivity,
  type ActivityFilter,
} from '@/api/activity'
import { useNotify } from '@/composables/useNotify'
import { saveFile } from '@/lib/download'
import { exportActivity, type ExportFormat } from './exportActivity'

/** Runs an export of the filtered log with progress, and saves it as a file. */
export function useActivityExport() {
  const notify = useNotify()
  const running = ref(false)
  const done = ref(0)
  const total = ref(0)
  let controller: AbortController | null = null

  async function run(filter: ActivityFilter, format: ExportFormat) {
    controller = new AbortController()
    running.value = true
    done.value = 0
    try {
      // The chain head as the export starts; the file carries it (rows up to its last_id).
      const [checkpoint, count] = await Promise.all([
        activityCheckpoint(filter.workspaceId),
        countActivity(filter),
      ])
      total.value = count
      const parts = await exportActivity({
        format,
        checkpoint,
        fetchPage: (beforeId, size) => activityChunk(filter, beforeId, size),
        onProgress: (n) => (done.value = n),
        signal: controller.signal,
      })
      const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')
      saveFile(
        `activity-${stamp}.${format}`,
        parts,
        format === 'csv' ? 'text/csv;charset=utf-8' : 'application/json',
      )
      notify.success('Export ready', `${done.value} entries exported as ${format.toUpperCase()}.`)
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') notify.info('Export cancelled')
      else notify.error(err, 'Export failed')
    } finally {
      running.value = false
      controller = null
    }
  }

  const cancel = () => controller?.abort()

  return { running, done, total, run, cancel }
}
