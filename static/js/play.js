// The phone: join, write against the clock, vote, see points. A drill of the
// week is the same game over days: its clock reads in days and hours.
// What the player types is kept in localStorage until the server has it.
import {
  $, Countdown, connect, el, forgetVersions, formatClock, isNewest, request, requestId, requestSurely, setText,
  showOnly, t,
} from "./common.js";

const PLAYER_KEY = "too-sandy:player";
const LANGUAGE_KEY = "too-sandy:language";
const LANGUAGE = document.documentElement.lang || "en";

// The phone remembers its language: if the cookie is gone (cleared, another
// browser profile) but this phone chose one before, ask for it again.
const rememberedLanguage = localStorage.getItem(LANGUAGE_KEY);
if (rememberedLanguage && rememberedLanguage !== LANGUAGE && !/(^|;\s*)lang=/.test(document.cookie)) {
  location.replace(`/language/${encodeURIComponent(rememberedLanguage)}?next=${encodeURIComponent(location.pathname)}`);
} else {
  localStorage.setItem(LANGUAGE_KEY, LANGUAGE);
}
const DRAFT_DEBOUNCE_MS = 600;
const DRAFT_MAX_WAIT_MS = 2000;
// The server could not save (full disk, read-only database): try again this often.
const STORAGE_RETRY_MS = 4000;

const app = $("app");
let identity = JSON.parse(localStorage.getItem(PLAYER_KEY) || "null");
let socket = null;
let state = null;
let draftTimer = null;
let draftFirstChange = 0;
let retryTimer = null;
let submitPending = false; // a reply the server could not save yet; it is sent again by itself

const HOUR_MS = 3600 * 1000;

// A drill's time left: "2 days 5 hours left to write"; its last hour counts down as live.
function drillLeft(ms) {
  if (ms < HOUR_MS) return formatClock(ms);
  const hours = Math.ceil(ms / HOUR_MS);
  const days = Math.floor(hours / 24);
  const time = [days ? t("n_days", { n: days }) : "", hours % 24 ? t("n_hours", { n: hours % 24 }) : ""]
    .filter(Boolean).join(" ");
  return t(state.phase === "voting" ? "drill_vote_left" : "drill_write_left", { time });
}

