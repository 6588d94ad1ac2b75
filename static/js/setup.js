// Setting up a session: choosing its language ticks that language's decks,
// and choosing its pace shows a live session's timings or a drill's windows.
// Without script the page still works: the trainer ticks decks by hand and
// sees both sets of fields (each pace ignores the other's).
const form = document.getElementById("new-session");
const language = document.querySelector("select[name=language]");
const decks = [...document.querySelectorAll("input[name=deck][data-language]")];

language?.addEventListener("change", () => {
  const matching = decks.filter((box) => box.dataset.language === language.value);
  if (matching.length === 0) return; // no deck in that language: keep the trainer's ticks
  for (const box of decks) box.checked = matching.includes(box);
});

const paces = [...document.querySelectorAll("input[name=pace]")];

function showPace() {
  const pace = paces.find((box) => box.checked)?.value ?? "live";
  for (const part of document.querySelectorAll(".pace-live")) part.hidden = pace !== "live";
  for (const part of document.querySelectorAll(".pace-drill")) part.hidden = pace !== "drill";
}

for (const box of paces) box.addEventListener("change", showPace);
showPace();

// A drill's default times are Thursday and Friday noon in the trainer's own
// time zone, which only the browser knows: once the trainer picks a drill,
// the page asks the server for the defaults in it (no reload: nothing typed is lost).
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const zones = document.querySelector("select[name=time_zone]");
const windowFields = ["writing_opens", "writing_closes", "voting_closes"].map((name) =>
  document.querySelector(`input[name=${name}]`));
let typed = form?.dataset.tzAsked === "yes";
for (const field of [...windowFields, zones]) field?.addEventListener("change", () => { typed = true; });

async function localDefaults() {
  if (typed || !zone || !zones || zone === zones.value) return;
  if (![...zones.options].some((option) => option.value === zone)) return;
  try {
    const response = await fetch(`/host/drill-defaults?tz=${encodeURIComponent(zone)}`);
    if (!response.ok || typed) return;
    const found = await response.json();
    zones.value = found.time_zone;
    windowFields.forEach((field) => { if (field) field.value = found[field.name]; });
    const hint = document.getElementById("drill-zone");
    if (hint) hint.textContent = found.hint;
  } catch {
    // offline for a moment: the times stay in the zone the page names
  }
}

for (const box of paces) box.addEventListener("change", () => { if (box.checked && box.value === "drill") localDefaults(); });
if (paces.some((box) => box.checked && box.value === "drill")) localDefaults();
