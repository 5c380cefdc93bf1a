import { z } from 'astro/zod';

/** `content/site.yaml`: who the community is and how it introduces itself. */
export const siteSchema = z.object({
  /** The community's name, shown in the header, titles and emails. */
  name: z.string().min(1),
  /** A short line under the name on the home page. */
  tagline: z.string().default(''),
  /** One or two sentences for search engines, social cards and the RSS feed. */
  description: z.string().min(1),
  /** The public address of the hub; `SITE_URL` overrides it for a deployment. */
  url: z.url({ error: 'must be a full URL such as https://example.com' }),
  /** The creator's address: signing in with it makes you the owner. */
  ownerEmail: z.email({ error: 'must be an email address' }),
  /** Who newsletters and sign-in emails come from. */
  sender: z.object({
    /** Display name on outgoing mail, e.g. "Wren at The Hedgerow". */
    name: z.string().min(1),
    /** The From address; its domain must be verified with the email provider. */
    address: z.email({ error: 'must be an email address' }),
  }),
  /** A postal address for newsletter footers (anti-spam laws require one). */
  postalAddress: z.string().min(1),
  /** BCP 47 language tag of the content, e.g. "en" or "fr-CA". */
  language: z.string().min(2).default('en'),
  /** Links shown in the footer, in order. */
  social: z
    .array(
      z.object({
        /** Link text, e.g. "Mastodon". */
        label: z.string().min(1),
        /** Full URL of the profile. */
        url: z.url({ error: 'must be a full URL' }),
      }),
    )
    .default([]),
});

export type Site = z.infer<typeof siteSchema>;
