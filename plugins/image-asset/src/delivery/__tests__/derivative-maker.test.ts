import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { AppError, LocalDiskStorage } from "@assets/core";
import { DerivativeMaker } from "../derivative-maker.js";

let root: string;
let storage: LocalDiskStorage;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "derivative-maker-"));
  storage = new LocalDiskStorage({ root });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A render whose bytes arrive only when `finish()` is called, counting how often it was started. */
function gatedRender(bytes = "derivative") {
  const started: PassThrough[] = [];
  return {
    render: () => {
      const stream = new PassThrough();
      started.push(stream);
      return stream;
    },
    get calls() {
      return started.length;
    },
    get reading() {
      return started.length > 0 && started.every((stream) => stream.listenerCount("error") > 0);
    },
    finish: () => started.forEach((stream) => stream.end(bytes)),
    fail: () => started.forEach((stream) => stream.destroy(new Error("libvips: out of order read"))),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const text = async (stream: Readable) => {
  let out = "";
  for await (const chunk of stream) out += String(chunk);
  return out;
};

describe("DerivativeMaker", () => {
  it("makes a derivative once for concurrent requests", async () => {
    const maker = new DerivativeMaker({ storage });
    const gate = gatedRender();
    const all = Promise.all([1, 2, 3, 4, 5].map(() => maker.ensure("derivatives/a/one.webp", gate.render)));
    while (gate.calls === 0) await tick();
    gate.finish();
    expect(await all).toEqual(["made", "made", "made", "made", "made"]);
    expect(gate.calls).toBe(1);
    expect(maker.load.rendered).toBe(1);
    expect(await text(await storage.get("derivatives/a/one.webp"))).toBe("derivative");
  });

  it("never renders a stored derivative again", async () => {
    const maker = new DerivativeMaker({ storage });
    await storage.put("derivatives/a/two.webp", Readable.from(["stored"]));
    let renders = 0;
    const render = () => {
      renders += 1;
      return Readable.from(["new"]);
    };
    expect(await maker.ensure("derivatives/a/two.webp", render)).toBe("stored");
    expect(renders).toBe(0);
  });

  it("queues renders beyond the slots and refuses beyond the queue with a 429", async () => {
    const maker = new DerivativeMaker({ storage, maxInFlight: 1, maxQueued: 1 });
    const gate = gatedRender();
    const first = maker.ensure("derivatives/q/1.webp", gate.render);
    const second = maker.ensure("derivatives/q/2.webp", gate.render);
    while (maker.load.queued === 0) await tick();
    expect(maker.load).toMatchObject({ running: 1, queued: 1 });
    const third = await maker.ensure("derivatives/q/3.webp", gate.render).catch((e: unknown) => e);
    expect(third).toBeInstanceOf(AppError);
    expect(third).toMatchObject({ status: 429, code: "TOO_MANY_REQUESTS", headers: { "Retry-After": "1" } });
    gate.finish();
    await first;
    while (gate.calls < 2) await tick();
    gate.finish();
    expect(await second).toBe("made");
    expect(maker.load).toMatchObject({ running: 0, queued: 0 });
  });

  it("leaves nothing stored when a render fails, and tries again next time", async () => {
    const maker = new DerivativeMaker({ storage });
    const gate = gatedRender();
    const failed = maker.ensure("derivatives/f/x.webp", gate.render);
    // Fail once the driver reads the render, as a libvips error would surface.
    while (!gate.reading) await tick();
    gate.fail();
    await expect(failed).rejects.toThrow("out of order read");
    expect(await storage.exists("derivatives/f/x.webp")).toBe(false);
    expect(maker.load).toMatchObject({ running: 0, queued: 0 });
    expect(await maker.ensure("derivatives/f/x.webp", () => Readable.from(["ok"]))).toBe("made");
  });
});
