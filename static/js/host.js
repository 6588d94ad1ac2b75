// The projector: draws each phase from snapshots and runs the trainer's buttons.
import { $, Countdown, connect, el, formatClock, isNewest, request, setText, showOnly, t } from "./common.js";
import { debriefPages, drawDebriefPage, growDebrief } from "./projector/debrief.js";
import { grow, onResize } from "./projector/fit.js";
import { drawNames } from "./projector/names.js";
import { buildPages, drawBoard, drawPage, drawResult } from "./projector/slides.js";
import { chime, chimeFor } from "./sound.js";

const app = $("app");
const CAROUSEL_MS = 10000;
const MUTE_KEY = "too-sandy:muted";
let state = null;
// The pages of this phase's slides: each slide split into as many pages as
// its text needs at the projector's floor size (fit.js).
let carousel = { timer: null, index: 0, pages: [] };
let debriefPage = 0;
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
  const drill = snapshot.pace === "drill";
  // A running drill has no room to project: its page shows where it stands.
  if (drill && ["lobby", "writing", "voting"].includes(snapshot.phase)) {
    location.assign(`/host/${encodeURIComponent(snapshot.code)}/drill`);
    return;
  }
  // A drill that moves on while its projector is open says so in words.
  if (drill && previous && previous.phase !== snapshot.phase) notice(t(`drill_now_${snapshot.phase}`));
  clock.sync(snapshot);
  showOnly("phase", debriefOpen ? "debrief" : snapshot.phase);
  // A drill's rounds are its cards, all played together and shown one by one.
  setText("round-label", !snapshot.round ? ""
    : t(drill ? "card_of" : "round_of", { n: snapshot.round, total: snapshot.rounds_total }));
  const shownMode = snapshot.phase === "lobby" ? snapshot.next_mode : snapshot.mode;
  setText("mode-label", [t(`mode_${shownMode}`), snapshot.voting === "awards" ? t("service_awards") : ""]
    .filter(Boolean).join(" · "));
  // The controls and the lobby's hint first: the names page through the room they leave.
  drawControls();
  if (snapshot.phase === "lobby") drawLobby();
  if (snapshot.phase === "writing") drawProgress(snapshot.progress);
  drawPlayers();
  // A redraw from the trainer's own pin or mode change keeps the slide in view.
  const keepSlide = previous?.phase === snapshot.phase && previous?.round === snapshot.round;
  stopCarousel();
  if (snapshot.phase === "voting") { drawProgress(snapshot.progress); startCarousel(keepSlide); }
  if (snapshot.phase === "results" || snapshot.phase === "finished") drawResults(keepSlide);
  if (debriefOpen) drawDebrief();
  // Which screen size this layout was made for (the browser tests wait for it).
  app.dataset.layout = `${window.innerWidth}x${window.innerHeight}`;
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
  drawNames("lobby", state.players.map((p) => el("li", { class: `chip${p.away ? " away" : ""}` },
    el("span", { text: p.name }), p.away ? el("small", { text: ` · ${t("away")}` }) : null, removeButton(p))));
  const submitted = new Set(state.submitted_ids ?? []);
  drawNames("writing", state.players.map((p) => {
    const late = p.first_round > state.round;
    const classes = `chip${submitted.has(p.id) ? " done" : ""}${late ? " late" : ""}${p.away ? " away" : ""}`;
    const chip = el("li", { class: classes, "data-player": p.id },
      el("span", { text: p.name }),
      late ? el("small", { text: ` · ${t("next_round_from")}` }) : null,
      p.away ? el("small", { text: ` · ${t("away")}` }) : null);
    chip.append(removeButton(p));
    return chip;
  }));
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
  const drill = state.pace === "drill";
  next.textContent = phase === "lobby" ? t("start") : round >= total ? t("podium") : t(drill ? "next_card" : "next_round");
  $("btn-extend").hidden = !timed;
  $("btn-pause").hidden = !timed;
  $("btn-pause").textContent = state.paused_remaining != null ? t("resume") : t("pause");
  $("btn-end").hidden = !timed;
  $("btn-end").textContent = phase === "writing" ? t("end_writing") : t("end_voting");
  const replies = state.replies ?? [];
  drawPager();
  // A duel on the projector shows two replies at once: hide one at the results.
  const duelSlide = phase === "voting" && state.mode === "duels";
  $("btn-hide").hidden = !((phase === "voting" || phase === "results") && replies.length) || duelSlide;
  $("btn-lock").hidden = phase === "finished" || debriefOpen;
  drawStar();
  $("btn-debrief").hidden = !(phase === "results" || phase === "finished") || !state.debrief;
  $("btn-debrief").textContent = debriefOpen ? t("back_to_results") : t("debrief");
  if (debriefOpen) $("btn-hide").hidden = true;
  // The debrief keeps the controls to one line: its replies need the room.
  const between = !drill && (phase === "lobby" || (phase === "results" && round < total && !debriefOpen));
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

// Next/Previous page through the carousel's pages, or the debrief's.
function drawPager() {
  const { phase } = state;
  const browsing = debriefOpen ? debriefPages(state, debriefActions).length > 1
    : (phase === "voting" || phase === "results") && carousel.pages.length > 1;
  $("btn-prev").hidden = !browsing;
  $("btn-fwd").hidden = !browsing;
}

