/**
 * The frame around every email, as HTML and as plain text. The HTML is a centred
 * table at most 560px wide with inline styles only, which is what Gmail, Outlook and
 * Apple Mail all render alike; the plain text carries the same words for clients
 * (and people) who read text.
 */
import { html, SafeHtml } from './escape-html.ts';
import { fonts, palette } from './palette.ts';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export interface EmailFrame {
  siteName: string;
  subject: string;
  /** The line inbox lists show after the subject; never put a secret here. */
  preheader: string;
  heading: string;
  /** The body, built from `blocks.ts`. */
  body: SafeHtml;
  /** The same body as plain text. */
  text: string;
  /** Why the reader got this email, shown small under the card. */
  footer: string;
}

export function renderEmail(frame: EmailFrame): RenderedEmail {
  return { subject: frame.subject, html: frameHtml(frame).value, text: frameText(frame) };
}

// Zero-width joiners after the preheader stop clients padding the preview with body text.
const previewPadding = new SafeHtml('&#847;&zwnj;&nbsp;'.repeat(40));

function frameHtml({ siteName, subject, preheader, heading, body, footer }: EmailFrame): SafeHtml {
  return html`<!doctype html>
<html lang="en" xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<meta name="format-detection" content="telephone=no, date=no, address=no, email=no">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>${subject}</title>
</head>
<body style="margin:0;padding:0;width:100%;background-color:${palette.page};">
<div class="preheader" style="display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;mso-hide:all;font-size:1px;line-height:1px;color:${palette.page};">${preheader}${previewPadding}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="${palette.page}" style="width:100%;background-color:${palette.page};">
<tr><td align="center" style="padding:24px 12px;">
<!--[if mso]><table role="presentation" width="560" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="${palette.card}" style="width:100%;max-width:560px;background-color:${palette.card};border:1px solid ${palette.border};border-radius:8px;">
<tr><td style="padding:24px 32px 0;font-family:${fonts.ui};font-size:14px;font-weight:700;letter-spacing:0.5px;color:${palette.muted};">${siteName}</td></tr>
<tr><td style="padding:8px 32px 0;"><h1 style="margin:0 0 16px;font-family:${fonts.ui};font-size:24px;line-height:1.3;font-weight:700;color:${palette.text};">${heading}</h1></td></tr>
<tr><td style="padding:0 32px 16px;">${body}</td></tr>
</table>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:560px;">
<tr><td style="padding:16px 32px;font-family:${fonts.ui};font-size:12px;line-height:1.5;color:${palette.muted};">${footer}</td></tr>
</table>
<!--[if mso]></td></tr></table><![endif]-->
</td></tr></table>
</body>
</html>`;
}

function frameText({ siteName, heading, text, footer }: EmailFrame): string {
  return `${heading}\n\n${text.trim()}\n\n-- \n${footer}\n${siteName}\n`;
}
