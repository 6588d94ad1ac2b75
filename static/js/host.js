// The projector: draws each phase from snapshots and runs the trainer's buttons.
import { $, Countdown, connect, el, formatClock, request, setText, showOnly, t } from "./common.js";

const app = $("app");
const CAROUSEL_MS = 9000;
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
  { code: app.dataset.code, host_token: app.dataset.hostToken },
  {
    snapshot: render,
    timer: (payload) => { Object.assign(state, payload); clock.sync(payload); drawControls(); },
    progress: drawProgress,
    player_joined: (player) => { state.players.push(player); drawPlayers(); },
    player_left: ({ id }) => { state.players = state.players.filter((p) => p.id !== id); drawPlayers(); },
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
  setText("player-count", count === 1 ? t("one_player") : t("players", { n: count }));
  $("lobby-players").replaceChildren(...state.players.map((p) => el("li", { class: "chip", text: p.name })));
  const submitted = new Set(state.submitted_ids ?? []);
  $("writing-players").replaceChildren(
    ...state.players.map((p) => {
      const late = p.first_round > state.round;
      const chip = el("li", { class: `chip${submitted.has(p.id) ? " done" : ""}${late ? " late" : ""}`, "data-player": p.id },
        el("span", { text: p.name }),
        late ? el("small", { text: ` · ${t("next_round_from")}` }) : null);
      chip.append(removeButton(p));
      return chip;
    }),
  );
}

function removeButton(player) {
  const button = el("button", { type: "button", class: "chip-remove", text: t("remove"), "aria-label": t("confirm_remove", { name: player.name }) });
  let armed = false;
  button.addEventListener("click", async () => {
    if (!armed) {
      armed = true;
      button.textContent = t("confirm_remove", { name: player.name });
      setTimeout(() => { armed = false; button.textContent = t("remove"); }, 4000);
      return;
    }
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
}

function startCarousel() {
  carousel.index = 0;
  showReply();
  carousel.timer = setInterval(() => { carousel.index += 1; showReply(); }, CAROUSEL_MS);
}

function stopCarousel() {
  clearInterval(carousel.timer);
  carousel.timer = null;
}

function showReply() {
  const replies = state.replies ?? [];
  if (!replies.length) return;
  const reply = replies[carousel.index % replies.length];
  setText("showcase-counter", t("reply_of", { n: (carousel.index % replies.length) + 1, total: replies.length }));
  setText("showcase-complaint", reply.complaint);
  setText("showcase-reply", reply.text);
}

function votesLabel(n) {
  return n === 1 ? t("one_vote") : t("votes", { n });
}

function drawResults() {
  const replies = state.replies ?? [];
  const best = replies.filter((r) => r.best);
  const box = $("best");
  box.replaceChildren();
  if (!replies.length) box.append(el("p", { class: "empty", text: t("no_replies") }));
  else if (!best.length) box.append(el("p", { class: "empty", text: t("no_votes") }));
  for (const reply of best.slice(0, 2)) {
    box.append(
      el("p", { class: "badge", text: best.length > 1 ? t("shared_best") : t("best") }),
      el("blockquote", { class: "complaint", text: reply.complaint }),
      el("p", { class: "reply", text: reply.text }),
      el("p", { class: "author", text: `${t("by", { name: reply.author })} · ${votesLabel(reply.votes)} · ${t("points", { n: reply.points })}` }),
      el("p", { class: "coach", text: reply.coach_note }),
    );
  }
  $("other-replies").replaceChildren(
    ...replies.filter((r) => !r.best).slice(0, 6).map((r) =>
      el("li", {},
        el("span", { class: "who", text: r.author }),
        el("span", { class: "what", text: r.text }),
        el("span", { class: "score", text: votesLabel(r.votes) }))),
  );
  $("leaderboard").replaceChildren(
    ...(state.leaderboard ?? []).slice(0, 10).map((row) =>
      el("li", {}, el("span", { class: "rank", text: `${row.rank}.` }), el("span", { class: "who", text: row.name }), el("span", { class: "score", text: String(row.score) }))),
  );
  $("podium").replaceChildren(
    ...(state.podium ?? []).map((row) =>
      el("li", { class: `place place-${row.rank}` },
        el("span", { class: "medal", text: String(row.rank) }),
        el("span", { class: "who", text: row.name }),
        el("span", { class: "score", text: t("points", { n: row.score }) }))),
  );
}

function notice(message) {
  setText("notice", message);
  setTimeout(() => { if ($("notice").textContent === message) setText("notice", ""); }, 6000);
}

async function command(event, payload) {
  const answer = await request(socket, event, payload);
  if (!answer.ok) notice(answer.error);
}

$("btn-next").addEventListener("click", () => command("next"));
$("btn-extend").addEventListener("click", () => command("extend", { seconds: 60 }));
$("btn-pause").addEventListener("click", () => command(state.paused_remaining != null ? "resume" : "pause"));
$("btn-end").addEventListener("click", () => command("end_phase"));
