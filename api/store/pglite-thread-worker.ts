/** Inside the PGlite thread: one PGlite engine, driven by the messages of PgliteThread. */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import type { FromWorker, SerializedError, ToWorker } from './pglite-thread-protocol.ts';
import { procedures, type ProcedureName } from './pglite-procedures.ts';
import type { Db } from './database.ts';
import * as schema from './schema.ts';
import { DomainError } from '../domain/index.ts';
import { createMemoryPglite, openFolderPglite } from './pglite-template.ts';

// drizzle-orm/pglite asks for dates, times and intervals as PostgreSQL's text and parses them itself.
const asText = (value: string) => value;
const parsers = {
  [types.TIMESTAMP]: asText,
  [types.TIMESTAMPTZ]: asText,
  [types.INTERVAL]: asText,
  [types.DATE]: asText,
  1231: asText, // numeric[]
  1115: asText, // timestamp[]
  1185: asText, // timestamptz[]
  1187: asText, // interval[]
  1182: asText, // date[]
};

type OpenTransaction = { tx: Transaction; end: (commit: boolean) => void; done: Promise<void> };

if (parentPort) {
  const port = parentPort;
  const { dataDir } = workerData as { dataDir: string };
  let db: PGlite | undefined;
  let orm: Db | undefined;
  let nextTxId = 1;
  const transactions = new Map<number, OpenTransaction>();
  const reply = (message: FromWorker) => port.postMessage(message);

  const handle = async (m: ToWorker): Promise<unknown> => {
    switch (m.op) {
      case 'open':
        db = dataDir.startsWith('memory://') ? await createMemoryPglite() : await openFolderPglite(dataDir);
        return null;
      case 'query': {
        const target = m.txId === undefined ? opened() : transactions.get(m.txId)?.tx;
        if (!target) throw new Error(`no open transaction ${m.txId}`);
        const result = await target.query(m.sql, m.params, { rowMode: m.rowMode, parsers });
        return { rows: result.rows, fields: result.fields, affectedRows: result.affectedRows };
      }
      case 'call': {
        orm ??= drizzle(opened(), { schema }) as unknown as Db;
        const procedure = procedures[m.name as ProcedureName] as ((db: Db, ...args: unknown[]) => Promise<unknown>) | undefined;
        if (!procedure) throw new Error(`no procedure ${m.name}`);
        return procedure(orm, ...m.args);
      }
      case 'begin':
        return begin();
      case 'end': {
        const open = transactions.get(m.txId);
        if (!open) throw new Error(`no open transaction ${m.txId}`);
        transactions.delete(m.txId);
        open.end(m.commit);
        await open.done;
        return null;
      }
      case 'dump': {
        // The engine runs one statement at a time, so this is a crash-consistent copy of one instant; a
        // transaction still open is not in it (recovery rolls it back). The checkpoint spares the restore a replay.
        await opened().exec('CHECKPOINT');
        // Uncompressed: gzip here would hold the engine (and every alarm write waiting on it) for longer.
        return new Uint8Array(await (await opened().dumpDataDir('none')).arrayBuffer());
      }
      case 'close':
        await db?.close();
        db = undefined;
        orm = undefined;
        return null;
    }
  };

  // Opens a PGlite transaction and keeps it open until 'end' arrives; resolves with its id once inside.
  const begin = () =>
    new Promise<number>((resolveId, rejectBegin) => {
      const txId = nextTxId++;
      let end!: (commit: boolean) => void;
      const decided = new Promise<boolean>((resolve) => (end = resolve));
      const done = opened()
        .transaction(async (tx) => {
          transactions.set(txId, { tx, end, done });
          resolveId(txId);
          if (!(await decided)) await tx.rollback();
        })
        .then(
          () => undefined,
          (error: unknown) => {
            transactions.delete(txId);
            rejectBegin(error);
            throw error;
          },
        );
      done.catch(() => undefined);
    });

  const opened = () => {
    if (!db) throw new Error('the database is not open');
    return db;
  };

  port.on('message', (m: ToWorker) => {
    handle(m).then(
      (value) => reply({ id: m.id, ok: true, value }),
      (error: unknown) => reply({ id: m.id, ok: false, error: serialize(error) }),
    );
  });
}

function serialize(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { message: String(error), name: 'Error', fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) fields[key] = value;
  }
  return { message: error.message, name: error instanceof DomainError ? 'DomainError' : error.name, fields };
}
