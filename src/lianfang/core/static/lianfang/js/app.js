// 廉防 Lianfang — small progressive enhancements. No inline scripts anywhere (CSP script-src 'self').
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function onReady(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  onReady(function () {
    // A <select data-autosubmit> submits its form when changed (the language switcher).
    document.addEventListener("change", function (event) {
      var target = event.target;
      if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
        target.form.submit();
      }
    });

    // A form with data-confirm="…" asks before it is sent.
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (form instanceof HTMLFormElement && form.dataset.confirm) {
        if (!window.confirm(form.dataset.confirm)) {
          event.preventDefault();
        }
      }
    });

    // A tree branch fetched after the session expired comes back as the login page: go there instead of
    // drawing it inside the tree.
    document.addEventListener("htmx:beforeSwap", function (event) {
      var xhr = event.detail && event.detail.xhr;
      if (xhr && xhr.responseURL && xhr.responseURL.indexOf("/accounts/login/") !== -1) {
        event.preventDefault();
        window.location.assign(xhr.responseURL);
      }
    });

    // A button with data-print prints the page.
    document.addEventListener("click", function (event) {
      var target = event.target;
      if (target instanceof Element && target.closest("[data-print]")) {
        event.preventDefault();
        window.print();
      }
    });
  });
})();
