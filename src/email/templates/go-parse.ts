// Parses the subset of Go's text/template that e-mail templates in The Things
// Stack's form use: text and `{{ }}` actions with `{{-`/`-}}` trimming and
// `{{/* comments */}}`; pipelines of commands (`.A.B`, `$x.A`, `(pipeline).A`,
// literals, functions with arguments, `|`); `$x := ...` and `$x = ...`;
// `if`/`else if`/`else`, `with`/`else with`, `range` (with `$i, $e :=`,
// `else`, `break`, `continue`), `define`, `template`, `block`, `end`.
// Functions are resolved here, as Go does: an unknown one fails the parse,
// so an operator learns of it at start. Errors name the file and line.

export type Arg =
  | { k: "field"; chain: string[] } // `.A.B`; chain [] is `.`
  | { k: "var"; name: string; chain: string[] } // `$x.A`; name "$" is the data
  | { k: "func"; name: string }
  | { k: "string"; value: string }
  | { k: "number"; value: number }
  | { k: "bool"; value: boolean }
  | { k: "nil" }
  | { k: "pipe"; pipe: Pipe; chain: string[] };

export interface Cmd {
  args: Arg[];
}

export interface Pipe {
  /** Variables declared (`:=`) or assigned (`=`), else empty. */
  vars: string[];
  assign: boolean;
  cmds: Cmd[];
  line: number;
}

export type Node =
  | { k: "text"; text: string }
  | { k: "action"; pipe: Pipe }
  | { k: "if" | "with" | "range"; pipe: Pipe; list: Node[]; elseList?: Node[]; line: number }
  | { k: "template"; name: string; pipe?: Pipe; line: number }
  | { k: "break" | "continue"; line: number };

export interface ParsedTemplate {
  /** What the file renders at the top level. */
  root: Node[];
  /** `{{define}}` and `{{block}}` bodies, by name. */
  defines: Map<string, Node[]>;
}

export class GoTemplateError extends Error {}

type TokKind = "field" | "var" | "ident" | "string" | "number" | "char" | "(" | ")" | "|" | "," | ":=" | "=" | "dot";
interface Tok {
  kind: TokKind;
  text: string;
  /** Whitespace before it (a field right after an operand continues that operand's chain). */
  spaced: boolean;
}

const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\r" || c === "\n";
const identStart = /[A-Za-z_]/;
const identChar = /[A-Za-z0-9_]/;

/** Splits the file into text and action pieces, applying the trim markers. */
function pieces(src: string, fail: (line: number, msg: string) => never): Array<{ text: string } | { action: string; line: number }> {
  const out: Array<{ text: string } | { action: string; line: number }> = [];
  let i = 0;
  let line = 1;
  let trimNext = false;
  for (;;) {
    const open = src.indexOf("{{", i);
    let text = src.slice(i, open < 0 ? undefined : open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, "");
    if (open < 0) {
      if (text) out.push({ text });
      return out;
    }
    const trimLeft = src[open + 2] === "-" && isSpace(src[open + 3]);
    if (trimLeft) text = text.replace(/[ \t\r\n]+$/, "");
    if (text) out.push({ text });
    line += (src.slice(i, open).match(/\n/g) ?? []).length;
    const bodyStart = open + (trimLeft ? 3 : 2);
    // A comment may hold `}}`: it ends at `*/`.
    const afterSpace = src.slice(bodyStart).match(/^[ \t\r\n]*/)![0].length;
    let searchFrom = bodyStart;
    if (src.startsWith("/*", bodyStart + afterSpace)) {
      const end = src.indexOf("*/", bodyStart + afterSpace + 2);
      if (end < 0) fail(line, "unclosed comment");
      searchFrom = end + 2;
    } else {
      // Skip quoted strings, which may hold `}}`.
      let j = bodyStart;
      for (; j < src.length; j++) {
        const c = src[j];
        if (c === '"' || c === "`" || c === "'") {
          const close = c === "`" ? src.indexOf("`", j + 1) : findQuoteEnd(src, j, c);
          if (close < 0) fail(line, "unterminated quoted string");
          j = close;
        } else if (c === "}" && src[j + 1] === "}") break;
      }
      searchFrom = j;
    }
    const close = src.indexOf("}}", searchFrom);
    if (close < 0) fail(line, "unclosed action");
    const trimRight = src[close - 1] === "-" && isSpace(src[close - 2]);
    const body = src.slice(bodyStart, trimRight ? close - 1 : close);
    out.push({ action: body, line });
    line += (src.slice(open, close).match(/\n/g) ?? []).length;
    trimNext = trimRight;
    i = close + 2;
  }
}

