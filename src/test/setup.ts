// Runs before every unit test file (vitest.config.ts, project unit).
import { enableAutoUnmount } from '@vue/test-utils'
import { afterEach } from 'vitest'

// Every wrapper a test mounts is unmounted after it: its watchers, timers and listeners stop, and
// the next test starts from an empty document instead of one full of earlier pages.
enableAutoUnmount(afterEach)
afterEach(() => {
  document.body.innerHTML = ''
})
