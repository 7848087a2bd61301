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

  // --- long checklists: find the way through a hundred criteria ---------------

  function isAnswered(article) {
    var form = article.querySelector("form.answer");
    if (form) return !!form.querySelector("input[name=result]:checked");
    return article.getAttribute("data-answered") === "1";
  }

  // Later elements load when reached (hx-trigger="revealed"), or here when a move
  // needs one of their rows.
  function laterBodies() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-later-rows]"));
  }

  function load(body) {
    if (!document.body.contains(body)) return Promise.resolve();
    if (body.hasAttribute("data-hx-revealed")) {  // htmx is loading it already
      return new Promise(function (resolve) {
        document.body.addEventListener("htmx:afterSettle", function done() {
          if (document.body.contains(body)) return;
          document.body.removeEventListener("htmx:afterSettle", done);
          resolve();
        });
      });
    }
    body.setAttribute("data-hx-revealed", "true");  // htmx's own trigger stays quiet
    // Its own source: requests from one element queue, and the ones between are dropped.
    return htmx.ajax("GET", body.getAttribute("hx-get"), {
      source: body, target: body, swap: "outerHTML"
    });
  }

  function loadAll() {
    return Promise.all(laterBodies().map(load));
  }

  // What is still to answer, in the page's order: unanswered rows, and later elements
  // with unanswered criteria (the page says how many each has).
  function unanswered() {
    return Array.prototype.slice.call(
      document.querySelectorAll("article.criterion, [data-later-rows]")
    ).filter(function (el) {
      if (el.hasAttribute("data-later-rows")) {
        return parseInt(el.getAttribute("data-unanswered") || "0", 10) > 0;
      }
      return el.getAttribute("data-answered") !== "1";
    });
  }

  function show(article) {
    if (article.hasAttribute("data-later-rows")) {  // its first unanswered row, once loaded
      var element = article.closest(".checklist-element");
      // The later elements above it load first: growing afterwards, they would push
      // the row out of view.
      var upTo = laterBodies().filter(function (body) {
        return body === article ||
          (body.compareDocumentPosition(article) & Node.DOCUMENT_POSITION_FOLLOWING);
      });
      Promise.all(upTo.map(load)).then(function () {
        var rows = unanswered().filter(function (row) {
          return element.contains(row) && !row.hasAttribute("data-later-rows");
        });
        if (rows.length) show(rows[0]);
      });
      return;
    }
    var section = article.closest(".checklist-element");
    if (section && section.classList.contains("folded")) {
      section.classList.remove("folded");
      var toggle = section.querySelector(".element-toggle");
      if (toggle) toggle.setAttribute("aria-expanded", "true");
    }
    article.scrollIntoView({block: "start"});
    article.classList.add("flash");
    window.setTimeout(function () { article.classList.remove("flash"); }, 1500);
    var first = article.querySelector("input[name=result], input, textarea");
    if (first) first.focus({preventScroll: true});
  }

  // A saved answer marks its row answered (the server's counts come with the totals).
  document.body.addEventListener("htmx:afterRequest", function (evt) {
    var form = evt.detail.elt;
    if (!form || !form.classList || !form.classList.contains("answer")) return;
    if (!evt.detail.successful) return;
    var article = form.closest("article.criterion");
    if (article) article.setAttribute("data-answered", isAnswered(article) ? "1" : "0");
  });

  // "Next unanswered": the first one below the top of the screen, else the first.
  document.addEventListener("click", function (evt) {
    var next = evt.target.closest && evt.target.closest("[data-action=next-unanswered]");
    if (next) {
      var rows = unanswered();
      if (!rows.length) return;
      var below = rows.filter(function (row) { return row.getBoundingClientRect().top > 140; });
      show(below[0] || rows[0]);
      return;
    }
    var toggle = evt.target.closest && evt.target.closest(".element-toggle");
    if (toggle) {
      var section = toggle.closest(".checklist-element");
      var folded = section.classList.toggle("folded");
      toggle.setAttribute("aria-expanded", folded ? "false" : "true");
      var later = section.querySelector("[data-later-rows]");
      if (!folded && later) load(later);
    }
  });

  // A link to a row of a later element (the totals' suggestions), or a page opened at
  // one: the later elements load, then the row shows.
  function showRow(hash) {
    loadAll().then(function () {
      var row = document.querySelector(hash);
      if (row) show(row);
    });
  }

  document.addEventListener("click", function (evt) {
    var link = evt.target.closest && evt.target.closest('a[href^="#row-"]');
    if (!link || document.querySelector(link.getAttribute("href"))) return;
    evt.preventDefault();
    showRow(link.getAttribute("href"));
  });

  document.addEventListener("DOMContentLoaded", function () {  // htmx is there by then
    var hash = window.location.hash;
    if (/^#row-\d+$/.test(hash) && !document.querySelector(hash) && laterBodies().length) {
      showRow(hash);
    }
  });

  // "Only unanswered" hides the answered criteria (until switched off).
  var only = document.getElementById("only-unanswered");
  if (only) {
    only.addEventListener("change", function () {
      document.body.classList.toggle("only-unanswered", only.checked);
    });
  }

  // The contents close once an element is chosen.
  document.addEventListener("click", function (evt) {
    var link = evt.target.closest && evt.target.closest("[data-testid=toc-link]");
    if (!link) return;
    var details = link.closest("details");
    if (details) details.open = false;
    var section = document.querySelector(link.getAttribute("href"));
    if (section) section.classList.remove("folded");
  });

  // Submitting with unanswered criteria says how many and shows the first,
  // before any question; otherwise the form asks before it goes.
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (form.classList && form.classList.contains("submit-checked")) {
      var bar = document.getElementById("scorebar");
      var count = bar ? parseInt(bar.getAttribute("data-unanswered") || "0", 10) : 0;
      var rows = unanswered();
      if (count > 0 || rows.length) {
        evt.preventDefault();
        var message = document.querySelector("[data-testid=submit-refused]");
        var template = (count || rows.length) === 1 ? message.getAttribute("data-one") : message.getAttribute("data-many");
        message.textContent = template.replace("%(n)s", String(count || rows.length));
        message.hidden = false;
        if (rows.length) show(rows[0]);
        return;
      }
    }
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) evt.preventDefault();
  });
})();
