/* The on-site review's scoring checklist (templates/certification/onsite/review.html).
   Each answer saves on change without reloading the page: the row's form is
   posted with fetch and the server answers in JSON (certification/views_onsite.py):
   200 saved (the new revision and the live totals), 409 someone else saved
   first (their version, shown in the form) or the review is closed, 422 bad
   input (the message next to its field). Without JavaScript the same forms
   post and come back. Patterns of js/assessment.js. */
(function () {
  "use strict";

  var labelsNode = document.getElementById("onsite-labels");
  var labels = labelsNode ? JSON.parse(labelsNode.textContent) : {};
  var rowsBox = document.getElementById("review-rows");
  var totalsBox = document.getElementById("review-totals");
  var queues = {};  // row id -> {busy, again}: one save per row at a time, the last wins

  function clearErrors(form) {
    form.querySelectorAll(".invalid-feedback, [data-testid=row-error]").forEach(function (el) {
      el.remove();
    });
    form.querySelectorAll(".is-invalid").forEach(function (el) {
      el.classList.remove("is-invalid");
    });
  }

  function setStatus(form, html, cls) {
    var box = form.querySelector(".row-status");
    box.className = "row-status small mt-1 " + (cls || "");
    box.textContent = "";
    if (html instanceof Node) box.appendChild(html); else box.textContent = html;
  }

  function alertBox(message, kind) {
    var div = document.createElement("div");
    div.className = "alert alert-" + kind + " py-1 px-2 mb-0";
    div.setAttribute("role", "alert");
    div.setAttribute("data-testid", "row-error");
    div.textContent = message;
    return div;
  }

  function showField(form, field, message) {
    var input = form.elements[field];
    if (!input || input.length) {  // the radio group, or an unknown field
      setStatus(form, alertBox(message, "danger"));
      return;
    }
    input.classList.add("is-invalid");
    var feedback = document.createElement("div");
    feedback.className = "invalid-feedback d-block";
    feedback.setAttribute("data-testid", "row-error");
    feedback.textContent = message;
    input.insertAdjacentElement("afterend", feedback);
    var details = input.closest("details");
    if (details) details.open = true;
    setStatus(form, labels.not_saved || "", "text-danger");
  }

  // Someone else saved first: show their version in the form, with the new
  // revision, so the next change starts from it.
  function applyRow(form, row) {
    form.elements.revision.value = row.revision;
    form.querySelectorAll("input[name=result]").forEach(function (radio) {
      radio.checked = radio.value === row.result;
    });
    if (form.elements.deduction) form.elements.deduction.value = row.deduction;
    if (form.elements.occurrences) form.elements.occurrences.value = row.occurrences || "";
    if (form.elements.extra_condition) form.elements.extra_condition.checked = !!row.extra_condition;
    toggleFinding(form, row.result);
    form.elements.na_reason.value = row.na_reason;
    form.elements.notes.value = row.notes;
    var partial = form.querySelector(".partial-only");
    if (partial) partial.classList.toggle("show", row.result === "partial");
    form.querySelector(".na-only").classList.toggle("show", row.result === "na");
  }

  // "追加扣除情形成立" is a finding against the criterion: offered with a
  // partly compliant or not compliant answer only.
  function toggleFinding(form, result) {
    var box = form.querySelector(".finding-only");
    if (box) box.classList.toggle("d-none", result !== "partial" && result !== "non_compliant");
  }

  function updateTotals(totals) {
    if (!totals || !totalsBox) return;
    Object.keys(totals).forEach(function (key) {
      document.querySelectorAll("[data-bar=" + key + "]").forEach(function (el) {
        el.textContent = totals[key];
      });
      var el = totalsBox.querySelector("[data-total=" + key + "]");
      if (!el) return;
      el.textContent = totals[key];
      if (key === "failed_vetoes") el.parentElement.hidden = !totals[key];
    });
  }

  // The rows in the page, and the counts of the later elements not loaded yet.
  function countDiffers() {
    var el = totalsBox && totalsBox.querySelector("[data-total=differs]");
    if (!el) return;
    var count = rowsBox.querySelectorAll(".review-row[data-differs='1']").length;
    laterBodies().forEach(function (body) {
      count += parseInt(body.getAttribute("data-differs") || "0", 10);
    });
    el.textContent = count;
  }

  // --- later elements: their rows load as the reviewer reaches them ---------------

  var loads = {};  // url -> the promise of its rows

  function laterBodies() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-later-rows]"));
  }

  function load(body) {
    var url = body.getAttribute("data-later-rows");
    if (!loads[url]) {
      loads[url] = fetch(url, {
        credentials: "same-origin", headers: {"X-Requested-With": "fetch"}
      }).then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      }).then(function (html) {
        if (!document.body.contains(body)) return;
        if (observer) observer.unobserve(body);
        var box = document.createElement("div");
        box.innerHTML = html;
        body.replaceWith(box.firstElementChild);
      }).catch(function () {
        delete loads[url];  // reaching it again, or its link, tries again
        var line = body.querySelector("p");
        if (line) line.textContent = labels.load_failed || "";
      });
    }
    return loads[url];
  }

  var observer = null;
  if ("IntersectionObserver" in window) {
    observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) { if (entry.isIntersecting) load(entry.target); });
    }, {rootMargin: "800px 0px"});
    laterBodies().forEach(function (body) { observer.observe(body); });
  } else {
    laterBodies().forEach(load);
  }

  // The later elements up to this one (those above it first: growing afterwards,
  // they would push it out of view).
  function loadUpTo(target) {
    return Promise.all(laterBodies().filter(function (body) {
      return body === target || (body.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING);
    }).map(load));
  }

  document.addEventListener("click", function (evt) {
    var link = evt.target.closest && evt.target.closest(".later-link");
    if (!link) return;
    evt.preventDefault();
    load(link.closest("[data-later-rows]"));
  });

  function save(form) {
    var id = form.id;
    var queue = queues[id] || (queues[id] = {busy: false, again: false});
    if (queue.busy) { queue.again = true; return; }
    queue.busy = true;
    clearErrors(form);
    form.classList.add("saving");
    setStatus(form, labels.saving || "", "text-muted");
    fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: {"Accept": "application/json", "X-Requested-With": "fetch"}
    }).then(function (response) {
      return response.json().then(function (body) { return {status: response.status, body: body}; });
    }).then(function (answer) {
      var body = answer.body;
      if (answer.status === 200) {
        form.elements.revision.value = body.row.revision;
        setStatus(form, "✓ " + (labels.saved || ""), "text-success");
        form.closest(".review-row").setAttribute("data-differs", body.differs ? "1" : "0");
        markConfirmed(form.closest(".review-row"));
        updateTotals(body.totals);
        countDiffers();
      } else if (body.conflict) {
        applyRow(form, body.row);
        queue.again = false;  // the user decides again, from their version
        setStatus(form, alertBox(body.error, "warning"));
      } else if (answer.status === 422) {
        showField(form, body.field, body.error);
      } else {
        setStatus(form, alertBox(body.error || labels.failed, "danger"));
      }
    }).catch(function () {
      setStatus(form, alertBox(labels.failed || "", "danger"));
    }).then(function () {
      form.classList.remove("saving");
      queue.busy = false;
      if (queue.again) { queue.again = false; save(form); }
    });
  }

  function waitsForMore(form, target) {
    // "Partly compliant" waits for the deduction, "not applicable" for the reason.
    if (!target || target.name !== "result") return false;
    var checked = form.querySelector("input[name=result]:checked");
    if (!checked) return false;
    var field = null;
    if (checked.value === "partial") {
      field = form.elements.deduction;
      // Counted occurrences stand in for a typed deduction.
      if (form.elements.occurrences && form.elements.occurrences.value.trim()) field = null;
    }
    if (checked.value === "na") field = form.elements.na_reason;
    if (field && !field.value.trim()) { field.focus(); return true; }
    return false;
  }

  // Saved or confirmed: the row counts as checked on site; its element's count follows.
  function markConfirmed(article) {
    if (!article) return;
    article.setAttribute("data-confirmed", "1");
    var section = article.closest(".checklist-element");
    if (!section) return;
    var done = section.querySelectorAll(".review-row[data-confirmed='1']").length;
    var all = section.querySelectorAll(".review-row").length;
    var link = document.querySelector("[data-testid=toc-link][data-code='" + section.dataset.code + "'] [data-toc-count]");
    if (link) link.textContent = done + "/" + all;
  }

  // "Confirm as it stands": posted without leaving the page.
  function confirmRow(form) {
    var article = form.closest(".review-row");
    fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: {"Accept": "application/json", "X-Requested-With": "fetch"}
    }).then(function (response) {
      return response.json().then(function (body) { return {status: response.status, body: body}; });
    }).then(function (answer) {
      var answerForm = article.querySelector("form.review-answer");
      if (answer.status === 200) {
        markConfirmed(article);
        updateTotals(answer.body.totals);
        if (answerForm) setStatus(answerForm, "✓ " + (labels.confirmed || ""), "text-success");
      } else if (answerForm) {
        setStatus(answerForm, alertBox(answer.body.error || labels.failed, "danger"));
      }
    }).catch(function () {
      var answerForm = article.querySelector("form.review-answer");
      if (answerForm) setStatus(answerForm, alertBox(labels.failed || "", "danger"));
    });
  }

  // Not compliant: offer the finding for the row, a deduction unless changed.
  function offerFinding(form, result) {
    var details = form.closest(".review-row").querySelector(".row-finding");
    if (!details) return;
    var prompt = details.querySelector(".finding-prompt");
    if (result === "non_compliant") {
      details.open = true;
      if (prompt) prompt.hidden = false;
    } else if (prompt) {
      prompt.hidden = true;
    }
  }

  if (rowsBox) {
    rowsBox.addEventListener("change", function (evt) {
      var form = evt.target.closest && evt.target.closest("form.review-answer");
      if (!form) return;
      if (evt.target.name === "result") {
        toggleFinding(form, evt.target.value);
        offerFinding(form, evt.target.value);
      }
      if (waitsForMore(form, evt.target)) return;
      save(form);
    });
    // A typed deduction and counted occurrences exclude each other.
    rowsBox.addEventListener("input", function (evt) {
      var input = evt.target;
      if (!input.form || !input.value.trim()) return;
      var other = null;
      if (input.name === "deduction") other = input.form.elements.occurrences;
      if (input.name === "occurrences") other = input.form.elements.deduction;
      if (other) other.value = "";
    });
    rowsBox.addEventListener("submit", function (evt) {
      var confirmForm = evt.target.closest && evt.target.closest("form.confirm-form");
      if (confirmForm) {
        evt.preventDefault();
        confirmRow(confirmForm);
        return;
      }
      var form = evt.target.closest && evt.target.closest("form.review-answer");
      if (!form) return;
      evt.preventDefault();
      save(form);
    });
  }

  function reveal(target) {
    var section = target.closest(".checklist-element");
    if (section) section.classList.remove("folded");
    target.scrollIntoView({block: "start"});
    var first = target.querySelector("input, button, select, textarea");
    if (first) first.focus({preventScroll: true});
  }

  // What is still to check, in the page's order: rows, and later elements with rows
  // not checked (the page says how many each has).
  function unconfirmed() {
    return Array.prototype.slice.call(
      document.querySelectorAll(".review-row[data-confirmed='0'], [data-later-rows]")
    ).filter(function (el) {
      return !el.hasAttribute("data-later-rows") ||
        parseInt(el.getAttribute("data-unconfirmed") || "0", 10) > 0;
    });
  }

  // The next row still to check on site, after the one in view.
  document.querySelectorAll("[data-action=next-unconfirmed]").forEach(function (button) {
    button.addEventListener("click", function () {
      var rows = unconfirmed();
      if (!rows.length) return;
      var below = rows.filter(function (row) { return row.getBoundingClientRect().top > 90; });
      var target = below[0] || rows[0];
      if (!target.hasAttribute("data-later-rows")) { reveal(target); return; }
      var section = target.closest(".checklist-element");
      loadUpTo(target).then(function () {
        var row = section.querySelector(".review-row[data-confirmed='0']");
        if (row) reveal(row);
      });
    });
  });

  // A page opened at a row of a later element (a finding's link back to its row):
  // the later elements load, then the row shows.
  var hash = window.location.hash;
  if (/^#row-\d+$/.test(hash) && !document.querySelector(hash) && laterBodies().length) {
    Promise.all(laterBodies().map(load)).then(function () {
      var row = document.querySelector(hash);
      if (row) reveal(row);
    });
  }

  // Elements fold and unfold from their heading.
  document.addEventListener("click", function (evt) {
    var toggle = evt.target.closest && evt.target.closest(".element-toggle");
    if (!toggle) return;
    var section = toggle.closest(".checklist-element");
    var folded = section.classList.toggle("folded");
    toggle.setAttribute("aria-expanded", folded ? "false" : "true");
  });

  // Only the rows whose answer differs from the self-assessment.
  var toggle = document.getElementById("only-differs");
  if (toggle && rowsBox) {
    var apply = function () { rowsBox.classList.toggle("review-rows-differs", toggle.checked); };
    toggle.addEventListener("change", function () {
      if (new URLSearchParams(window.location.search).get("show") === "differs") {
        window.location.search = "";  // the server filtered; show every row again
        return;
      }
      apply();
    });
    apply();
  }

  // Forms that ask before they go (sign, delete).
  document.addEventListener("submit", function (evt) {
    var question = evt.target.getAttribute && evt.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) evt.preventDefault();
  });
})();
