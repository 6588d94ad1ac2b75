// What the projector shows whole, and what it clips: run by test_browser_fit.py
// in the page with [floor in px, the selector of elements that hold a reply,
// a card, a coach note or a name].
([floor, content]) => {
  const phase = [...document.querySelectorAll('.phase')].find((s) => !s.hidden);
  const view = { left: 0, top: 0, right: innerWidth, bottom: innerHeight };
  const problems = [];
  const shown = [];
  const visible = (e) => e.offsetParent !== null && e.getClientRects().length > 0;
  const ownText = (e) => [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  const outside = (r, box) => r.left < box.left - 1 || r.top < box.top - 1 || r.right > box.right + 1 || r.bottom > box.bottom + 1;
  function clipped(e) {
    const style = getComputedStyle(e);
    const hides = (s) => !['visible'].includes(s.overflowX) || !['visible'].includes(s.overflowY);
    if (hides(style) && (e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1)) return 'overflows its own box';
    if (style.textOverflow === 'ellipsis' && e.scrollWidth > e.clientWidth + 1) return 'ellipsis';
    if (style.webkitLineClamp && style.webkitLineClamp !== 'none') return 'line clamp';
    // A block whose words are wider than it spills over its neighbours.
    if (style.display !== 'inline' && e.clientWidth && e.scrollWidth > e.clientWidth + 1) return 'wider than its box';
    const rect = e.getBoundingClientRect();
    if (outside(rect, view)) return 'off the screen';
    for (let a = e; a && a !== document.documentElement; a = a.parentElement) {
      const s = getComputedStyle(a);
      if ((s.webkitMaskImage && s.webkitMaskImage !== 'none') || (s.maskImage && s.maskImage !== 'none')) return 'faded out';
      if (a !== e && hides(s) && outside(rect, a.getBoundingClientRect())) return `cut by ${a.id || a.className}`;
    }
    return null;
  }
  const isContent = (e) => e.matches(content);
  for (const e of phase.querySelectorAll('*')) {
    if (!visible(e) || !(ownText(e) || isContent(e)) || !e.textContent.trim()) continue;
    const why = clipped(e);
    const text = e.textContent.trim();
    if (why) problems.push(`${why}: <${e.tagName.toLowerCase()} class="${e.className}"> ${text.slice(0, 60)}`);
    if (!isContent(e)) continue;
    const size = parseFloat(getComputedStyle(e).fontSize);
    if (size < floor - 0.5) problems.push(`${size.toFixed(1)}px < ${floor.toFixed(1)}px: ${text.slice(0, 60)}`);
    if (!why) shown.push(text);
  }
  // The bar over every screen: the join address, the room code, the round and the mode,
  // for whoever comes in late. Every word of it shows too.
  for (const e of document.querySelectorAll('.bar *')) {
    if (!visible(e) || !ownText(e)) continue;
    const why = clipped(e);
    if (why) problems.push(`bar, ${why}: <${e.tagName.toLowerCase()} class="${e.className}"> ${e.textContent.trim().slice(0, 60)}`);
  }
  const page = document.documentElement;
  if (page.scrollWidth > innerWidth || page.scrollHeight > innerHeight) problems.push('the page scrolls');
  const signature = [...phase.querySelectorAll(content)].filter(visible).map((e) => e.textContent).join('|')
    + [...phase.querySelectorAll('.page-turn, .counter')].filter(visible).map((e) => e.textContent).join('|');
  return { problems, shown, signature };
}