// A drill's date and time, in the drill's time zone (the poster's) and the phone's language.
function drillWhen(ms) {
  const options = { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" };
  try {
    return new Intl.DateTimeFormat(LANGUAGE, { ...options, timeZone: state.drill.time_zone }).format(new Date(ms));
  } catch {
    return new Intl.DateTimeFormat(LANGUAGE, options).format(new Date(ms));
  }
}

const clock = new Countdown((ms, paused) => {
  const drill = state?.pace === "drill";
  const text = paused ? `${t("paused")} · ${formatClock(ms)}` : drill ? drillLeft(ms) : formatClock(ms);
  setText("phone-clock", text);
  setText("vote-clock", text);
  // At zero, send the last words at once rather than waiting for the debounce.
  if (ms === 0 && !paused && state?.phase === "writing" && draftTimer) flushDraft();
});

// --- a drill's cards ----------------------------------------------------------
// A drill of two or three cards holds them all at once: each its own reply
// box, ballot and results. A row of buttons picks the card shown; the
// snapshot's per-card entry is copied onto ``state`` so the one-card
// drawing below draws it.

let shownRound = null;
let boxRound = null; // whose text the reply box holds

function drillCards() {
  return state?.pace === "drill" && (state.cards?.length ?? 0) > 1 ? state.cards : null;
}

function entryOf(round) {
  return drillCards()?.find((entry) => entry.round === round) ?? null;
}

// The round the phone writes now: the card shown in a drill, else the session's round.
function writingRound() {
  return drillCards() ? shownRound : state.round;
}

const ENTRY_FIELDS = {
  writing: ["draft", "submitted"],
  voting: ["ballot", "duels", "votes_allowed", "my_votes", "my_awards", "card"],
  results: ["round_points", "duel_result", "round_awards", "card", "my_cues"],
};

function applyCard() {
  const cards = drillCards();
  if (!cards) return;
  const phase = state.phase === "finished" ? "results" : state.phase;
  if (!cards.some((entry) => entry.round === shownRound)) shownRound = firstToDo(cards, phase);
  const entry = entryOf(shownRound);
  for (const field of ENTRY_FIELDS[phase] ?? []) state[field] = entry[field] ?? null;
  if (phase === "writing") state.card = { complaint: entry.complaint, theme: entry.theme };
  if (phase === "voting") {
    state.my_votes ??= [];
    state.my_awards ??= [];
    state.ballot ??= [];
  }
  drawCardTabs(cards, phase);
}

// The first card still to write or vote on: where a phone that comes back picks up.
function firstToDo(cards, phase) {
  const waiting = cards.find((entry) => (phase === "writing" ? !entry.submitted : phase === "voting" && !votedAll(entry)));
  return (waiting ?? cards[0]).round;
}

function votedAll(entry) {
  if (!entry.ballot?.length) return true;
  const used = state.voting === "awards" ? (entry.my_awards ?? []).length : new Set(entry.my_votes ?? []).size;
  return used >= entry.votes_allowed;
}

function drawCardTabs(cards, phase) {
  const done = (entry) => (phase === "writing" ? Boolean(entry.submitted) : phase === "voting" ? votedAll(entry) : false);
  $("card-tabs").replaceChildren(...cards.map((entry) => {
    const on = entry.round === shownRound;
    return el("button", {
      type: "button", class: `card-tab${on ? " on" : ""}${done(entry) ? " done" : ""}`, "aria-pressed": String(on),
      text: `${t("card_n", { n: entry.round })}${done(entry) ? " ✓" : ""}`,
      onclick: () => showCard(entry.round),
    });
  }));
  const count = cards.filter(done).length;
  setText("cards-line", phase === "writing" ? t("cards_sent", { n: count, total: cards.length })
    : phase === "voting" ? t("cards_voted", { n: count, total: cards.length }) : "");
  $("cards-line").hidden = !$("cards-line").textContent;
  $("cards-hint").hidden = phase !== "writing";
  setText("cards-hint", t("drill_cards_write"));
  $("card-box").hidden = false;
}

function showCard(round) {
  if (round === shownRound) return;
  if (state.phase === "writing" && draftTimer) flushDraft(); // the card left keeps its words
  shownRound = round;
  showError("writing-error", "");
  showError("voting-error", "");
  applyCard();
  if (state.phase === "writing") drawWriting(null);
  if (state.phase === "voting") drawBallot();
  if (state.phase === "results" || state.phase === "finished") drawScore();
  $("card-tabs").scrollIntoView({ block: "nearest" });
}

// Keep an answer for the card it was sent from, wherever the phone has moved since.
function keepFor(round, fields) {
  const entry = entryOf(round);
  if (entry) Object.assign(entry, fields);
  if (!entry || round === shownRound) Object.assign(state, fields);
  if (entry) drawCardTabs(drillCards(), state.phase === "finished" ? "results" : state.phase);
}

// --- identity and joining --------------------------------------------------

function draftKey(round) {
  return `too-sandy:draft:${identity?.code}:${round}`;
}

function showJoin(message) {
  showOnly("view", "join");
  setText("who", "");
  const error = $("join-error");
  error.hidden = !message;
  error.textContent = message || "";
  if (identity?.code && !$("join-code").value) $("join-code").value = identity.code;
  if (!room) lookUpRoom();
}

// A session run for a team: the phone picks its name from the roster, and
// remembers who it was for next week's session of the same team.
const MEMBER_KEY = (teamId) => `too-sandy:member:${teamId}`;
let room = null;

async function lookUpRoom() {
  const code = $("join-code").value.trim();
  if (code.length < 4) return;
  try {
    const response = await fetch(`/api/rooms/${encodeURIComponent(code)}`);
    const answer = await response.json();
    room = answer.ok ? answer : null;
  } catch {
    room = null; // offline for a moment: the plain name field still works
  }
  drawRoster();
}

function drawRoster() {
  const team = room?.team;
  $("roster-box").hidden = !team;
  if (!team) { $("name-box").hidden = false; return; }
  setText("roster-label", t("who_are_you", { team: team.name }));
  const remembered = localStorage.getItem(MEMBER_KEY(team.id));
  const select = $("join-member");
  select.replaceChildren(
    el("option", { value: "", text: t("pick_your_name") }),
    ...room.roster.map((m) => el("option", { value: String(m.id), text: m.name })),
    el("option", { value: "new", text: t("not_on_list") }),
  );
  if (remembered && room.roster.some((m) => String(m.id) === remembered)) select.value = remembered;
  drawNameBox();
}

function drawNameBox() {
  const picking = Boolean(room?.team) && $("join-member").value !== "new";
  $("name-box").hidden = picking;
  $("join-name").required = !picking;
}

$("join-member").addEventListener("change", drawNameBox);
$("join-code").addEventListener("change", lookUpRoom);

$("join-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = event.submitter;
  if (button) button.disabled = true;
  try {
    const picked = room?.team ? $("join-member").value : "";
    if (room?.team && !picked) return showJoin(t("pick_your_name"));
    const body = { code: $("join-code").value, name: $("join-name").value };
    if (picked && picked !== "new") {
      body.member_id = Number(picked);
      body.name = room.roster.find((m) => String(m.id) === picked)?.name ?? "";
    }
    const response = await fetch("/api/join", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (!answer.ok) return showJoin(answer.error);
    if (answer.team_id && answer.member_id) localStorage.setItem(MEMBER_KEY(answer.team_id), String(answer.member_id));
    identity = { code: answer.code, token: answer.token, name: answer.name };
    localStorage.setItem(PLAYER_KEY, JSON.stringify(identity));
    history.replaceState(null, "", `/join/${answer.code}`);
    start();
  } catch {
    showJoin(t("join_failed"));
  } finally {
    if (button) button.disabled = false;
  }
});

function forget(message) {
  localStorage.removeItem(PLAYER_KEY);
  forgetVersions();
  socket?.disconnect();
  socket = null;
  showJoin(message);
}

// --- connection -------------------------------------------------------------

function start() {
  forgetVersions(); // a new identity may be a new session, whose versions start again
  setText("who", identity.name);
  showOnly("view", "wait");
  socket = connect(
    "/play",
    { token: identity.token, lang: LANGUAGE },
    {
      snapshot: render,
      timer: (payload) => {
        if (!state || !isNewest(payload)) return;
        Object.assign(state, payload); clock.sync(payload);
      },
      removed: () => forget(t("removed")),
      // Announcements may have been lost (the server's Redis restarted): ask
      // for the state, spread over two seconds so a full room doesn't ask at once.
      resync: () => setTimeout(syncNow, Math.random() * 2000),
    },
    (status, err) => {
      if (status === "refused") return forget(err?.message);
      const conn = $("conn");
      conn.hidden = status === "connected";
      conn.textContent = t(status);
      if (status === "connected") (submitPending ? sendReply : flushAll)();
    },
  );
}

async function syncNow() {
  if (!socket?.connected) return;
  const answer = await request(socket, "sync");
  if (answer.ok) render(answer.snapshot);
}

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState !== "visible" || !socket) return;
  if (!socket.connected) return socket.connect();
  syncNow();
});

