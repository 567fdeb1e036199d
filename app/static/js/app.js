// Paraat's only script: small behaviour htmx leaves to us. Everything works without it.
(function () {
  "use strict";

  // After a swap, move focus to the new content so keyboard and screen-reader users follow it:
  // an element marked data-autofocus (error summary, feedback) wins, else the swap target.
  // Focus an element, made focusable by script when it is not by nature (a message, a heading).
  function takeFocus(element, preventScroll) {
    if (!element.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(element.tagName)) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus({ preventScroll: preventScroll });
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (!target || !document.body.contains(target)) { target = document.getElementById("main"); }
    var focus = target.querySelector("[data-autofocus]") || (target.matches("[data-autofocus]") ? target : null);
    if (!focus) {
      focus = target.querySelector("h1, h2, h3") || target;
    }
    takeFocus(focus, false);
    var message = target.querySelector("[data-status]");
    if (message) { document.getElementById("status").textContent = message.getAttribute("data-status") || message.textContent; }
  });

  // A page opened after a save (a redirect, htmx's HX-Redirect too) or a refusal: focus its message, so
  // a screen reader reads it and the keyboard goes on from there, as after a swap. Only messages: any
  // other page keeps its normal start (the skip link first). A page opened at an #anchor (the saved
  // section) focuses once the browser has scrolled there, which would otherwise take the focus back.
  var pageMessage = document.querySelector("main .error-summary, main .flashes, main .flash[data-autofocus]");
  if (pageMessage && window.location.hash) {
    window.addEventListener("load", function () { setTimeout(function () { takeFocus(pageMessage, true); }, 0); });
  } else if (pageMessage) {
    takeFocus(pageMessage, false);
  }

  // A server error during an htmx request: tell the user instead of silently doing nothing.
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status === 422) { return; } // validation errors are swapped in as the form fragment
    var status = document.getElementById("status");
    status.textContent = xhr.status === 429 ? "Te veel pogingen. Wacht even en probeer het opnieuw."
      : "Dat lukte niet (fout " + xhr.status + "). Probeer het opnieuw.";
  });
  document.addEventListener("htmx:sendError", function () {
    document.getElementById("status").textContent = "Geen verbinding. Probeer het opnieuw zodra je weer online bent.";
  });

  // Let htmx swap 422 (form errors) responses into the form, like a normal 200.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 422) { event.detail.shouldSwap = true; event.detail.isError = false; }
  });

  // A link in an error summary: focus its field with the field's label and message in view (a plain
  // #link puts the input at the top edge, its label and message out of sight). A radio group's link
  // names its fieldset: focus the chosen option, else the first.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    var target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!target) { return; }
    event.preventDefault();
    var input = target.matches("fieldset")
      ? target.querySelector("input:checked") || target.querySelector("input, select, textarea") : target;
    (target.closest(".field") || target).scrollIntoView({ block: "start" });
    if (input) { input.focus({ preventScroll: true }); }
  });

  // Elements that ask for confirmation declare it in data-confirm (no inline handlers under CSP).
  // Listening in the capture phase on the document runs before htmx's own submit listener on the
  // form, so "Annuleren" stops the event there: neither the browser nor htmx sends anything.
  // "OK" fills the form's confirmed field, so the server skips its no-JavaScript confirm step.
  document.addEventListener("submit", function (event) {
    var form = event.target, message = form.getAttribute && form.getAttribute("data-confirm");
    if (!message) { return; }
    if (!window.confirm(message)) {
      event.preventDefault();
      event.stopPropagation();
      return;
    }
    var field = form.querySelector("[data-confirmed]");
    if (field) { field.value = "1"; }
  }, true);

  // Copy buttons (hidden without JavaScript): data-copy names the id of the field to copy.
  document.querySelectorAll("[data-copy]").forEach(function (button) { button.hidden = false; });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) { return; }
    var field = document.getElementById(button.getAttribute("data-copy"));
    var done = function () { document.getElementById("status").textContent = "Link gekopieerd."; button.textContent = "Gekopieerd"; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
    } else {
      field.select();
      if (document.execCommand("copy")) { done(); }
    }
  });

  // Character counters for limited texts (textarea with maxlength up to 1000): "Nog 120 van 500 tekens".
  // The count is visible at once; screen readers hear it politely once typing pauses.
  var counters = function (root) {
    root.querySelectorAll("textarea[maxlength]").forEach(function (field) {
      var max = parseInt(field.getAttribute("maxlength"), 10);
      if (!field.id || max > 1000 || document.getElementById(field.id + "-count")) { return; }
      var note = document.createElement("p");
      note.className = "hint char-count";
      note.id = field.id + "-count";
      var live = document.createElement("span");
      live.className = "visually-hidden";
      live.setAttribute("aria-live", "polite");
      var text = function () { return "Nog " + (max - field.value.length) + " van " + max + " tekens"; };
      note.textContent = text();
      field.insertAdjacentElement("afterend", note);
      note.insertAdjacentElement("afterend", live);
      var timer = null;
      field.addEventListener("input", function () {
        note.textContent = text();
        clearTimeout(timer);
        timer = setTimeout(function () { live.textContent = text(); }, 1000);
      });
    });
  };
  counters(document);
  document.addEventListener("htmx:afterSettle", function (event) { counters(event.detail.target || document); });

  // Unsaved text: forms marked data-keep-text warn before the page is left with typed, unsaved text
  // (a textarea or text field whose value differs from what the server rendered).
  var leaving = null; // the form whose plain (non-htmx) submit is taking the person to the next page
  document.addEventListener("submit", function (event) { if (!event.defaultPrevented) { leaving = event.target; } });
  window.addEventListener("beforeunload", function (event) {
    var fields = document.querySelectorAll("form[data-keep-text] textarea, form[data-keep-text] input[type=text]");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].value !== fields[i].defaultValue && !(leaving && leaving.contains(fields[i]))) {
        event.preventDefault();
        event.returnValue = "";
        return;
      }
    }
  });
  // Quizzes: note when a learner changes an answer before submitting (a hesitant right answer is
  // scheduled for an earlier review). Without JavaScript only the time taken counts.
  document.addEventListener("change", function (event) {
    var input = event.target, form = input.form;
    if (!form || !form.hasAttribute("data-track-changes")) { return; }
    var changed = form.querySelector("input[name=changed]");
    if (!changed) { return; }
    if (input.type === "radio") {
      if (form.getAttribute("data-picked") === "1") { changed.value = "1"; }
      form.setAttribute("data-picked", "1");
    } else if (input.type === "checkbox") {
      if (!input.checked) { changed.value = "1"; }
    } else {
      if (input.getAttribute("data-had-value") === "1") { changed.value = "1"; }
      if (input.value !== "") { input.setAttribute("data-had-value", "1"); }
    }
  });

  // Stacked-card tables (display: block below 48rem): some screen readers stop announcing a table
  // whose display changed, so state the table roles explicitly (Adrian Roselli's "AddTableARIA").
  var tableRoles = function (root) {
    root.querySelectorAll("table.stack-cards").forEach(function (table) {
      table.setAttribute("role", "table");
      table.querySelectorAll(":scope > thead, :scope > tbody").forEach(function (g) { g.setAttribute("role", "rowgroup"); });
      table.querySelectorAll(":scope > thead > tr, :scope > tbody > tr").forEach(function (r) { r.setAttribute("role", "row"); });
      table.querySelectorAll(":scope > thead > tr > th").forEach(function (c) { c.setAttribute("role", "columnheader"); });
      table.querySelectorAll(":scope > tbody > tr > th").forEach(function (c) { c.setAttribute("role", "rowheader"); });
      table.querySelectorAll(":scope > tbody > tr > td").forEach(function (c) { c.setAttribute("role", "cell"); });
    });
  };
  tableRoles(document);
  document.addEventListener("htmx:afterSettle", function () { tableRoles(document); });

  // Order questions: with JavaScript the ↑/↓ buttons move the step on the page itself (no round trip,
  // so it also works offline, where a move posted to the server would be queued as the answer).
  // Without JavaScript each button is a form post that answers the reordered question.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".quiz-order button[name=move]");
    if (!button) { return; }
    event.preventDefault();
    event.stopPropagation();
    var item = button.closest("li"), list = item.parentNode, up = button.value.indexOf("up-") === 0;
    var sibling = up ? item.previousElementSibling : item.nextElementSibling;
    if (!sibling) { return; }
    list.insertBefore(item, up ? sibling : sibling.nextElementSibling);
    var items = Array.prototype.slice.call(list.children), order = [];
    items.forEach(function (li, i) {
      order.push(li.id.replace("order-", ""));
      li.querySelector(".quiz-order-place").textContent = (i + 1) + ".";
      li.querySelector("button[value^='up-']").disabled = i === 0;
      li.querySelector("button[value^='down-']").disabled = i === items.length - 1;
    });
    list.closest("form").querySelector("input[name=order]").value = order.join(",");
    var focus = button.disabled ? item.querySelector("button:not([disabled])") : button;
    if (focus) { focus.focus(); }
    document.getElementById("status").textContent = item.querySelector(".quiz-order-text").textContent +
      ": nu op plaats " + (items.indexOf(item) + 1) + " van " + items.length + ".";
  }, true);

  // Offline reading (PWA): the service worker keeps the app shell, and the pages the start page
  // names (this week's module, due review questions); answers given offline are sent once online.
  if ("serviceWorker" in navigator && window.isSecureContext) {
    var tellWorker = function (message) {
      navigator.serviceWorker.ready.then(function (registration) {
        if (registration.active) { registration.active.postMessage(message); }
      });
    };
    navigator.serviceWorker.onmessage = function (event) {
      var data = event.data || {};
      if (data.type === "precached") { document.documentElement.setAttribute("data-offline-ready", String(data.count)); }
      if (data.type === "replayed") {
        document.getElementById("status").textContent = data.count === 1
          ? "Je offline gegeven antwoord is verstuurd." : data.count + " offline gegeven antwoorden zijn verstuurd.";
      }
    };
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      var holder = document.querySelector("[data-offline-urls]");
      if (holder) { tellWorker({ type: "precache", urls: holder.getAttribute("data-offline-urls").split(" ") }); }
      if (navigator.onLine) { tellWorker({ type: "replay" }); }
    }).catch(function () { /* no offline reading; everything else works */ });
    window.addEventListener("online", function () { tellWorker({ type: "replay" }); });
    if (/[?&]bewaard=1/.test(window.location.search)) {
      var queued = document.querySelector("[data-offline-queued]");
      if (queued) { queued.hidden = false; }
    }
  }
})();
