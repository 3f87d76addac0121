import t from "tap";
import { Batcher } from "../src/handoff/batcher.js";

/** A batcher whose flushes the test completes by hand; records every batch. */
function harness(options: Partial<{ waitMs: number; maxItems: number; maxBytes: number; maxInFlight: number }> = {}) {
  const batches: string[][] = [];
  const pending: Array<{ resolve(): void; reject(error: Error): void }> = [];
  const batcher = new Batcher<string>({
    waitMs: 5,
    maxItems: 100,
    maxBytes: 1000,
    maxInFlight: 1,
    ...options,
    flush: (key, items) => {
      batches.push(items);
      const id = `${key}-${batches.length}`;
      return new Promise<string>((resolve, reject) => pending.push({ resolve: () => resolve(id), reject }));
    },
  });
  const settle = async () => {
    for (const p of pending.splice(0)) p.resolve();
    await new Promise((resolve) => setTimeout(resolve, 20));
  };
  return { batcher, batches, pending, settle };
}

t.test("one item alone is flushed after the wait", async (t) => {
  const { batcher, batches, settle } = harness();
  const id = batcher.add("p", "a", 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.same(batches, [["a"]]);
  await settle();
  t.equal(await id, "p-1");
});

t.test("items added together share a batch; keys never mix", async (t) => {
  const { batcher, batches, settle } = harness();
  const ids = [batcher.add("p", "a", 1), batcher.add("p", "b", 1), batcher.add("q", "c", 1)];
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.same(batches, [["a", "b"], ["c"]]);
  await settle();
  t.same(await Promise.all(ids), ["p-1", "p-1", "q-2"]);
});

t.test("a full batch (by count or bytes) goes at once; an item over the byte bound goes alone", async (t) => {
  const { batcher, batches, settle } = harness({ maxItems: 2, maxBytes: 100, maxInFlight: 10 });
  void batcher.add("p", "a", 1);
  void batcher.add("p", "b", 1);
  t.same(batches, [["a", "b"]], "two items: full by count");
  void batcher.add("p", "c", 60);
  void batcher.add("p", "d", 60);
  t.same(batches.at(-1), ["c"], "d would pass the byte bound: c went first");
  void batcher.add("p", "huge", 500);
  t.same(batches.slice(-2), [["d"], ["huge"]]);
  await settle();
});

t.test("while a flush runs, the next items gather and go when it ends", async (t) => {
  const { batcher, batches, pending, settle } = harness({ maxInFlight: 1 });
  void batcher.add("p", "a", 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.same(batches, [["a"]]);
  for (const item of ["b", "c", "d"]) void batcher.add("p", item, 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.same(batches, [["a"]], "waiting for the running flush, not for the timer");
  pending.shift()!.resolve();
  await new Promise((resolve) => setTimeout(resolve, 5));
  t.same(batches, [["a"], ["b", "c", "d"]]);
  await settle();
});

t.test("a failed flush fails its own items only", async (t) => {
  const { batcher, pending, settle } = harness({ maxInFlight: 2 });
  const first = batcher.add("p", "a", 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const second = batcher.add("p", "b", 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  pending.shift()!.reject(new Error("Temporal is unavailable"));
  await t.rejects(first, /Temporal is unavailable/);
  await settle();
  t.equal(await second, "p-2");
});

t.test("close() flushes what is gathered and waits for running flushes", async (t) => {
  const { batcher, batches, pending } = harness({ waitMs: 60_000 });
  const id = batcher.add("p", "a", 1);
  const closed = batcher.close();
  t.same(batches, [["a"]], "flushed without waiting out the timer");
  let done = false;
  void closed.then(() => (done = true));
  await new Promise((resolve) => setTimeout(resolve, 10));
  t.notOk(done, "close waits for the flush");
  pending.shift()!.resolve();
  await closed;
  t.equal(await id, "p-1");
});
