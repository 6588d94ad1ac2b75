// The debrief's pages: the winning replies one or two a page, large, then
// earlier model answers of the same cards; beside them the card(s) they
// answer and the coach's note. `actions` gives the pin and star buttons.
import { $, el, t } from "../common.js";
import { grow, pack } from "./fit.js";

let book = { key: null, pages: [] };

function unitsOf(debrief) {
  const pinned = new Set(debrief.pinned);
  const units = debrief.highlights.map((reply) => ({ reply }));
  for (const card of debrief.cards) {
    for (const answer of card.model_answers.filter((a) => !pinned.has(a.reply_id))) units.push({ answer, card });
  }
  return units;
}

// The pages of this snapshot's debrief at this window size; `fresh` measures
// them again (a pin or a star may have changed what a page holds).
export function debriefPages(state, actions, fresh = false) {
  if (!state?.debrief) return [];
  const key = `${state.version}:${state.round}:${window.innerWidth}x${window.innerHeight}`;
  if (fresh || book.key !== key || !book.pages.length) {
    const units = unitsOf(state.debrief);
    const draw = (some) => drawDebriefPage(state, some, actions);
    const shown = $("debrief-highlights").offsetParent !== null;
    const pages = units.length > 1 && shown ? pack(units, draw, [$("debrief-cards"), $("debrief-highlights")], 2) : [units];
    book = { key, pages: shown ? noteApart(state, pages, draw) : pages };
  }
  return book.pages;
}

// A reply too long to sit beside its card and coach note at the floor: the
// note gets a page of its own (once a card) before the reply, beside the card.
function noteApart(state, pages, draw) {
  const apart = new Set();
  const result = [];
  for (const page of pages) {
    const [unit] = page;
    const card = unit?.reply && state.debrief.cards.find((c) => c.id === unit.reply.card_id);
    if (page.length !== 1 || !card?.coach_note || draw(page)) { result.push(page); continue; }
    if (!apart.has(card.id)) { apart.add(card.id); result.push([{ noteOf: card }]); }
    result.push([{ reply: unit.reply, noNote: true }]);
  }
  return result;
}

// Draws one page at the floor size; true if it fits.
export function drawDebriefPage(state, units, actions) {
  const { debrief } = state;
  const cardIds = new Set(units.map((u) => u.reply?.card_id ?? u.card?.id ?? u.noteOf?.id));
  const cards = debrief.cards.filter((card) => cardIds.has(card.id));
  const noteBeside = !units.some((u) => u.noNote || u.noteOf);
  $("debrief-cards").replaceChildren(...(cards.length ? cards : debrief.cards.slice(0, 1)).map((card) =>
    el("article", { class: "showcase debrief-card" },
      el("blockquote", { class: "complaint", text: card.complaint }),
      card.coach_note && noteBeside ? el("div", { class: "coach" },
        el("p", { class: "coach-label", text: t("coach_note") }), el("p", { class: "note", text: card.coach_note })) : null)));
  const cueLine = $("debrief-cue-line");
  cueLine.textContent = debrief.cue_line ? `${debrief.cue_line} ${t("cues_are_hints")}` : "";
  cueLine.hidden = !debrief.cue_line;
  $("debrief-highlights").replaceChildren(...(units.length ? units.map((unit) => highlight(state, unit, actions))
    : [el("p", { class: "muted", text: t("nothing_to_debrief") })]));
  if (shareColumns()) return true;
  // The round's cue line gives way to a reply that needs the room; other pages show it.
  if (cueLine.hidden) return false;
  cueLine.hidden = true;
  return shareColumns();
}

function highlight(state, unit, actions) {
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
  const won = (state.criteria_winners ?? []).filter((c) => c.replies.some((r) => r.id === reply.id)).map((c) => c.name);
  const isPinned = state.debrief.pinned.includes(reply.id);
  return el("article", { class: "highlight" },
    el("p", { class: "won" }, ...(won.length ? won : [t("best")]).map((name) => el("span", { text: name }))),
    el("p", { class: "reply", text: reply.text }),
    el("p", { class: "author", text: t("by", { name: reply.author }) }),
    cueChips(reply.cues),
    el("div", { class: "highlight-actions" },
      el("button", {
        type: "button", class: `button small${isPinned ? " primary" : ""}`, "aria-pressed": String(isPinned),
        text: isPinned ? t("pinned") : t("pin"),
        onclick: () => actions.pin(reply.id, !isPinned),
      }),
      actions.starButton(reply, "button small")));
}

// A reply's service cues as labelled chips (a flag with a sign and a word, not
// only a colour): hints for the talk, never scores. None with cues off.
function cueChips(found) {
  if (!found || !(found.cues.length || found.flags.length)) return null;
  return el("ul", { class: "cue-chips", "aria-label": t("cues_label") },
    ...found.cues.map((kind) => el("li", { class: "cue-chip", text: t(`cue_${kind}`) })),
    ...found.flags.map((kind) => el("li", { class: "cue-chip flag", text: `⚠ ${t(`cue_${kind}`)}` })));
}

// The card and its note on the left, the replies on the right: the columns
// share the width in the first proportion that lets both fit at the floor.
const COLUMNS = ["1fr 1.5fr", "1fr 1fr", "1.4fr 1fr", "1fr 2fr"];

function shareColumns() {
  const section = document.querySelector(".debrief");
  const boxes = [$("debrief-cards"), $("debrief-highlights")];
  for (const columns of COLUMNS) {
    section.style.gridTemplateColumns = columns.split(" ").map((fr) => `minmax(0, ${fr})`).join(" ");
    if (grow(boxes, 1)) return true;
  }
  section.style.gridTemplateColumns = "";
  return false;
}

// Grows the page on screen to the largest size that fits.
export function growDebrief() {
  grow([$("debrief-cards"), $("debrief-highlights")], 2);
}
