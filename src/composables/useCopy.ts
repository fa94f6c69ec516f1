import { useNotify } from './useNotify'

/** Copies text to the clipboard and says so (or why not) in a toast. */
export function useCopy() {
  const notify = useNotify()
  return async function copy(text: string, what: string): Promise<boolean> {
    try {
      await navigator.clipboard.writeText(text)
      notify.success(`${what} copied.`)
      return true
    } catch (err) {
      notify.error(err, `Could not copy the ${what.toLowerCase()}`)
      return false
    }
  }
}
