// Shared by the projector and the phones: strings, DOM helpers, the
// server-synchronised clock and the Socket.IO connection.
import { io } from "../vendor/socket.io/socket.io.esm.min.js";

const STRINGS = JSON.parse(document.getElementById("strings").textContent);

const PLURALS = new Intl.PluralRules(document.documentElement.lang || "en");

// A sentence with a count comes in every plural form of the page's language;
// Intl.PluralRules names the one this count takes (CLDR, as on the server).
function pick(forms, params) {
  const count = Number(params[forms._count] ?? 0);
  return forms[PLURALS.select(count)] ?? forms.other ?? forms.many ?? "";
}

// Look up a translated sentence and fill its %(name)s placeholders.
export function t(key, params = {}) {
  const found = STRINGS[key] ?? key;
  const template = typeof found === "object" ? pick(found, params) : found;
  return template.replace(/%\((\w+)\)s/g, (_, name) => String(params[name] ?? ""));
}

// Every snapshot and timer carries the session's clock version. With several
// workers, two changes can arrive out of order; a screen keeps the newer.
let newestVersion = -1;

export function isNewest(payload) {
  if (typeof payload?.version !== "number") return true;
  if (payload.version < newestVersion) return false;
  newestVersion = payload.version;
  return true;
}

// Another session (a phone that joins a new room) starts counting again.
export function forgetVersions() {
  newestVersion = -1;
}

// Build an element; text always goes in through textContent, never HTML.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "text") node.textContent = value;
    else if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (value !== false && value != null) node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.filter((c) => c != null));
  return node;
}

export const $ = (id) => document.getElementById(id);

export function setText(id, text) {
  $(id).textContent = text;
}

// Show the one section whose data-<attr> equals value.
export function showOnly(attr, value) {
  for (const section of document.querySelectorAll(`[data-${attr}]`)) {
    section.hidden = section.dataset[attr] !== value;
  }
}

// Counts down to a server deadline on the server's clock, whatever the
// phone's own clock says.
export class Countdown {
  constructor(onTick) {
    this.onTick = onTick;
    this.offset = 0;
    this.deadline = null;
    this.paused = null;
    this.timer = setInterval(() => this.tick(), 250);
  }

  sync({ deadline, paused_remaining, server_now }) {
    if (server_now) this.offset = server_now - Date.now();
    this.deadline = deadline;
    this.paused = paused_remaining;
    this.tick();
  }

  remainingMs() {
    if (this.paused != null) return this.paused;
    if (this.deadline == null) return null;
    return Math.max(0, this.deadline - (Date.now() + this.offset));
  }

  tick() {
    this.onTick(this.remainingMs(), this.paused != null);
  }
}

export function formatClock(ms) {
  if (ms == null) return "";
  const total = Math.ceil(ms / 1000);
  const minutes = Math.floor(total / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return `${minutes}:${seconds}`;
}

// Connect to a namespace; the server answers every (re)connect with a
// snapshot, so handlers just redraw from it.
export function connect(namespace, auth, handlers, onStatus) {
  const socket = io(namespace, {
    auth,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    randomizationFactor: 0.5,
  });
  socket.on("connect", () => onStatus("connected"));
  socket.on("disconnect", () => onStatus("reconnecting"));
  socket.on("connect_error", (err) => onStatus(socket.active ? "reconnecting" : "refused", err));
  for (const [event, handler] of Object.entries(handlers)) socket.on(event, handler);
  return socket;
}

// emit with an ack; resolves to the server's answer or a network error.
export function request(socket, event, payload = {}, timeoutMs = 8000) {
  return socket
    .timeout(timeoutMs)
    .emitWithAck(event, payload)
    .catch(() => ({ ok: false, code: "timeout", error: t("reconnecting") }));
}

function connected(socket) {
  if (socket.connected) return Promise.resolve();
  return new Promise((resolve) => socket.once("connect", resolve));
}

// Like request, but an ack lost to a dropped connection is retried once the
// socket is back. Only for idempotent events: drafts, submits (same text),
// votes (same request id).
export async function requestSurely(socket, event, payload, attempts = 4) {
  let answer;
  for (let i = 0; i < attempts; i += 1) {
    await connected(socket);
    answer = await request(socket, event, payload);
    if (answer.code !== "timeout") return answer;
  }
  return answer;
}

// A random id for a request; crypto.randomUUID needs https, a LAN may not have it.
export function requestId() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
