/**
 * Counts the statements each transaction of a drizzle database runs (select, insert, update, delete, execute on the
 * transaction's handle), for tests that hold a write path to a number of round trips.
 */
export function countTransactionStatements(database: object): { perTransaction: number[]; restore(): void } {
  const db = database as { transaction: (run: (tx: object) => Promise<unknown>) => Promise<unknown> };
  const transaction = db.transaction;
  const perTransaction: number[] = [];
  db.transaction = (run) => transaction.call(db, (tx) => {
    const i = perTransaction.push(0) - 1;
    return run(new Proxy(tx, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (typeof value !== 'function' || !['select', 'insert', 'update', 'delete', 'execute'].includes(String(key))) return value;
        return (...args: unknown[]) => (perTransaction[i]!++, (value as (...a: unknown[]) => unknown).apply(target, args));
      },
    }));
  });
  return { perTransaction, restore: () => void (db.transaction = transaction) };
}
