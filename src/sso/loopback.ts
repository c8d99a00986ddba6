// The one rule for plain-http provider URLs: only providers on this machine
// (development, tests) may be reached without TLS.
export function isLoopback(url: URL): boolean {
  return url.hostname === "localhost" || url.hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(url.hostname);
}
