// The stack's settings live in config.ts; this file re-exports them for the benchmark scripts that
// still import config.mjs. Delete it once no scripts/bench file imports it.
export * from './config.ts'
