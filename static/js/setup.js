// Setting up a session: choosing its language ticks that language's decks.
// Without script the page still works: the trainer ticks decks by hand.
const language = document.querySelector("select[name=language]");
const decks = [...document.querySelectorAll("input[name=deck][data-language]")];

language?.addEventListener("change", () => {
  const matching = decks.filter((box) => box.dataset.language === language.value);
  if (matching.length === 0) return; // no deck in that language: keep the trainer's ticks
  for (const box of decks) box.checked = matching.includes(box);
});
