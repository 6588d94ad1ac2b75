// The projector: draws each phase from snapshots and runs the trainer's buttons.
import { $, Countdown, connect, el, formatClock, isNewest, request, setText, showOnly, t } from "./common.js";

const app = $("app");
const CAROUSEL_MS = 10000;
let state = null;
let carousel = { timer: null, index: 0 };

const clock = new Countdown((ms, paused) => {
  const text = paused ? `${t("paused")} · ${formatClock(ms)}` : formatClock(ms);
  for (const id of ["writing-clock", "voting-clock"]) {
    $(id).textContent = text;
    $(id).classList.toggle("urgent", !paused && ms != null && ms <= 30000);
  }
});

const socket = connect(
  "/host",
  // Who is asking comes from the trainer's sign-in cookie, not from the page.
  { code: app.dataset.code },
  {
    snapshot: render,
    // Updates only make sense on top of a snapshot; one always comes first
    // on (re)connect, so anything earlier is covered by it.
    timer: (payload) => {
      if (!state || !isNewest(payload)) return;
      Object.assign(state, payload); clock.sync(payload); drawControls();
    },
    progress: (payload) => state && drawProgress(payload),
    player_joined: (player) => {
      if (!state || state.players.some((p) => p.id === player.id)) return;
      state.players.push(player);
      drawPlayers();
    },
    player_left: ({ id }) => {
      if (!state) return;
      state.players = state.players.filter((p) => p.id !== id);
      drawPlayers();
    },
    presence: ({ id, away }) => {
      const player = state?.players.find((p) => p.id === id);
      if (player) { player.away = away; drawPlayers(); }
    },
    problem: ({ error }) => notice(error),
  },
  (status) => {
    $("conn").textContent = t(status === "connected" ? "connected" : "reconnecting");
    $("conn").classList.toggle("bad", status !== "connected");
  },
);
document.addEventListener("visibilitychange", async () => {
  if (document.visibilityState !== "visible" || !socket.connected) return;
  const answer = await request(socket, "sync");
  if (answer.ok) render(answer.snapshot);
});

function render(snapshot) {
  if (!isNewest(snapshot)) return; // an older phase change that arrived late
  state = snapshot;
  clock.sync(snapshot);
  showOnly("phase", snapshot.phase);
  setText("round-label", snapshot.round ? t("round_of", { n: snapshot.round, total: snapshot.rounds_total }) : "");
  drawPlayers();
  drawControls();
  stopCarousel();
  if (snapshot.phase === "writing") drawProgress(snapshot.progress);
  if (snapshot.phase === "voting") { drawProgress(snapshot.progress); startCarousel(); }
  if (snapshot.phase === "results" || snapshot.phase === "finished") drawResults();
}

function drawPlayers() {
  const count = state.players.length;
  setText("player-count", t("players", { n: count }));
  $("lobby-players").replaceChildren(
    ...state.players.map((p) => el("li", { class: `chip${p.away ? " away" : ""}` },
      el("span", { text: p.name }), p.away ? el("small", { text: ` · ${t("away")}` }) : null, removeButton(p))),
  );
  const submitted = new Set(state.submitted_ids ?? []);
  $("writing-players").replaceChildren(
    ...state.players.map((p) => {
      const late = p.first_round > state.round;
      const classes = `chip${submitted.has(p.id) ? " done" : ""}${late ? " late" : ""}${p.away ? " away" : ""}`;
      const chip = el("li", { class: classes, "data-player": p.id },
        el("span", { text: p.name }),
        late ? el("small", { text: ` · ${t("next_round_from")}` }) : null,
        p.away ? el("small", { text: ` · ${t("away")}` }) : null);
      chip.append(removeButton(p));
      return chip;
    }),
  );
}

// Removing takes two clicks (no blocking dialog on a projector). The first
// click's confirmation lives here, not in the button, so a redraw between
// the clicks (someone joins, a phone drops) doesn't cancel it.
const CONFIRM_MS = 4000;
let armedRemoval = { id: null, until: 0 };

function removeButton(player) {
  const armed = armedRemoval.id === player.id && Date.now() < armedRemoval.until;
  const button = el("button", {
    type: "button", class: "chip-remove",
    text: armed ? t("confirm_remove", { name: player.name }) : t("remove"),
    "aria-label": t("confirm_remove", { name: player.name }),
  });
  button.addEventListener("click", async () => {
    if (!(armedRemoval.id === player.id && Date.now() < armedRemoval.until)) {
      armedRemoval = { id: player.id, until: Date.now() + CONFIRM_MS };
      button.textContent = t("confirm_remove", { name: player.name });
      setTimeout(() => { if (state) drawPlayers(); }, CONFIRM_MS + 50);
      return;
    }
    armedRemoval = { id: null, until: 0 };
    const answer = await request(socket, "remove_player", { player_id: player.id });
    if (!answer.ok) notice(answer.error);
  });
  return button;
}

function drawProgress(progress) {
  if (!progress) return;
  if ("submitted" in progress) {
    if (state.phase !== "writing") return;
    state.progress = progress;
    if (progress.player_id) {
      state.submitted_ids = [...new Set([...(state.submitted_ids ?? []), progress.player_id])];
      drawPlayers();
    }
    setText("writing-progress", t("submitted_count", { n: progress.submitted, total: progress.total }));
    $("writing-meter").style.width = `${progress.total ? (100 * progress.submitted) / progress.total : 0}%`;
  } else if (state.phase === "voting") {
    state.progress = progress;
    setText("voting-progress", t("voted_count", { n: progress.voted, total: progress.total }));
  }
}

