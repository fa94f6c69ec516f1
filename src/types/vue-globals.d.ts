import type Tooltip from 'primevue/tooltip'

// The Tooltip directive is registered globally in main.ts.
declare module 'vue' {
  interface GlobalDirectives {
    vTooltip: typeof Tooltip
  }
}

export {}
