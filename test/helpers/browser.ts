// Browsers for the OAuth pages' tests. `WebClient` is fetch with a cookie jar
// (no redirects followed, so tests see each hop); `launchChromium` starts the
// machine's headless Chromium through playwright-core, and `watch` collects a
// page's console errors, uncaught exceptions, failed requests and CSP
// violations so a test can assert there were none.
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";

export interface WebResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body (undefined when not JSON). */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  setCookies: string[];
  location: string | null;
}

export class WebClient {
  /** name -> value, as a browser would send them to this host. */
  readonly jar = new Map<string, string>();
  constructor(readonly baseURL: string) {}

  cookieHeader(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async request(method: string, path: string, opts: { form?: Record<string, string>; json?: unknown; body?: string; headers?: Record<string, string> } = {}): Promise<WebResponse> {
    const headers: Record<string, string> = { ...opts.headers };
    if (this.jar.size && !headers.cookie) headers.cookie = this.cookieHeader();
    let body = opts.body;
    if (opts.form) {
      body = new URLSearchParams(opts.form).toString();
      headers["content-type"] ??= "application/x-www-form-urlencoded";
    } else if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers["content-type"] ??= "application/json";
    }
    const res = await fetch(new URL(path, this.baseURL), { method, headers, body, redirect: "manual" });
    const setCookies = res.headers.getSetCookie();
    for (const c of setCookies) {
      const [pair, ...attrs] = c.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === "") this.jar.delete(name);
      else this.jar.set(name, value);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json, setCookies, location: res.headers.get("location") };
  }

  get(path: string, headers?: Record<string, string>): Promise<WebResponse> {
    return this.request("GET", path, { headers });
  }

  /** The CSRF token the server hands out (header of any GET under the mount). */
  async csrf(mount = "/oauth"): Promise<string> {
    const res = await this.get(`${mount}/api/me`);
    const token = res.headers.get("x-csrf-token");
    if (!token) throw new Error(`no X-CSRF-Token from ${mount}/api/me (status ${res.status})`);
    return token;
  }

  /** A form POST carrying the CSRF token in the `_csrf` field. */
  async postForm(path: string, form: Record<string, string>, mount = "/oauth"): Promise<WebResponse> {
    return this.request("POST", path, { form: { _csrf: await this.csrf(mount), ...form } });
  }

  /** A JSON POST with the CSRF header. */
  async postJson(path: string, json: unknown, mount = "/oauth"): Promise<WebResponse> {
    return this.request("POST", path, { json, headers: { "x-csrf-token": await this.csrf(mount) } });
  }

  /** Logs in through the JSON API; throws unless it answers 204. */
  async login(userId: string, password: string, mount = "/oauth"): Promise<void> {
    const res = await this.postJson(`${mount}/api/auth/login`, { user_id: userId, password }, mount);
    if (res.status !== 204) throw new Error(`login of ${userId} failed: ${res.status} ${res.text}`);
  }
}

/** Where tests keep screenshots (gitignored). */
export const artifactsDir = fileURLToPath(new URL("../../test-artifacts/", import.meta.url));

export function artifactPath(name: string): string {
  mkdirSync(artifactsDir, { recursive: true });
  return artifactsDir + name;
}

export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** Collects what must not happen on a page: console errors, exceptions, failed requests, CSP violations. */
export async function watch(page: Page): Promise<{ problems: string[] }> {
  const problems: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console error: ${msg.text()} (${page.url()})`);
  });
  page.on("pageerror", (err) => problems.push(`uncaught: ${err.message} (${page.url()})`));
  page.on("requestfailed", (req) => {
    // Navigations away (to the client's redirect URI) abort nothing we care about.
    if (req.failure()?.errorText !== "net::ERR_ABORTED") problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`);
  });
  await page.exposeBinding("__reportCspViolation", (_source, text: string) => problems.push(`CSP violation: ${text}`));
  // A string, not a function: the tests are compiled without the DOM library.
  await page.addInitScript(`document.addEventListener("securitypolicyviolation", (e) =>
    window.__reportCspViolation(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " on " + location.pathname));`);
  return { problems };
}
