// The projector: draws each phase from snapshots and runs the trainer's buttons.
import { $, Countdown, connect, el, formatClock, isNewest, request, setText, showOnly, t } from "./common.js";
import { grow, onResize, pack } from "./fit.js";
import { chime, chimeFor } from "./sound.js";

const app = $("app");
const CAROUSEL_MS = 10000;
const MUTE_KEY = "too-sandy:muted";
let state = null;
// The pages of this phase's slides: each slide split into as many pages as
// its text needs at the projector's floor size (fit.js).
let carousel = { timer: null, index: 0, pages: [] };
let debriefPage = 0;
const NAMES_MS = 6000;
const names = { lobby: { pages: [], index: 0 }, writing: { pages: [], index: 0 } };
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

function pageLabel(n, total) {
  return app.dataset.pageLabel.replace("%(n)s", String(n)).replace("%(total)s", String(total));
}

// Every name at a size the back row reads: as many as fit, the rest on
// further pages that turn by themselves (or with the page button).
function drawNames(where, chips) {
  const list = $(`${where}-players`);
  const turn = $(`${where}-page`);
  const book = names[where];
  turn.hidden = true;
  let pages = [chips];
  if (list.offsetParent !== null && chips.length > 1) {
    list.replaceChildren(...chips);
    if (list.scrollHeight > list.clientHeight + 1) {
      turn.hidden = false; // measured with the page button (and a label as long as it gets) in place
      turn.textContent = pageLabel(chips.length, chips.length);
      pages = pack(chips, (some) => list.replaceChildren(...some), list);
    }
  }
  book.pages = pages;
  book.index = Math.min(book.index, pages.length - 1);
  showNames(where);
}

function showNames(where) {
  const book = names[where];
  const turn = $(`${where}-page`);
  $(`${where}-players`).replaceChildren(...(book.pages[book.index] ?? []));
  turn.hidden = book.pages.length < 2;
  turn.textContent = pageLabel(book.index + 1, book.pages.length);
}

function turnNames(where) {
  const book = names[where];
  if (book.pages.length < 2) return;
  book.index = (book.index + 1) % book.pages.length;
  showNames(where);
}

let namesTimer = setInterval(() => ["lobby", "writing"].forEach(turnNames), NAMES_MS);
for (const where of ["lobby", "writing"]) {
  $(`${where}-page`).addEventListener("click", () => {
    turnNames(where);
    clearInterval(namesTimer);
    namesTimer = setInterval(() => ["lobby", "writing"].forEach(turnNames), NAMES_MS);
  });
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
  const between = phase === "lobby" || (phase === "results" && round < total && !debriefOpen);
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
  const browsing = debriefOpen ? debriefPages().length > 1
    : (phase === "voting" || phase === "results") && carousel.pages.length > 1;
  $("btn-prev").hidden = !browsing;
  $("btn-fwd").hidden = !browsing;
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
    return duels.map((sides, i) => ({ duel: sides, n: i, total: duels.length }));
  }
  const list = replies.map((reply, i) => ({ reply, n: i, total: replies.length }));
  if (state.phase !== "voting" && (state.criteria_winners ?? []).length) list.unshift({ winners: true });
  return list;
}

// What a slide can be split into when it doesn't fit: a duel's sides, each
// award's replies, a reply and then its card's coach note.
function unitsOf(slide) {
  if (slide.duel) return slide.duel;
  if (slide.winners) {
    return state.criteria_winners.flatMap((award) =>
      award.replies.length ? award.replies.map((reply) => ({ award, reply })) : [{ award, reply: null }]);
  }
  if (state.phase === "voting") return ["reply"];
  return slide.reply.coach_note ? ["card", "reply", "note"] : ["card", "reply"];
}

// A reply at the results is split in a fixed order of preference: all on one
// page; the coach note on a page of its own with the card; the reply alone.
function resultSplits(units) {
  if (!units.includes("note")) return [[units], [["reply"], ["card"]]];
  return [[units], [["card", "reply"], ["card", "note"]], [["reply"], ["card", "note"]], [["reply"], ["card"], ["note"]]];
}

function firstThatFits(splits, draw, box) {
  for (const split of splits) {
    if (split.every((units) => { draw(units); return grow(box, 1); })) return split;
  }
  return splits[splits.length - 1];
}

function boxOf(slide) {
  if (state.phase === "voting") return $("showcase");
  return slide.winners ? $("winners-card") : $("result-card");
}

function buildPages() {
  const pages = [];
  for (const slide of slides()) {
    const units = unitsOf(slide);
    const draw = (some) => drawPage({ slide, units: some }, false);
    let groups = [units];
    if (slide.reply && state.phase !== "voting") groups = firstThatFits(resultSplits(units), draw, boxOf(slide));
    else if (units.length > 1) groups = pack(units, draw, boxOf(slide));
    groups.forEach((group, part) => pages.push({ slide, units: group, part, parts: groups.length }));
  }
  return pages;
}

