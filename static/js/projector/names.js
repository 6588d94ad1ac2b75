// The names in the lobby and on the writing screen, at a size the back row
// reads: as many as fit, the rest on further pages that turn by themselves
// (or with the page button under them).
import { $ } from "../common.js";
import { pack, pageLabel } from "./fit.js";

const TURN_MS = 6000;
const books = { lobby: { pages: [], index: 0 }, writing: { pages: [], index: 0 } };

export function drawNames(where, chips) {
  const list = $(`${where}-players`);
  const turn = $(`${where}-page`);
  const book = books[where];
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
  show(where);
}

function show(where) {
  const book = books[where];
  const turn = $(`${where}-page`);
  $(`${where}-players`).replaceChildren(...(book.pages[book.index] ?? []));
  turn.hidden = book.pages.length < 2;
  turn.textContent = pageLabel(book.index + 1, book.pages.length);
}

function turnPage(where) {
  const book = books[where];
  if (book.pages.length < 2) return;
  book.index = (book.index + 1) % book.pages.length;
  show(where);
}

const turnAll = () => Object.keys(books).forEach(turnPage);
let timer = setInterval(turnAll, TURN_MS);
for (const where of Object.keys(books)) {
  $(`${where}-page`).addEventListener("click", () => {
    turnPage(where);
    clearInterval(timer);
    timer = setInterval(turnAll, TURN_MS);
  });
}
