// Loads the template set: the built-ins, with overrides from the source named
// by is.email.templates.source. Any subset of `<name>.subject.txt`,
// `<name>.txt` and `<name>.html` may be overridden; the rest stays built in.
// `includes` are partials, loaded first, named by file name and by file name
// without its extension (`footer.html` is `{{> footer.html}}` and `{{> footer}}`).
// url and blob are deprecated sources kept for configurations that use them.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "../../config/index.js";
import type { Logger } from "../../log.js";
import type { TemplateName } from "../api.js";
import { builtinPartials, builtinTemplates, type TemplateSource } from "./builtin.js";
import { TemplateError, type TemplateSet } from "./render.js";

/** Reads one file of the source: its text, or undefined when the source has no such file. */
type Reader = (file: string) => Promise<string | undefined>;

const parts: Array<[keyof TemplateSource, string]> = [
  ["subject", "subject.txt"],
  ["text", "txt"],
  ["html", "html"],
];

function directoryReader(dir: string): Reader {
  return async (file) => {
    try {
      return await readFile(join(dir, file), "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new TemplateError(`cannot read e-mail template ${join(dir, file)}: ${(err as Error).message}`);
    }
  };
}

function urlReader(base: string): Reader {
  return async (file) => {
    const url = `${base.replace(/\/+$/, "")}/${file}`;
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    } catch (err) {
      throw new TemplateError(`cannot fetch e-mail template ${url}: ${(err as Error).message}`);
    }
    if (res.status === 404) return undefined;
    if (!res.ok) throw new TemplateError(`cannot fetch e-mail template ${url}: HTTP ${res.status}`);
    return res.text();
  };
}

function readerOf(config: Config): { read: Reader; where: (file: string) => string } | undefined {
  const t = config.is.email.templates;
  switch (t.source) {
    case "directory":
      return { read: directoryReader(t.directory), where: (f) => join(t.directory, f) };
    case "blob": {
      const dir = join(config.blob.local.directory, t.blob.bucket, t.blob.path);
      return { read: directoryReader(dir), where: (f) => join(dir, f) };
    }
    case "url":
      return { read: urlReader(t.url), where: (f) => `${t.url.replace(/\/+$/, "")}/${f}` };
    default:
      return undefined;
  }
}

export async function loadTemplateSet(config: Config, log: Logger): Promise<TemplateSet> {
  const templates = Object.fromEntries(Object.entries(builtinTemplates).map(([n, s]) => [n, { ...s }])) as Record<TemplateName, TemplateSource>;
  const set: TemplateSet = { templates, partials: { ...builtinPartials }, origins: {} };
  const source = readerOf(config);
  if (!source) return set;
  const t = config.is.email.templates;
  if (t.source === "url" || t.source === "blob") log.warn({ source: t.source }, `is.email.templates.source=${t.source} is deprecated; use directory`);

  for (const file of t.includes) {
    const text = await source.read(file);
    if (text === undefined) throw new TemplateError(`e-mail template include ${source.where(file)} (is.email.templates.includes) does not exist`);
    for (const name of new Set([file, file.replace(/\.[^./]*$/, "")])) {
      set.partials[name] = text;
      set.origins[`partial:${name}`] = source.where(file);
    }
  }
  const overridden: string[] = [];
  for (const name of Object.keys(templates) as TemplateName[]) {
    for (const [part, suffix] of parts) {
      const file = `${name}.${suffix}`;
      const text = await source.read(file);
      if (text === undefined) continue;
      // Editors end files with a newline; a subject is one line.
      templates[name][part] = part === "subject" ? text.trim() : text;
      set.origins[`${name}.${part}`] = source.where(file);
      overridden.push(file);
    }
  }
  log.info({ source: t.source, files: overridden, includes: t.includes }, "e-mail template overrides loaded");
  return set;
}
