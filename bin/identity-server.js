#!/usr/bin/env node
// Launcher of identity-server: runs src/main.ts, compiled or through tsx (see launch.js).
import { launch } from "./launch.js";

await launch("src/main.ts");
