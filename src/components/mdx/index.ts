import Callout from './Callout.astro';
import Figure from './Figure.astro';
import Paywall from './Paywall.astro';

/** Components every post may use without importing them. */
export const mdxComponents = { Callout, Figure, Paywall };