// --- drawing ----------------------------------------------------------------

function render(snapshot) {
  if (!isNewest(snapshot)) return; // an older phase change that arrived late
  const previous = state;
  state = snapshot;
  // A reply waiting to be resent belongs to its round's writing phase only.
  if (snapshot.phase !== "writing" || previous?.round !== snapshot.round) submitPending = false;
  clock.sync(snapshot);
  setText("who", snapshot.me.name);
  $("card-box").hidden = true; // a drill of several cards shows it again (applyCard)
  const { phase } = snapshot;
  const drill = snapshot.pace === "drill";
  if (phase === "lobby" || ((phase === "writing" || phase === "voting") && !snapshot.playing)) {
    setText("wait-title", t(phase === "lobby" ? "lobby_title" : "sitting_out_title"));
    if (drill) {
      setText("wait-text", phase === "lobby" ? t("drill_lobby_text", { when: drillWhen(snapshot.drill.writing_opens) })
        : t("drill_sitting_out_text"));
    } else {
      setText("wait-text", t(phase === "lobby" ? "lobby_text" : "sitting_out_text"));
    }
    return showOnly("view", "wait");
  }
  showOnly("view", phase);
  applyCard();
  // A drill's clock reads in words ("4 days 11 hours left to write"): its rows wrap.
  for (const id of ["phone-clock", "vote-clock"]) $(id).parentElement.classList.toggle("drill", drill);
  if (previous?.phase !== phase || previous?.round !== snapshot.round) window.scrollTo(0, 0);
  if (phase === "writing") drawWriting(previous);
  if (phase === "voting") drawBallot();
  if (phase === "results" || phase === "finished") drawScore();
}

