// Hot queries built once per store instance. Drizzle builds a query's SQL text
// anew on every call, a good part of a request's CPU; a query prepared once only
// takes its values after. On postgres.js a prepared query also goes out as a
// prepared statement that each connection keeps, so PostgreSQL parses and plans
// it once per connection, and a call is one round trip (an unnamed statement with
// parameters costs two: postgres.js asks for its parameter types first).
//
// A store instance is bound to its handles (a transaction's store to the
// transaction), so a query prepared on first use runs on the handle it was
// built on: never the database's inside a transaction, never a transaction's after it.
import { sql, type Placeholder, type SQL, type SQLWrapper } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { rowsOf, type Handle } from "./handle.js";

/** Values of a prepared query's placeholders, by name (`sql.placeholder(name)`). */
export type Values = Record<string, unknown>;

interface Prepared<R> {
  execute(values?: Values): Promise<R>;
}

export const placeholder = sql.placeholder;
export type { Placeholder };

/** A query built by `build` on first call, executed with each call's values. */
export function preparedOnce<R>(name: string, build: () => { prepare(name: string): Prepared<R> }): (values: Values) => Promise<R> {
  let prepared: Prepared<R> | undefined;
  return (values) => (prepared ??= build().prepare(name)).execute(values);
}

/** Values made on first use of their key: a prepared query per variant of a query (an entity kind, ...). */
export function variants<V>(): (key: string, make: () => V) => V {
  const made = new Map<string, V>();
  return (key, make) => {
    let value = made.get(key);
    if (value === undefined) made.set(key, (value = make()));
    return value;
  };
}

/**
 * `column = ANY(values)`: one array parameter, where `inArray` spells out one
 * parameter per value and so makes a statement text per list length, each of
 * which a connection would keep prepared.
 */
export function anyOf(column: SQLWrapper, values: readonly string[]): SQL {
  return sql`${column} = ANY(${sql.param([...values])}::text[])`;
}

// Stateless: turns SQL templates into text and parameters, as the handle's own dialect does.
const dialect = new PgDialect();

/** `preparedOnce` for a raw SQL template (with placeholders): its rows as objects. */
export function preparedSql<T>(h: Handle, name: string, build: () => SQL): (values: Values) => Promise<T[]> {
  return preparedOnce(name, () => ({
    prepare: (statementName) => {
      const query = h._.session.prepareQuery(dialect.sqlToQuery(build()), undefined, statementName, false);
      return { execute: async (values) => rowsOf<T>(await query.execute(values)) };
    },
  }));
}
