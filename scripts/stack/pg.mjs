// Re-exports pg.ts for the benchmark scripts that still import pg.mjs. Delete it once no
// scripts/bench file imports it.
export * from './pg.ts'
