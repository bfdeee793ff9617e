/** The `assets` commands (cli.ts runs {@link main} after its V8 settings). */
import { startupDone } from "./v8-settings.js";
import { pino } from "pino";
import { issueApiKey } from "@assets/core";
import { loadConfig } from "./config.js";
import { openServerDatabase } from "./database.js";
import { rememberDemoKey, seedDemo } from "./seed.js";
import { openPipeline } from "./pipeline.js";
import { startServer } from "./server.js";
import { composeSchema } from "./schema.js";

const USAGE = `usage: assets <command>
  serve                         start the HTTP server (embedded default unless DATABASE_URL is set)
  migrate                       apply database migrations
  schema [plugin...]            compose the Prisma client of the core and the server's plugins (and these)
  worker                        run background jobs (needs REDIS_URL)
  create-api-key [--superuser] [--user <name>] [--read-only]
                                print a new API key (only the key, on stdout)
  seed                          seed the demo organisation, user and resources`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Runs one command; resolves to the exit code, or -1 for a command that keeps running (serve, worker). */
export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command === "schema") return composeSchema(args);
  const config = loadConfig();
  // Logs go to stderr so commands like create-api-key keep stdout for their result.
  const log = pino({ level: config.logLevel }, pino.destination(2));
  switch (command) {
    case "serve": {
      const running = await startServer(config, log);
      const seed = await seedDemo(running.db);
      const demoKey = config.databaseUrl ? seed.apiKey : rememberDemoKey(config.dataDir, seed);
      startupDone();
      process.stdout.write(`Asset server listening on ${running.url} (${running.db.kind}${config.databaseUrl ? "" : `, data in ${config.dataDir}`})\n`);
      if (demoKey) process.stdout.write(`Demo admin API key: ${demoKey}\n  try: curl -H "Authorization: Bearer ${demoKey}" ${running.url}/resources\n`);
      const stop = async () => {
        await running.close();
        process.exit(0);
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      return -1;
    }
    case "migrate": {
      const db = await openServerDatabase(config, log);
      await db.close();
      return 0;
    }
    case "seed": {
      const db = await openServerDatabase(config, log);
      const seed = await seedDemo(db);
      process.stdout.write(seed.created ? `Seeded. Demo admin API key: ${seed.apiKey}\n` : "Already seeded.\n");
      await db.close();
      return 0;
    }
    case "create-api-key": {
      const db = await openServerDatabase(config, log);
      try {
        const username = option(args, "--user");
        const superuser = args.includes("--superuser");
        if (!username && !superuser) throw new Error("create-api-key needs --superuser or --user <name>");
        const user = username
          ? await db.prisma.user.upsert({ where: { username }, update: superuser ? { is_superuser: true } : {}, create: { username, is_superuser: superuser } })
          : await db.prisma.user.upsert({ where: { username: "admin" }, update: { is_superuser: true }, create: { username: "admin", is_superuser: true } });
        const key = await issueApiKey(db.prisma, user.id, { name: "cli", scopes: args.includes("--read-only") ? ["read"] : [] });
        process.stdout.write(`${key.secret}\n`);
      } finally {
        await db.close();
      }
      return 0;
    }
    case "worker": {
      if (!config.redisUrl) throw new Error("assets worker needs REDIS_URL (without it, `assets serve` runs jobs itself)");
      const db = await openServerDatabase(config, log);
      const pipeline = openPipeline(config, db, log);
      await pipeline.startWorker(config.workerConcurrency);
      pipeline.startSweeper();
      startupDone();
      log.info({ concurrency: config.workerConcurrency, pid: process.pid }, "worker started");
      const stop = async () => {
        await pipeline.close();
        await db.close();
        process.exit(0);
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      return -1;
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      return command ? 2 : 0;
  }
}
