/** "Firefox on macOS" from a User-Agent string, for telling sessions apart. Best effort. */
export function describeDevice(userAgent: string): string {
  const browser =
    /Edg\//.test(userAgent) ? 'Edge' :
    /OPR\//.test(userAgent) ? 'Opera' :
    /Firefox\//.test(userAgent) ? 'Firefox' :
    /Chrome\/|Chromium\//.test(userAgent) ? 'Chrome' :
    /Safari\//.test(userAgent) ? 'Safari' :
    undefined;
  const system =
    /iPhone|iPad/.test(userAgent) ? 'iOS' :
    /Android/.test(userAgent) ? 'Android' :
    /Mac OS X|Macintosh/.test(userAgent) ? 'macOS' :
    /Windows/.test(userAgent) ? 'Windows' :
    /Linux/.test(userAgent) ? 'Linux' :
    undefined;
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system ?? 'Unknown device';
}
