// Projector text that fits its box: sized down to a floor, then paged.
//
// A fit box's font size is var(--fit) em of the projector's, whose 1em is the
// floor (24 px at 1280×720, projector.css). Text is never clipped: a box
// whose content does not fit at the floor is split into pages instead.

// Text that wraps between words only: a word wider than its column spills
// over its neighbours without overflowing the box, so it is checked itself.
const WHOLE_WORDS = ".who, .names";

// Whether a box shows all of its content.
export function fits(box) {
  if (box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1) return false;
  return [...box.querySelectorAll(WHOLE_WORDS)].every((e) => e.scrollWidth <= e.clientWidth + 1);
}

export function setScale(box, scale) {
  box.style.setProperty("--fit", String(scale));
}

// The largest scale in [1, most] at which every box fits; false (at 1) if none does.
export function grow(boxes, most = 2) {
  const all = [].concat(boxes);
  const ok = () => all.every(fits);
  const set = (s) => all.forEach((box) => setScale(box, s));
  set(1);
  if (!ok()) return false;
  set(most);
  if (ok()) return true;
  let low = 1;
  let high = most;
  for (let i = 0; i < 7; i += 1) {
    const middle = (low + high) / 2;
    set(middle);
    if (ok()) low = middle; else high = middle;
  }
  set(low);
  return true;
}

// Splits units into consecutive pages, each as many units (up to `most`) as
// fit at the floor once drawn with draw(units); a unit that fits nowhere
// gets a page of its own.
export function pack(units, draw, boxes, most = Infinity) {
  const all = [].concat(boxes);
  all.forEach((box) => setScale(box, 1));
  const pages = [];
  let start = 0;
  while (start < units.length) {
    let end = start + 1;
    while (end < units.length && end - start < most) {
      draw(units.slice(start, end + 1));
      if (!all.every(fits)) break;
      end += 1;
    }
    pages.push(units.slice(start, end));
    start = end;
  }
  return pages;
}

// Calls fn once the window has stopped resizing for a moment.
export function onResize(fn) {
  let timer = null;
  window.addEventListener("resize", () => {
    clearTimeout(timer);
    timer = setTimeout(fn, 120);
  });
}

// "Page 2 of 5" in the page's language (the projector's template carries it).
export function pageLabel(n, total) {
  return document.getElementById("app").dataset.pageLabel
    .replace("%(n)s", String(n)).replace("%(total)s", String(total));
}
