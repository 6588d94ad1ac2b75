// Desk pages: ask before a form that deletes something is sent.
// (An external module: the Content-Security-Policy forbids inline script.)
for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}