function drawWriting(previous) {
  const box = $("reply");
  setText("phone-round", state.pace === "drill" ? t("drill_write_by", { when: drillWhen(state.drill.writing_closes) })
    : t("round_of", { n: state.round, total: state.rounds_total }));
  setText("card-text", state.card.complaint);
  const round = writingRound();
  // Prefer what this phone holds if the server hasn't got it yet.
  const local = localStorage.getItem(draftKey(round));
  const sameRound = previous?.phase === "writing" && previous.round === state.round && boxRound === round;
  boxRound = round;
  if (local !== null && local !== state.draft) {
    box.value = local;
    scheduleDraft();
  } else if (!sameRound || document.activeElement !== box) {
    box.value = state.draft ?? "";
  }
  box.maxLength = state.reply_max;
  drawCounter();
  drawSent(state.submitted);
}

function drawCounter() {
  setText("counter", t("chars", { n: $("reply").value.length, max: state.reply_max }));
}

function drawSent(submitted) {
  $("sent-note").hidden = !submitted;
  setText("sent-note", !submitted ? "" : state.pace === "drill"
    ? t("drill_sent", { when: drillWhen(state.drill.writing_closes) }) : t("sent"));
  setText("send", submitted ? t("update") : t("send"));
}

function drawBallot() {
  const awards = state.voting === "awards";
  const duels = state.duels ?? null;
  setText("vote-title", t(duels ? "duels_title" : awards ? "awards_title" : "vote_title"));
  const used = awards ? state.my_awards.length : new Set(state.my_votes).size;
  const left = state.votes_allowed - used;
  setText("votes-left", !state.ballot.length ? t("no_ballot")
    : t(awards ? "awards_left" : "votes_left", { n: left, max: state.votes_allowed }));
  drawLegend(awards && state.ballot.length);
  // Same card: the complaint once, above the replies that answer it.
  $("ballot-card").hidden = !state.card;
  if (state.card) {
    setText("ballot-card-label", t("everyone_answers"));
    setText("ballot-complaint", state.card.complaint);
  }
  const byId = new Map(state.ballot.map((reply) => [reply.id, reply]));
  if (duels) {
    $("ballot").replaceChildren(...duels.map((pair, i) =>
      el("li", { class: "duel" },
        el("p", { class: "duel-title", text: t("duel_n", { n: i + 1 }) }),
        byId.get(pair[0])?.complaint ? el("blockquote", { class: "complaint", text: byId.get(pair[0]).complaint }) : null,
        ...pair.map((id, side) => ballotItem(byId.get(id), awards, t("side", { letter: "ABC"[side] }))))));
  } else {
    $("ballot").replaceChildren(...state.ballot.map((reply) => ballotItem(reply, awards)));
  }
}

function drawLegend(show) {
  const legend = $("criteria-legend");
  legend.hidden = !show;
  if (!show) return;
  legend.replaceChildren(
    ...state.criteria.flatMap((c) => [el("dt", { text: c.name }), el("dd", { text: c.definition })]),
    el("p", { class: "legend-help", text: t(state.duels ? "duel_awards_help" : "awards_help") }));
}

function ballotItem(reply, awards, label = null) {
  const given = awards ? state.my_awards.filter(([id]) => id === reply.id).map(([, c]) => c) : [];
  const chosen = awards ? given.length > 0 : state.my_votes.includes(reply.id);
  const buttons = awards
    ? el("div", { class: "award-buttons" }, ...state.criteria.map((c, i) => {
      const on = given.includes(i);
      // Given to another reply (in a duel: the other side): tapping here moves it.
      const group = state.duels?.find((pair) => pair.includes(reply.id));
      const elsewhere = !on && state.my_awards.some(([id, k]) => k === i && id !== reply.id && (!group || group.includes(id)));
      return el("button", {
        type: "button", class: `award${on ? " on" : ""}${elsewhere ? " elsewhere" : ""}`, "aria-pressed": String(on),
        text: on ? `✓ ${c.name}` : c.name, onclick: () => toggleAward(reply.id, i, on),
      });
    }))
    : el("button", {
      type: "button", class: `button${chosen ? " primary" : ""}`, "aria-pressed": String(chosen),
      text: chosen ? t("voted") : t("vote"), onclick: () => toggleVote(reply.id, chosen),
    });
  return el(label ? "div" : "li", { class: `ballot-item${chosen ? " chosen" : ""}` },
    label ? el("p", { class: "side-label", text: label }) : null,
    !label && reply.complaint ? el("blockquote", { class: "complaint", text: reply.complaint }) : null,
    el("p", { class: "reply-text", text: reply.text }),
    buttons);
}

