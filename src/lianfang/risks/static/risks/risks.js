// 廉防 Lianfang — the risk register pages. No inline scripts anywhere (CSP script-src 'self').
(function () {
  "use strict";

  function field(prefix, name) {
    return document.getElementsByName(prefix + "-" + name)[0] || null;
  }

  // 从措施库选择: a library entry fills the measure form's category and text (and remembers the entry).
  document.addEventListener("click", function (event) {
    var target = event.target;
    var button = target instanceof Element ? target.closest("[data-use-template]") : null;
    if (!button) {
      return;
    }
    event.preventDefault();
    var prefix = button.getAttribute("data-prefix");
    var category = field(prefix, "category");
    var text = field(prefix, "text");
    var template = field(prefix, "template");
    if (category) {
      category.value = button.getAttribute("data-category");
    }
    if (text) {
      text.value = button.getAttribute("data-text");
      text.focus();
    }
    if (template) {
      template.value = button.getAttribute("data-use-template");
    }
    var picker = button.closest("details");
    if (picker) {
      picker.open = false;
    }
  });

  // The risk form: show the department and post selects only for the subjects that use them.
  function showSubjectFields(form) {
    var checked = form.querySelector("input[name=subject_kind]:checked");
    var kind = checked ? checked.value : "";
    Array.prototype.forEach.call(form.querySelectorAll("[data-subject]"), function (el) {
      var kinds = el.getAttribute("data-subject").split(" ");
      el.hidden = kinds.indexOf(kind) === -1;
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.name === "subject_kind" && target.form) {
      showSubjectFields(target.form);
    }
  });

  function onReady() {
    Array.prototype.forEach.call(document.querySelectorAll("form.risk-form"), showSubjectFields);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onReady);
  } else {
    onReady();
  }
})();
