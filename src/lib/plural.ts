const numbers = new Intl.NumberFormat()

/** "1 entry", "2 entries", "1,204 addresses": a count with the right word. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${numbers.format(count)} ${count === 1 ? one : many}`
}
