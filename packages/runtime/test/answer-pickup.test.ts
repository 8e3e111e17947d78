import { afterAll, describe, expect, it } from "vitest";
import { createRunnerPool, pickUpAnswers } from "../src/index";
import { fixtureRequest } from "./fixture-builds";

const pool = createRunnerPool({ hubspotApiBaseUrl: "http://127.0.0.1:9", limits: { timeoutMs: 5_000, heapMb: 64 } });
afterAll(() => pool.close());

/** How long the turn's other work holds the loop: far longer than a warm runner takes to answer `hello`. */
const BUSY_MS = 500;

describe("a runner's answer under a busy event loop", () => {
  it("is read in the turn that sent the call, not in the next turn's poll phase", async () => {
    await pool.invoke(fixtureRequest("hello.js", { name: "warm" }));
    const seenAtNextTurn = await new Promise<boolean>((resolve) => {
      setTimeout(() => {
        let answered = false;
        // Queued before the call (which queues its pick-up in the same check phase): it stands for the turn's other
        // requests, holding the loop while the runner answers.
        setImmediate(() => {
          // Due long before the next turn's timers phase, which comes before that turn's poll phase: it sees the
          // answer only if it was read in this turn.
          setTimeout(() => resolve(answered), 1);
          const until = performance.now() + BUSY_MS;
          while (performance.now() < until);
        });
        void pool.invoke(fixtureRequest("hello.js", { name: "busy" })).then((result) => {
          expect(result).toMatchObject({ outcome: "SUCCESS", value: { message: "Hello, busy" } });
          answered = true;
        });
      }, 0);
    });
    expect(seenAtNextTurn).toBe(true);
  });

  it("is read between the turn's requests by pickUpAnswers, before the turn's check phase", async () => {
    await pool.invoke(fixtureRequest("hello.js", { name: "warm" }));
    let answered = false;
    const seenBeforeCheckPhase = await new Promise<boolean>((resolve) => {
      // Three timers due together run in one timers phase, each followed by its microtasks: the first sends the call,
      // the second stands for a request that holds the loop and then the next request's start, the third looks.
      setTimeout(
        () =>
          void pool.invoke(fixtureRequest("hello.js", { name: "between" })).then((result) => {
            expect(result).toMatchObject({ outcome: "SUCCESS", value: { message: "Hello, between" } });
            answered = true;
          }),
        1,
      );
      setTimeout(() => {
        const until = performance.now() + BUSY_MS;
        while (performance.now() < until);
        pickUpAnswers();
      }, 1);
      setTimeout(() => resolve(answered), 1);
    });
    expect(seenBeforeCheckPhase).toBe(true);
  });
});
