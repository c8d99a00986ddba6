import { register } from "node:module";

register("./uvu-hooks.mjs", import.meta.url);
