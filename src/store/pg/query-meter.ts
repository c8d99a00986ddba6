// The statements of one database client in flight and their durations, for
// metrics (src/telemetry/metrics/database.ts). Counted where the clients send
// statements (postgres-client.ts, pglite-client.ts); each server of the
// process that uses the database subscribes while it runs (tests share one
// database among many servers: each sees all of its statements).
export type QueryListener = (seconds: number, failed: boolean) => void;

export class QueryMeter {
  /** Statements sent and not yet answered (on PostgreSQL also those waiting for a pooled connection). */
  inFlight = 0;
  /** Of those, the ones inside a transaction (which holds its connection whether a statement runs or not). */
  inTransactions = 0;
  /** Transactions begun and not yet over. */
  transactions = 0;
  private listeners: QueryListener[] = [];

  /**
   * @param poolSize the connections the client opens at most (1 for PGlite's
   * single thread).
   */
  constructor(readonly poolSize = 1) {}

  /**
   * Connections in use and statements or transactions waiting for one, as
   * far as the counts tell (postgres.js publishes no pool statistics): each
   * open transaction holds a connection, each statement outside one needs one.
   */
  pool(): { inUse: number; waiting: number } {
    const wanted = this.transactions + this.inFlight - this.inTransactions;
    return { inUse: Math.min(wanted, this.poolSize), waiting: Math.max(0, wanted - this.poolSize) };
  }

  /** Listens to every statement's duration until the returned function is called. */
  subscribe(listener: QueryListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** A statement goes out; returns its start for `end`. */
  start(inTransaction = false): number {
    this.inFlight++;
    if (inTransaction) this.inTransactions++;
    return performance.now();
  }

  end(started: number, failed: boolean, inTransaction = false): void {
    this.inFlight--;
    if (inTransaction) this.inTransactions--;
    const listeners = this.listeners;
    if (listeners.length === 0) return;
    const seconds = (performance.now() - started) / 1000;
    for (const listener of listeners) listener(seconds, failed);
  }
}
