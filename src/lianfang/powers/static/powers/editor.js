// 廉防 Lianfang — the flowchart editor: keep unsaved step edits from being lost. No inline scripts (CSP).
(function () {
  "use strict";

  var LEAVE = "有环节的修改还没有保存，确定离开吗？";
  var REDRAW = "有环节的修改还没有保存，继续操作会丢弃这些修改。确定继续吗？";

  function dirtyForms(except) {
    return Array.prototype.filter.call(document.querySelectorAll("form.step-form.is-dirty"), function (form) {
      return form !== except;
    });
  }

  function markDirty(event) {
    var target = event.target;
    var form = target instanceof Element ? target.closest("form.step-form") : null;
    if (form) {
      form.classList.add("is-dirty");
    }
  }

  document.addEventListener("input", markDirty);
  document.addEventListener("change", markDirty);

  // Saving one step redraws only its card. Every other change redraws the whole step list: ask first
  // when another card has unsaved edits.
  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail && event.detail.elt;
    if (!(elt instanceof Element) || !elt.closest("#editor-main")) {
      return;
    }
    var form = elt.closest("form");
    if (form && form.classList.contains("step-form")) {
      return;
    }
    var owner = form ? form.closest("#editor-limits, #editor-discretion") : null;
    if (owner) {
      return; // redraws only its own section
    }
    if (dirtyForms(null).length && !window.confirm(REDRAW)) {
      event.preventDefault();
    }
  });

  window.addEventListener("beforeunload", function (event) {
    if (dirtyForms(null).length) {
      event.preventDefault();
      event.returnValue = LEAVE;
    }
  });

  // A form sent without htmx (its own submit) is leaving the page on purpose.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && !form.hasAttribute("hx-post")) {
      dirtyForms(null).forEach(function (f) {
        f.classList.remove("is-dirty");
      });
    }
  });
})();
