/**
 * The pieces an email body is built from, each as email-safe HTML (tables where
 * Outlook needs them, inline styles) with every value escaped.
 */
import { html, type SafeHtml } from './escape-html.ts';
import { fonts, palette } from './palette.ts';

export function paragraph(...parts: (string | SafeHtml)[]): SafeHtml {
  return html`<p style="margin:0 0 16px;font-family:${fonts.ui};font-size:16px;line-height:1.6;color:${palette.text};">${parts.map((part) => (typeof part === 'string' ? html`${part}` : part))}</p>`;
}

/** Small grey print for the safety notes under the main action. */
export function note(text: string): SafeHtml {
  return html`<p style="margin:0 0 12px;font-family:${fonts.ui};font-size:14px;line-height:1.5;color:${palette.muted};">${text}</p>`;
}

export function strong(text: string): SafeHtml {
  return html`<strong>${text}</strong>`;
}

/**
 * A button that survives Outlook: the colour sits on a table cell, which Outlook
 * paints, because it ignores padding and background on links.
 */
export function button(href: string, label: string): SafeHtml {
  assertWebLink(href);
  return html`<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 24px;">
<tr><td align="center" bgcolor="${palette.accent}" style="border-radius:6px;background-color:${palette.accent};">
<a href="${href}" target="_blank" style="display:inline-block;padding:14px 28px;font-family:${fonts.ui};font-size:16px;font-weight:700;line-height:1.2;color:${palette.accentText};text-decoration:none;border-radius:6px;">${label}</a>
</td></tr></table>`;
}

/** The link spelled out, for clients that block buttons or readers who copy it. */
export function linkFallback(href: string, lead = 'If the button does not work, paste this address into your browser:'): SafeHtml {
  assertWebLink(href);
  return html`<p style="margin:0 0 24px;font-family:${fonts.ui};font-size:13px;line-height:1.5;color:${palette.muted};word-break:break-all;">${lead}<br><a href="${href}" target="_blank" style="color:${palette.accent};">${href}</a></p>`;
}

/** The one-time code, large and monospaced so 0/O and 1/I read apart. */
export function codeBox(code: string): SafeHtml {
  return html`<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:4px 0 16px;">
<tr><td bgcolor="${palette.codeBackground}" style="padding:12px 20px;border-radius:6px;background-color:${palette.codeBackground};font-family:${fonts.mono};font-size:28px;font-weight:700;letter-spacing:4px;color:${palette.text};">${groupCode(code)}</td></tr>
</table>`;
}

/** `ABCDEFGH` as `ABCD-EFGH`: groups of four are easier to read out and type back. */
export function groupCode(code: string): string {
  return code.match(/.{1,4}/g)?.join('-') ?? code;
}

// Escaping keeps markup out of an href, not a `javascript:` URL; our links are always web links.
function assertWebLink(href: string): void {
  const protocol = URL.canParse(href) ? new URL(href).protocol : '';
  if (protocol !== 'https:' && protocol !== 'http:') throw new Error(`An email link must be an http(s) URL, not "${href}".`);
}