function findQuoteEnd(src: string, start: number, quote: string): number {
  for (let j = start + 1; j < src.length; j++) {
    if (src[j] === "\\") j++;
    else if (src[j] === quote) return j;
    else if (src[j] === "\n") return -1;
  }
  return -1;
}

function unquote(text: string, line: number, fail: (line: number, msg: string) => never): string {
  if (text.startsWith("`")) return text.slice(1, -1);
  try {
    return JSON.parse(text.replace(/\\'/g, "'").replace(/\\x([0-9a-fA-F]{2})/g, "\\u00$1")) as string;
  } catch {
    return fail(line, `bad string literal ${text}`);
  }
}

function lex(body: string, line: number, fail: (line: number, msg: string) => never): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < body.length) {
    const start = i;
    while (isSpace(body[i])) i++;
    const spaced = i > start || toks.length === 0;
    if (i >= body.length) break;
    const c = body[i]!;
    const push = (kind: TokKind, end: number) => {
      toks.push({ kind, text: body.slice(i, end), spaced });
      i = end;
    };
    let j = i + 1;
    if (c === ".") {
      if (j < body.length && identStart.test(body[j]!)) {
        while (j < body.length && identChar.test(body[j]!)) j++;
        push("field", j);
      } else if (/[0-9]/.test(body[j] ?? "")) {
        fail(line, `unexpected number ${body.slice(i, i + 8)}`);
      } else push("dot", j);
    } else if (c === "$") {
      while (j < body.length && identChar.test(body[j]!)) j++;
      push("var", j);
    } else if (identStart.test(c)) {
      while (j < body.length && identChar.test(body[j]!)) j++;
      push("ident", j);
    } else if (c === '"' || c === "'") {
      const end = findQuoteEnd(body, i, c);
      if (end < 0) fail(line, "unterminated quoted string");
      push(c === '"' ? "string" : "char", end + 1);
    } else if (c === "`") {
      const end = body.indexOf("`", i + 1);
      if (end < 0) fail(line, "unterminated raw string");
      push("string", end + 1);
    } else if (/[0-9+-]/.test(c)) {
      const m = /^[+-]?(0[xX][0-9a-fA-F_]+|[0-9_]*\.?[0-9_]+(?:[eE][+-]?[0-9]+)?)/.exec(body.slice(i));
      if (!m || m[0] === "-" || m[0] === "+") fail(line, `unexpected "${c}" in command`);
      push("number", i + m![0].length);
    } else if (c === ":" && body[j] === "=") push(":=", j + 1);
    else if (c === "(" || c === ")" || c === "|" || c === "," || c === "=") push(c, j);
    else fail(line, `unexpected "${c}" in command`);
  }
  return toks;
}

const keywords = new Set(["if", "else", "end", "range", "with", "define", "template", "block", "break", "continue"]);

