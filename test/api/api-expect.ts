/** Small assertions shared by the HTTP API boundary tests. */
import { expect } from 'vitest';
import type { ApiResponse } from '../support/http.ts';

/** Starting a system (PGlite, migrations, scrypt for every fixture person) takes a minute on a busy 2-core machine. */
export const START_TIMEOUT_MS = 180_000;

/** The response is `{"error":{"code","message"}}` with this status and code, and a message a person can read. */
export function expectError(r: ApiResponse, status: number, code: string): { code: string; message: string; details?: unknown } {
  expect({ status: r.status, body: r.body }).toMatchObject({ status, body: { error: { code } } });
  const error = (r.body as { error: { code: string; message: string; details?: unknown } }).error;
  expect(typeof error.message).toBe('string');
  expect(error.message.length).toBeGreaterThan(0);
  expect(Object.keys(r.body as object)).toEqual(['error']);
  return error;
}

/** A raw fetch against the API that returns status, headers and the parsed body (JSON when it parses). */
export async function raw(url: string, init: RequestInit = {}): Promise<ApiResponse & { headers: Headers }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body, headers: res.headers };
}
