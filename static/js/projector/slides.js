// The pages of the voting and results screens. A slide is one reply, one
// duel, or the round's award winners; a slide whose text doesn't fit at the
// floor is split into pages (a duel's sides, each award's tied replies, a
// reply and then its card's coach note), each as large as it fits.
import { $, el, setText, t } from "../common.js";
import { grow, pack, pageLabel } from "./fit.js";

// One reply at a time, or in duels one duel at a time; at an awards round's
// results the winners of each award come first.
function slides(state) {
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

function unitsOf(state, slide) {
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

function boxOf(state, slide) {
  if (state.phase === "voting") return $("showcase");
  return slide.winners ? $("winners-card") : $("result-card");
}

// Every page of the phase, measured by drawing it: the phase must be on screen.
export function buildPages(state) {
  const pages = [];
  for (const slide of slides(state)) {
    const units = unitsOf(state, slide);
    const draw = (some) => drawPage(state, { slide, units: some }, false);
    let groups = [units];
    if (slide.reply && state.phase !== "voting") groups = firstThatFits(resultSplits(units), draw, boxOf(state, slide));
    else if (units.length > 1) groups = pack(units, draw, boxOf(state, slide));
    groups.forEach((group, part) => pages.push({ slide, units: group, part, parts: groups.length }));
  }
  return pages;
}

// Draws a page; `sized` grows its text to the largest size that fits.
export function drawPage(state, page, sized = true) {
  const { slide, units } = page;
  const box = boxOf(state, slide);
  if (state.phase === "voting") drawShowcase(slide, units);
  else {
    if (slide.winners) drawWinners(units, page); else drawResult(state, slide.reply, slide.n, slide.total, units);
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
    if (sized && !results.classList.contains("wide")) drawBoard(state);
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

// One reply's result; `units` says which of its card, the reply (with its
// author and awards) and the coach note this page shows.
export function drawResult(state, reply, n, total, units) {
  $("winners-card").hidden = true;
  $("result-card").hidden = false;
  const showReply = units.includes("reply");
  const badge = $("result-badge");
  const shared = (state.replies ?? []).filter((r) => r.best).length > 1;
  badge.hidden = !reply?.best;
  badge.textContent = shared ? t("shared_best") : t("best");
  if (reply && state.mode === "duels") {
    const duel = (state.duels ?? []).find((d) => d.replies.includes(reply.id));
    badge.textContent = duel?.walkover ? t("walkover") : duel?.winners.length > 1 ? t("duel_drawn") : t("duel_won");
  }
  const criteria = state.criteria ?? [];
  const awards = reply ? criteria.map((c, i) => [c.name, reply.awards?.[i] ?? 0]).filter(([, k]) => k) : [];
  $("result-awards").hidden = !awards.length || !showReply;
  $("result-awards").replaceChildren(...awards.map(([name, k]) =>
    el("li", { class: "award-chip", text: k > 1 ? `${name} ×${k}` : name })));
  setText("result-counter", reply ? t("reply_of", { n: n + 1, total }) : t("no_replies"));
  setText("result-complaint", reply?.complaint ?? "");
  $("result-complaint").hidden = !units.includes("card");
  setText("result-reply", reply?.text ?? "");
  setText("result-author", reply
    ? `${t("by", { name: reply.author })} · ${t("votes", { n: reply.votes })} · ${t("points", { n: reply.points })}` : "");
  $("result-reply").hidden = !showReply;
  $("result-author").hidden = !showReply;
  setText("result-note", reply?.coach_note ?? "");
  $("result-coach").hidden = !reply?.coach_note || !units.includes("note");
}

// The board beside the results shows fewer rows rather than smaller ones:
// the leaderboard is cut from the bottom (the top three stay); if that is
// not enough, the round's awards give way (the award slides show them too)
// and the leaderboard gets its rows back.
export function drawBoard(state) {
  const board = document.querySelector(".leaderboard");
  const rows = $("leaderboard");
  const box = $("round-awards-box");
  const awards = (state.criteria ?? []).length && state.phase === "results";
  const drawRows = () => rows.replaceChildren(
    ...(state.leaderboard ?? []).slice(0, 10).map((row) =>
      el("li", {}, el("span", { class: "rank", text: `${row.rank}.` }), el("span", { class: "who", text: row.name }),
        el("span", { class: "score", text: String(row.score) }))),
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
