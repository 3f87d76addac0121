import type { AlertOperator, AlertState } from "./schemas/alert.js";

export function conditionMet(operator: AlertOperator, value: number, threshold: number): boolean {
  return operator === "GREATER_THAN" ? value > threshold : value < threshold;
}

export interface AlertMachineState {
  state: AlertState;
  /** When the alert entered PENDING. */
  pendingSince: Date | null;
  /** When the last FIRING notification went out. */
  lastNotifiedAt: Date | null;
}

export interface AlertSettings {
  pendingSecs: number;
  repeatIntervalMins: number;
  minSamples: number;
}

export interface AlertStep extends AlertMachineState {
  shouldNotify: boolean;
  /** When PENDING: ms until FIRING is due if the condition holds. */
  wakeInMs?: number;
}

/**
 * INACTIVE → PENDING (condition met, waiting pendingSecs) → FIRING (notify) → RESOLVED (notify)
 * → INACTIVE. While FIRING, notify again every repeatIntervalMins (0: never). Fewer samples than
 * minSamples is "no data": nothing changes.
 */
export function nextAlertState(
  current: AlertMachineState,
  settings: AlertSettings,
  evaluation: { conditionMet: boolean; sampleCount: number },
  now: Date,
): AlertStep {
  const stay: AlertStep = { ...current, shouldNotify: false };
  if (evaluation.sampleCount < settings.minSamples) return stay;
  const met = evaluation.conditionMet;
  const fire = (): AlertStep => ({ state: "FIRING", pendingSince: null, lastNotifiedAt: now, shouldNotify: true });
  const startPending = (): AlertStep =>
    settings.pendingSecs === 0 ? fire() : { ...current, state: "PENDING", pendingSince: now, shouldNotify: false, wakeInMs: settings.pendingSecs * 1000 };

  switch (current.state) {
    case "INACTIVE":
      return met ? startPending() : stay;
    case "PENDING": {
      if (!met) return { ...current, state: "INACTIVE", pendingSince: null, shouldNotify: false };
      const waited = now.getTime() - (current.pendingSince ?? now).getTime();
      const remaining = settings.pendingSecs * 1000 - waited;
      return remaining <= 0 ? fire() : { ...stay, wakeInMs: remaining };
    }
    case "FIRING": {
      if (!met) return { state: "RESOLVED", pendingSince: null, lastNotifiedAt: current.lastNotifiedAt, shouldNotify: true };
      const repeatMs = settings.repeatIntervalMins * 60_000;
      const since = now.getTime() - (current.lastNotifiedAt ?? new Date(0)).getTime();
      return repeatMs > 0 && since >= repeatMs ? { ...current, lastNotifiedAt: now, shouldNotify: true } : stay;
    }
    case "RESOLVED":
      return met ? startPending() : { ...current, state: "INACTIVE", shouldNotify: false };
  }
}
