// Booleans: what Go's strconv.ParseBool takes on the stack's command lines
// (true/false, t/f, 1/0) and what its YAML 1.1 files take (yes/no, on/off),
// in any case. One rule for identity-server options (flags, env, YAML) and
// is-cli flags, so a value accepted in one place is not refused in another,
// and the error says exactly what is accepted.
const BOOLS: Readonly<Record<string, boolean>> = {
  true: true, t: true, "1": true, yes: true, on: true,
  false: false, f: false, "0": false, no: false, off: false,
};

/** The boolean `text` spells, or undefined when it is none. */
export function parseBoolText(text: string): boolean | undefined {
  return BOOLS[text.trim().toLowerCase()];
}

/** What a boolean accepts, for error messages. */
export const boolExpected = "true or false (also 1/0, t/f, yes/no, on/off)";
