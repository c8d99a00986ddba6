// Renders a request with the template set: subject and text without escaping,
// HTML with it. `checkTemplates` parses and renders every template with sample
// data at start, so a broken override stops the server naming its file instead
// of failing messages later.
import Mustache from "mustache";
import { ConfigError } from "../../config/index.js";
import type { EmailRequest, TemplateName } from "../api.js";
import { type TemplateSource } from "./builtin.js";
import { sampleData, viewOf, type Network } from "./view.js";

export interface TemplateSet {
  templates: Record<TemplateName, TemplateSource>;
  partials: Record<string, string>;
  /** Where a template part or partial came from, for messages: key `<name>.<part>` or `partial:<name>`. */
  origins: Record<string, string>;
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

export function renderEmail(set: TemplateSet, network: Network, req: EmailRequest, partials: Mustache.PartialsOrLookupFn = set.partials): Rendered {
  const src = set.templates[req.template];
  const view = viewOf(req, network);
  // One line: a subject is a header, and a newline in it would start another.
  const subject = Mustache.render(src.subject, view, partials, raw).replace(/\s*[\r\n]+\s*/g, " ").trim();
  const withSubject = { ...view, subject };
  return {
    subject,
    text: Mustache.render(src.text, withSubject, partials, raw),
    html: Mustache.render(src.html, withSubject, partials, html),
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
    for (const part of parts) {
      try {
        const one = { ...set.templates, [name]: { subject: "", text: "", html: "", [part]: set.templates[name][part] } };
        const out = renderEmail({ ...set, templates: one }, network, { template: name, to: { name: "", address: "user@example.com" }, data: sampleData[name] } as EmailRequest, strict);
        if (part === "subject" && !out.subject) throw new TemplateError("renders an empty subject");
      } catch (err) {
        throw new TemplateError(`e-mail template ${originOf(`${name}.${part}`)} does not render with sample data: ${(err as Error).message}`);
      }
    }
  }
}
