// The projector: draws each phase from snapshots and runs the trainer's buttons.
import { $, Countdown, connect, el, formatClock, isNewest, request, setText, showOnly, t } from "./common.js";
import { chime, chimeFor } from "./sound.js";

const app = $("app");
const CAROUSEL_MS = 10000;
const MUTE_KEY = "too-sandy:muted";
let state = null;
let carousel = { timer: null, index: 0 };
// The debrief is the trainer's own screen on top of a round's results.
let debriefOpen = false;
let lastRemaining = null;

const clock = new Countdown((ms, paused) => {
  const text = paused ? `${t("paused")} · ${formatClock(ms)}` : formatClock(ms);
  for (const id of ["writing-clock", "voting-clock"]) {
    $(id).textContent = text;
    $(id).classList.toggle("urgent", !paused && ms != null && ms <= 30000);
  }
  ring(ms, paused);
});

// A short sound at one minute left and at time's up while people write,
// made by the browser (nothing to download); the trainer can mute it.
function ring(ms, paused) {
  const before = lastRemaining;
  lastRemaining = paused ? null : ms;
  if (state?.phase !== "writing" || paused || muted()) return;
  const tune = chimeFor(before, ms);
  if (tune) chime(tune);
}

function muted() {
  return localStorage.getItem(MUTE_KEY) === "1";
}

function drawSound() {
  const on = !muted();
  $("btn-sound").textContent = on ? t("sound_on") : t("sound_off");
  $("btn-sound").setAttribute("aria-pressed", String(on));
}

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
    // Announcements may have been lost (the server's Redis restarted).
    resync: () => syncNow(),
    // The database refused a write (full disk, read-only file), or writes again.
    storage: ({ full }) => {
      const alert = $("storage-alert");
      if (!full && alert.hidden) return;
      alert.hidden = !full;
      setText("storage-alert", full ? t("storage_full") : "");
      if (!full) notice(t("storage_back"));
    },
  },
  (status) => {
    $("conn").textContent = t(status === "connected" ? "connected" : "reconnecting");
    $("conn").classList.toggle("bad", status !== "connected");
  },
);
async function syncNow() {
  if (!socket.connected) return;
  const answer = await request(socket, "sync");
  if (answer.ok) render(answer.snapshot);
}

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") syncNow();
});

function render(snapshot) {
  if (!isNewest(snapshot)) return; // an older phase change that arrived late
  const previous = state;
  state = snapshot;
  if (previous?.phase !== snapshot.phase || previous?.round !== snapshot.round) {
    debriefOpen = false;
    lastRemaining = null;
  }
  clock.sync(snapshot);
  showOnly("phase", debriefOpen ? "debrief" : snapshot.phase);
  setText("round-label", snapshot.round ? t("round_of", { n: snapshot.round, total: snapshot.rounds_total }) : "");
  const shownMode = snapshot.phase === "lobby" ? snapshot.next_mode : snapshot.mode;
  setText("mode-label", [t(`mode_${shownMode}`), snapshot.voting === "awards" ? t("service_awards") : ""]
    .filter(Boolean).join(" · "));
  drawPlayers();
  drawControls();
  if (snapshot.phase === "lobby") drawLobby();
  // A redraw from the trainer's own pin or mode change keeps the slide in view.
  const keepSlide = previous?.phase === snapshot.phase && previous?.round === snapshot.round;
  stopCarousel();
  if (snapshot.phase === "writing") drawProgress(snapshot.progress);
  if (snapshot.phase === "voting") { drawProgress(snapshot.progress); startCarousel(keepSlide); }
  if (snapshot.phase === "results" || snapshot.phase === "finished") drawResults(keepSlide);
  if (debriefOpen) drawDebrief();
}

function drawLobby() {
  const hint = $("lobby-hint");
  const minutes = Number(hint.dataset.minutes);
  hint.textContent = t(`hint_${state.next_mode}`, { n: minutes });
  drawCriteriaList($("lobby-criteria"));
}