// Pages move on by themselves, big enough for the back row, and the trainer
// can step back and forth to talk one through.
function startCarousel(keep = false) {
  whileControlsSettle(() => {
    carousel.pages = buildPages();
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
    const total = debriefPages().length;
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
    if (state.phase !== "voting") { drawResult(null, 0, 0, ["card", "reply"]); drawBoard(); }
    return;
  }
  drawPage(page);
}

function drawPage(page, sized = true) {
  const { slide, units } = page;
  const box = boxOf(slide);
  if (state.phase === "voting") drawShowcase(slide, units);
  else {
    if (slide.winners) drawWinners(units, page); else drawResult(slide.reply, slide.n, slide.total, units);
    // The board beside the results steps aside when the page needs the width;
    // awards sit side by side when their replies are short enough.
    const results = document.querySelector(".results");
    const grid = $("winners-grid");
    const layouts = [[false, true], [false, false], [true, true], [true, false]];
    for (const [wide, columns] of slide.winners ? layouts : [[false, false], [true, false]]) {
      results.classList.toggle("wide", wide);
      grid.classList.toggle("columns", columns);
      if (grow(box, 1)) break;
    }
    if (sized && !results.classList.contains("wide")) drawBoard();
  }
  if (sized) grow(box, 2.2);
}

function drawShowcase(slide, units) {
  $("showcase-duel").hidden = !slide.duel;
  $("showcase-reply").hidden = Boolean(slide.duel);
  if (slide.duel) {
    setText("showcase-counter", t("duel_of", { n: slide.n + 1, total: slide.total }));
    setText("showcase-complaint", slide.duel[0].complaint);
    $("showcase-duel").replaceChildren(...units.map((reply) =>
      el("div", { class: "side" }, el("p", { class: "side-label", text: t("side", { letter: "ABC"[slide.duel.indexOf(reply)] }) }),
        el("p", { class: "reply", text: reply.text }))));
    return;
  }
  setText("showcase-counter", t("reply_of", { n: slide.n + 1, total: slide.total }));
  setText("showcase-complaint", slide.reply.complaint);
  setText("showcase-reply", slide.reply.text);
}

// Each award's winning replies (ties share it), its definition beside it,
// the authors revealed.
function drawWinners(units, page) {
  $("result-card").hidden = true;
  $("winners-card").hidden = false;
  // Ties can take several pages: say which one this is.
  setText("winners-counter", page.parts > 1
    ? `${t("award_winners")} · ${pageLabel(page.part + 1, page.parts)}` : t("award_winners"));
  const awards = [];
  for (const unit of units) {
    const last = awards[awards.length - 1];
    if (last && last.award === unit.award) last.replies.push(unit.reply); else awards.push({ award: unit.award, replies: [unit.reply] });
  }
  $("winners-grid").replaceChildren(...awards.map(({ award, replies }) =>
    el("section", { class: `winner${award.replies.length > 1 ? " tied" : ""}` },
      el("h3", { text: award.name }),
      el("p", { class: "definition", text: award.definition }),
      el("div", { class: "winner-list" }, ...replies.map((reply) => (reply
        ? el("div", { class: "winner-reply" },
          el("p", { class: "reply", text: reply.text }),
          el("p", { class: "author", text: t("by", { name: reply.author }) }))
        : el("p", { class: "muted", text: t("no_award") })))))));
}

function votesLabel(n) {
  return t("votes", { n });
}

function duelOf(reply) {
  return (state.duels ?? []).find((d) => d.replies.includes(reply.id));
}

function drawResult(reply, n, total, units) {
  $("winners-card").hidden = true;
  $("result-card").hidden = false;
  const showCard = units.includes("card");
  const showReply = units.includes("reply");
  const showNote = units.includes("note");
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
  $("result-awards").hidden = !awards.length || !showReply;
  $("result-awards").replaceChildren(...awards.map(([name, k]) =>
    el("li", { class: "award-chip", text: k > 1 ? `${name} ×${k}` : name })));
  setText("result-counter", reply ? t("reply_of", { n: n + 1, total }) : t("no_replies"));
  setText("result-complaint", reply?.complaint ?? "");
  $("result-complaint").hidden = !showCard;
  setText("result-reply", reply?.text ?? "");
  setText("result-author", reply ? `${t("by", { name: reply.author })} · ${votesLabel(reply.votes)} · ${t("points", { n: reply.points })}` : "");
  $("result-reply").hidden = !showReply;
  $("result-author").hidden = !showReply;
  setText("result-note", reply?.coach_note ?? "");
  $("result-coach").hidden = !reply?.coach_note || !showNote;
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

// The board beside the results shows fewer rows rather than smaller ones:
// the leaderboard is cut from the bottom (the top three stay); if that is
// not enough, the round's awards give way (the award slides show them too)
// and the leaderboard gets its rows back.
function drawBoard() {
  const board = document.querySelector(".leaderboard");
  const rows = $("leaderboard");
  const box = $("round-awards-box");
  const awards = (state.criteria ?? []).length && state.phase === "results";
  const drawRows = () => rows.replaceChildren(
    ...(state.leaderboard ?? []).slice(0, 10).map((row) =>
      el("li", {}, el("span", { class: "rank", text: `${row.rank}.` }), el("span", { class: "who", text: row.name }), el("span", { class: "score", text: String(row.score) }))),
  );
  box.hidden = !awards;
  drawRows();
  if (board.offsetParent === null) return;
  for (const withAwards of awards ? [true, false] : [false]) {
    box.hidden = !withAwards;
    drawRows();
    if (grow(board, 1.6)) return;
    while (rows.children.length > 3) {
      rows.lastElementChild.remove();
      if (grow(board, 1.6)) return;
    }
  }
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

// The winning replies, one or two a page, large; earlier model answers of
// the same cards follow. Beside them, the card(s) they answer and the coach's note.
function debriefUnits() {
  const { debrief } = state;
  const pinned = new Set(debrief.pinned);
  const units = debrief.highlights.map((reply) => ({ reply }));
  for (const card of debrief.cards) {
    for (const answer of card.model_answers.filter((a) => !pinned.has(a.reply_id))) units.push({ answer, card });
  }
  return units;
}

let debriefBook = { key: null, pages: [] };

function debriefPages() {
  if (!state?.debrief) return [];
  const key = `${state.version}:${state.round}:${window.innerWidth}x${window.innerHeight}`;
  if (debriefBook.key !== key || !debriefBook.pages.length) {
    const units = debriefUnits();
    const boxes = [$("debrief-cards"), $("debrief-highlights")];
    const shown = $("debrief-highlights").offsetParent !== null;
    const pages = units.length > 1 && shown ? pack(units, drawDebriefPage, boxes, 2) : [units];
    debriefBook = { key, pages: shown ? noteApart(pages) : pages };
  }
  return debriefBook.pages;
}

// A reply too long to sit beside its card and coach note at the floor: the
// note gets a page of its own (once a card) before the reply, beside the card.
function noteApart(pages) {
  const apart = new Set();
  const result = [];
  for (const page of pages) {
    const [unit] = page;
    const card = unit?.reply && state.debrief.cards.find((c) => c.id === unit.reply.card_id);
    if (page.length !== 1 || !card?.coach_note || drawDebriefPage(page)) { result.push(page); continue; }
    if (!apart.has(card.id)) { apart.add(card.id); result.push([{ noteOf: card }]); }
    result.push([{ reply: unit.reply, noNote: true }]);
  }
  return result;
}

function drawDebrief() {
  whileControlsSettle(() => {
    debriefBook.key = null; // the snapshot (a pin, a star) may have changed what a page holds
    const pages = debriefPages();
    debriefPage = Math.min(debriefPage, pages.length - 1);
    drawDebriefPage(pages[debriefPage] ?? []);
    grow([$("debrief-cards"), $("debrief-highlights")], 2);
    drawPager();
  });
}

function drawDebriefPage(units) {
  const { debrief } = state;
  const pinned = new Set(debrief.pinned);
  const cardIds = new Set(units.map((u) => u.reply?.card_id ?? u.card?.id ?? u.noteOf?.id));
  const cards = debrief.cards.filter((card) => cardIds.has(card.id));
  const noteBeside = !units.some((u) => u.noNote || u.noteOf);
  $("debrief-cards").replaceChildren(...(cards.length ? cards : debrief.cards.slice(0, 1)).map((card) =>
    el("article", { class: "showcase debrief-card" },
      el("blockquote", { class: "complaint", text: card.complaint }),
      card.coach_note && noteBeside ? el("div", { class: "coach" },
        el("p", { class: "coach-label", text: t("coach_note") }), el("p", { class: "note", text: card.coach_note })) : null)));
  const criteria = state.criteria_winners ?? [];
  $("debrief-highlights").replaceChildren(...(units.length ? units.map((unit) => {
    if (unit.noteOf) {
      return el("article", { class: "highlight coach" },
        el("p", { class: "coach-label", text: t("coach_note") }), el("p", { class: "note", text: unit.noteOf.coach_note }));
    }
    if (unit.answer) {
      const a = unit.answer;
      return el("article", { class: "highlight" },
        el("p", { class: "won" }, el("span", { text: t("model_answers") })),
        el("p", { class: "reply model-answer", text: a.text }),
        a.author ? el("p", { class: "author", text: t("by", { name: a.author }) }) : null);
    }
    const { reply } = unit;
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
  return shareColumns();
}

// The card and its note on the left, the replies on the right: the columns
// share the width in the first proportion that lets both fit at the floor.
const DEBRIEF_COLUMNS = ["1fr 1.5fr", "1fr 1fr", "1.4fr 1fr", "1fr 2fr"];

function shareColumns() {
  const section = document.querySelector(".debrief");
  const boxes = [$("debrief-cards"), $("debrief-highlights")];
  for (const columns of DEBRIEF_COLUMNS) {
    section.style.gridTemplateColumns = columns.split(" ").map((fr) => `minmax(0, ${fr})`).join(" ");
    if (grow(boxes, 1)) return true;
  }
  section.style.gridTemplateColumns = "";
  return false;
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
