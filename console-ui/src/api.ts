/**
 * HTTP client for /api/v1 (PROTOCOL.md §4). Same-origin, cookie session; every error becomes an
 * ApiRequestError carrying the server's `{"error":{"code","message"}}` message when there is one.
 */
import type {
  ApiError, Bell, Classification, Incident, IncidentDetail, Me, ResponseEventType, Site,
} from '../../api/contract/index.ts';

export const API_BASE = '/api/v1';

/** GET /sites/{siteId}/roster: who is on duty now and what is wrong with that. */
export type RosterWarning = 'nobody_on_duty' | 'nobody_reachable_by_phone';

export interface SiteRoster {
  siteId: string;
  hasRoster: boolean;
  onDuty: { id: string; name: string; reachable: boolean }[];
  /** Known values above; others may be added by the server. */
  warnings: (RosterWarning | string)[];
  shifts: { id: string; personId: string; startsAt: string; endsAt: string }[];
}

export class ApiRequestError extends Error {
  /** HTTP status; 0 when the server could not be reached at all. */
  readonly status: number;
  readonly code: string;
  /** The error's `details` (e.g. the problems of a 422, each named by its path). */
  readonly details: unknown;
  /** The values the console puts into its own sentence for this code (`error.<code>`). */
  readonly params: Record<string, string | number> | undefined;
  constructor(status: number, code: string, message: string, details?: unknown, params?: Record<string, string | number>) {
    super(message);
    this.name = 'ApiRequestError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.params = params;
  }
}

let onUnauthorized: (() => void) | null = null;

/** Called when a request made with a session answers 401 (session expired or logged out elsewhere). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

export interface RequestOptions {
  /** false for the login request itself, whose 401 means a wrong password, not an expired session. */
  sessionRequired?: boolean;
  signal?: AbortSignal;
  /** Sends these bytes as they are (an upload) instead of `body` as JSON. */
  raw?: { body: BodyInit; contentType: string };
}

function isApiError(value: unknown): value is ApiError {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string';
}

/** One request to the API, same-origin with the session cookie; a refusal throws ApiRequestError. */
export async function apiRequest<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const init: RequestInit = {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
    cache: 'no-store',
  };
  if (options.signal) init.signal = options.signal;
  if (options.raw) {
    init.headers = { Accept: 'application/json', 'Content-Type': options.raw.contentType };
    init.body = options.raw.body;
  } else if (body !== undefined) {
    init.headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(API_BASE + path, init);
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiRequestError(0, 'network', '');
  }
  return readApiResponse<T>(response, options);
}

/** The JSON of an API response, or its error as ApiRequestError (a 401 with a session tells the app). */
export async function readApiResponse<T>(response: Response, options: Pick<RequestOptions, 'sessionRequired'> = {}): Promise<T> {
  const text = await response.text().catch(() => '');
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!response.ok) {
    if (response.status === 401 && options.sessionRequired !== false) onUnauthorized?.();
    if (isApiError(parsed)) {
      const e = parsed.error as { details?: unknown; params?: Record<string, string | number> };
      throw new ApiRequestError(response.status, parsed.error.code ?? 'error', parsed.error.message, e.details, e.params);
    }
    throw new ApiRequestError(response.status, 'http', '');
  }
  return parsed as T;
}

const request = apiRequest;

interface Items<T> {
  items: T[];
}

export const api = {
  login(username: string, password: string): Promise<{ token: string }> {
    return request('POST', '/auth/login', { username, password }, { sessionRequired: false });
  },
  logout(): Promise<unknown> {
    return request('POST', '/auth/logout', {}, { sessionRequired: false });
  },
  /** Public: whether demo accounts exist (every page then says "demo data"). */
  authStatus(): Promise<{ demoData: boolean }> {
    return request('GET', '/auth/status', undefined, { sessionRequired: false });
  },
  /** 401 here means "not signed in": the caller shows the login form. */
  me(): Promise<Me> {
    return request('GET', '/me', undefined, { sessionRequired: false });
  },
  async sites(): Promise<Site[]> {
    return (await request<Items<Site>>('GET', '/sites')).items;
  },
  async openIncidents(): Promise<Incident[]> {
    return (await request<Items<Incident>>('GET', '/incidents?status=open')).items;
  },
  /** Incidents of any status whose reference contains what a person read out (`2026-0042`, `0042`). */
  async findByReference(reference: string): Promise<Incident[]> {
    return (await request<Items<Incident>>('GET', `/incidents?status=all&limit=20&reference=${encodeURIComponent(reference)}`)).items;
  },
  incident(id: string): Promise<IncidentDetail> {
    return request('GET', `/incidents/${encodeURIComponent(id)}`);
  },
  /** siteId is optional for the server but sent, so a counter id used at two sites is never ambiguous. */
  raiseAlarm(siteId: string, counterId: string, violence: boolean, note?: string): Promise<Incident> {
    const body: { siteId: string; counterId: string; violence: boolean; note?: string } = { siteId, counterId, violence };
    if (note) body.note = note;
    return request('POST', '/incidents', body);
  },
  acknowledge(id: string): Promise<Incident> {
    return request('POST', `/incidents/${encodeURIComponent(id)}/acknowledge`, {});
  },
  recordEvent(id: string, type: ResponseEventType, note?: string): Promise<Incident> {
    const body: { type: ResponseEventType; note?: string } = { type };
    if (note) body.note = note;
    return request('POST', `/incidents/${encodeURIComponent(id)}/events`, body);
  },
  close(id: string, outcome: string, classification: Classification[]): Promise<Incident> {
    return request('POST', `/incidents/${encodeURIComponent(id)}/close`, { outcome, classification });
  },
  /** Guards, managers and admins of the site; anyone else gets 403. */
  roster(siteId: string, signal?: AbortSignal): Promise<SiteRoster> {
    return request('GET', `/sites/${encodeURIComponent(siteId)}/roster`, undefined, signal ? { signal } : {});
  },
  async bells(): Promise<Bell[]> {
    return (await request<Items<Bell>>('GET', '/bells')).items;
  },
};

/**
 * The text to show for a failed request, in the user's language: the console's own sentence for the error's
 * code (with the server's parameters) when it has one; otherwise the server's message in English, and in
 * Korean a plain "refused" naming the code (the server's English sentence stays in `serverMessage`).
 */
export function errorText(err: unknown, i18n: { lang: string; t: (key: 'error.network' | 'error.http' | 'error.refused', vars?: Record<string, string | number>) => string; code: (key: string, vars?: Record<string, string | number>) => string | null }): string {
  if (err instanceof ApiRequestError) {
    const own = err.code ? i18n.code(`error.${err.code}`, { ...flatDetails(err.details), ...(err.params ?? {}) }) : null;
    if (own) return own;
    if (err.status === 0) return i18n.t('error.network');
    if (err.message) return i18n.lang === 'en' ? err.message : i18n.t('error.refused', { code: err.code });
    return i18n.t('error.http', { status: err.status });
  }
  if (err instanceof Error && err.message) return err.message;
  return i18n.t('error.network');
}

/** The server's English sentence behind a refusal, for a tooltip. */
export function serverMessage(err: unknown): string | undefined {
  return err instanceof ApiRequestError && err.message ? err.message : undefined;
}

function flatDetails(details: unknown): Record<string, string | number> {
  if (typeof details !== 'object' || details === null || Array.isArray(details)) return {};
  return Object.fromEntries(Object.entries(details).filter(([, v]) => typeof v === 'string' || typeof v === 'number')) as Record<string, string | number>;
}
