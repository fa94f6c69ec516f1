import { useNotify } from './useNotify'

/**
 * Copies text to the clipboard and says so (or why not): in a toast, or, inside a modal dialog
 * (whose mask would cover a toast), only in the returned words for the dialog to show.
 */
export function useCopy() {
  const notify = useNotify()
  return async function copy(text: string, what: string, opts = { toast: true }): Promise<string> {
    try {
      await navigator.clipboard.writeText(text)
      const done = `${what} copied.`
      if (opts.toast) notify.success(done)
      return done
    } catch (err) {
      if (opts.toast) notify.error(err, `Could not copy the ${what.toLowerCase()}`)
      return `Could not copy the ${what.toLowerCase()}: select it and copy it by hand.`
    }
  }
}