function drawScore() {
  const drill = state.pace === "drill";
  setText("results-hint", !drill ? t("results_hint") : state.drill.too_few ? t("drill_too_few") : t("drill_results_hint"));
  const unanswered = drillCards() && !entryOf(shownRound)?.wrote;
  setText("round-points", unanswered ? t("drill_no_reply") : t(drillCards() ? "points_card" : "points_round", { n: state.round_points }));
  setText("total-line", t("total", { score: state.score, rank: state.rank, of: state.of }));
  const duel = { won: "you_won_duel", lost: "you_lost_duel", walkover: "your_walkover" }[state.duel_result];
  $("duel-line").hidden = !duel;
  setText("duel-line", duel ? t(duel) : "");
  const criteria = state.criteria ?? [];
  const mine = criteria.map((c, i) => [c.name, state.round_awards?.[i] ?? 0]).filter(([, k]) => k);
  $("my-awards-box").hidden = !mine.length;
  setText("my-awards-label", t("your_awards"));
  $("my-awards").replaceChildren(...mine.map(([name, k]) =>
    el("li", { class: "award-chip", text: k > 1 ? `${name} ×${k}` : name })));
  $("my-card").hidden = !state.card;
  if (state.card) {
    setText("my-complaint", state.card.complaint);
    setText("my-note", state.card.coach_note);
  }
  drawMyCues(state.my_cues);
  if (state.phase === "finished") {
    setText("final-line", t("final", { rank: state.rank, score: state.score, of: state.of }));
    $("phone-podium").replaceChildren(
      ...state.podium.map((row) => el("li", { text: `${row.name} · ${t("points", { n: row.score })}` })));
    const best = state.criterion_best ?? [];
    $("phone-best-box").hidden = !best.length;
    setText("phone-best-title", t("best_at"));
    $("phone-criterion-best").replaceChildren(...best.map((row) =>
      el("li", {}, el("strong", { text: row.name }),
        el("span", { text: row.players.length ? row.players.join(", ") : t("nobody") }))));
  }
}

// Service cues of this phone's own reply (the server sends no one else's): hints, not scores.
function drawMyCues(found) {
  $("my-cues-box").hidden = !found;
  if (!found) return;
  setText("my-cues-label", t("my_cues"));
  $("my-cues").replaceChildren(
    ...found.cues.map((kind) => el("li", { class: "cue-chip", text: t(`cue_${kind}`) })),
    ...found.flags.map((kind) => el("li", { class: "cue-chip flag", text: `⚠ ${t(`cue_${kind}`)}` })));
  setText("my-cue-advice", t(`cue_advice_${found.advice}`));
  setText("my-cues-hint", t("cues_are_hints"));
}

// --- writing ----------------------------------------------------------------

function showError(id, message) {
  $(id).hidden = !message;
  setText(id, message || "");
}

$("reply").addEventListener("input", () => {
  localStorage.setItem(draftKey(writingRound()), $("reply").value);
  drawCounter();
  scheduleDraft();
});

function scheduleDraft() {
  const now = Date.now();
  if (!draftTimer) draftFirstChange = now;
  clearTimeout(draftTimer);
  // Debounced, but never more than DRAFT_MAX_WAIT_MS behind the typing.
  const wait = Math.min(DRAFT_DEBOUNCE_MS, Math.max(0, draftFirstChange + DRAFT_MAX_WAIT_MS - now));
  draftTimer = setTimeout(flushDraft, wait);
  setText("save-state", t("saving"));
}

// A drill's other cards may hold words typed offline: they go too.
function flushAll() {
  flushDraft();
  for (const entry of drillCards() ?? []) {
    if (entry.round !== shownRound) flushDraft(entry.round);
  }
}

