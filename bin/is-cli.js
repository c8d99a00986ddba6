#!/usr/bin/env node
// Launcher of is-cli: runs the CLI entry point src/cli/main.ts, compiled or
// through tsx (see launch.js).
import { launch } from "./launch.js";

await launch("src/cli/main.ts");