/** Parses `src` (named `file` in messages); `funcs` are the functions templates may call. */
export function parseGoTemplate(src: string, file: string, funcs: ReadonlySet<string>): ParsedTemplate {
  const fail = (line: number, msg: string): never => {
    throw new GoTemplateError(`${file}:${line}: ${msg}`);
  };
  const defines = new Map<string, Node[]>();
  const items = pieces(src, fail);
  let pos = 0;
  let inRange = 0;

  function parsePipe(toks: Tok[], line: number, allowDecl: boolean, rangeDecl = false): Pipe {
    let vars: string[] = [];
    let assign = false;
    // `$x :=`, `$x =`, or for range `$i, $e :=`.
    const declEnd = toks.findIndex((t) => t.kind === ":=" || t.kind === "=");
    if (declEnd > 0 && toks.slice(0, declEnd).every((t) => t.kind === "var" || t.kind === ",")) {
      if (!allowDecl) fail(line, "variable declaration not allowed here");
      vars = toks.slice(0, declEnd).filter((t) => t.kind === "var").map((t) => t.text);
      if (vars.length > (rangeDecl ? 2 : 1)) fail(line, "too many declarations");
      assign = toks[declEnd]!.kind === "=";
      toks = toks.slice(declEnd + 1);
    }
    const cmds: Cmd[] = [];
    let i = 0;
    const operand = (): Arg => {
      const t = toks[i++]!;
      let arg: Arg;
      switch (t.kind) {
        case "field": {
          const chain = [t.text.slice(1)];
          while (toks[i]?.kind === "field" && !toks[i]!.spaced) chain.push(toks[i++]!.text.slice(1));
          return { k: "field", chain };
        }
        case "dot":
          arg = { k: "field", chain: [] };
          break;
        case "var":
          arg = { k: "var", name: t.text, chain: [] };
          break;
        case "ident":
          if (t.text === "true" || t.text === "false") arg = { k: "bool", value: t.text === "true" };
          else if (t.text === "nil") arg = { k: "nil" };
          else if (keywords.has(t.text)) return fail(line, `unexpected ${t.text} in command`);
          else if (!funcs.has(t.text)) return fail(line, `function "${t.text}" not defined`);
          else arg = { k: "func", name: t.text };
          break;
        case "string":
          arg = { k: "string", value: unquote(t.text, line, fail) };
          break;
        case "char": {
          const s = unquote(`"${t.text.slice(1, -1).replace(/"/g, '\\"')}"`, line, fail);
          arg = { k: "number", value: s.codePointAt(0) ?? 0 };
          break;
        }
        case "number": {
          const n = Number(t.text.replace(/_/g, ""));
          if (Number.isNaN(n)) return fail(line, `bad number ${t.text}`);
          arg = { k: "number", value: n };
          break;
        }
        case "(": {
          let depth = 1;
          const start = i;
          while (i < toks.length && depth > 0) {
            if (toks[i]!.kind === "(") depth++;
            else if (toks[i]!.kind === ")") depth--;
            i++;
          }
          if (depth > 0) return fail(line, "unclosed left paren");
          arg = { k: "pipe", pipe: parsePipe(toks.slice(start, i - 1), line, true), chain: [] };
          break;
        }
        default:
          return fail(line, `unexpected "${t.text}" in operand`);
      }
      // `$x.A.B`, `(pipeline).A`: fields right after the operand.
      while (toks[i]?.kind === "field" && !toks[i]!.spaced) {
        if (arg.k !== "var" && arg.k !== "pipe") fail(line, `unexpected ${toks[i]!.text} after ${t.text}`);
        (arg as { chain: string[] }).chain.push(toks[i++]!.text.slice(1));
      }
      return arg;
    };
    let args: Arg[] = [];
    while (i < toks.length) {
      const t = toks[i]!;
      if (t.kind === "|") {
        if (args.length === 0) fail(line, "missing command before |");
        cmds.push({ args });
        args = [];
        i++;
        continue;
      }
      if (t.kind === ")") fail(line, "unexpected right paren");
      if (t.kind === "," || t.kind === ":=" || t.kind === "=") fail(line, `unexpected "${t.text}" in command`);
      args.push(operand());
    }
    if (args.length === 0) fail(line, cmds.length ? "missing command after |" : "missing value for command");
    cmds.push({ args });
    for (const [n, cmd] of cmds.entries()) {
      const first = cmd.args[0]!;
      if (n > 0 && first.k !== "func" && !(first.k === "field" && first.chain.length)) fail(line, "non-function in pipeline stage");
      if (first.k !== "func" && first.k !== "field" && cmd.args.length > 1) fail(line, `can't give argument to non-function ${describe(first)}`);
    }
    return { vars, assign, cmds, line };
  }

  /** Parses until one of `stops` (`end`, `else`); returns the list and the stop it met. */
  function parseList(stops: string[]): { list: Node[]; stop?: { word: string; rest: Tok[]; line: number } } {
    const list: Node[] = [];
    while (pos < items.length) {
      const item = items[pos++]!;
      if ("text" in item) {
        list.push({ k: "text", text: item.text });
        continue;
      }
      const { line } = item;
      const trimmed = item.action.trim();
      if (trimmed.startsWith("/*")) {
        if (!trimmed.endsWith("*/")) fail(line, "comment ends before closing delimiter");
        continue;
      }
      const toks = lex(item.action, line, fail);
      if (toks.length === 0) fail(line, "missing value for command");
      const word = toks[0]!.kind === "ident" && keywords.has(toks[0]!.text) ? toks[0]!.text : undefined;
      const rest = toks.slice(1);
      switch (word) {
        case "end":
        case "else":
          if (!stops.includes(word)) fail(line, `unexpected {{${word}}}`);
          if (word === "end" && rest.length) fail(line, "unexpected words after end");
          return { list, stop: { word, rest, line } };
        case "if":
        case "with":
        case "range":
          list.push(parseControl(word, rest, line));
          break;
        case "define":
        case "block": {
          const name = rest[0];
          if (name?.kind !== "string") fail(line, `${word} needs a quoted name`);
          const defined = unquote(name!.text, line, fail);
          const body = parseList(["end"]);
          if (!body.stop) fail(line, `unexpected EOF in ${word} "${defined}"`);
          if (defines.has(defined) && word === "define") fail(line, `template: multiple definition of template "${defined}"`);
          defines.set(defined, body.list);
          if (word === "block") list.push({ k: "template", name: defined, pipe: rest.length > 1 ? parsePipe(rest.slice(1), line, false) : undefined, line });
          else if (rest.length > 1) fail(line, "unexpected words after define name");
          break;
        }
        case "template": {
          const name = rest[0];
          if (name?.kind !== "string") fail(line, "template needs a quoted name");
          list.push({ k: "template", name: unquote(name!.text, line, fail), pipe: rest.length > 1 ? parsePipe(rest.slice(1), line, false) : undefined, line });
          break;
        }
        case "break":
        case "continue":
          if (rest.length) fail(line, `unexpected words after ${word}`);
          if (!inRange) fail(line, `{{${word}}} outside {{range}}`);
          list.push({ k: word, line });
          break;
        default:
          list.push({ k: "action", pipe: parsePipe(toks, line, true) });
      }
    }
    return { list };
  }

  function parseControl(word: "if" | "with" | "range", toks: Tok[], line: number): Node {
    if (toks.length === 0) fail(line, `missing value for ${word}`);
    const pipe = parsePipe(toks, line, true, word === "range");
    if (word === "range") inRange++;
    const body = parseList(["end", "else"]);
    if (word === "range") inRange--;
    if (!body.stop) fail(line, `unexpected EOF in ${word}`);
    const node = { k: word, pipe, list: body.list, line } as Node & { elseList?: Node[] };
    if (body.stop!.word === "else") {
      const rest = body.stop!.rest;
      // `{{else if ...}}` / `{{else with ...}}`: a nested control ending at the same `end`.
      if (rest.length && rest[0]!.kind === "ident" && (rest[0]!.text === "if" || rest[0]!.text === "with") && word !== "range") {
        node.elseList = [parseControl(rest[0]!.text as "if" | "with", rest.slice(1), body.stop!.line)];
      } else {
        if (rest.length) fail(body.stop!.line, "unexpected words after else");
        const tail = parseList(["end"]);
        if (!tail.stop) fail(line, `unexpected EOF in ${word}`);
        node.elseList = tail.list;
      }
    }
    return node;
  }

  const top = parseList([]);
  return { root: top.list, defines };
}

export function describe(arg: Arg): string {
  switch (arg.k) {
    case "field":
      return arg.chain.length ? `.${arg.chain.join(".")}` : ".";
    case "var":
      return [arg.name, ...arg.chain].join(".");
    case "func":
      return arg.name;
    case "string":
      return JSON.stringify(arg.value);
    case "number":
    case "bool":
      return String(arg.value);
    case "nil":
      return "nil";
    case "pipe":
      return `(...)${arg.chain.map((c) => `.${c}`).join("")}`;
  }
}
