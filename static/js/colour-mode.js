// Dark colour scheme whenever the phone asks for it. The server already picks dark at night
// in the patient's own time zone; this only ever darkens, never lightens a night page.
(function () {
  var root = document.documentElement;
  var query = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)");
  function apply() {
    if (query && query.matches) root.setAttribute("data-bs-theme", "dark");
  }
  apply();
  if (query && query.addEventListener) query.addEventListener("change", apply);
})();
