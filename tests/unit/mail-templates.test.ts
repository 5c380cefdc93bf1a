import { describe, expect, it } from 'vitest';
import { changeEmailEmail } from '../../src/server/mail/templates/change-email.ts';
import { emailChangedNotice } from '../../src/server/mail/templates/email-changed.ts';
import { escapeHtml, html } from '../../src/server/mail/templates/escape-html.ts';
import { signInEmail } from '../../src/server/mail/templates/sign-in.ts';

const hostile = '<script>alert(1)</script> & "Friends"';
const link = 'https://field-notes.example/auth/verify?token=tok_123&next=%2Fposts';
const code = 'K7QM2XPD';

const signIn = (isNewMember: boolean, siteName = 'Field Notes') =>
  signInEmail({ siteName, link, code, minutes: 10, isNewMember });

function preheader(htmlText: string): string {
  const match = /<div class="preheader"[^>]*>([\s\S]*?)<\/div>/.exec(htmlText);
  if (!match?.[1]) throw new Error('no preheader in the email');
  return match[1];
}

describe('escaping', () => {
  it('escapes the five characters that matter in HTML text and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('escapes interpolated values in the html tag but keeps nested markup', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p>${inner}${'&'}</p>`.value).toBe('<p><b>&lt;i&gt;</b>&amp;</p>');
  });

  it('never lets a site name or address through raw into any template', () => {
    const rendered = [
      signIn(true, hostile),
      signIn(false, hostile),
      changeEmailEmail({ siteName: hostile, link, minutes: 10, newEmail: '"><img src=x onerror=alert(1)>@evil.example' }),
      emailChangedNotice({ siteName: hostile, oldEmail: '<old>@example.com', newEmail: '<new>@example.com', accountUrl: 'https://field-notes.example/account' }),
    ];
    for (const email of rendered) {
      expect(email.html).not.toContain('<script>');
      expect(email.html).not.toContain('<img');
      expect(email.html).not.toContain('<old>');
      expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Friends&quot;');
      // The text part is for text readers: the same values, unescaped.
      expect(email.text).toContain(hostile);
    }
  });

  it('escapes the link inside href so its query string survives', () => {
    expect(signIn(false).html).toContain('href="https://field-notes.example/auth/verify?token=tok_123&amp;next=%2Fposts"');
  });

  it('refuses a link that is not a web address', () => {
    expect(() => signInEmail({ siteName: 'Field Notes', link: 'javascript:alert(1)', code, minutes: 10, isNewMember: false })).toThrow(/http\(s\) URL/);
  });
});

describe('signInEmail', () => {
  it('puts the link and the grouped code in the text part, and says the dash is optional', () => {
    const { text } = signIn(false);
    expect(text).toContain(link);
    expect(text).toContain('K7QM-2XPD');
    expect(text).toMatch(/dash is optional/);
    expect(text).toContain('expire in 10 minutes');
    expect(text).toMatch(/did not ask for this, ignore this email/);
  });

  it('shows the button and the code in the html part', () => {
    const email = signIn(true);
    expect(email.html).toMatch(/<a href="https:\/\/field-notes\.example\/auth\/verify[^"]*"[^>]*>Confirm and sign in<\/a>/);
    expect(email.html).toContain('K7QM-2XPD');
  });

  it('says how long the link lasts from its input', () => {
    const email = signInEmail({ siteName: 'Field Notes', link, code, minutes: 15, isNewMember: false });
    expect(email.text).toContain('expire in 15 minutes');
    expect(email.html).toContain('expire in 15 minutes');
  });

  it('keeps the code out of the subject and the preview line, which lock screens show', () => {
    for (const email of [signIn(true), signIn(false), changeEmailEmail({ siteName: 'Field Notes', link, minutes: 10, newEmail: 'new@example.com' })]) {
      for (const shown of [email.subject, preheader(email.html)]) {
        expect(shown).not.toContain(code);
        expect(shown).not.toContain('K7QM-2XPD');
        expect(shown).not.toContain('tok_123');
      }
    }
  });

  it('asks a new member to confirm and an existing one to sign in', () => {
    expect(signIn(true).subject).toBe('Confirm your email for Field Notes');
    expect(signIn(false).subject).toBe('Sign in to Field Notes');
  });
});

describe('changeEmailEmail', () => {
  it('names the new address and carries the link, but no code (address changes are confirmed by link)', () => {
    const email = changeEmailEmail({ siteName: 'Field Notes', link, minutes: 10, newEmail: 'new@example.com' });
    expect(email.subject).toBe('Confirm your new email address for Field Notes');
    expect(email.text).toContain('new@example.com');
    expect(email.text).toContain(link);
    expect(email.text).not.toContain('K7QM-2XPD');
    expect(email.text).not.toContain('code');
  });
});

describe('emailChangedNotice', () => {
  it('tells the old address both addresses and what to do if it was not them', () => {
    const email = emailChangedNotice({
      siteName: 'Field Notes',
      oldEmail: 'old@example.com',
      newEmail: 'new@example.com',
      accountUrl: 'https://field-notes.example/account',
    });
    expect(email.subject).toBe('Your email address for Field Notes was changed');
    expect(email.text).toContain('from old@example.com to new@example.com');
    expect(email.text).toMatch(/If it was not you, reply to this email/);
    expect(email.text).toContain('https://field-notes.example/account');
    expect(email.html).toContain('href="https://field-notes.example/account"');
  });
});
