/* ohsteward — small behaviours declared in the markup, so that no page needs inline handlers
   (the Content-Security-Policy allows only scripts from this site and nonce-marked blocks). */
(function () {
  "use strict";
  // <form data-confirm="确定…？">: ask before submitting
  // <form data-busy-text="正在…">: disable the button and say what is happening while the server works
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) { return; }
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); return; }
    var busy = form.getAttribute("data-busy-text");
    if (busy) {
      var button = form.querySelector("button[type=submit], button:not([type])");
      if (button) { button.disabled = true; button.textContent = busy; }
    }
  });
  // <details data-open-wide>: folded on phones, open on wide screens
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.matchMedia("(min-width: 900px)").matches) { return; }
    document.querySelectorAll("details[data-open-wide]").forEach(function (d) { d.open = true; });
  });
})();

// Menu groups: one open at a time, and a click elsewhere or Escape closes it.
(function () {
  function groups() { return document.querySelectorAll("details.nav-group"); }
  document.addEventListener("toggle", function (e) {
    var d = e.target;
    if (!(d instanceof HTMLDetailsElement) || !d.classList.contains("nav-group") || !d.open) return;
    groups().forEach(function (o) { if (o !== d) o.open = false; });
  }, true);
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("details.nav-group")) return;
    groups().forEach(function (o) { o.open = false; });
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") groups().forEach(function (o) { o.open = false; });
  });
})();
