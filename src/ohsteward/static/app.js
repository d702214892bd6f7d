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
