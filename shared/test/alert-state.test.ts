import t from "tap";
import { conditionMet, nextAlertState, type AlertMachineState } from "../src/index.js";

const t0 = new Date("2025-05-01T00:00:00Z");
const at = (secs: number) => new Date(t0.getTime() + secs * 1000);
const settings = { pendingSecs: 30, repeatIntervalMins: 10, minSamples: 5 };
const met = { conditionMet: true, sampleCount: 10 };
const clear = { conditionMet: false, sampleCount: 10 };
const state = (s: AlertMachineState["state"], extra: Partial<AlertMachineState> = {}): AlertMachineState => ({
  state: s,
  pendingSince: null,
  lastNotifiedAt: null,
  ...extra,
});

t.test("conditions", async (t) => {
  t.ok(conditionMet("GREATER_THAN", 5.1, 5));
  t.notOk(conditionMet("GREATER_THAN", 5, 5));
  t.ok(conditionMet("LESS_THAN", 4.9, 5));
  t.notOk(conditionMet("LESS_THAN", 5, 5));
});

t.test("INACTIVE", async (t) => {
  t.match(nextAlertState(state("INACTIVE"), settings, met, t0), { state: "PENDING", pendingSince: t0, shouldNotify: false, wakeInMs: 30_000 });
  t.match(nextAlertState(state("INACTIVE"), settings, clear, t0), { state: "INACTIVE", shouldNotify: false });
  t.match(nextAlertState(state("INACTIVE"), { ...settings, pendingSecs: 0 }, met, t0), { state: "FIRING", lastNotifiedAt: t0, shouldNotify: true }, "no pending period: fires at once");
});

t.test("PENDING", async (t) => {
  const pending = state("PENDING", { pendingSince: t0 });
  t.match(nextAlertState(pending, settings, met, at(10)), { state: "PENDING", shouldNotify: false, wakeInMs: 20_000 }, "still waiting");
  t.match(nextAlertState(pending, settings, met, at(30)), { state: "FIRING", pendingSince: null, lastNotifiedAt: at(30), shouldNotify: true });
  t.match(nextAlertState(pending, settings, clear, at(10)), { state: "INACTIVE", pendingSince: null, shouldNotify: false }, "cleared before firing: no notification");
});

t.test("FIRING", async (t) => {
  const firing = state("FIRING", { lastNotifiedAt: t0 });
  t.match(nextAlertState(firing, settings, met, at(60)), { state: "FIRING", shouldNotify: false, lastNotifiedAt: t0 }, "no repeat before the interval");
  t.match(nextAlertState(firing, settings, met, at(600)), { state: "FIRING", shouldNotify: true, lastNotifiedAt: at(600) }, "repeat after repeatIntervalMins");
  t.match(nextAlertState(firing, { ...settings, repeatIntervalMins: 0 }, met, at(86_400)), { shouldNotify: false }, "0 means notify once");
  t.match(nextAlertState(firing, settings, clear, at(60)), { state: "RESOLVED", shouldNotify: true });
});

t.test("RESOLVED", async (t) => {
  const resolved = state("RESOLVED", { lastNotifiedAt: t0 });
  t.match(nextAlertState(resolved, settings, clear, at(5)), { state: "INACTIVE", shouldNotify: false });
  t.match(nextAlertState(resolved, settings, met, at(5)), { state: "PENDING", pendingSince: at(5), shouldNotify: false }, "met again: pending again");
});

t.test("too few samples is no data: nothing changes in any state", async (t) => {
  for (const s of ["INACTIVE", "PENDING", "FIRING", "RESOLVED"] as const) {
    const current = state(s, { pendingSince: t0, lastNotifiedAt: t0 });
    for (const evaluation of [{ conditionMet: true, sampleCount: 4 }, { conditionMet: false, sampleCount: 0 }]) {
      t.same(nextAlertState(current, settings, evaluation, at(3600)), { ...current, shouldNotify: false }, `${s} with ${evaluation.sampleCount} samples`);
    }
  }
});
