import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import * as auth from '@/api/auth'
import type { User } from '@/api/auth'
import { useActivityStore } from './activity'
import { useMembersStore } from './members'
import { useWorkspaceStore } from './workspace'

/** Who is signed in. Hydrates from Supabase Auth and follows its changes. */
export const useSessionStore = defineStore('session', () => {
  const user = ref<User | null>(null)
  const ready = ref(false)
  let started: Promise<void> | null = null

  const isSignedIn = computed(() => user.value !== null)
  const email = computed(() => user.value?.email ?? '')
  const displayName = computed(() => {
    const name = user.value?.user_metadata?.['full_name']
    return typeof name === 'string' && name ? name : email.value
  })

  function resetWorkspaceData() {
    useWorkspaceStore().reset()
    useMembersStore().reset()
    useActivityStore().reset()
  }

  /** Reads the stored session once and subscribes to later changes. Safe to call repeatedly. */
  function init(): Promise<void> {
    started ??= (async () => {
      const session = await auth.getSession().catch(() => null)
      // The browser's stored session is only what it kept: a token that does not verify against
      // the project's signing keys (forged, or signed by a key since revoked) is not trusted.
      let refused = false
      try {
        refused = session !== null && (await auth.sessionTokenRefused()) === true
        if (refused) await auth.signOut()
      } catch {
        // An unreachable JWKS or Auth is no verdict on the token: keep the session.
      }
      user.value = refused ? null : (session?.user ?? null)
      // Keep this callback synchronous: awaiting Supabase calls inside it can deadlock auth-js.
      auth.onAuthChange((event, next) => {
        const previousId = user.value?.id
        user.value = next?.user ?? null
        if (event === 'SIGNED_OUT' || previousId !== user.value?.id) resetWorkspaceData()
      })
      ready.value = true
    })()
    return started
  }

  async function signIn(emailAddress: string, password: string): Promise<void> {
    user.value = await auth.signInWithPassword(emailAddress, password)
  }

  async function signOut(): Promise<void> {
    try {
      await auth.signOut()
    } finally {
      user.value = null
      resetWorkspaceData()
    }
  }

  function setUser(next: User | null) {
    user.value = next
  }

  return { user, ready, isSignedIn, email, displayName, init, signIn, signOut, setUser }
})
