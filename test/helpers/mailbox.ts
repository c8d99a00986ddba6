// A real SMTP server for tests (smtp-server), collecting what it receives.
// `next()` waits for the next message to an address, so a test can follow the
// links in it. `stop()` and `start()` on the same port simulate an outage.
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  raw: ParsedMail;
}

export interface Mailbox {
  /** "127.0.0.1:port", for is.email.smtp.address. */
  address: string;
  received: ReceivedMail[];
  /** The next message (or an already received, unclaimed one) to `to`; rejects after `timeoutMs`. */
  next(to: string, timeoutMs?: number): Promise<ReceivedMail>;
  /** Stops listening (an outage); no-op when stopped. */
  stop(): Promise<void>;
  /** Listens again on the same port after stop(); no-op when listening. */
  start(): Promise<void>;
  /** Credentials the server insists on, when given. */
  auth?: { username: string; password: string };
}

export async function startMailbox(opts: { auth?: { username: string; password: string } } = {}): Promise<Mailbox> {
  const received: ReceivedMail[] = [];
  const claimed = new Set<ReceivedMail>();
  const waiters: Array<{ to: string; resolve: (m: ReceivedMail) => void }> = [];
  let port = 0;
  let server: SMTPServer;
  let listening = false;

  const deliver = (mail: ReceivedMail) => {
    received.push(mail);
    const i = waiters.findIndex((w) => mail.to.includes(w.to.toLowerCase()));
    if (i >= 0) {
      claimed.add(mail);
      waiters.splice(i, 1)[0].resolve(mail);
    }
  };

  const make = () =>
    new SMTPServer({
      disabledCommands: opts.auth ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
      allowInsecureAuth: true,
      authOptional: !opts.auth,
      logger: false,
      // Pooled clients keep connections open; stop() must not wait for them (outage tests).
      closeTimeout: 100,
      onAuth(auth, _session, cb) {
        if (opts.auth && auth.username === opts.auth.username && auth.password === opts.auth.password) return cb(null, { user: auth.username });
        cb(new Error("invalid credentials"));
      },
      onData(stream, _session, cb) {
        simpleParser(stream)
          .then((parsed) => {
            const addrs = (v: ParsedMail["to"]) => (v ? (Array.isArray(v) ? v : [v]).flatMap((a) => a.value.map((x) => (x.address ?? "").toLowerCase())) : []);
            deliver({
              to: addrs(parsed.to),
              from: parsed.from?.value[0]?.address ?? "",
              subject: parsed.subject ?? "",
              text: parsed.text ?? "",
              html: typeof parsed.html === "string" ? parsed.html : "",
              raw: parsed,
            });
            cb();
          })
          .catch((err: Error) => cb(err));
      },
    });

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = make();
      server.on("error", reject);
      server.listen(port, "127.0.0.1", () => {
        port = (server.server.address() as { port: number }).port;
        listening = true;
        resolve();
      });
    });
  await listen();

  return {
    get address() {
      return `127.0.0.1:${port}`;
    },
    received,
    auth: opts.auth,
    next(to, timeoutMs = 10_000) {
      const waiting = received.find((m) => !claimed.has(m) && m.to.includes(to.toLowerCase()));
      if (waiting) {
        claimed.add(waiting);
        return Promise.resolve(waiting);
      }
      return new Promise((resolve, reject) => {
        const waiter = { to, resolve };
        waiters.push(waiter);
        setTimeout(() => {
          const i = waiters.indexOf(waiter);
          if (i >= 0) {
            waiters.splice(i, 1);
            reject(new Error(`no e-mail to ${to} within ${timeoutMs} ms (received: ${received.map((m) => `${m.to.join(",")}: ${m.subject}`).join("; ") || "none"})`));
          }
        }, timeoutMs).unref();
      });
    },
    // Both are no-ops when already in that state, so a test's cleanup can call them unconditionally.
    stop: () =>
      new Promise<void>((resolve) => {
        if (!listening) return resolve();
        listening = false;
        server.close(() => resolve());
      }),
    start: () => (listening ? Promise.resolve() : listen()),
  };
}
