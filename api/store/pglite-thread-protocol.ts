/** Messages between PgliteThread (api/store/pglite-thread.ts) and its worker. */
export type QueryRequest = { id: number; op: 'query'; sql: string; params: unknown[]; rowMode: 'array' | 'object'; txId?: number };

export type ToWorker =
  | { id: number; op: 'open' }
  | QueryRequest
  | { id: number; op: 'begin' }
  | { id: number; op: 'end'; txId: number; commit: boolean }
  | { id: number; op: 'call'; name: string; args: unknown[] }
  | { id: number; op: 'dump' }
  | { id: number; op: 'close' };

/** An error's message, name and PostgreSQL fields (code, detail, …) as plain data. */
export type SerializedError = { message: string; name: string; fields: Record<string, unknown> };

export type FromWorker = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: SerializedError };
