import { describe, expect, it } from 'vitest';
import { frontmatterAccess } from '../../src/integrations/public-posts-out-of-server.ts';

describe('frontmatterAccess', () => {
  it('reads access from the frontmatter, public when absent', () => {
    expect(frontmatterAccess('---\ntitle: A\naccess: members\n---\nBody')).toBe('members');
    expect(frontmatterAccess('---\ntitle: A\naccess: [patron]\n---\nBody')).toEqual(['patron']);
    expect(frontmatterAccess('---\ntitle: A\n---\naccess: paid')).toBe('public');
    expect(frontmatterAccess('No frontmatter')).toBe('public');
  });

  it('reads Windows line endings', () => {
    expect(frontmatterAccess('---\r\ntitle: A\r\naccess: paid\r\n---\r\nBody')).toBe('paid');
  });
});
