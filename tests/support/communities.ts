/**
 * The communities the tests build and read. Tests never read `content/`: that folder is the
 * creator's, and a creator who makes the demo their own must still have a green test run.
 * The Hedgerow demo is kept here as one fixture among others; `creator-content.test.ts` is
 * the one check that reads `content/`, and it is meant to fail when the creator's content is broken.
 */
import { resolve } from 'node:path';

const fixtures = resolve(import.meta.dirname, '../fixtures');

/** The Hedgerow: the demo community as shipped, with tiers, spaces, a newsletter and gated posts. */
export const hedgerowDir = resolve(fixtures, 'hedgerow');

/** A handful of posts, one tier: small enough for tests that build it again and again. */
export const smallCommunityDir = resolve(fixtures, 'small-community');
