import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";

/**
 * A source that sends `size` random bytes in 64 KiB chunks, then stalls, as a
 * client that went quiet or a process that was killed, until `end()`. Lets a
 * test hold an upload open while it looks at what is staged.
 */
export function stallingStream(size: number): Readable & { end(): void } {
  let sent = 0;
  let ended = false;
  let waiting = false;
  const stream = new Readable({
    read() {
      if (sent < size) {
        const chunk = randomBytes(Math.min(64 * 1024, size - sent));
        sent += chunk.length;
        this.push(chunk);
      } else if (ended) this.push(null);
      else waiting = true;
    },
  });
  return Object.assign(stream, {
    end() {
      ended = true;
      if (waiting) stream.push(null);
    },
  });
}
