// The alarm sound, generated with WebAudio: no audio file to ship or fetch.

let ctx = null;
let lastBeep = 0;
let onChange = () => {};

/** Called whenever the sound turns on or off (to update the indicator). */
export function onSoundChange(callback) {
  onChange = callback;
}

/** True when a beep would be heard. */
export function soundOn() {
  return ctx?.state === "running";
}

/**
 * Create or resume the AudioContext. Browsers allow this only inside a user gesture
 * (the login click, any later click or key), so it is called from those.
 */
export function unlockSound() {
  try {
    if (!ctx) {
      ctx = new AudioContext();
      ctx.addEventListener("statechange", () => onChange());
    }
    if (ctx.state === "suspended") ctx.resume().catch(() => {});
  } catch {
    // no audio device or a policy against it: the visual flash still works
  }
  onChange();
}

/** A short two-tone alarm; more urgent severities beep more. */
export function beep(severity, { force = false } = {}) {
  if (!soundOn()) return;
  const now = performance.now();
  if (!force && now - lastBeep < 600) return; // a burst of changes is one alarm, not a din
  lastBeep = now;
  const tones =
    severity === "critical"
      ? [988, 740, 988, 740]
      : severity === "high"
        ? [880, 660, 880]
        : [740, 587];
  let at = ctx.currentTime + 0.02;
  for (const freq of tones) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = "triangle";
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.3, at + 0.015);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.15);
    osc.connect(gain).connect(ctx.destination);
    osc.start(at);
    osc.stop(at + 0.17);
    at += 0.19;
  }
}
