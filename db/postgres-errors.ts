/**
 * Recognizes constraint violations whichever driver raised them. Drizzle wraps the
 * driver's error in `cause`, and PGlite names the constraint `constraint` while
 * postgres-js says `constraint_name`, so callers ask here instead of poking at fields.
 */

/** SQLSTATE codes we react to (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
export const sqlStates = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  notNullViolation: '23502',
} as const;

export interface PostgresErrorInfo {
  /** SQLSTATE, e.g. '23505'. */
  code: string;
  /** Name of the violated constraint, when the server gave one. */
  constraint: string | undefined;
}

/** The server error inside `error` (or its causes), or undefined if it is not one. */
export function postgresErrorOf(error: unknown): PostgresErrorInfo | undefined {
  let current = error;
  // A few levels: drizzle → driver error; deeper chains are not ours.
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const fields = current as Record<string, unknown>;
    // `severity` tells a server error from Node's own errors, whose codes (EPERM…) can look alike.
    if (typeof fields.code === 'string' && typeof fields.severity === 'string') {
      const constraint = fields.constraint ?? fields.constraint_name;
      return { code: fields.code, constraint: typeof constraint === 'string' ? constraint : undefined };
    }
    current = fields.cause;
  }
  return undefined;
}

/** True for a unique violation, optionally of one named constraint (e.g. 'members_email_unique'). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  return isViolation(error, sqlStates.uniqueViolation, constraint);
}

export function isCheckViolation(error: unknown, constraint?: string): boolean {
  return isViolation(error, sqlStates.checkViolation, constraint);
}

export function isForeignKeyViolation(error: unknown, constraint?: string): boolean {
  return isViolation(error, sqlStates.foreignKeyViolation, constraint);
}

function isViolation(error: unknown, code: string, constraint: string | undefined): boolean {
  const info = postgresErrorOf(error);
  return info?.code === code && (constraint === undefined || info.constraint === constraint);
}
