import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

/** An API server in a child process (test/fixtures/upload-server.ts), to be killed mid-request. */
export interface ChildServer {
  process: ChildProcess;
  port: number;
  /** An API key of a user of the child's database. */
  key: string;
  /** SIGKILL, as a crash: no handler runs. Resolves once the process is gone. */
  crash(): Promise<void>;
}

/** Starts the fixture server on storage `root`; `env` adds DATABASE_URL (shared) or IDEMPOTENCY_LEASE_MS. */
export function startChildServer(root: string, env: Record<string, string> = {}): Promise<ChildServer> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/upload-server.ts"], {
    env: { ...process.env, NODE_OPTIONS: "", DATABASE_URL: "", ...env, STORAGE_ROOT: root },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`upload server exited with ${code}`)));
    createInterface({ input: child.stdout! }).once("line", (line) => {
      const { port, key } = JSON.parse(line) as { port: number; key: string };
      resolve({
        process: child,
        port,
        key,
        crash: () => {
          child.kill("SIGKILL");
          return exited;
        },
      });
    });
  });
}