async function flushDraft(round = null) {
  if (round === null) {
    clearTimeout(draftTimer);
    draftTimer = null;
  }
  if (!state || state.phase !== "writing" || !state.playing) return;
  round ??= writingRound();
  const text = localStorage.getItem(draftKey(round));
  if (text === null) return;
  if (!socket?.connected) return setText("save-state", t("saved_here"));
  const answer = await request(socket, "draft", { round, text });
  if (answer.ok) {
    // Only forget the local copy if nothing new was typed meanwhile.
    if (localStorage.getItem(draftKey(round)) === text) localStorage.removeItem(draftKey(round));
    keepFor(round, { draft: text });
    setText("save-state", t("saved"));
    showError("writing-error", "");
  } else if (answer.code === "timeout") {
    setText("save-state", t("saved_here"));
  } else if (answer.code === "storage_full") {
    keepForLater(answer.error);
  } else {
    showError("writing-error", answer.error);
  }
}

// The server is up but cannot save: the text stays in localStorage and the
// phone sends it again on its own, the reply itself if it was being sent.
function keepForLater(message) {
  const first = $("writing-error").hidden;
  setText("save-state", "");
  showError("writing-error", message);
  if (first) $("writing-error").scrollIntoView({ block: "nearest" });
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => {
    retryTimer = null;
    if (submitPending) sendReply(); else flushDraft();
  }, STORAGE_RETRY_MS);
}

async function sendReply() {
  if (!state || state.phase !== "writing" || !state.playing) return;
  const round = writingRound();
  const text = $("reply").value;
  localStorage.setItem(draftKey(round), text);
  $("send").disabled = true;
  setText("save-state", t("saving"));
  const answer = await requestSurely(socket, "submit", { round, text });
  $("send").disabled = false;
  if (answer.code === "storage_full") {
    submitPending = true;
    return keepForLater(answer.error);
  }
  submitPending = false;
  if (!answer.ok) return showError("writing-error", answer.error);
  if (localStorage.getItem(draftKey(round)) === text) localStorage.removeItem(draftKey(round));
  clearTimeout(draftTimer);
  draftTimer = null;
  // The last reply of the room may already have moved everyone on to voting.
  if (state.phase !== "writing") return;
  keepFor(round, { submitted: answer.submitted, draft: text });
  showError("writing-error", "");
  setText("save-state", t("saved"));
  if (round === writingRound()) drawSent(answer.submitted);
}

$("send").addEventListener("click", sendReply);

// --- voting -----------------------------------------------------------------

async function toggleVote(replyId, chosen) {
  const round = shownRound;
  // In a duel a vote moves to the other side rather than being refused.
  const pair = !chosen && state.duels?.find((p) => p.includes(replyId));
  for (const other of pair ? pair.filter((id) => id !== replyId && state.my_votes.includes(id)) : []) {
    const back = await requestSurely(socket, "unvote", { reply_id: other, request_id: requestId() });
    if (!back.ok) return showError("voting-error", back.error);
    keepFor(round, { my_votes: back.my_votes });
  }
  const payload = { reply_id: replyId, request_id: requestId() };
  const answer = await requestSurely(socket, chosen ? "unvote" : "vote", payload);
  if (!answer.ok) return showError("voting-error", answer.error);
  showError("voting-error", "");
  // The room's last vote may already have moved everyone on to results.
  if (state.phase !== "voting") return;
  keepFor(round, { my_votes: answer.my_votes });
  drawBallot();
}

// An award moves rather than being refused: giving a criterion that went to
// another reply (in a duel: to the other side) takes it back from there
// first, and off duels a reply holds one award, so its old one is taken back.
async function toggleAward(replyId, criterion, on) {
  if (on) return sendAward("unvote", replyId, criterion);
  const group = state.duels?.find((pair) => pair.includes(replyId)) ?? state.ballot.map((r) => r.id);
  const clashes = state.my_awards.filter(([id, c]) =>
    (c === criterion && group.includes(id)) || (!state.duels && id === replyId));
  for (const [id, c] of clashes) {
    if (!(await sendAward("unvote", id, c))) return;
  }
  await sendAward("vote", replyId, criterion);
}

async function sendAward(event, replyId, criterion) {
  const round = shownRound;
  const payload = { reply_id: replyId, criterion, request_id: requestId() };
  const answer = await requestSurely(socket, event, payload);
  if (!answer.ok) { showError("voting-error", answer.error); return false; }
  showError("voting-error", "");
  if (state.phase !== "voting") return false;
  keepFor(round, { my_votes: answer.my_votes, my_awards: answer.my_awards ?? [] });
  drawBallot();
  return true;
}

// --- start ------------------------------------------------------------------

const urlCode = app.dataset.code;
if (identity && (!urlCode || urlCode === identity.code)) start();
else showJoin("");
