// The client CAs trusted per sender ID, read once at start from the stack's two
// ways of naming them: `interop.sender-client-ca.source: directory` (a
// config.yml in interop.sender-client-ca.directory mapping `<SenderID>: <CA
// file>`, files relative to that directory) and the deprecated
// `interop.sender-client-cas` (`<SenderID>=<PEM file>`). Both may be set; a
// sender then trusts the CAs of either. A file that cannot be read, holds no
// certificate or a broken one stops the start, naming the option.
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { ConfigError, describeOption, type Config } from "../config/index.js";

export interface SenderClientCAs {
  /** The CAs of a sender ID (NetIDs upper-case), or none. */
  of(senderId: string): readonly X509Certificate[];
  /** Every CA of every sender, PEM: the TLS listener asks clients for certificates of these. */
  readonly pem: readonly string[];
}

type CAOption = "interop.sender-client-ca.directory" | "interop.sender-client-cas";

/** Hex sender IDs (NetIDs, EUIs) compare in either case; others as written. */
const senderKey = (id: string) => (/^[0-9a-fA-F]+$/.test(id) ? id.toUpperCase() : id);

function certificates(config: Config, option: CAOption, file: string): X509Certificate[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError(`cannot read ${file} of ${describeOption(config, option)}: ${(err as Error).message}`, option);
  }
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new ConfigError(`${file} of ${describeOption(config, option)} holds no PEM certificate`, option);
  return blocks.map((pem) => {
    try {
      return new X509Certificate(pem);
    } catch (err) {
      throw new ConfigError(`${file} of ${describeOption(config, option)} holds a certificate that cannot be read: ${(err as Error).message}`, option);
    }
  });
}

/** `<SenderID>: <file>` of the directory's config.yml; every scalar read as text, so NetIDs such as 000013 stay themselves. */
function directoryEntries(config: Config, directory: string): Array<[string, string]> {
  const option = "interop.sender-client-ca.directory";
  const file = join(directory, "config.yml");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError(`cannot read ${file} of ${describeOption(config, option)}: ${(err as Error).message}`, option);
  }
  let doc: unknown;
  try {
    const yaml = createRequire(import.meta.url)("yaml") as typeof import("yaml");
    doc = yaml.parse(text, { schema: "failsafe" });
  } catch (err) {
    throw new ConfigError(`invalid YAML in ${file} of ${describeOption(config, option)}: ${String((err as Error).message).split("\n", 1)[0]}`, option);
  }
  if (doc === null || doc === undefined || doc === "") return [];
  if (typeof doc !== "object" || Array.isArray(doc) || !Object.values(doc).every((v) => typeof v === "string")) {
    throw new ConfigError(`${file} of ${describeOption(config, option)} must map sender IDs to CA files (<SenderID>: <file>)`, option);
  }
  return Object.entries(doc as Record<string, string>).map(([id, name]) => [id, join(directory, name)]);
}

export function loadSenderClientCAs(config: Config): SenderClientCAs {
  const bySender = new Map<string, X509Certificate[]>();
  const add = (option: CAOption, id: string, file: string) => {
    const key = senderKey(id.trim());
    bySender.set(key, [...(bySender.get(key) ?? []), ...certificates(config, option, file.trim())]);
  };
  const cas = config.interop.senderClientCa;
  if (cas.source === "directory") for (const [id, file] of directoryEntries(config, cas.directory)) add("interop.sender-client-ca.directory", id, file);
  for (const entry of config.interop.senderClientCas) {
    const eq = entry.indexOf("=");
    add("interop.sender-client-cas", entry.slice(0, eq), entry.slice(eq + 1));
  }
  const pem = [...new Set([...bySender.values()].flat().map((c) => c.toString()))];
  return { of: (senderId) => bySender.get(senderKey(senderId)) ?? [], pem };
}
