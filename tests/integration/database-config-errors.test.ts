/**
 * What a person sees when the database settings are wrong: which variable, what was
 * tried, never the password.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../db/client.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

async function messageOfOpen(): Promise<string> {
  try {
    const handle = await openDatabase();
    await handle.close();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('expected openDatabase() to fail');
}

describe('database settings errors', () => {
  it.each([
    ['a space in the host', 'postgres://coterie:hunter2@local host/coterie', 'DATABASE_URL is not a valid URL'],
    ['another database', 'mysql://coterie:hunter2@localhost/coterie', 'DATABASE_URL must start with postgres://'],
    ['no host', 'postgres://coterie:hunter2@:5432/coterie', 'DATABASE_URL'],
  ])('names DATABASE_URL and hides the password for %s', async (_case, url, expected) => {
    vi.stubEnv('DATABASE_URL', url);
    const message = await messageOfOpen();
    expect(message).toContain(expected);
    expect(message).not.toContain('hunter2');
  });

  it('says which server it tried when the server is unreachable, without the password', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    vi.stubEnv('DATABASE_URL', 'postgres://coterie:hunter2@127.0.0.1:1/coterie');
    const message = await messageOfOpen();
    expect(message).toContain('Could not connect to the Postgres server in DATABASE_URL');
    expect(message).toContain('postgres://coterie:***@127.0.0.1:1/coterie');
    expect(message).toContain('ECONNREFUSED');
    expect(message).not.toContain('hunter2');
  });

  it('names the folders it searched when COTERIE_ROOT holds no migrations', async () => {
    vi.stubEnv('COTERIE_ROOT', '/nonexistent/coterie');
    await expect(openDatabase({ dataDir: 'memory://' })).rejects.toThrow(
      /Cannot find the database migrations .* in: \/nonexistent\/coterie\/db\/migrations\. Set COTERIE_ROOT/,
    );
  });

  it('takes either a url or a dataDir, not both', async () => {
    await expect(openDatabase({ url: 'postgres://localhost/x', dataDir: '/tmp/x' })).rejects.toThrow('not both');
  });
});
