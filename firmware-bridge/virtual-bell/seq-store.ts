import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { isValidId } from '../protocol/index.ts';

/** PROTOCOL.md §1: seq is an unsigned 32-bit integer. */
export const MAX_SEQ = 0xffffffff;

const LOCK_WAIT_MS = 5_000;
// A lock older than this was left by a process that died between open and rm: a real holder keeps it for milliseconds.
const LOCK_STALE_MS = 10_000;

interface SeqFile {
  bellId: string;
  next: number;
  /** PROTOCOL.md §1 `boot`: raised at each start of the bell; absent in files written before it (0). */
  boot?: number;
}

type SeqState = Omit<SeqFile, 'bellId'>;

// Every SeqStore of the same file in this process queues here, so two instances never read the same value.
const inProcessQueues = new Map<string, Promise<unknown>>();

/**
 * The bell's next seq and its boot counter, one JSON file per bell id in `stateDir`. PROTOCOL.md §1 wants seq
 * strictly increasing per bell across reboots: a seq (or a boot) is written to disk (tmp file, fsync, rename)
 * before it is handed out, and a lock file keeps two processes (two `guardbell bell press` at once) from
 * handing out the same one.
 */
export class SeqStore {
  readonly file: string;

  constructor(
    readonly stateDir: string,
    readonly bellId: string,
  ) {
    if (!isValidId(bellId)) throw new Error(`bell id ${JSON.stringify(bellId)} is not [A-Za-z0-9_.-]{1,64}`);
    // The `.json` suffix keeps ids such as `..` inside stateDir.
    this.file = path.join(stateDir, `${bellId}.json`);
  }

  /** Allocates the next seq; it is on disk as used when this resolves. New bells start at 1. */
  next(): Promise<number> {
    return this.serialised(async () => {
      const state = await this.read();
      const seq = state.next;
      if (seq > MAX_SEQ) throw new Error(`bell ${this.bellId} has used every 32-bit seq (${this.file})`);
      await this.write({ ...state, next: seq + 1 });
      return seq;
    });
  }

  /** The seq the next `next()` will return, without using it. */
  peek(): Promise<number> {
    return this.serialised(async () => (await this.read()).next);
  }

  /** Raises the boot counter for a start of the bell and returns it (on disk when this resolves). New bells boot 1. */
  nextBoot(): Promise<number> {
    return this.serialised(async () => {
      const state = await this.read();
      const boot = (state.boot ?? 0) + 1;
      if (boot > MAX_SEQ) throw new Error(`bell ${this.bellId} has used every 32-bit boot (${this.file})`);
      await this.write({ ...state, boot });
      return boot;
    });
  }

  private serialised<T>(fn: () => Promise<T>): Promise<T> {
    const previous = inProcessQueues.get(this.file) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.withFileLock(fn));
    const tail = run.catch(() => undefined);
    inProcessQueues.set(this.file, tail);
    void tail.then(() => {
      if (inProcessQueues.get(this.file) === tail) inProcessQueues.delete(this.file);
    });
    return run;
  }

  private async withFileLock<T>(fn: () => Promise<T>): Promise<T> {
    await mkdir(this.stateDir, { recursive: true });
    const lock = `${this.file}.lock`;
    const giveUpAt = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        const handle = await open(lock, 'wx');
        await handle.writeFile(String(process.pid));
        await handle.close();
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
        if (age > LOCK_STALE_MS) {
          await rm(lock, { force: true });
          continue;
        }
        if (Date.now() > giveUpAt) {
          throw new Error(`seq file ${this.file} stays locked by another process (delete ${lock} if no bell is running)`);
        }
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 10));
      }
    }
    try {
      return await fn();
    } finally {
      await rm(lock, { force: true });
    }
  }

  private async read(): Promise<SeqState> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { next: 1 };
      throw err;
    }
    // Never fall back to 1 on a damaged file: reusing a seq would make the gateway drop a real press as a retransmission.
    let parsed: Partial<SeqFile> | undefined;
    try {
      parsed = JSON.parse(text) as Partial<SeqFile>;
    } catch {
      parsed = undefined;
    }
    const next = parsed?.next;
    if (typeof next !== 'number' || !Number.isInteger(next) || next < 1) {
      throw new Error(`seq file ${this.file} is damaged; refusing to reuse sequence numbers (fix "next" or delete the file)`);
    }
    const boot = parsed?.boot;
    if (boot !== undefined && (typeof boot !== 'number' || !Number.isInteger(boot) || boot < 0)) {
      // A lower boot would make the gateway take every later event for a replay.
      throw new Error(`seq file ${this.file} is damaged; refusing to guess the boot counter (fix "boot" or delete the file)`);
    }
    return boot === undefined ? { next } : { next, boot };
  }

  private async write(state: SeqState): Promise<void> {
    const body: SeqFile = { bellId: this.bellId, ...state };
    const tmp = `${this.file}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`;
    try {
      const handle = await open(tmp, 'w');
      try {
        await handle.writeFile(`${JSON.stringify(body)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, this.file);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    // fsync the folder so the rename itself survives a power cut; not every platform allows it.
    const dir = await open(this.stateDir, 'r').catch(() => undefined);
    if (dir) await dir.sync().catch(() => undefined).finally(() => dir.close());
  }
}
