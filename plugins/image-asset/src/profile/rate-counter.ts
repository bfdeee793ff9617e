import { createRequire } from "node:module";
import type { Redis } from "ioredis";

// ioredis loads when a Redis counter is made (REDIS_URL set), not with the plugin: ~20 MiB of RSS otherwise.
const load = createRequire(import.meta.url);

/** Hits counted for one key in its current window, and when that window ends. */
export interface RateCount {
  count: number;
  /** Milliseconds until the window ends and the count starts again. */
  resetMs: number;
}

/**
 * A fixed-window request counter: a key's window starts at its first hit and lasts `windowMs`;
 * each hit adds one. Several processes agree when they share the counter's store.
 */
export interface RateCounter {
  hit(key: string, windowMs: number): Promise<RateCount>;
  /** Releases connections. */
  close(): Promise<void>;
}

/** The counter of one process (embedded mode): a map of keys to their window. */
export class MemoryRateCounter implements RateCounter {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();

  async hit(key: string, windowMs: number): Promise<RateCount> {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      if (this.windows.size > 10_000) for (const [other, w] of this.windows) if (w.endsAt <= now) this.windows.delete(other);
      window = { count: 0, endsAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    return { count: window.count, resetMs: window.endsAt - now };
  }

  async close(): Promise<void> {
    this.windows.clear();
  }
}

// One round trip, atomic: the first hit of a window sets its expiry.
const HIT = `local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {c, ttl}`;

/** The Redis client name of a counter's connection, followed by `-<pid>`. */
export const REDIS_CONNECTION_NAME = "assets-datocms-rate";

/**
 * The counter shared by every process that uses the same Redis (`REDIS_URL`). It connects on its
 * first hit and {@link close} quits the connection (the plugin's `close`, which `pipeline.close()`
 * calls); a hit after that connects again.
 */
export class RedisRateCounter implements RateCounter {
  private redis: Redis | null = null;

  constructor(
    private readonly url: string,
    private readonly prefix = "assets:datocms:rate:",
  ) {}

  async hit(key: string, windowMs: number): Promise<RateCount> {
    // Named, so `CLIENT LIST` tells whose connection it is.
    if (!this.redis) {
      const { Redis: RedisClient } = load("ioredis") as typeof import("ioredis");
      this.redis = new RedisClient(this.url, { maxRetriesPerRequest: 2, connectionName: `${REDIS_CONNECTION_NAME}-${process.pid}` });
    }
    const [count, ttl] = (await this.redis.eval(HIT, 1, `${this.prefix}${key}`, String(windowMs))) as [number, number];
    return { count, resetMs: ttl };
  }

  async close(): Promise<void> {
    const redis = this.redis;
    this.redis = null;
    await redis?.quit().catch(() => redis.disconnect());
  }
}
