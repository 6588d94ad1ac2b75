// The projector's two sounds, synthesised with the Web Audio API: nothing is
// downloaded. "minute": two soft rising notes; "end": three falling ones.
let context = null;

// Browsers start audio only after the page has been used: the trainer's
// first click (Start, say) wakes the context, so the chimes can play later.
function audio() {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return null;
  context ??= new Context();
  if (context.state === "suspended") context.resume().catch(() => {});
  return context;
}
document.addEventListener("pointerdown", audio, { once: true });
document.addEventListener("keydown", audio, { once: true });

const TUNES = {
  minute: [[660, 0], [880, 0.18]],
  end: [[880, 0], [660, 0.22], [440, 0.44]],
};

function note(ctx, frequency, start, length = 0.35) {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.type = "sine";
  osc.frequency.value = frequency;
  // A quick rise and a soft decay: a chime, not a beep.
  gain.gain.setValueAtTime(0.0001, start);
  gain.gain.exponentialRampToValueAtTime(0.3, start + 0.02);
  gain.gain.exponentialRampToValueAtTime(0.0001, start + length);
  osc.connect(gain).connect(ctx.destination);
  osc.start(start);
  osc.stop(start + length + 0.05);
}

// Which tune a clock that went from ``before`` to ``now`` ms left should play:
// one minute left, time's up, or none (null).
export function chimeFor(before, now) {
  if (before == null || now == null) return null;
  if (before > 60000 && now <= 60000 && now > 0) return "minute";
  if (before > 0 && now === 0) return "end";
  return null;
}

// Plays a tune; the page remembers the last one asked for, so a test can tell.
export function chime(name) {
  const ctx = audio();
  document.documentElement.dataset.lastChime = name;
  if (!ctx) return name;
  const now = ctx.currentTime + 0.02;
  for (const [frequency, offset] of TUNES[name]) note(ctx, frequency, now + offset);
  return name;
}
