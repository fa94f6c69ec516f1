import { ref } from 'vue'
import {
  activityCheckpoint,
  activityExportPage,
  countActivityCapped,
  lowestActivityId,
  type ActivityFilter,
} from '@/api/activity'
import { useNotify } from '@/composables/useNotify'
import { openFileSink } from '@/lib/download'
import { streamActivityExport, type ExportFormat } from './exportActivity'

/** Rows counted exactly for a filtered export's progress bar; past it the bar follows the ids. */
const FILTERED_COUNT_CAP = 100000

function isFiltered(f: ActivityFilter): boolean {
  return !!(
    f.actor?.trim() ||
    f.actorId ||
    f.actorIds?.length ||
    f.involvingUserId ||
    f.action ||
    f.entityType ||
    f.entityId ||
    f.from ||
    f.to
  )
}

/**
 * Exports the filtered log into a file with progress and a Stop: streamed to disk where the
 * browser can (src/lib/download.ts openFileSink), page by page (exportActivity.ts), never held
 * whole in the page's memory. Call `run` from the click: the file picker needs the gesture, so
 * the filter may still be resolving (a promise).
 */
export function useActivityExport() {
  const notify = useNotify()
  const running = ref(false)
  const done = ref(0)
  /** Rows the export will hold; null while unknown (a filter matching more than 100,000). */
  const total = ref<number | null>(null)
  /** Share of the id range done (0-1), for the bar when `total` is unknown. */
  const fraction = ref(0)
  let controller: AbortController | null = null

  async function run(filter: ActivityFilter | Promise<ActivityFilter>, format: ExportFormat) {
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')
    const filename = `activity-${stamp}.${format}`
    const sink = await openFileSink(
      filename,
      format === 'csv' ? 'text/csv;charset=utf-8' : 'application/json',
      format === 'csv' ? 'CSV file' : 'JSON file',
    )
    if (!sink) return // the person closed the file picker
    controller = new AbortController()
    const signal = controller.signal
    running.value = true
    done.value = 0
    total.value = null
    fraction.value = 0
    try {
      const f = await filter
      // The chain head as the export starts; the file carries it and holds the rows up to it.
      const [checkpoint, lowestId] = await Promise.all([
        activityCheckpoint(f.workspaceId),
        lowestActivityId(f.workspaceId),
      ])
      if (!isFiltered(f)) total.value = Number(checkpoint?.row_count ?? 0)
      else
        void countActivityCapped(f, FILTERED_COUNT_CAP)
          .then((c) => {
            if (!c.capped && !signal.aborted) total.value = c.total
          })
          .catch(() => undefined)
      const rows = await streamActivityExport({
        format,
        checkpoint,
        lowestId,
        fetchPage: (upTo, above, s) => activityExportPage(f, format, upTo, above, s),
        sink,
        signal,
        onProgress: (p) => {
          done.value = p.rows
          fraction.value = p.fraction
        },
      })
      notify.success(
        'Export ready',
        sink.kind === 'disk'
          ? `${rows.toLocaleString()} entries saved as ${format.toUpperCase()}.`
          : `${rows.toLocaleString()} entries exported as ${format.toUpperCase()}.`,
      )
    } catch (err) {
      if (signal.aborted) notify.info('Export stopped', 'No file was saved.')
      else notify.error(err, 'Export failed')
    } finally {
      running.value = false
      controller = null
    }
  }

  const cancel = () => controller?.abort(new DOMException('Export stopped', 'AbortError'))

  return { running, done, total, fraction, run, cancel }
}
