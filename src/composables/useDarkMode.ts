import { ref, watchEffect } from 'vue'

const STORAGE_KEY = 'fluxera.dark'
const prefersDark =
  typeof window !== 'undefined' && window.matchMedia?.('(prefers-color-scheme: dark)').matches
const stored = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null
const isDark = ref(stored === null ? Boolean(prefersDark) : stored === 'true')

let applied = false

/**
 * Switches themes without animating every colour: while `.app-dark` flips, `.theme-switching`
 * turns transitions off and a forced style flush commits the new colours at once. (Otherwise
 * text is briefly mid-transition, which also trips contrast checkers.)
 */
function switchThemesInstantly(root: HTMLElement) {
  let dark = root.classList.contains('app-dark')
  new MutationObserver(() => {
    const now = root.classList.contains('app-dark')
    if (now === dark) return
    dark = now
    // Whoever flipped the class (the switch, a test), charts and others follow it.
    isDark.value = now
    root.classList.add('theme-switching')
    void getComputedStyle(root).color
    void document.body?.offsetHeight
    requestAnimationFrame(() => root.classList.remove('theme-switching'))
  }).observe(root, { attributes: true, attributeFilter: ['class'] })
}

/** Light/dark switch; PrimeVue's theme follows the `.app-dark` class on <html>. */
export function useDarkMode() {
  if (!applied) {
    applied = true
    switchThemesInstantly(document.documentElement)
    watchEffect(() => {
      document.documentElement.classList.toggle('app-dark', isDark.value)
      localStorage.setItem(STORAGE_KEY, String(isDark.value))
    })
  }
  const toggle = () => (isDark.value = !isDark.value)
  return { isDark, toggle }
}
