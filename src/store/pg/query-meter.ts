// The statements of one database client in flight and their durations, for
// metrics (src/telemetry/metrics/database.ts). Counted where the clients send
// statements (postgres-client.ts, pglite-client.ts); each server of the
// process that uses the database subscribes while it runs (tests share one
// database among many servers: each sees all of its statements).
export type QueryListener = (seconds: number, failed: boolean) => void;

export class QueryMeter {
  /** Statements sent and not yet answered (on PostgreSQL also those waiting for a pooled connection). */
  inFlight = 0;
  private listeners: QueryListener[] = [];

  /** Listens to every statement's duration until the returned function is called. */
  subscribe(listener: QueryListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** A statement goes out; returns its start for `end`. */
  start(): number {
    this.inFlight++;
    return performance.now();
  }

  end(started: number, failed: boolean): void {
    this.inFlight--;
    const listeners = this.listeners;
    if (listeners.length === 0) return;
    const seconds = (performance.now() - started) / 1000;
    for (const listener of listeners) listener(seconds, failed);
  }
}
