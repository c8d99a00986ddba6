// Ended spans batched for their exporter: sent when a batch is full (512) or
// a second after the first span of a batch, one export at a time. At most
// 8192 wait; beyond that spans are dropped (counted, logged by provider.ts)
// rather than held: a collector that is down must not grow the server's heap.
import type { FinishedSpan } from "./spans.js";

/** Sends spans; rejects when they were not delivered. */
export type SpanSink = (spans: FinishedSpan[]) => Promise<void>;

const batchSize = 512;
const delayMs = 1000;
const maxWaiting = 8192;

export class SpanBatcher {
  private waiting: FinishedSpan[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();
  dropped = 0;

  constructor(
    private readonly sink: SpanSink,
    private readonly failed: (err: unknown, spans: number) => void,
  ) {}

  /** Takes an ended span (the tracer's onEnd). */
  readonly add = (span: FinishedSpan): void => {
    if (this.waiting.length >= maxWaiting) {
      this.dropped++;
      this.failed(new Error(`${maxWaiting} spans wait for the exporter already: span dropped`), 1);
      return;
    }
    this.waiting.push(span);
    if (this.waiting.length % batchSize === 0) this.send();
    else this.timer ??= setTimeout(() => this.send(), delayMs).unref();
  };

  /** Sends what waits (after the export under way); resolves when it is sent or failed. */
  flush(): Promise<void> {
    this.send();
    return this.sending;
  }

  private send(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.waiting.length === 0) return;
    const batch = this.waiting.splice(0, batchSize);
    if (this.waiting.length) this.timer = setTimeout(() => this.send(), 0).unref();
    this.sending = this.sending.then(() => this.sink(batch).catch((err: unknown) => this.failed(err, batch.length)));
  }
}
