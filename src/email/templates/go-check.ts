// The start-time check of a Go template against the data its e-mail gets:
// every field chain in every branch (also those sample data would not take)
// must exist in the data, and every called template must be defined. The
// shape of the data is sample data (view.ts sampleData through stack-data.ts)
// in which every optional part is present; lists are checked against their
// first element. What functions return is not known here: fields of it are
// checked when the sample data is rendered.
import { describe, type Arg, type Node, type Pipe } from "./go-parse.js";
import { GoDuration, isPlainObject } from "./go-funcs.js";
import type { GoTemplateSet } from "./go-exec.js";

const ANY = Symbol("any");
type Shape = unknown;

export class GoCheckError extends Error {}

function fieldsOf(shape: Shape): Record<string, unknown> | undefined {
  if (shape instanceof GoDuration) return shape.fields();
  return isPlainObject(shape) ? shape : undefined;
}

/** Throws a GoCheckError for the first unknown field or template of `set`. */
export function checkGoFields(set: GoTemplateSet, data: unknown): void {
  const fail = (line: number, msg: string): never => {
    throw new GoCheckError(`${set.file}:${line}: ${msg}`);
  };

  function chain(shape: Shape, names: string[], what: string, line: number): Shape {
    let cur = shape;
    for (const [i, name] of names.entries()) {
      if (cur === ANY) return ANY;
      const fields = fieldsOf(cur);
      if (!fields || !(name in fields)) {
        const at = i === 0 ? what.replace(/\..*$/, "") || "." : `.${names.slice(0, i).join(".")}`;
        const known = fields ? Object.keys(fields).sort().join(", ") : "none (not a struct)";
        fail(line, `unknown field ${name} in ${what}; the fields of ${at === "." ? "the data here" : at === "$" ? "the data" : at} are: ${known}`);
      }
      cur = fields![name];
    }
    return cur === null || cur === undefined ? ANY : cur;
  }

  type Vars = Map<string, Shape>;

  function arg(a: Arg, dot: Shape, vars: Vars, line: number): Shape {
    switch (a.k) {
      case "field":
        return chain(dot, a.chain, describe(a), line);
      case "var": {
        if (!vars.has(a.name)) fail(line, `undefined variable: ${a.name}`);
        return chain(vars.get(a.name), a.chain, describe(a), line);
      }
      case "pipe":
        return chain(pipe(a.pipe, dot, vars), a.chain, describe(a), line);
      case "func":
        return ANY;
      default:
        return a.k === "nil" ? ANY : (a as { value: unknown }).value;
    }
  }

  function pipe(p: Pipe, dot: Shape, vars: Vars): Shape {
    let shape: Shape = ANY;
    for (const cmd of p.cmds) {
      const [first, ...rest] = cmd.args;
      for (const a of rest) arg(a, dot, vars, p.line);
      shape = first!.k === "func" ? ANY : arg(first!, dot, vars, p.line);
    }
    if (p.vars.length && !p.assign) vars.set(p.vars[0]!, shape);
    return shape;
  }

  const elementOf = (shape: Shape): Shape => (Array.isArray(shape) && shape.length ? shape[0] : ANY);

  const checkedCalls = new Set<string>();
  function list(nodes: Node[], dot: Shape, vars: Vars): void {
    const scope: Vars = new Map(vars);
    for (const node of nodes) {
      switch (node.k) {
        case "action":
          pipe(node.pipe, dot, scope);
          break;
        case "if":
        case "with": {
          const inner: Vars = new Map(scope);
          const shape = pipe(node.pipe, dot, inner);
          list(node.list, node.k === "with" ? shape : dot, inner);
          if (node.elseList) list(node.elseList, dot, inner);
          break;
        }
        case "range": {
          const inner: Vars = new Map(scope);
          const shape = pipe({ ...node.pipe, vars: [] }, dot, inner);
          const elem = elementOf(shape);
          if (node.pipe.vars.length === 1) inner.set(node.pipe.vars[0]!, elem);
          if (node.pipe.vars.length === 2) inner.set(node.pipe.vars[0]!, ANY).set(node.pipe.vars[1]!, elem);
          list(node.list, elem, inner);
          if (node.elseList) list(node.elseList, dot, scope);
          break;
        }
        case "template": {
          const body = set.defines.get(node.name);
          if (!body) fail(node.line, `no such template "${node.name}"`);
          const shape = node.pipe ? pipe(node.pipe, dot, new Map(scope)) : ANY;
          call(node.name, body!, shape);
          break;
        }
        default:
          break;
      }
    }
  }

  // A template is checked once per data it is called with (which also ends recursion).
  const shapeIds = new Map<Shape, number>();
  function call(name: string, body: Node[], shape: Shape): void {
    if (!shapeIds.has(shape)) shapeIds.set(shape, shapeIds.size);
    const key = `${name}\0${shapeIds.get(shape)}`;
    if (checkedCalls.has(key)) return;
    checkedCalls.add(key);
    list(body, shape, new Map([["$", shape]]));
  }

  // Only what this template renders: includes may define templates for other e-mails' data.
  list(set.root, data, new Map([["$", data]]));
}
