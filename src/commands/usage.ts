// A mistake in how a command was called: printed with the command's usage, exit 2.
export class UsageError extends Error {
  constructor(message: string, readonly usage: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Bool words after a command's boolean flags, for node's parseArgs (which
 * takes none): `--x true` and `--x=true` become `--x`, `--x false` and
 * `--x=false` drop the flag. Any other word stays where it is.
 */
export function boolFlagWords(args: readonly string[], booleans: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(args[i]!);
    if (args[i] === "--" || !m || !booleans.includes(m[1]!)) {
      if (args[i] === "--") return [...out, ...args.slice(i)];
      out.push(args[i]!);
      continue;
    }
    let word = m[2];
    if (word === undefined && /^(true|false)$/i.test(args[i + 1] ?? "")) word = args[++i];
    if (word === undefined || /^true$/i.test(word)) out.push(`--${m[1]}`);
    else if (!/^false$/i.test(word)) out.push(args[i]!); // parseArgs refuses it with its own message
  }
  return out;
}
