// Behaviours the templates ask for with data attributes, so that no page needs an
// inline script or an on…= handler (the Content-Security-Policy allows neither).
//   data-autosubmit         a select submits its form when changed
//   data-clears="NAME"      ... after emptying the form's field NAME (a dependent choice)
//   data-confirm="QUESTION" a button acts only once the question is confirmed
//                           (forms with data-confirm are handled by their page's script)
//   data-print              a button prints the page
(function () {
  "use strict";

  document.addEventListener("change", function (evt) {
    var field = evt.target;
    if (!field.matches || !field.matches("select[data-autosubmit]") || !field.form) return;
    var dependent = field.getAttribute("data-clears");
    if (dependent && field.form.elements[dependent]) field.form.elements[dependent].value = "";
    field.form.submit();
  });

  document.addEventListener("click", function (evt) {
    var target = evt.target.closest && evt.target.closest("button[data-confirm], input[data-confirm], a[data-confirm]");
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      evt.preventDefault();
      evt.stopImmediatePropagation();
      return;
    }
    if (evt.target.closest && evt.target.closest("[data-print]")) window.print();
  });
})();
