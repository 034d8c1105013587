// A second tap on a form that is already being sent does nothing. (The server also makes a
// repeated submission create one record; this only spares the patient a confusing page.)
(function () {
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      // offline.js may have kept the cramp on the phone instead of sending it.
      if (event.defaultPrevented) return;
      if (form.dataset.sending) {
        event.preventDefault(); // a second tap (or Enter) while the first is on its way
        return;
      }
      form.dataset.sending = "1";
      // After the browser has taken the clicked button's value.
      setTimeout(function () {
        submitButtons(form).forEach(function (b) { b.disabled = true; });
      }, 0);
      setTimeout(function () {
        delete form.dataset.sending;
        submitButtons(form).forEach(function (b) { b.disabled = false; });
      }, 8000);
    });
  });

  // form.elements, not the form's children: a button outside it (form="...") sends it too,
  // as the cramp page's "Done" does.
  function submitButtons(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.tagName === "BUTTON" && el.type === "submit";
    });
  }
})();

// Drafts: what was typed into a form marked data-draft stays on the phone until the server has
// confirmed it, so a connection that drops mid-send loses nothing. The draft is restored when
// the page is opened again, unless the server sent the form back with errors (then the
// server's copy is the right one). It is cleared once a page after the submission shows the
// form gone or a success message, and on log-out.
(function () {
  var PREFIX = "stimdiary:draft:";
  var SENT = "stimdiary:sent:";
  var MAX_AGE_MS = 12 * 60 * 60 * 1000;
  var store;
  try {
    store = window.localStorage;
    store.setItem(PREFIX + "probe", "1");
    store.removeItem(PREFIX + "probe");
  } catch (e) {
    return; // Private mode or storage switched off: forms work as plain forms.
  }
  var user = document.body.dataset.user || "anon";

  function keyOf(form) {
    // The query too: a draft of a cramp for one night is never restored into another's form.
    return PREFIX + user + ":" + form.dataset.draft + ":" + location.pathname + location.search;
  }

  function read(key) {
    try {
      var draft = JSON.parse(store.getItem(key) || "null");
      if (draft && Date.now() - draft.saved < MAX_AGE_MS) return draft;
    } catch (e) { /* a damaged draft is dropped below */ }
    store.removeItem(key);
    return null;
  }

  function snapshot(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit") return;
      if (el.type === "button" || el.type === "file" || el.disabled) return;
      if (el.type === "radio" || el.type === "checkbox") {
        values[el.name] = values[el.name] || [];
        if (el.checked) values[el.name].push(el.value);
      } else {
        values[el.name] = [el.value];
      }
    });
    return values;
  }

  function save(form) {
    try {
      store.setItem(keyOf(form), JSON.stringify({ saved: Date.now(), values: snapshot(form) }));
    } catch (e) { /* storage full: nothing more to do */ }
  }

  function restore(form, draft) {
    var changed = false;
    Array.prototype.forEach.call(form.elements, function (el) {
      var values = draft.values[el.name];
      if (!values || !el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit") return;
      if (el.type === "radio" || el.type === "checkbox") {
        var checked = values.indexOf(el.value) !== -1;
        if (el.checked !== checked) { el.checked = checked; changed = true; }
      } else if (el.value !== values[0]) {
        el.value = values[0];
        changed = true;
        // Show a restored value that would otherwise sit in a closed section.
        var details = el.closest("details");
        if (details && el.type !== "hidden") details.open = true;
      }
    });
    return changed;
  }

  function hasServerErrors(form) {
    return !!form.querySelector(".is-invalid, .invalid-feedback, .errorlist, .alert-danger");
  }

  var forms = document.querySelectorAll("form[data-draft]");
  var onPage = {};
  forms.forEach(function (form) { onPage[keyOf(form)] = form; });

  // A submission is confirmed when the next page no longer shows its form, or shows success.
  var succeeded = !!document.querySelector("main .alert-success");
  try {
    Object.keys(window.sessionStorage).forEach(function (marker) {
      if (marker.indexOf(SENT) !== 0) return;
      var key = marker.slice(SENT.length);
      var form = onPage[key];
      if (!form || succeeded) {
        store.removeItem(key);
        window.sessionStorage.removeItem(marker);
      } else if (hasServerErrors(form)) {
        window.sessionStorage.removeItem(marker);
      }
    });
  } catch (e) { /* sessionStorage unavailable */ }

  forms.forEach(function (form) {
    var key = keyOf(form);
    var draft = read(key);
    if (draft && !hasServerErrors(form) && restore(form, draft)) {
      var note = document.createElement("p");
      note.className = "alert alert-info py-2";
      note.setAttribute("role", "status");
      note.textContent = (window.gettext || String)("We kept what you typed last time. Check it and send it again.");
      form.insertBefore(note, form.firstChild);
    }
    form.addEventListener("input", function () { save(form); });
    form.addEventListener("change", function () { save(form); });
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) return;
      save(form);
      try { window.sessionStorage.setItem(SENT + key, "1"); } catch (e) { /* ignore */ }
    });
  });

  // Diary entries do not stay behind on a shared phone after log-out.
  document.querySelectorAll('form[action$="/accounts/logout/"]').forEach(function (form) {
    form.addEventListener("submit", function () {
      Object.keys(store).forEach(function (key) {
        if (key.indexOf(PREFIX) === 0) store.removeItem(key);
      });
    });
  });
})();