function drawCriteriaList(list) {
  const criteria = state.criteria ?? [];
  list.hidden = !criteria.length;
  list.replaceChildren(...criteria.map((c) =>
    el("li", {}, el("strong", { text: c.name }), el("span", { text: ` · ${c.definition}` }))));
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
    if (progress.player_ids?.length) {
      state.submitted_ids = [...new Set([...(state.submitted_ids ?? []), ...progress.player_ids])];
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
  const browsing = (phase === "voting" || phase === "results") && slides().length > 1;
  $("btn-prev").hidden = !browsing;
  $("btn-fwd").hidden = !browsing;
  // A duel on the projector shows two replies at once: hide one at the results.
  const duelSlide = phase === "voting" && state.mode === "duels";
  $("btn-hide").hidden = !((phase === "voting" || phase === "results") && replies.length) || duelSlide;
  $("btn-lock").hidden = phase === "finished";
  drawStar();
  $("btn-debrief").hidden = !(phase === "results" || phase === "finished") || !state.debrief;
  $("btn-debrief").textContent = debriefOpen ? t("back_to_results") : t("debrief");
  if (debriefOpen) {
    for (const id of ["btn-prev", "btn-fwd", "btn-hide"]) $(id).hidden = true;
  }
  const between = phase === "lobby" || (phase === "results" && round < total);
  $("next-mode").hidden = !between;
  if (between) drawModePicker();
  $("btn-lock").textContent = state.locked ? t("unlock") : t("lock");
  $("btn-lock").setAttribute("aria-pressed", String(Boolean(state.locked)));
  $("locked-note").hidden = !state.locked;
}

function drawModePicker() {
  const select = $("mode-select");
  if (document.activeElement !== select) select.value = state.next_mode;
  const cards = $("card-select");
  cards.hidden = state.next_mode !== "same_card";
  const options = [el("option", { value: "", text: t("deal_a_card") }),
    ...(state.pool ?? []).map((card) => el("option", { value: String(card.id), text: card.complaint }))];
  cards.replaceChildren(...options);
  cards.value = state.next_card_id ? String(state.next_card_id) : "";
}

async function chooseMode() {
  const mode = $("mode-select").value;
  const card = mode === "same_card" && $("card-select").value ? Number($("card-select").value) : null;
  const answer = await request(socket, "set_mode", card ? { mode, card_id: card } : { mode });
  if (!answer.ok) { notice(answer.error); drawModePicker(); }
}

// The slides of a phase: one reply at a time, or in duels one duel at a
// time; at an awards round's results the winners of each award come first.
function slides() {
  const replies = state.replies ?? [];
  if (state.mode === "duels" && state.phase === "voting") {
    const duels = [];
    for (const reply of replies) {
      const last = duels[duels.length - 1];
      if (last && last[0].duel === reply.duel) last.push(reply); else duels.push([reply]);
    }
    return duels.map((sides) => ({ duel: sides }));
  }
  const list = replies.map((reply) => ({ reply }));
  if (state.phase !== "voting" && (state.criteria_winners ?? []).length) list.unshift({ winners: true });
  return list;
}

// One reply at a time, big enough for the back row; it moves on by itself
// and the trainer can step back and forth to talk one through.
function startCarousel(keep = false) {
  if (!keep) carousel.index = 0;
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
  drawSlideOnly();
  drawStar();
}

function drawSlideOnly() {
  const all = slides();
  $("winners-card").hidden = true;
  $("result-card").hidden = false;
  if (!all.length) {
    if (state.phase !== "voting") drawResult(null, 0, 0);
    return;
  }
  const n = ((carousel.index % all.length) + all.length) % all.length;
  const slide = all[n];
  if (slide.winners) return drawWinners();
  const replies = all.filter((s) => s.reply);
  const position = replies.indexOf(slide);
  if (state.phase === "voting") {
    $("showcase-duel").hidden = !slide.duel;
    $("showcase-reply").hidden = Boolean(slide.duel);
    if (slide.duel) {
      setText("showcase-counter", t("duel_of", { n: n + 1, total: all.length }));
      setText("showcase-complaint", slide.duel[0].complaint);
      $("showcase-duel").replaceChildren(...slide.duel.map((reply, i) =>
        el("div", { class: "side" }, el("p", { class: "side-label", text: t("side", { letter: "ABC"[i] }) }),
          el("p", { class: "reply", text: reply.text }))));
      return;
    }
    setText("showcase-counter", t("reply_of", { n: position + 1, total: replies.length }));
    setText("showcase-complaint", slide.reply.complaint);
    setText("showcase-reply", slide.reply.text);
  } else {
    drawResult(slide.reply, position, replies.length);
  }
}

// Each award's winning reply, its definition beside it, the author revealed.
function drawWinners() {
  $("result-card").hidden = true;
  $("winners-card").hidden = false;
  setText("winners-counter", t("award_winners"));
  $("winners-grid").replaceChildren(...state.criteria_winners.map((award) =>
    el("section", { class: `winner${award.replies.length > 1 ? " tied" : ""}` },
      el("h3", { text: award.name }),
      el("p", { class: "definition", text: award.definition }),
      el("div", { class: "winner-list" }, ...(award.replies.length ? award.replies.map((reply) =>
        el("div", { class: "winner-reply" },
          el("p", { class: "reply", text: reply.text }),
          el("p", { class: "author", text: t("by", { name: reply.author }) })))
        : [el("p", { class: "muted", text: t("no_award") })])))));
}

function votesLabel(n) {
  return t("votes", { n });
}

function duelOf(reply) {
  return (state.duels ?? []).find((d) => d.replies.includes(reply.id));
}

function drawResult(reply, n, total) {
  const badge = $("result-badge");
  const shared = (state.replies ?? []).filter((r) => r.best).length > 1;
  badge.hidden = !reply?.best;
  badge.textContent = shared ? t("shared_best") : t("best");
  if (reply && state.mode === "duels") {
    const duel = duelOf(reply);
    badge.textContent = duel?.walkover ? t("walkover") : duel?.winners.length > 1 ? t("duel_drawn") : t("duel_won");
  }
  const criteria = state.criteria ?? [];
  const awards = reply ? criteria.map((c, i) => [c.name, reply.awards?.[i] ?? 0]).filter(([, k]) => k) : [];
  $("result-awards").hidden = !awards.length;
  $("result-awards").replaceChildren(...awards.map(([name, k]) =>
    el("li", { class: "award-chip", text: k > 1 ? `${name} ×${k}` : name })));
  setText("result-counter", reply ? t("reply_of", { n: n + 1, total }) : t("no_replies"));
  setText("result-complaint", reply?.complaint ?? "");
  setText("result-reply", reply?.text ?? "");
  setText("result-author", reply ? `${t("by", { name: reply.author })} · ${votesLabel(reply.votes)} · ${t("points", { n: reply.points })}` : "");
  setText("result-note", reply?.coach_note ?? "");
  $("result-card").querySelector(".coach").hidden = !reply?.coach_note;
}

function drawResults(keep = false) {
  if (state.phase === "results") startCarousel(keep);
  const criteria = state.criteria ?? [];
  const perPlayer = state.round_awards ?? [];
  $("round-awards-box").hidden = !criteria.length || state.phase !== "results";
  $("round-awards").replaceChildren(
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "" }),
      ...criteria.map((c) => el("th", { scope: "col", text: c.name })))),
    el("tbody", {}, ...(perPlayer.length ? perPlayer.slice(0, 6).map((row) =>
      el("tr", {}, el("th", { scope: "row", text: row.name }),
        ...row.awards.map((k) => el("td", { text: k ? String(k) : "·" }))))
      : [el("tr", {}, el("td", { colspan: String(criteria.length + 1), text: t("no_awards_yet") }))])),
  );
  const best = state.criterion_best ?? [];
  $("criterion-best").hidden = !best.length;
  $("criterion-best").replaceChildren(...best.map((row) =>
    el("li", {}, el("strong", { text: row.name }),
      el("span", { text: row.players.length ? row.players.join(", ") : t("nobody") }))));
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
  const all = slides();
  if (!all.length) return null;
  const slide = all[((carousel.index % all.length) + all.length) % all.length];
  return slide.reply ?? null;
}

