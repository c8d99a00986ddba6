// Template overrides in The Things Stack's form: Go templates over the stack's
// data (stack-data.ts), rendered by go-*.ts. A part is in this form when its
// file is `<name>.subject.txt.tmpl`, `<name>.txt.tmpl` or `<name>.html.tmpl`
// (the stack's own template files since v3.19), or when `<name>.subject.txt`,
// `<name>.txt` or `<name>.html` is written in Go syntax (the overrides the
// stack documented up to v3.18) rather than in mustache. An HTML part made
// only of `{{define}}` blocks, as the stack's are, renders through
// `base.html.tmpl` of the same source, or a built-in base, with its `title`,
// `preview` and `body` blocks.
import { builtinGoBase } from "./builtin.js";
import { executeGo, type GoTemplateSet } from "./go-exec.js";
import { checkGoFields } from "./go-check.js";
import { goFuncNames } from "./go-funcs.js";
import { GoTemplateError, parseGoTemplate, type Node, type ParsedTemplate } from "./go-parse.js";
import type { StackForm } from "./stack-data.js";

export interface GoPart {
  set: GoTemplateSet;
  form: StackForm;
}

/** The base the stack renders its HTML templates through. */
export const baseFile = "base.html.tmpl";

// Go actions mustache has no use for: `.Field`, `$var`, keywords, comments, trim markers.
const goSyntax = /\{\{-?\s*(?:\.[A-Za-z_]|\$|(?:if|range|with|define|block|template|end|else)\b|\/\*)|\s-\}\}/;

/** True when a file without `.tmpl` is written in Go syntax (the stack's pre-3.19 overrides). */
export const looksLikeGo = (text: string): boolean => goSyntax.test(text);

/** Parses a file; a syntax error or an unknown function names the file and line. */
export function parseStackTemplate(text: string, where: string): ParsedTemplate {
  return parseGoTemplate(text, where, goFuncNames);
}

export { GoTemplateError };

/** True when a template prints nothing but whitespace at its top level (only defines). */
export const isBlocksOnly = (nodes: Node[]): boolean => nodes.every((n) => n.k === "text" && n.text.trim() === "");

/** Templates of the includes, by file name, by file name without `.tmpl` and its extension, and what they define. */
export function sharedTemplates(includes: Array<{ file: string; parsed: ParsedTemplate }>): Map<string, Node[]> {
  const shared = new Map<string, Node[]>();
  for (const { file, parsed } of includes) {
    const bare = file.replace(/\.tmpl$/, "");
    for (const name of new Set([file, bare, bare.replace(/\.[^./]*$/, "")])) shared.set(name, parsed.root);
  }
  // What a file defines wins over another file's name (`signature.txt.tmpl` defining "signature").
  for (const { parsed } of includes) for (const [name, body] of parsed.defines) shared.set(name, body);
  return shared;
}

/**
 * A part ready to render: the file's template with the shared ones, and for
 * an HTML part of blocks only, the base around it (`base` when the source has
 * one, else the built-in).
 */
export function stackPart(opts: {
  parsed: ParsedTemplate;
  where: string;
  form: StackForm;
  html: boolean;
  shared: Map<string, Node[]>;
  base?: { parsed: ParsedTemplate; where: string };
}): GoPart {
  const { parsed, where, shared } = opts;
  if (!opts.html || !isBlocksOnly(parsed.root) || !parsed.defines.size) {
    return { form: opts.form, set: { root: parsed.root, defines: new Map([...shared, ...parsed.defines]), file: where } };
  }
  const base = opts.base ?? { parsed: parseStackTemplate(builtinGoBase, "built-in base.html.tmpl"), where: "built-in base.html.tmpl" };
  // As the stack parses them: shared first, then the base, then the file, whose blocks win.
  const defines = new Map([...shared, ...base.parsed.defines, ...parsed.defines]);
  return { form: opts.form, set: { root: base.parsed.root, defines, file: `${where} (through ${base.where})` } };
}

/** Throws for an unknown field in any branch, an error rendering `sample`, or output of only whitespace. */
export function checkStackPart(part: GoPart, sample: Record<string, unknown>, html: boolean): string {
  checkGoFields(part.set, sample);
  const out = executeGo(part.set, sample, { html });
  if (out.trim() === "") throw new GoTemplateError(`${part.set.file}: renders nothing with sample data (a blank e-mail is never sent)`);
  return out;
}
