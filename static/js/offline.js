// Bad signal in the bedroom. A cramp, or "No cramps last night", logged with no connection is
// kept on the phone in IndexedDB (it survives the app being closed) and sent when the
// connection returns. Each entry carries its client_token, and the server saves a repeated
// token once, so sending again after a half-finished attempt is safe. An entry the server
// refuses is shown with the server's reason, to fix or to discard. The service worker
// (/sw.js) keeps the diary's pages so they open with no connection at all.
(function () {
  var SHELL_CACHE = "stimdiary-shell";
  var user = document.body.dataset.user;

  function forgetShell() {
    if (window.caches) caches.delete(SHELL_CACHE).catch(function () {});
  }

  if (!user) {
    forgetShell(); // a logged-out page: the next person on this phone sees no one's diary
    return;
  }

  // The diary's own pages register the service worker; a clinician's pages never do.
  if ("serviceWorker" in navigator && location.pathname.indexOf("/diary/") === 0) {
    navigator.serviceWorker.register("/sw.js").catch(function () {});
  }
  document.addEventListener("submit", function (event) {
    if (event.target.matches && event.target.matches("form[action$='/accounts/logout/']")) {
      forgetShell();
    }
  }, true);

  if (!window.indexedDB) return; // forms work as plain forms

  // --- The outbox: one IndexedDB store, entries keyed by their client_token ---------------
  var DB_NAME = "stimdiary";
  var STORE = "outbox";
  var opened = null;

  function db() {
    if (!opened) {
      opened = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          request.result.createObjectStore(STORE, { keyPath: "token" });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return opened;
  }

  function withStore(mode, work) {
    return db().then(function (database) {
      return new Promise(function (resolve, reject) {
        var tx = database.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function entries() {
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (all) {
      return (all || []).filter(function (e) { return e.user === user; })
        .sort(function (a, b) { return a.queuedAt - b.queuedAt; });
    });
  }

  function put(entry) {
    return withStore("readwrite", function (store) { store.put(entry); });
  }

  function remove(token) {
    return withStore("readwrite", function (store) { store.delete(token); });
  }

  // What an earlier version kept in localStorage moves into IndexedDB once.
  function migrateLocalStorage() {
    var key = "stimdiary:outbox:" + user;
    var old;
    try { old = JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { old = []; }
    if (!old.length) return Promise.resolve();
    return Promise.all(old.map(function (item, i) {
      return put({
        token: item.fields.client_token || newToken(), user: user, kind: "cramp",
        url: item.url, fields: item.fields, state: "waiting", queuedAt: Date.now() + i,
      });
    })).then(function () { localStorage.removeItem(key); });
  }

  function newToken() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); });
    return [h.slice(0, 4), h.slice(4, 6), h.slice(6, 8), h.slice(8, 10), h.slice(10)]
      .map(function (part) { return part.join(""); }).join("-");
  }

  // The wall-clock time now in the patient's own zone, as the form's datetime-local field reads it.
  function nowIn(zone) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: zone || undefined, hourCycle: "h23",
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
    }).formatToParts(new Date()).forEach(function (p) { parts[p.type] = p.value; });
    return parts.year + "-" + parts.month + "-" + parts.day + "T" + parts.hour + ":" + parts.minute;
  }

  // Words come from Django's JavaScript catalogue (base.html loads it before this file);
  // with no catalogue (offline, and it was never cached) the English is shown.
  var gettext = window.gettext || function (msgid) { return msgid; };
  var ngettext = window.ngettext || function (one, many, n) { return n === 1 ? one : many; };
  function say(format, values) {
    return format.replace(/%\((\w+)\)s/g, function (whole, name) { return String(values[name]); });
  }
  function both(first, second) {
    return say(gettext("%(first)s and %(second)s"), {first: first, second: second});
  }
  function list(items) {
    return items.reduce(function (sentence, item) { return sentence ? both(sentence, item) : item; }, "");
  }
  function capitalised(sentence) {
    return sentence.charAt(0).toUpperCase() + sentence.slice(1);
  }

  function describe(entry) {
    if (entry.kind === "no-cramps") {
      return say(gettext("No cramps on the night of %(date)s"), {date: entry.fields.date});
    }
    if (entry.kind === "episode") return gettext("The details of a cramp");
    var parts = (entry.fields.started_at || "").split("T");
    var when = parts[0] ? say(gettext("%(date)s at %(time)s"), {date: parts[0], time: parts[1] || ""}) : "";
    var severity = entry.fields.severity;
    if (severity && when) return say(gettext("A cramp (%(severity)s of 10) on %(when)s"), {severity: severity, when: when});
    if (severity) return say(gettext("A cramp (%(severity)s of 10)"), {severity: severity});
    if (when) return say(gettext("A cramp on %(when)s"), {when: when});
    return gettext("A cramp");
  }

  function cramps(n) { return say(ngettext("%(n)s cramp", "%(n)s cramps", n), {n: n}); }
  function detailsOf(n) {
    return say(ngettext("the details of %(n)s cramp", "the details of %(n)s cramps", n), {n: n});
  }
  function crampFreeNights(n) {
    return say(ngettext("%(n)s cramp-free night", "%(n)s cramp-free nights", n), {n: n});
  }

  // --- What the patient sees: one notice at the top of the page ---------------------------
  function notice(build, kind) {
    var el = document.getElementById("outbox-notice");
    if (!build) {
      if (el) el.remove();
      return;
    }
    if (!el) {
      el = document.createElement("div");
      el.id = "outbox-notice";
      el.setAttribute("role", "status");
      el.setAttribute("aria-live", "polite");
      var main = document.getElementById("main");
      main.insertBefore(el, main.firstChild);
    }
    el.className = "pending-banner alert mb-3 alert-" + kind;
    el.textContent = "";
    build(el);
  }

  function text(parent, tag, words) {
    var node = document.createElement(tag);
    node.textContent = words;
    parent.appendChild(node);
    return node;
  }

  function show(sentNow) {
    return entries().then(function (all) {
      var waiting = all.filter(function (e) { return e.state === "waiting"; });
      var refused = all.filter(function (e) { return e.state === "refused"; });
      if (!waiting.length && !refused.length) {
        var total = sentNow ? sentNow.cramp + sentNow.night + sentNow.details : 0;
        if (total) {
          var what = [];
          if (sentNow.cramp) what.push(cramps(sentNow.cramp));
          if (sentNow.details) what.push(detailsOf(sentNow.details));
          if (sentNow.night) what.push(crampFreeNights(sentNow.night));
          var one = total === 1 && !sentNow.details;
          notice(function (el) {
            el.textContent = say(one ? gettext("Sent: %(what)s from this phone is now in your diary.")
              : gettext("Sent: %(what)s from this phone are now in your diary."), {what: list(what)});
          }, "success");
        } else if (sentNow === null) {
          notice(null); // the last refused entry was discarded
        }
        return;
      }
      notice(function (el) {
        if (waiting.length) {
          var crampCount = waiting.filter(function (e) { return e.kind === "cramp"; }).length;
          var details = waiting.filter(function (e) { return e.kind === "episode"; }).length;
          var others = waiting.length - crampCount - details;
          var what = [];
          if (crampCount) what.push(cramps(crampCount));
          if (details) what.push(detailsOf(details));
          if (others) what.push(crampFreeNights(others));
          var one = waiting.length === 1 && !details;
          text(el, "p", capitalised(say(one
            ? gettext("%(what)s is waiting to send. It is saved on this phone and will be sent when you are back online.")
            : gettext("%(what)s are waiting to send. They are saved on this phone and will be sent when you are back online."),
            {what: list(what)}))).className = "mb-1";
        }
        refused.forEach(function (entry) {
          var box = document.createElement("div");
          box.className = "border-top pt-2 mt-2 refused-entry";
          text(box, "p", say(entry.kind === "episode" ? gettext("%(what)s were not saved: %(reason)s")
            : gettext("%(what)s was not saved: %(reason)s"), {what: describe(entry), reason: entry.reason})).className = "mb-2";
          var fix = text(box, "button", gettext("Fix it"));
          fix.type = "button";
          fix.className = "btn btn-primary btn-tap me-2";
          fix.addEventListener("click", function () { fixEntry(entry); });
          var drop = text(box, "button", gettext("Discard"));
          drop.type = "button";
          drop.className = "btn btn-outline-secondary btn-tap";
          drop.addEventListener("click", function () {
            remove(entry.token).then(function () { return show(null); });
          });
          el.appendChild(box);
        });
      }, refused.length ? "danger" : "warning");
    }).catch(function () {});
  }

  // Fixing opens the form again with what was kept, and takes the entry out of the outbox:
  // the patient saves it anew from the form, where the server's message is shown beside it.
  function fixEntry(entry) {
    remove(entry.token).then(function () {
      if (entry.kind === "episode") {
        sessionStorage.setItem("stimdiary:fix-episode", JSON.stringify(entry.fields));
        location.href = entry.url;
      } else if (entry.kind === "cramp") {
        sessionStorage.setItem("stimdiary:fix", JSON.stringify(entry.fields));
        var night = entry.fields.night ? "?night=" + encodeURIComponent(entry.fields.night) : "";
        location.href = entry.url + night;
      } else {
        location.href = "/diary/night/new/";
      }
    });
  }

  // The details of a cramp the server refused: back into the cramp's own form, as they were.
  function restoreEpisodeFix() {
    var kept;
    try { kept = JSON.parse(sessionStorage.getItem("stimdiary:fix-episode") || "null"); } catch (e) { kept = null; }
    sessionStorage.removeItem("stimdiary:fix-episode");
    var form = document.querySelector("form[data-offline=episode]");
    if (!kept || !form) return;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in kept) || el.type === "submit" || el.name === "csrfmiddlewaretoken") return;
      var values = [].concat(kept[el.name]);
      if (el.type === "radio" || el.type === "checkbox") el.checked = values.indexOf(el.value) !== -1;
      else el.value = values[0];
    });
  }

  function restoreFix() {
    restoreEpisodeFix();
    var kept;
    try { kept = JSON.parse(sessionStorage.getItem("stimdiary:fix") || "null"); } catch (e) { kept = null; }
    sessionStorage.removeItem("stimdiary:fix");
    var form = document.querySelector("form[data-offline=cramp]");
    if (!kept || !form) return;
    var when = form.querySelector("input[type=datetime-local]");
    if (when && kept.started_at) {
      when.value = kept.started_at;
      var details = when.closest("details");
      if (details) details.open = true;
    }
  }

  // --- Sending ------------------------------------------------------------------------------
  // The server's words for a refusal: the messages beside the fields, or the page's alert.
  function reasonFrom(html, status) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var words = [];
    doc.querySelectorAll(".invalid-feedback, .errorlist li, .alert-danger").forEach(function (n) {
      var t = n.textContent.trim();
      if (t && words.indexOf(t) === -1) words.push(t);
    });
    return words.join(" ") || say(gettext("the server answered %(status)s."), {status: status});
  }

  function freshToken() {
    // A page opened from the phone's copy may carry an old token: ask for the current one.
    return fetch("/diary/cramp/", { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.url.indexOf("/accounts/login/") !== -1) throw new Error("logged out");
        return response.text();
      }).then(function (html) {
        var field = new DOMParser().parseFromString(html, "text/html")
          .querySelector("input[name=csrfmiddlewaretoken]");
        if (!field) throw new Error("no token");
        return field.value;
      });
  }

  function sendOne(entry, token) {
    var body = new URLSearchParams();
    Object.keys(entry.fields).forEach(function (name) {
      [].concat(entry.fields[name]).forEach(function (value) { body.append(name, value); });
    });
    body.set("csrfmiddlewaretoken", token);
    return fetch(entry.url, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        if (response.url.indexOf("/accounts/login/") !== -1) throw new Error("logged out");
        if (response.status >= 500) throw new Error("server busy"); // try again later
        return response.text().then(function (html) {
          var refusedPage = new DOMParser().parseFromString(html, "text/html")
            .querySelector(".alert-danger, .invalid-feedback, .errorlist");
          // A saved cramp redirects to its own page; a saved night to the home page.
          var saved = response.ok && response.redirected &&
            response.url.split("?")[0] !== new URL(entry.url, location.href).href.split("?")[0] &&
            !refusedPage;
          if (saved) return remove(entry.token).then(function () { return true; });
          entry.state = "refused";
          entry.reason = reasonFrom(html, response.status);
          return put(entry).then(function () { return false; });
        });
      });
  }

  var sending = false;
  function flush() {
    if (sending || !navigator.onLine) return Promise.resolve();
    sending = true;
    var sent = { cramp: 0, night: 0, details: 0 };
    return entries().then(function (all) {
      var waiting = all.filter(function (e) { return e.state === "waiting"; });
      if (!waiting.length) return null;
      return freshToken().then(function (token) {
        return waiting.reduce(function (chain, entry) {
          return chain.then(function () {
            return sendOne(entry, token).then(function (saved) {
              if (saved) {
                sent[entry.kind === "cramp" ? "cramp" : entry.kind === "episode" ? "details" : "night"] += 1;
              }
            });
          });
        }, Promise.resolve());
      });
    }).catch(function () { /* still offline or logged out: the entries wait */ })
      .then(function () {
        sending = false;
        return show(sent);
      });
  }

  // --- Keeping an entry when there is no connection -----------------------------------------
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-offline]")) return;
    var kind = form.dataset.offline;
    var when = form.querySelector("input[type=datetime-local]");
    var token = form.querySelector("input[name=client_token]");
    // A cramp added to a past night (data-night) keeps the time shown, default or not: that
    // time is within the night the patient chose, and "now" is not.
    var pastNight = !!form.dataset.night;
    if (navigator.onLine) {
      // A page left open since earlier would otherwise date the cramp to when it was opened.
      if (kind === "cramp" && !pastNight && when && when.value === when.defaultValue) when.value = "";
      return;
    }
    event.preventDefault();
    var fields = {};
    if (kind === "cramp") {
      var button = event.submitter;
      fields = {
        client_token: token && token.value ? token.value : newToken(),
        severity: button && button.name === "severity" ? button.value : "",
        started_at: when && when.value && (pastNight || when.value !== when.defaultValue)
          ? when.value : nowIn(form.dataset.zone),
      };
      if (pastNight) fields.night = form.dataset.night;
    } else if (kind === "episode") {
      // A cramp's details: every answer as the form would send it (a list for "What helped?")
      // and Done's then=home. One entry per cramp: tapping again replaces what waits.
      new FormData(form).forEach(function (value, name) {
        if (name === "csrfmiddlewaretoken") return;
        if (name in fields) fields[name] = [].concat(fields[name], value);
        else fields[name] = value;
      });
      var submitter = event.submitter;
      if (submitter && submitter.name) fields[submitter.name] = submitter.value;
      fields.client_token = "episode:" + user + ":" + location.pathname;
    } else {
      new FormData(form).forEach(function (value, name) {
        if (name !== "csrfmiddlewaretoken") fields[name] = value;
      });
      fields.client_token = newToken();
    }
    put({
      token: fields.client_token, user: user, kind: kind, state: "waiting", queuedAt: Date.now(),
      url: form.getAttribute("action") || location.pathname, fields: fields,
    }).then(function () {
      // The draft (forms.js) held this cramp's token; the next cramp must be a new one.
      try {
        localStorage.removeItem("stimdiary:draft:" + user + ":" + form.dataset.draft + ":" +
          location.pathname + location.search);
      } catch (e) { /* no storage: nothing to forget */ }
      if (kind === "episode") return show(null); // the answers stay on screen as tapped
      if (token) token.value = newToken();
      if (when) when.value = when.defaultValue;
      return show(null);
    });
    window.scrollTo(0, 0);
  }, true);

  // For the browser tests and for support: what is waiting, without diary contents leaving.
  window.stimdiaryOutbox = { entries: entries, put: put, flush: flush };

  restoreFix();
  migrateLocalStorage().then(function () { return show(null); }).then(flush);
  window.addEventListener("online", flush);
  setInterval(flush, 30000);
})();
