/**
 * Same-origin check of a browser's request: its Origin must name the host it asked (the Host header), whatever
 * the scheme (a TLS proxy in front turns https into http). `null` and malformed origins are foreign.
 */
export function originAllowed(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}