// --- the debrief -------------------------------------------------------------

function toggleDebrief() {
  debriefOpen = !debriefOpen;
  showOnly("phase", debriefOpen ? "debrief" : state.phase);
  drawControls();
  if (debriefOpen) { stopCarousel(); drawDebrief(); $("takeaway").value = state.debrief.takeaway ?? ""; }
  else if (state.phase === "results") startCarousel(true);
}

function drawDebrief() {
  const { debrief } = state;
  const pinned = new Set(debrief.pinned);
  $("debrief-cards").replaceChildren(...debrief.cards.map((card) =>
    el("article", { class: "showcase debrief-card" },
      el("blockquote", { class: "complaint", text: card.complaint }),
      card.coach_note ? el("div", { class: "coach" },
        el("p", { class: "coach-label", text: t("coach_note") }), el("p", { text: card.coach_note })) : null,
      earlierAnswers(card, pinned))));
  const criteria = state.criteria_winners ?? [];
  const highlights = debrief.highlights;
  $("debrief-highlights").replaceChildren(...(highlights.length ? highlights.map((reply) => {
    const won = criteria.filter((c) => c.replies.some((r) => r.id === reply.id)).map((c) => c.name);
    const isPinned = pinned.has(reply.id);
    return el("article", { class: "highlight" },
      el("p", { class: "won" }, ...(won.length ? won : [t("best")]).map((name) => el("span", { text: name }))),
      el("p", { class: "reply", text: reply.text }),
      el("p", { class: "author", text: t("by", { name: reply.author }) }),
      el("div", { class: "highlight-actions" },
        el("button", {
          type: "button", class: `button small${isPinned ? " primary" : ""}`, "aria-pressed": String(isPinned),
          text: isPinned ? t("pinned") : t("pin"),
          onclick: () => pin(reply.id, !isPinned),
        }),
        starButton(reply, "button small")));
  }) : [el("p", { class: "muted", text: t("nothing_to_debrief") })]));
}

