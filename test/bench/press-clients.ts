/**
 * The press phase's people, in the fleet child beside the bells: the guard's console (one WebSocket stream) and the
 * manager who cancels incidents so that their bells can be pressed again. A console client parses every message of
 * the stream and a manager's HTTP client is not light either: in the Guardbell process under test they took about a
 * tenth of its thread, which no office's server spends on its users' browsers.
 */
import type WebSocket from 'ws';
import { ApiClient } from '../support/http.ts';
import { openConsoleStream } from './console-stream.ts';

export interface PressConsolePlan {
  url: string;
  guardToken: string;
  managerToken: string;
}

/** `incident.created` of a bell at the console: when it arrived, on this process's performance.now() scale. */
export type OnConsoleCreated = (bellId: string, incidentId: string, at: number) => void;

export class PressClients {
  private constructor(
    private readonly ws: WebSocket,
    private readonly manager: ApiClient,
    private readonly messages: () => number,
  ) {}

  static async open(plan: PressConsolePlan, onCreated: OnConsoleCreated): Promise<PressClients> {
    let messages = 0;
    const ws = await openConsoleStream(plan.url, plan.guardToken, (text, at) => {
      messages++;
      const m = JSON.parse(text) as { type: string; data: { id?: string; bellId?: string | null; source?: string } };
      if (m.type === 'incident.created' && m.data.source === 'bell' && m.data.bellId && m.data.id) onCreated(m.data.bellId, m.data.id, at);
    });
    return new PressClients(ws, new ApiClient(plan.url, plan.managerToken), () => messages);
  }

  /** An unacknowledged alarm cannot be closed, only cancelled with a reason: true once it is, or why not. */
  async cancel(incidentId: string): Promise<true | string> {
    const r = await this.manager.request('POST', `/api/v1/incidents/${incidentId}/cancel`, { reason: 'benchmark press' });
    return r.status === 200 ? true : `${r.status} ${JSON.stringify(r.body).slice(0, 200)}`;
  }

  get consoleMessages(): number {
    return this.messages();
  }

  close(): void {
    this.ws.terminate();
  }
}
