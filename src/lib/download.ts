/** Offers `parts` to the browser as a file download. */
export function saveFile(filename: string, parts: BlobPart[], type: string): void {
  const url = URL.createObjectURL(new Blob(parts, { type }))
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  link.rel = 'noopener'
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 0)
}

/** A file being written piece by piece. */
export interface FileSink {
  write(chunk: Uint8Array | string): Promise<void>
  close(): Promise<void>
  /** Discards what was written. */
  abort(): Promise<void>
  /** 'disk': streamed into a file the person chose; 'download': kept as Blob parts, then offered. */
  kind: 'disk' | 'download'
}

interface SavePickerWindow {
  showSaveFilePicker?: (options: {
    suggestedName: string
    types: { description: string; accept: Record<string, string[]> }[]
  }) => Promise<{
    createWritable: () => Promise<{
      write: (data: Uint8Array | string) => Promise<void>
      close: () => Promise<void>
      abort: () => Promise<void>
    }>
  }>
}

/**
 * Opens a file to write a large export into. Where the browser has the File System Access API
 * (Chromium) the person picks the file first and every piece goes straight to disk, so the page's
 * memory stays flat whatever the size. Elsewhere the pieces become Blob parts, offered as a
 * download at the end: the page keeps only handles, but the browser holds the whole file (in
 * memory or its own temporary files) until then. Must be called from a click (the picker needs
 * the gesture). Null when the person cancels the picker.
 */
export async function openFileSink(
  filename: string,
  type: string,
  description: string,
): Promise<FileSink | null> {
  const picker = (window as unknown as SavePickerWindow).showSaveFilePicker
  if (picker) {
    const extension = filename.slice(filename.lastIndexOf('.'))
    let handle
    try {
      handle = await picker({
        suggestedName: filename,
        types: [{ description, accept: { [type.split(';')[0]!]: [extension] } }],
      })
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') return null
      throw err
    }
    const file = await handle.createWritable()
    return {
      kind: 'disk',
      write: (chunk) => file.write(chunk),
      close: () => file.close(),
      abort: () => file.abort(),
    }
  }
  let parts: Blob[] = []
  return {
    kind: 'download',
    write: async (chunk) => {
      parts.push(new Blob([chunk as BlobPart]))
    },
    close: async () => saveFile(filename, parts, type),
    abort: async () => {
      parts = []
    },
  }
}
