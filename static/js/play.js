// The phone: join, write against the clock, vote, see points.
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

const app = $("app");
let identity = JSON.parse(localStorage.getItem(PLAYER_KEY) || "null");
let socket = null;
let state = null;
let draftTimer = null;
let draftFirstChange = 0;

const clock = new Countdown((ms, paused) => {
  const text = paused ? `${t("paused")} · ${formatClock(ms)}` : formatClock(ms);
  setText("phone-clock", text);
  setText("vote-clock", text);
  // At zero, send the last words at once rather than waiting for the debounce.
  if (ms === 0 && !paused && state?.phase === "writing" && draftTimer) flushDraft();
});

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
}

$("join-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = event.submitter;
  if (button) button.disabled = true;
  try {
    const response = await fetch("/api/join", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ code: $("join-code").value, name: $("join-name").value }),
    });
    const answer = await response.json();
    if (!answer.ok) return showJoin(answer.error);
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
    },
    (status, err) => {
      if (status === "refused") return forget(err?.message);
      const conn = $("conn");
      conn.hidden = status === "connected";
      conn.textContent = t(status);
      if (status === "connected") flushDraft();
    },
  );
}

document.addEventListener("visibilitychange", async () => {
  if (document.visibilityState !== "visible" || !socket) return;
  if (!socket.connected) return socket.connect();
  const answer = await request(socket, "sync");
  if (answer.ok) render(answer.snapshot);
});

// --- drawing ----------------------------------------------------------------

function render(snapshot) {
  if (!isNewest(snapshot)) return; // an older phase change that arrived late
  const previous = state;
  state = snapshot;
  clock.sync(snapshot);
  setText("who", snapshot.me.name);
  const { phase } = snapshot;
  if (phase === "lobby" || ((phase === "writing" || phase === "voting") && !snapshot.playing)) {
    setText("wait-title", t(phase === "lobby" ? "lobby_title" : "sitting_out_title"));
    setText("wait-text", t(phase === "lobby" ? "lobby_text" : "sitting_out_text"));
    return showOnly("view", "wait");
  }
  showOnly("view", phase);
  if (previous?.phase !== phase || previous?.round !== snapshot.round) window.scrollTo(0, 0);
  if (phase === "writing") drawWriting(previous);
  if (phase === "voting") drawBallot();
  if (phase === "results" || phase === "finished") drawScore();
}

function drawWriting(previous) {
  const box = $("reply");
  setText("phone-round", t("round_of", { n: state.round, total: state.rounds_total }));
  setText("card-text", state.card.complaint);
  // Prefer what this phone holds if the server hasn't got it yet.
  const local = localStorage.getItem(draftKey(state.round));
  const sameRound = previous?.phase === "writing" && previous.round === state.round;
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
  setText("sent-note", submitted ? t("sent") : "");
  setText("send", submitted ? t("update") : t("send"));
}

function drawBallot() {
  const mine = new Set(state.my_votes);
  const left = state.votes_allowed - mine.size;
  setText("votes-left", state.ballot.length ? t("votes_left", { n: left, max: state.votes_allowed }) : t("no_ballot"));
  $("ballot").replaceChildren(
    ...state.ballot.map((reply) => {
      const chosen = mine.has(reply.id);
      return el("li", { class: `ballot-item${chosen ? " chosen" : ""}` },
        el("blockquote", { class: "complaint", text: reply.complaint }),
        el("p", { class: "reply-text", text: reply.text }),
        el("button", {
          type: "button",
          class: `button${chosen ? " primary" : ""}`,
          "aria-pressed": String(chosen),
          text: chosen ? t("voted") : t("vote"),
          onclick: () => toggleVote(reply.id, chosen),
        }));
    }),
  );
}

function drawScore() {
  setText("round-points", t("points_round", { n: state.round_points }));
  setText("total-line", t("total", { score: state.score, rank: state.rank, of: state.of }));
  $("my-card").hidden = !state.card;
  if (state.card) {
    setText("my-complaint", state.card.complaint);
    setText("my-note", state.card.coach_note);
  }
  if (state.phase === "finished") {
    setText("final-line", t("final", { rank: state.rank, score: state.score, of: state.of }));
    $("phone-podium").replaceChildren(
      ...state.podium.map((row) => el("li", { text: `${row.name} · ${t("points", { n: row.score })}` })));
  }
}

// --- writing ----------------------------------------------------------------

function showError(id, message) {
  $(id).hidden = !message;
  setText(id, message || "");
}

$("reply").addEventListener("input", () => {
  localStorage.setItem(draftKey(state.round), $("reply").value);
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

async function flushDraft() {
  clearTimeout(draftTimer);
  draftTimer = null;
  if (!state || state.phase !== "writing" || !state.playing) return;
  const round = state.round;
  const text = localStorage.getItem(draftKey(round));
  if (text === null) return;
  if (!socket?.connected) return setText("save-state", t("saved_here"));
  const answer = await request(socket, "draft", { round, text });
  if (answer.ok) {
    // Only forget the local copy if nothing new was typed meanwhile.
    if (localStorage.getItem(draftKey(round)) === text) localStorage.removeItem(draftKey(round));
    state.draft = text;
    setText("save-state", t("saved"));
    showError("writing-error", "");
  } else if (answer.code === "timeout") {
    setText("save-state", t("saved_here"));
  } else {
    showError("writing-error", answer.error);
  }
}

$("send").addEventListener("click", async () => {
  const round = state.round;
  const text = $("reply").value;
  $("send").disabled = true;
  setText("save-state", t("saving"));
  const answer = await requestSurely(socket, "submit", { round, text });
  $("send").disabled = false;
  if (!answer.ok) return showError("writing-error", answer.error);
  if (localStorage.getItem(draftKey(round)) === text) localStorage.removeItem(draftKey(round));
  clearTimeout(draftTimer);
  draftTimer = null;
  // The last reply of the room may already have moved everyone on to voting.
  if (state.phase !== "writing") return;
  state.submitted = answer.submitted;
  state.draft = text;
  showError("writing-error", "");
  setText("save-state", t("saved"));
  drawSent(answer.submitted);
});

// --- voting -----------------------------------------------------------------

async function toggleVote(replyId, chosen) {
  const payload = { reply_id: replyId, request_id: requestId() };
  const answer = await requestSurely(socket, chosen ? "unvote" : "vote", payload);
  if (!answer.ok) return showError("voting-error", answer.error);
  showError("voting-error", "");
  // The room's last vote may already have moved everyone on to results.
  if (state.phase !== "voting") return;
  state.my_votes = answer.my_votes;
  drawBallot();
}

// --- start ------------------------------------------------------------------

const urlCode = app.dataset.code;
if (identity && (!urlCode || urlCode === identity.code)) start();
else showJoin("");
