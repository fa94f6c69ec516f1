import { describe, expect, it } from 'vitest'
import { qrImageSrc } from './qrImage'

const svg = `<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="#000" style="opacity:50%"/></svg>
`

describe('qrImageSrc', () => {
  it('re-encodes the SVG supabase-js put after an unencoded data: prefix, # and % included', () => {
    const src = qrImageSrc(`data:image/svg+xml;utf-8,${svg}`)
    expect(src.startsWith('data:image/svg+xml;charset=utf-8,')).toBe(true)
    expect(src).not.toMatch(/[#<>"\s]/)
    expect(decodeURIComponent(src.slice('data:image/svg+xml;charset=utf-8,'.length))).toBe(svg)
    // The URL parser keeps all of it: nothing is cut off as a fragment.
    expect(new URL(src).hash).toBe('')
  })

  it('takes raw SVG markup too, and leaves other image URLs alone', () => {
    expect(qrImageSrc(svg)).toBe(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`)
    const png = 'data:image/png;base64,iVBORw0KGgo='
    expect(qrImageSrc(png)).toBe(png)
    expect(qrImageSrc('https://example.test/qr.svg')).toBe('https://example.test/qr.svg')
  })
})
