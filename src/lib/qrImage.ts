// The TOTP enrolment's QR code as an <img> source. Auth answers an SVG document; supabase-js
// (auth-js `_enroll`) prepends `data:image/svg+xml;utf-8,` to it without encoding it, so any `#`
// in the markup ends the URL early, and `%` or other reserved characters garble it. The markup is
// taken back out and put in a data: URL that is percent-encoded, which renders any valid SVG.

const UNENCODED_PREFIX = 'data:image/svg+xml;utf-8,'

export function qrImageSrc(qrCode: string): string {
  const markup = qrCode.startsWith(UNENCODED_PREFIX)
    ? qrCode.slice(UNENCODED_PREFIX.length)
    : qrCode
  // Anything that is not SVG markup (a base64 data: URL, an http(s) URL) is already a usable source.
  if (!markup.trimStart().startsWith('<')) return qrCode
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(markup)}`
}
