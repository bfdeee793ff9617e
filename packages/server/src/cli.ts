#!/usr/bin/env node
// The V8 settings come before anything else is loaded: module loading itself fills the young
// generation, so the commands (and the ~700 modules behind them) are imported only afterwards.
import "./v8-settings.js";

const { main } = await import("./commands.js");

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