function earlierAnswers(card, pinnedHere) {
  const earlier = card.model_answers.filter((a) => !pinnedHere.has(a.reply_id));
  if (!earlier.length) return null;
  return el("div", { class: "model-answers" },
    el("p", { class: "coach-label", text: t("model_answers") }),
    ...earlier.map((a) => el("p", { class: "model-answer", text: a.author ? `${a.text} — ${a.author}` : a.text })));
}

// A star puts the reply in the best-replies library (the desk's Library page).
function starButton(reply, classes) {
  return el("button", {
    type: "button", class: `${classes}${reply.starred ? " primary" : ""}`, "aria-pressed": String(Boolean(reply.starred)),
    text: reply.starred ? t("starred") : t("star"),
    onclick: () => star(reply.id, !reply.starred),
  });
}

async function star(replyId, starred) {
  const answer = await request(socket, "star", { reply_id: replyId, starred });
  if (!answer.ok) notice(answer.error);
}

function drawStar() {
  const button = $("btn-star");
  const reply = state.phase === "results" && !debriefOpen ? currentReply() : null;
  button.hidden = !reply;
  if (!reply) return;
  button.textContent = reply.starred ? t("starred") : t("star");
  button.setAttribute("aria-pressed", String(Boolean(reply.starred)));
  button.onclick = () => star(reply.id, !reply.starred);
}

async function pin(replyId, pinned) {
  const answer = await request(socket, "pin", { reply_id: replyId, pinned });
  if (!answer.ok) notice(answer.error);
}

async function keepTakeaway(event) {
  event.preventDefault();
  const text = $("takeaway").value;
  setText("takeaway-state", t("saving"));
  const answer = await request(socket, "takeaway", { text });
  if (!answer.ok) return setText("takeaway-state", answer.error);
  state.debrief.takeaway = answer.takeaway;
  setText("takeaway-state", answer.takeaway ? t("takeaway_kept") : t("takeaway_cleared"));
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
$("btn-debrief").addEventListener("click", toggleDebrief);
$("mode-select").addEventListener("change", chooseMode);
$("card-select").addEventListener("change", chooseMode);
$("takeaway-form").addEventListener("submit", keepTakeaway);
$("btn-sound").addEventListener("click", () => {
  localStorage.setItem(MUTE_KEY, muted() ? "0" : "1");
  drawSound();
  if (!muted()) chime("minute"); // let the trainer hear what it sounds like
});
drawSound();
