/** A sentence planted in the gated part of every non-public demo post before the test build. */
export const CANARY = 'Quillwort canary 5e1d sings only behind the paywall';
