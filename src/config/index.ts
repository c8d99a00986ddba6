// Public surface of the configuration module: the typed Config derived from
// the option table, and the functions that load, validate and render it.
// Other modules import from here, never from the individual files.

export { options, type Config, type Option, type OptionDef, type OptionName, type OptionType, type OptionValue } from "./options.js";
export {
  ConfigError,
  defaultConfig,
  describeOption,
  explainConfigError,
  envName,
  formatConfig,
  formatDuration,
  formatHelp,
  loadConfig,
  maskUri,
  optionPath,
  parseDuration,
  validateConfig,
  type LoadInput,
  type LoadResult,
} from "./load.js";
export { boolExpected, parseBoolText } from "./bool.js";
