// Renders a request with the template set: subject and text without escaping,
// HTML with it. A part overridden in The Things Stack's form (stack-form.ts)
// renders as a Go template over the stack's data; should it come out blank
// for some message, the built-in part is sent instead: never a blank e-mail.
// `checkTemplates` parses and renders every template with sample data at
// start, so a broken override stops the server naming its file instead of
// failing messages later.
import Mustache from "mustache";
import { ConfigError } from "../../config/index.js";
import type { EmailRequest, TemplateName } from "../api.js";
import { builtinTemplates, type TemplateSource } from "./builtin.js";
import { executeGo } from "./go-exec.js";
import { stackData, type StackForm, type Ttls } from "./stack-data.js";
import { checkStackPart, type GoPart } from "./stack-form.js";
import { sampleData, viewOf, type Network } from "./view.js";

export interface TemplateSet {
  /** Mustache: the built-ins, with overrides in mustache. */
  templates: Record<TemplateName, TemplateSource>;
  partials: Record<string, string>;
  /** Where a template part or partial came from, for messages: key `<name>.<part>` or `partial:<name>`. */
  origins: Record<string, string>;
  /** Parts overridden in the stack's form, by `<name>.<part>`; they win over `templates`. */
  stack: Partial<Record<string, GoPart>>;
  /** What `.TTL` says in the stack's form. */
  ttls: Ttls;
}

export interface Rendered {
  subject: string;
  text: string;
  html: string;
}

const raw = { escape: (s: unknown) => String(s) };
// Only what HTML needs: mustache's default also escapes `/` and `=`, which
// makes links in the source unreadable (and harder to check).
const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const html = { escape: (s: unknown) => String(s).replace(/[&<>"']/g, (c) => entities[c]!) };

// One line: a subject is a header, and a newline in it would start another.
const oneLine = (s: string) => s.replace(/\s*[\r\n]+\s*/g, " ").trim();

export function renderEmail(set: TemplateSet, network: Network, req: EmailRequest, partials: Mustache.PartialsOrLookupFn = set.partials): Rendered {
  const src = set.templates[req.template];
  const view = viewOf(req, network);
  const data: Partial<Record<StackForm, Record<string, unknown>>> = {};
  const dataOf = (form: StackForm) => (data[form] ??= stackData(req, network, set.ttls, form));
  /** The stack-form part, when there is one and it says something. */
  const stackPart = (part: keyof TemplateSource, isHtml: boolean): string | undefined => {
    const go = set.stack[`${req.template}.${part}`];
    if (!go) return undefined;
    const out = executeGo(go.set, dataOf(go.form), { html: isHtml });
    return out.trim() === "" ? undefined : out;
  };
  const mustache = (part: keyof TemplateSource, v: object, escape: typeof raw) => Mustache.render(src[part], v, partials, escape);
  const fallback = (part: keyof TemplateSource, v: object, escape: typeof raw) => Mustache.render(builtinTemplates[req.template][part], v, set.partials, escape);

  const goSubject = stackPart("subject", false);
  const subject = goSubject !== undefined ? oneLine(goSubject) : oneLine(mustache("subject", view, raw)) || oneLine(fallback("subject", view, raw));
  const withSubject = { ...view, subject };
  return {
    subject,
    text: stackPart("text", false) ?? (set.stack[`${req.template}.text`] ? fallback("text", withSubject, raw) : mustache("text", withSubject, raw)),
    html: stackPart("html", true) ?? (set.stack[`${req.template}.html`] ? fallback("html", withSubject, html) : mustache("html", withSubject, html)),
  };
}

/** A template override that cannot be used: a configuration problem, reported at start. */
export class TemplateError extends ConfigError {
  constructor(message: string) {
    super(message, "is.email.templates.source");
  }
}

/** Throws a TemplateError naming the file of the first broken template or partial. */
export function checkTemplates(set: TemplateSet, network: Network): void {
  const originOf = (key: string) => set.origins[key] ?? `built-in ${key}`;
  for (const [name, text] of Object.entries(set.partials)) {
    try {
      Mustache.parse(text);
    } catch (err) {
      throw new TemplateError(`e-mail template ${originOf(`partial:${name}`)} does not parse: ${(err as Error).message}`);
    }
  }
  for (const name of Object.keys(set.templates) as TemplateName[]) {
    const parts = ["subject", "text", "html"] as const;
    for (const part of parts) {
      const go = set.stack[`${name}.${part}`];
      if (!go) continue;
      const sample = stackData({ template: name, to: { name: "Sample User", address: "user@example.com" }, data: sampleData[name] } as EmailRequest, network, set.ttls, go.form);
      try {
        checkStackPart(go, sample, part === "html");
      } catch (err) {
        throw new TemplateError(`e-mail template ${(err as Error).message}`);
      }
    }
    for (const part of parts) {
      try {
        Mustache.parse(set.templates[name][part]);
      } catch (err) {
        throw new TemplateError(`e-mail template ${originOf(`${name}.${part}`)} does not parse: ${(err as Error).message}`);
      }
    }
    // A partial that does not exist would silently render as nothing.
    const strict = (partial: string) => {
      if (!(partial in set.partials)) throw new TemplateError(`refers to the partial "${partial}", which is neither built in nor in is.email.templates.includes`);
      return set.partials[partial];
    };
    const view = { ...viewOf({ template: name, to: { name: "", address: "user@example.com" }, data: sampleData[name] } as EmailRequest, network), subject: "Sample subject" };
    for (const part of parts) {
      if (set.stack[`${name}.${part}`]) continue; // the stack-form part is what renders, checked above
      try {
        const out = Mustache.render(set.templates[name][part], view, strict, part === "html" ? html : raw);
        if (part === "subject" && !oneLine(out)) throw new TemplateError("renders an empty subject");
      } catch (err) {
        throw new TemplateError(`e-mail template ${originOf(`${name}.${part}`)} does not render with sample data: ${(err as Error).message}`);
      }
    }
  }
}
