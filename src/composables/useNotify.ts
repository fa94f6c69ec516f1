import { useToast } from 'primevue/usetoast'
import { toAppError } from '@/lib/errors'

/** The one place where results and errors become toasts. */
export function useNotify() {
  const toast = useToast()

  function success(summary: string, detail?: string) {
    toast.add({ severity: 'success', summary, detail, life: 4000 })
  }

  function info(summary: string, detail?: string) {
    toast.add({ severity: 'info', summary, detail, life: 5000 })
  }

  function error(err: unknown, summary = 'That did not work') {
    toast.add({ severity: 'error', summary, detail: toAppError(err).message, life: 8000 })
  }

  /** Runs `action`; toasts its success message or its error. Resolves to whether it succeeded. */
  async function attempt(
    action: () => Promise<unknown>,
    messages: { success?: string; error?: string } = {},
  ): Promise<boolean> {
    try {
      await action()
      if (messages.success) success(messages.success)
      return true
    } catch (err) {
      error(err, messages.error)
      return false
    }
  }

  return { success, info, error, attempt }
}
