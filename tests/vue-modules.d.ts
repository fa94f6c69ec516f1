// The browser tests read the router's route table (tests/e2e/browser.ts); its lazy page imports
// name .vue files, which plain tsc (not vue-tsc) knows only through this declaration.
declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent
  export default component
}
