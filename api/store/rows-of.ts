/** The rows of a raw `db.execute`: node-postgres and PGlite's driver both return `{ rows }`, typed loosely by drizzle. */
export function rowsOf<T = unknown>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? (result as T[])) as T[];
}
