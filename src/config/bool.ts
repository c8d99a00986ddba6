// Booleans as The Things Stack's command lines take them (Go's
// strconv.ParseBool): true/false in the three usual spellings, t/f and 1/0.
// One rule for identity-server options (flags, env, YAML strings) and is-cli
// flags, so a value accepted in one place is not refused in another.
const BOOLS: Readonly<Record<string, boolean>> = {
  "1": true, t: true, T: true, true: true, TRUE: true, True: true,
  "0": false, f: false, F: false, false: false, FALSE: false, False: false,
};

/** The boolean `text` spells, or undefined when it is none. */
export function parseBoolText(text: string): boolean | undefined {
  return BOOLS[text.trim()];
}

/** What a boolean accepts, for error messages. */
export const boolExpected = "true or false (also 1/0, t/f)";
