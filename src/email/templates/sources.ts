// Loads the template set: the built-ins, with overrides from the source named
// by is.email.templates.source. Any subset of `<name>.subject.txt`,
// `<name>.txt` and `<name>.html` may be overridden; the rest stays built in.
// A part in The Things Stack's form (stack-form.ts: `<name>.txt.tmpl` and the
// like, or a file above in Go syntax) is a Go template over the stack's data;
// both forms of one part at once is refused, naming the two files.
// `includes` are partials, loaded first, named by file name and by file name
// without its extension (`footer.html` is `{{> footer.html}}` and `{{> footer}}`);
// in Go form they are templates to call (`{{template "footer" .}}`).
// url and blob are deprecated sources kept for configurations that use them.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "../../config/index.js";
import type { Logger } from "../../log.js";
import type { TemplateName } from "../api.js";
import { builtinPartials, builtinTemplates, type TemplateSource } from "./builtin.js";
import type { ParsedTemplate } from "./go-parse.js";
import { TemplateError, type TemplateSet } from "./render.js";
import { ttlsOf } from "./stack-data.js";
import { baseFile, GoTemplateError, looksLikeGo, parseStackTemplate, sharedTemplates, stackPart } from "./stack-form.js";

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

function readerOf(config: Config): { read: Reader; where: (file: string) => string; dir?: string } | undefined {
  const t = config.is.email.templates;
  switch (t.source) {
    case "directory":
      return { read: directoryReader(t.directory), where: (f) => join(t.directory, f), dir: t.directory };
    case "blob": {
      const dir = join(config.blob.local.directory, t.blob.bucket, t.blob.path);
      return { read: directoryReader(dir), where: (f) => join(dir, f), dir };
    }
    case "url":
      return { read: urlReader(t.url), where: (f) => `${t.url.replace(/\/+$/, "")}/${f}` };
    default:
      return undefined;
  }
}

/** Parses a Go template file; its errors become TemplateErrors (a configuration problem at start). */
function parsed(text: string, where: string): ParsedTemplate {
  try {
    return parseStackTemplate(text, where);
  } catch (err) {
    if (err instanceof GoTemplateError) throw new TemplateError(`e-mail template ${err.message}`);
    throw err;
  }
}

export async function loadTemplateSet(config: Config, log: Logger): Promise<TemplateSet> {
  const templates = Object.fromEntries(Object.entries(builtinTemplates).map(([n, s]) => [n, { ...s }])) as Record<TemplateName, TemplateSource>;
  const set: TemplateSet = { templates, partials: { ...builtinPartials }, origins: {}, stack: {}, ttls: ttlsOf(config) };
  const source = readerOf(config);
  if (!source) return set;
  const t = config.is.email.templates;
  if (t.source === "url" || t.source === "blob") log.warn({ source: t.source }, `is.email.templates.source=${t.source} is deprecated; use directory`);

  const goIncludes: Array<{ file: string; parsed: ParsedTemplate }> = [];
  for (const file of t.includes) {
    const text = await source.read(file);
    if (text === undefined) throw new TemplateError(`e-mail template include ${source.where(file)} (is.email.templates.includes) does not exist`);
    if (file.endsWith(".tmpl") || looksLikeGo(text)) {
      goIncludes.push({ file, parsed: parsed(text, source.where(file)) });
      continue;
    }
    for (const name of new Set([file, file.replace(/\.[^./]*$/, "")])) {
      set.partials[name] = text;
      set.origins[`partial:${name}`] = source.where(file);
    }
  }
  const shared = sharedTemplates(goIncludes);
  // The source's base.html.tmpl, read when an HTML part needs one.
  let base: Promise<{ parsed: ParsedTemplate; where: string } | undefined> | undefined;
  const baseOf = () =>
    (base ??= source.read(baseFile).then((text) => (text === undefined ? undefined : { parsed: parsed(text, source.where(baseFile)), where: source.where(baseFile) })));

  const overridden: string[] = [];
  for (const name of Object.keys(templates) as TemplateName[]) {
    for (const [part, suffix] of parts) {
      const file = `${name}.${suffix}`;
      const [text, goText] = await Promise.all([source.read(file), source.read(`${file}.tmpl`)]);
      if (text !== undefined && goText !== undefined) {
        throw new TemplateError(`e-mail templates ${source.where(file)} and ${source.where(`${file}.tmpl`)} override the same part: keep one`);
      }
      const key = `${name}.${part}`;
      if (goText !== undefined || (text !== undefined && looksLikeGo(text))) {
        const goFile = goText !== undefined ? `${file}.tmpl` : file;
        const where = source.where(goFile);
        const tree = parsed((goText ?? text)!, where);
        const html = part === "html";
        set.stack[key] = stackPart({ parsed: tree, where, form: goText !== undefined ? "current" : "legacy", html, shared, base: html ? await baseOf() : undefined });
        set.origins[key] = where;
        overridden.push(goFile);
        continue;
      }
      if (text === undefined) continue;
      // Editors end files with a newline; a subject is one line.
      templates[name][part] = part === "subject" ? text.trim() : text;
      set.origins[key] = source.where(file);
      overridden.push(file);
    }
  }
  if (source.dir) await warnUnused(source.dir, new Set([...overridden, ...t.includes, baseFile]), log);
  log.info({ source: t.source, files: overridden, includes: t.includes }, "e-mail template overrides loaded");
  return set;
}

/** Template files in the directory that no e-mail uses (a name we do not send, a typo): one warning each. */
async function warnUnused(dir: string, used: Set<string>, log: Logger): Promise<void> {
  let files: string[];
  try {
    files = await readdir(dir);
  } catch {
    return;
  }
  const names = Object.keys(builtinTemplates);
  for (const file of files.sort()) {
    if (used.has(file) || !/\.(subject\.txt|txt|html)(\.tmpl)?$/.test(file)) continue;
    log.warn({ file: join(dir, file), templates: names }, "e-mail template file is not used: no e-mail of that name (see the README's E-mail section)");
  }
}
