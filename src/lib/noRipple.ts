import type { Directive } from 'vue'

/**
 * Stands in for PrimeVue's Ripple directive (vite.config.ts aliases `primevue/ripple` here). The
 * app leaves PrimeVue's `ripple` option off, so the real directive only ever checks that option and
 * returns; its code (~2 KB gzip) was still loaded with every Button, sign-in page included. To turn
 * ripples on, remove the alias.
 */
const NoRipple: Directive = {}
export default NoRipple
