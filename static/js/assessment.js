/* The self-assessment checklist (templates/reviews/assessment_detail.html).
   htmx does the saving; this only fills three gaps. */
(function () {
  "use strict";

  // A refused save (409 conflict or submitted, 422 bad input) carries the row
  // with its message: swap it in like a success.
  document.body.addEventListener("htmx:beforeSwap", function (evt) {
    var status = evt.detail.xhr.status;
    if (status === 409 || status === 422) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });

  // Choosing "partly compliant" or "not applicable" waits for the deduction
  // or the reason before saving, instead of answering with an error.
  document.body.addEventListener("htmx:confirm", function (evt) {
    var form = evt.detail.elt;
    var trigger = evt.detail.triggeringEvent;
    if (!form || !form.classList || !form.classList.contains("answer") || !trigger) return;
    if (!trigger.target || trigger.target.name !== "result") return;
    var checked = form.querySelector("input[name=result]:checked");
    if (!checked) return;
    var field = null;
    if (checked.value === "partial") {
      field = form.elements.deduction;
      // Counted occurrences stand in for a typed deduction.
      var count = form.elements.occurrences;
      if (count && count.value.trim()) field = null;
    }
    if (checked.value === "na") field = form.elements.na_reason;
    if (field && !field.value.trim()) {
      evt.preventDefault();
      field.focus();
    }
  });

  // "追加扣除情形成立" is a finding against the criterion: offered with a
  // partly compliant or not compliant answer only.
  document.body.addEventListener("change", function (evt) {
    var input = evt.target;
    if (!input || input.name !== "result" || !input.form) return;
    var box = input.form.querySelector(".finding-only");
    if (!box) return;
    var finding = input.value === "partial" || input.value === "non_compliant";
    box.classList.toggle("d-none", !finding);
  });

  // A typed deduction and counted occurrences exclude each other: typing one
  // clears the other, so the saved answer is the one the user sees.
  document.body.addEventListener("input", function (evt) {
    var input = evt.target;
    if (!input || !input.form || !input.form.classList.contains("answer")) return;
    var other = null;
    if (input.name === "deduction") other = input.form.elements.occurrences;
    if (input.name === "occurrences") other = input.form.elements.deduction;
    if (other && input.value.trim()) other.value = "";
  });

  // A new save of a row clears the messages of its last refused one; a
  // successful save only replaces the status line, not the inputs.
  document.body.addEventListener("htmx:beforeRequest", function (evt) {
    var form = evt.detail.elt;
    if (!form || !form.classList || !form.classList.contains("answer")) return;
    form.querySelectorAll(".invalid-feedback, [data-testid=row-error]").forEach(function (el) {
      el.remove();
    });
    form.querySelectorAll(".is-invalid").forEach(function (el) {
      el.classList.remove("is-invalid");
    });
  });

  // Forms that ask before they go (submitting the assessment).
  document.addEventListener("submit", function (evt) {
    var question = evt.target.getAttribute && evt.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) evt.preventDefault();
  });
})();
