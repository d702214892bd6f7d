// 打印回执: a button that opens the browser's print dialog (no inline script).
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-print]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].addEventListener("click", function () { window.print(); });
  }
});