// Pages move on by themselves, big enough for the back row, and the trainer
// can step back and forth to talk one through.
function startCarousel(keep = false) {
  whileControlsSettle(() => {
    carousel.pages = buildPages(state);
    if (!keep) carousel.index = 0;
    drawSlide();
    drawPager();
  });
  restartTimer();
}

// Pages are measured in the room the controls leave; showing Next/Previous
// may wrap the controls onto another line, so measure again if it did.
function whileControlsSettle(layout) {
  const controls = document.querySelector(".controls");
  for (let tries = 0; tries < 3; tries += 1) {
    const before = controls.offsetHeight;
    layout();
    if (controls.offsetHeight === before) return;
  }
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
  if (debriefOpen) {
    const total = debriefPages(state, debriefActions).length;
    debriefPage = total ? (((debriefPage + delta) % total) + total) % total : 0;
    return drawDebrief();
  }
  carousel.index += delta;
  drawSlide();
}

function drawSlide() {
  drawSlideOnly();
  drawStar();
}

function currentPage() {
  const { pages } = carousel;
  return pages.length ? pages[((carousel.index % pages.length) + pages.length) % pages.length] : null;
}

function drawSlideOnly() {
  $("winners-card").hidden = true;
  $("result-card").hidden = false;
  const page = currentPage();
  if (!page) {
    if (state.phase !== "voting") { drawResult(state, null, 0, 0, ["card", "reply"]); drawBoard(state); }
    return;
  }
  drawPage(state, page);
}

function drawResults(keep = false) {
  const criteria = state.criteria ?? [];
  const perPlayer = state.round_awards ?? [];
  // Who got each award this round, ties and all.
  $("round-awards").replaceChildren(...criteria.map((c, i) => {
    const got = perPlayer.filter((row) => row.awards[i]).sort((a, b) => b.awards[i] - a.awards[i]);
    return el("li", {}, el("strong", { text: c.name }), el("span", {
      class: "names", text: got.length ? got.map((row) => (row.awards[i] > 1 ? `${row.name} ×${row.awards[i]}` : row.name)).join(", ") : "·",
    }));
  }));
  const best = state.criterion_best ?? [];
  $("criterion-best").hidden = !best.length;
  $("criterion-best").replaceChildren(...best.map((row) =>
    el("li", {}, el("strong", { text: row.name }),
      el("span", { text: row.players.length ? row.players.join(", ") : t("nobody") }))));
  $("podium").replaceChildren(
    ...(state.podium ?? []).map((row, i) =>
      el("li", { class: `place place-${i + 1}` },
        el("span", { class: "medal", text: String(row.rank) }),
        el("span", { class: "who", text: row.name }),
        el("span", { class: "score", text: t("points", { n: row.score }) }))),
  );
  if (state.phase === "finished") grow($("podium-box"), 2.5);
  if (state.phase === "results") startCarousel(keep); // each page draws the board beside it
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
  return currentPage()?.slide.reply ?? null;
}

// --- the debrief -------------------------------------------------------------

function toggleDebrief() {
  debriefOpen = !debriefOpen;
  showOnly("phase", debriefOpen ? "debrief" : state.phase);
  drawControls();
  if (debriefOpen) { stopCarousel(); debriefPage = 0; drawDebrief(); $("takeaway").value = state.debrief.takeaway ?? ""; }
  else if (state.phase === "results") startCarousel(true);
}

function drawDebrief() {
  whileControlsSettle(() => {
    // Measured again: the snapshot (a pin, a star) may have changed what a page holds.
    const pages = debriefPages(state, debriefActions, true);
    debriefPage = Math.min(debriefPage, pages.length - 1);
    drawDebriefPage(state, pages[debriefPage] ?? [], debriefActions);
    growDebrief();
    drawPager();
  });
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
  // At the results the star keeps its place, so the controls never reflow
  // between a reply's page and an award's.
  button.hidden = !(state.phase === "results" && !debriefOpen && (state.replies ?? []).length);
  button.style.visibility = reply ? "" : "hidden";
  if (!reply) return;
  button.textContent = reply.starred ? t("starred") : t("star");
  button.setAttribute("aria-pressed", String(Boolean(reply.starred)));
  button.onclick = () => star(reply.id, !reply.starred);
}

async function pin(replyId, pinned) {
  const answer = await request(socket, "pin", { reply_id: replyId, pinned });
  if (!answer.ok) notice(answer.error);
}

const debriefActions = { pin, starButton };

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
$("btn-prev").addEventListener("click", () => { step(-1); if (!debriefOpen) restartTimer(); });
$("btn-fwd").addEventListener("click", () => { step(1); if (!debriefOpen) restartTimer(); });
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
// A window moved to another screen lays its text out again, and so does a
// screen whose room changed under it (a notice wrapping the controls onto
// another line, the storage alert, the takeaway's status line).
onResize(() => { if (state) render({ ...state }); });
const roomOf = new Map();
const watchRoom = new ResizeObserver((entries) => {
  const changed = entries.filter(({ target, contentRect }) => {
    const before = roomOf.get(target);
    if (target.offsetParent === null || !contentRect.height) { roomOf.delete(target); return false; }
    roomOf.set(target, contentRect.height);
    return before !== undefined && Math.abs(before - contentRect.height) > 1;
  }).length > 0;
  if (changed && state) render({ ...state });
});
document.querySelectorAll(".projector .fit, .projector .chips").forEach((box) => watchRoom.observe(box));
