import { onBeforeUnmount, ref } from 'vue'

/** True at phone width (≤ 640 px), following resizes: tables switch to cards. */
export function useNarrow(query = '(max-width: 640px)') {
  const media = typeof window !== 'undefined' && window.matchMedia ? window.matchMedia(query) : null
  const narrow = ref(media?.matches ?? false)
  const update = (e: MediaQueryListEvent) => (narrow.value = e.matches)
  media?.addEventListener?.('change', update)
  onBeforeUnmount(() => media?.removeEventListener?.('change', update))
  return narrow
}
