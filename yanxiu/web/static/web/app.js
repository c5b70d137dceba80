// Behaviours that templates declare in markup, because the Content-Security-Policy
// runs no inline script and no handler attributes (onchange=, onsubmit=):
//   <select data-autosubmit>      submits its form as soon as it changes;
//   <form data-confirm="question"> asks the question first and submits only on OK.
// Listening on the document also covers fragments that htmx swaps in later.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof Element && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.requestSubmit();
    }
  });
  // Capture phase, so a refused confirmation stops the submit before htmx or the
  // browser acts on it.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form instanceof Element ? form.getAttribute("data-confirm") : null;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
})();
