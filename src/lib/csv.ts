export type CsvValue = unknown

/** Cells that a spreadsheet would run as a formula are prefixed with a quote (OWASP advice). */
const FORMULA_START = /^[=+\-@\t\r]/

/** One CSV field per RFC 4180: quoted when it holds a comma, quote or line break. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return ''
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value)
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`
}

/** CSV text (header line + rows) for the given columns of each row. */
export function toCsv<T extends object>(
  rows: readonly T[],
  columns: readonly (keyof T & string)[],
): string {
  return rows.map((row) => csvLine(columns.map((c) => row[c] as CsvValue))).join('')
}
