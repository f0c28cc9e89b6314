// 举报箱: show only the pickers for the chosen target kind, and hide the identity fields of an anonymous
// filing. Without scripts every field shows; the services ignore what does not apply.
(function () {
  "use strict";

  function update() {
    var form = document.querySelector(".complaint-form");
    if (!form) {
      return;
    }
    var checked = form.querySelector("input[name=target_kind]:checked");
    var kind = checked ? checked.value : "unit";
    form.querySelectorAll("[data-target-kinds]").forEach(function (el) {
      var kinds = el.getAttribute("data-target-kinds").split(" ");
      el.classList.toggle("is-hidden", kinds.indexOf(kind) === -1);
    });
    var anonymous = form.querySelector("input[name=is_anonymous]");
    form.querySelectorAll("[data-identity]").forEach(function (el) {
      el.classList.toggle("is-hidden", Boolean(anonymous && anonymous.checked));
    });
  }

  document.addEventListener("DOMContentLoaded", update);
  document.addEventListener("change", update);
  document.addEventListener("htmx:afterSwap", update);
})();