function drawControls() {
  const { phase, round, rounds_total: total } = state;
  const timed = phase === "writing" || phase === "voting";
  const next = $("btn-next");
  next.hidden = !(phase === "lobby" || phase === "results");
  next.textContent = phase === "lobby" ? t("start") : round >= total ? t("podium") : t("next_round");
  $("btn-extend").hidden = !timed;
  $("btn-pause").hidden = !timed;
  $("btn-pause").textContent = state.paused_remaining != null ? t("resume") : t("pause");
  $("btn-end").hidden = !timed;
  $("btn-end").textContent = phase === "writing" ? t("end_writing") : t("end_voting");
  const replies = state.replies ?? [];
  const browsing = (phase === "voting" || phase === "results") && replies.length > 1;
  $("btn-prev").hidden = !browsing;
  $("btn-fwd").hidden = !browsing;
  $("btn-hide").hidden = !((phase === "voting" || phase === "results") && replies.length);
  $("btn-lock").hidden = phase === "finished";
  $("btn-lock").textContent = state.locked ? t("unlock") : t("lock");
  $("btn-lock").setAttribute("aria-pressed", String(Boolean(state.locked)));
  $("locked-note").hidden = !state.locked;
}

// One reply at a time, big enough for the back row; it moves on by itself
// and the trainer can step back and forth to talk one through.
function startCarousel() {
  carousel.index = 0;
  drawSlide();
  restartTimer();
}

function restartTimer() {
  clearInterval(carousel.timer);
  carousel.timer = setInterval(() => step(1), CAROUSEL_MS);
}

function stopCarousel() {
  clearInterval(carousel.timer);
  carousel.timer = null;
}

function step(delta) {
  carousel.index += delta;
  drawSlide();
}

function drawSlide() {
  const replies = state.replies ?? [];
  if (!replies.length) {
    if (state.phase === "results") drawResult(null, 0, 0);
    return;
  }
  const n = ((carousel.index % replies.length) + replies.length) % replies.length;
  const reply = replies[n];
  const counter = t("reply_of", { n: n + 1, total: replies.length });
  if (state.phase === "voting") {
    setText("showcase-counter", counter);
    setText("showcase-complaint", reply.complaint);
    setText("showcase-reply", reply.text);
  } else {
    drawResult(reply, n, replies.length);
  }
}

function votesLabel(n) {
  return t("votes", { n });
}

function drawResult(reply, n, total) {
  const badge = $("result-badge");
  const shared = (state.replies ?? []).filter((r) => r.best).length > 1;
  badge.hidden = !reply?.best;
  badge.textContent = shared ? t("shared_best") : t("best");
  setText("result-counter", reply ? t("reply_of", { n: n + 1, total }) : t("no_replies"));
  setText("result-complaint", reply?.complaint ?? "");
  setText("result-reply", reply?.text ?? "");
  setText("result-author", reply ? `${t("by", { name: reply.author })} · ${votesLabel(reply.votes)} · ${t("points", { n: reply.points })}` : "");
  setText("result-note", reply?.coach_note ?? "");
  $("result-card").querySelector(".coach").hidden = !reply?.coach_note;
}

function drawResults() {
  if (state.phase === "results") startCarousel();
  $("leaderboard").replaceChildren(
    ...(state.leaderboard ?? []).slice(0, 10).map((row) =>
      el("li", {}, el("span", { class: "rank", text: `${row.rank}.` }), el("span", { class: "who", text: row.name }), el("span", { class: "score", text: String(row.score) }))),
  );
  $("podium").replaceChildren(
    ...(state.podium ?? []).map((row, i) =>
      el("li", { class: `place place-${i + 1}` },
        el("span", { class: "medal", text: String(row.rank) }),
        el("span", { class: "who", text: row.name }),
        el("span", { class: "score", text: t("points", { n: row.score }) }))),
  );
}

function notice(message, undo = null) {
  setText("notice", message);
  const button = $("btn-undo");
  button.hidden = !undo;
  button.onclick = undo;
  setTimeout(() => {
    if ($("notice").textContent !== message) return;
    setText("notice", "");
    button.hidden = true;
  }, undo ? 10000 : 6000);
}

function currentReply() {
  const replies = state.replies ?? [];
  if (!replies.length) return null;
  return replies[((carousel.index % replies.length) + replies.length) % replies.length];
}

async function hideReply() {
  const reply = currentReply();
  if (!reply) return;
  const answer = await request(socket, "hide_reply", { reply_id: reply.id, hidden: true });
  if (!answer.ok) return notice(answer.error);
  notice(t("hidden"), async () => {
    const undone = await request(socket, "hide_reply", { reply_id: reply.id, hidden: false });
    notice(undone.ok ? t("shown_again") : undone.error);
  });
}

async function toggleLock() {
  const answer = await request(socket, "lock", { locked: !state.locked });
  if (!answer.ok) return notice(answer.error);
  state.locked = answer.locked;
  drawControls();
}

async function command(event, payload) {
  const answer = await request(socket, event, payload);
  if (!answer.ok) notice(answer.error);
}

$("btn-next").addEventListener("click", () => command("next"));
$("btn-extend").addEventListener("click", () => command("extend", { seconds: 60 }));
$("btn-pause").addEventListener("click", () => command(state.paused_remaining != null ? "resume" : "pause"));
$("btn-end").addEventListener("click", () => command("end_phase"));
$("btn-hide").addEventListener("click", hideReply);
$("btn-lock").addEventListener("click", toggleLock);
$("btn-prev").addEventListener("click", () => { step(-1); restartTimer(); });
$("btn-fwd").addEventListener("click", () => { step(1); restartTimer(); });
