// Single-use tokens for a load generator (rotating refresh tokens): each request
// sends `form` with `field` set to a token taken from the pool, and the
// `refresh_token` of its answer (or, when there is none, the token sent) goes
// back in. A 429 (the server too busy to check the client secret) has not used
// the token, so it goes back too; any other failure loses it.
export interface TokenSpec { pool: string[]; field: string; form: Record<string, string> }

export class TokenPool {
  private readonly pool: string[];
  private failures = 0;
  constructor(private readonly spec: TokenSpec) {
    this.pool = [...spec.pool];
  }

  /** A request body with a token, or undefined when every token is out. */
  take(): { body: string; token: string } | undefined {
    const token = this.pool.shift();
    return token === undefined ? undefined : { body: new URLSearchParams({ ...this.spec.form, [this.spec.field]: token }).toString(), token };
  }

  settle(status: number, body: string, token: string): void {
    if (status === 200) this.pool.push((JSON.parse(body) as { refresh_token?: string }).refresh_token ?? token);
    else if (status === 429) this.pool.push(token);
    else if (this.failures++ < 3) process.stderr.write(`token request answered ${status}: ${body.slice(0, 300)}\n`);
  }

  left(): string[] {
    return [...this.pool];
  }
}
