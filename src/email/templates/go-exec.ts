// Executes a parsed Go template (go-parse.ts) over plain data, as Go's
// text/template does, with one difference for mail: in HTML templates every
// value an action prints is HTML-escaped (what html/template does in text
// context; it does no other contextual escaping here). A field the data does
// not have is an error, as for Go structs; the start-time check
// (go-check.ts) finds those before any mail is rendered.
import { describe, type Arg, type Node, type Pipe } from "./go-parse.js";
import { escapeHtml, GoDuration, GoExecError, goFuncs, isPlainObject, lazyFuncs, show, truthy, type GoFunc } from "./go-funcs.js";

export interface GoTemplateSet {
  /** The file's top-level template. */
  root: Node[];
  /** Named templates it can call: its own defines over those of the includes and the base. */
  defines: Map<string, Node[]>;
  /** Where it came from, for messages. */
  file: string;
}

class Break {}
class Continue {}

const maxDepth = 100;

/** Renders `set` over `data`; `html` escapes printed values. */
export function executeGo(set: GoTemplateSet, data: unknown, opts: { html: boolean; now?: () => Date }): string {
  const funcs: Record<string, GoFunc> = goFuncs(opts.now ?? (() => new Date()));
  let out = "";
  const fail = (line: number, msg: string): never => {
    throw new GoExecError(`${set.file}:${line}: ${msg}`);
  };

  // Cells shared by the copies of a scope, so `$x = ...` in a nested list changes the outer `$x`.
  type Vars = Array<{ name: string; value: unknown }>;
  const cellOf = (vars: Vars, name: string, line: number) => {
    for (let i = vars.length - 1; i >= 0; i--) if (vars[i]!.name === name) return vars[i]!;
    return fail(line, `undefined variable: ${name}`);
  };

  function field(value: unknown, chain: string[], what: string, line: number): unknown {
    let cur = value;
    for (const name of chain) {
      if (cur === null || cur === undefined) return null; // a nil pointer: nothing to print
      const fields = cur instanceof GoDuration ? cur.fields() : isPlainObject(cur) ? cur : undefined;
      if (!fields || !(name in fields)) fail(line, `can't evaluate field ${name} in ${what}`);
      cur = fields![name];
    }
    return cur;
  }

  function arg(a: Arg, dot: unknown, vars: Vars, line: number): unknown {
    switch (a.k) {
      case "field":
        return field(dot, a.chain, describe(a), line);
      case "var":
        return field(cellOf(vars, a.name, line).value, a.chain, describe(a), line);
      case "pipe":
        return field(pipe(a.pipe, dot, vars), a.chain, describe(a), line);
      case "string":
      case "number":
      case "bool":
        return a.value;
      case "nil":
        return null;
      case "func":
        return call(a.name, [], dot, vars, line);
    }
  }

  function call(name: string, args: Arg[], dot: unknown, vars: Vars, line: number, piped: unknown[] = []): unknown {
    try {
      const lazy = lazyFuncs[name];
      if (lazy) return lazy([...args.map((a) => () => arg(a, dot, vars, line)), ...piped.map((p) => () => p)]);
      return funcs[name]!([...args.map((a) => arg(a, dot, vars, line)), ...piped]);
    } catch (err) {
      if (err instanceof GoExecError && !err.message.startsWith(`${set.file}:`)) fail(line, `error calling ${name}: ${err.message}`);
      throw err;
    }
  }

  function pipe(p: Pipe, dot: unknown, vars: Vars): unknown {
    let value: unknown;
    p.cmds.forEach((cmd, i) => {
      const piped = i > 0 ? [value] : [];
      const [first, ...rest] = cmd.args;
      if (first!.k === "func") value = call(first!.name, rest, dot, vars, p.line, piped);
      else if (rest.length || piped.length) fail(p.line, `can't give argument to non-function ${describe(first!)}`);
      else value = arg(first!, dot, vars, p.line);
    });
    if (p.vars.length) {
      const name = p.vars[0]!;
      if (p.assign) cellOf(vars, name, p.line).value = value;
      else vars.push({ name, value });
    }
    return value;
  }

  function list(nodes: Node[], dot: unknown, vars: Vars, depth: number): void {
    // Variables declared inside a list end with it.
    const scope: Vars = [...vars];
    for (const node of nodes) run(node, dot, scope, depth);
  }

  function run(node: Node, dot: unknown, vars: Vars, depth: number): void {
    switch (node.k) {
      case "text":
        out += node.text;
        return;
      case "action": {
        const value = pipe(node.pipe, dot, vars);
        if (node.pipe.vars.length) return; // a declaration prints nothing
        const text = show(value);
        out += opts.html ? escapeHtml(text) : text;
        return;
      }
      case "if":
      case "with": {
        const scope: Vars = [...vars];
        const value = pipe(node.pipe, dot, scope);
        if (truthy(value)) list(node.list, node.k === "with" ? value : dot, scope, depth);
        else if (node.elseList) list(node.elseList, dot, scope, depth);
        return;
      }
      case "range": {
        const scope: Vars = [...vars];
        const rangeVars = node.pipe.vars;
        const value = pipe({ ...node.pipe, vars: [] }, dot, scope);
        const entries: Array<[unknown, unknown]> = Array.isArray(value)
          ? value.map((v, i): [unknown, unknown] => [i, v])
          : isPlainObject(value)
            ? Object.keys(value).sort().map((k): [unknown, unknown] => [k, value[k]])
            : typeof value === "number"
              ? Array.from({ length: Math.max(0, Math.trunc(value)) }, (_, i): [unknown, unknown] => [i, i])
              : value === null || value === undefined
                ? []
                : fail(node.line, `range can't iterate over ${show(value)}`);
        if (entries.length === 0) {
          if (node.elseList) list(node.elseList, dot, vars, depth);
          return;
        }
        for (const [key, elem] of entries) {
          const iter: Vars = [...scope];
          if (rangeVars.length === 1) iter.push({ name: rangeVars[0]!, value: elem });
          if (rangeVars.length === 2) iter.push({ name: rangeVars[0]!, value: key }, { name: rangeVars[1]!, value: elem });
          try {
            list(node.list, elem, iter, depth);
          } catch (signal) {
            if (signal instanceof Break) break;
            if (signal instanceof Continue) continue;
            throw signal;
          }
        }
        return;
      }
      case "template": {
        const body = set.defines.get(node.name);
        if (!body) fail(node.line, `no such template "${node.name}"`);
        if (depth >= maxDepth) fail(node.line, `exceeded maximum template depth (${maxDepth})`);
        const value = node.pipe ? pipe(node.pipe, dot, [...vars]) : null;
        // A called template sees only `$` = its dot, as in Go.
        list(body!, value, [{ name: "$", value }], depth + 1);
        return;
      }
      case "break":
        throw new Break();
      case "continue":
        throw new Continue();
    }
  }

  list(set.root, data, [{ name: "$", value: data }], 0);
  return out;
}
