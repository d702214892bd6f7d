// 网上申报: "添加一行" adds a hazard row from the formset's empty form (<template id="hazard-row-template">).
(function () {
  "use strict";
  function addRow(event) {
    var button = event.currentTarget;
    var prefix = button.getAttribute("data-prefix");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    var template = document.getElementById("hazard-row-template");
    var body = document.querySelector("#hazard-rows tbody");
    if (!total || !template || !body) { return; }
    var index = parseInt(total.value, 10);
    if (max && index >= parseInt(max.value, 10)) { return; }
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    body.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var rows = body.querySelectorAll("tr");
    var first = rows[rows.length - 1].querySelector("input");
    if (first) { first.focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll("[data-add-row]");
    for (var i = 0; i < buttons.length; i++) { buttons[i].addEventListener("click", addRow); }
  });
})();
