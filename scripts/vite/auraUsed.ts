// Vite plugin: `virtual:aura-used`, the Aura preset with the design tokens of the PrimeVue
// components this app uses, instead of all 88 (the full preset is ~14 KB gzip in the entry script,
// loaded before every page). "Used" is read from the source at build time: PrimeVue component
// tags in src/**/*.vue templates (auto-imported by unplugin-vue-components) and `primevue/<name>`
// imports in src, then every component those import in turn (DataTable's paginator, Select's
// virtual scroller…), so a page that starts using a new component gets its tokens with nothing to
// edit. A component that is missing its tokens renders unstyled: `npm run build` prints the list.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Plugin } from 'vite'

const virtualId = 'virtual:aura-used'
const resolvedId = '\0' + virtualId

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return sourceFiles(path)
    return /\.(vue|ts)$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [path] : []
  })
}

/** The Aura token sets (lower-case PrimeVue names) the app's components need. */
export function usedAuraComponents(srcDir: string, root: string): string[] {
  const primevueDir = join(root, 'node_modules', 'primevue')
  const auraDir = join(root, 'node_modules', '@primeuix', 'themes', 'dist', 'aura')
  const isComponent = (name: string) => existsSync(join(primevueDir, name, 'index.mjs'))
  const found = new Set<string>()
  for (const file of sourceFiles(srcDir)) {
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/<([A-Z][A-Za-z]+)[\s/>]/g)) {
      const name = m[1]!.toLowerCase()
      if (isComponent(name)) found.add(name)
    }
    for (const m of text.matchAll(/['"]primevue\/([a-z]+)['"]/g))
      if (isComponent(m[1]!)) found.add(m[1]!)
  }
  // What the found components import from PrimeVue, to the end.
  const queue = [...found]
  while (queue.length) {
    const name = queue.pop()!
    const code = readFileSync(join(primevueDir, name, 'index.mjs'), 'utf8')
    for (const m of code.matchAll(/['"]primevue\/([a-z]+)['"]/g)) {
      const dep = m[1]!
      if (!found.has(dep) && isComponent(dep)) {
        found.add(dep)
        queue.push(dep)
      }
    }
  }
  return [...found].filter((name) => existsSync(join(auraDir, name))).sort()
}

export function auraUsed(root: string): Plugin {
  return {
    name: 'fluxera:aura-used',
    resolveId: (id) => (id === virtualId ? resolvedId : undefined),
    load(id) {
      if (id !== resolvedId) return undefined
      const names = usedAuraComponents(join(root, 'src'), root)
      const imports = names.map((n) => `import ${n} from '@primeuix/themes/aura/${n}'`)
      return [
        `import base from '@primeuix/themes/aura/base'`,
        ...imports,
        `export default { ...base, components: { ${names.join(', ')} } }`,
      ].join('\n')
    },
  }
}
