#!/usr/bin/env node
// Launcher of is-cli: registers tsx so the TypeScript sources run without a
// build step, then loads the CLI entry point (src/cli/main.ts).
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
