/* Page behaviour without inline script (CSP): one file, event delegation, data attributes. */
(function () {
  "use strict";

  // A submit button marked data-once is disabled after the first submit (the one-time token
  // on the server makes a second submit harmless anyway).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = form.querySelector("[data-once]");
    if (button) {
      window.setTimeout(function () { button.disabled = true; }, 0);
    }
  });

  // On a page with errors, move focus to the first invalid field so keyboard and screen-reader
  // users land on it.
  document.addEventListener("DOMContentLoaded", function () {
    var invalid = document.querySelector("[aria-invalid='true']");
    if (invalid && typeof invalid.focus === "function") {
      invalid.focus();
    }
  });
})();
