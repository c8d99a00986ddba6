// Certificates for the interop tests, made with the openssl command in a
// temporary directory: CAs, a server certificate for 127.0.0.1 and client
// certificates issued by a CA (with DNS names, as Network Servers have them).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface KeyPair {
  cert: string;
  key: string;
  /** PEM contents. */
  certPem: Buffer;
  keyPem: Buffer;
}

export class TestPKI {
  readonly dir = mkdtempSync(join(tmpdir(), "is-interop-pki-"));
  private n = 0;

  private openssl(...args: string[]): void {
    execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  }

  private read(cert: string, key: string): KeyPair {
    return { cert, key, certPem: readFileSync(cert), keyPem: readFileSync(key) };
  }

  /** A self-signed CA. */
  ca(name: string): KeyPair {
    const [cert, key] = [join(this.dir, `${name}.pem`), join(this.dir, `${name}.key`)];
    this.openssl(
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
      "-subj", `/CN=${name}`, "-keyout", key, "-out", cert,
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    );
    return this.read(cert, key);
  }

  /** A certificate issued by `ca` with the given subjectAltName and extended key usage. */
  issue(ca: KeyPair, name: string, opts: { san: string; usage: "clientAuth" | "serverAuth" }): KeyPair {
    const [cert, key, csr, ext] = ["pem", "key", "csr", "ext"].map((x) => join(this.dir, `${name}.${x}`)) as [string, string, string, string];
    writeFileSync(ext, `subjectAltName=${opts.san}\nextendedKeyUsage=${opts.usage}\nbasicConstraints=CA:FALSE\n`);
    this.openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", `/CN=${name}`, "-keyout", key, "-out", csr);
    this.openssl("x509", "-req", "-in", csr, "-CA", ca.cert, "-CAkey", ca.key, "-set_serial", String(1000 + ++this.n), "-days", "2", "-extfile", ext, "-out", cert);
    return this.read(cert, key);
  }

  file(name: string, text: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, text);
    return path;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
