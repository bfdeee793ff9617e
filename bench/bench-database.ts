/**
 * A scratch PostgreSQL database per benchmark, on the server at BENCH_DATABASE_URL
 * (default postgresql://root@127.0.0.1:5432/postgres).
 */
import pg from "pg";
import { defaultMigrationsDir, migrate, openDatabase, type Database } from "@assets/core";

const BASE_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://root@127.0.0.1:5432/postgres";

/** Scratch database `name` on the benchmark server. */
export class BenchDatabase {
  constructor(readonly name: string) {}

  /** Its URL, with optional libpq `options` (e.g. `-c jit=on`). */
  url(options?: string): string {
    const url = new URL(BASE_URL);
    url.pathname = `/${this.name}`;
    if (options) url.searchParams.set("options", options);
    return url.toString();
  }

  /** Drops any previous copy, creates it empty and applies the migrations. */
  async recreate(): Promise<Database> {
    await this.drop();
    await this.admin(`CREATE DATABASE "${this.name}"`);
    const db = await openDatabase({ url: this.url() });
    await migrate(db, defaultMigrationsDir);
    return db;
  }

  async drop(): Promise<void> {
    await this.admin(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`);
  }

  private async admin(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: BASE_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}
