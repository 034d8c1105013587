// A cramp logged with no connection is kept on the phone and sent when the connection returns.
// Each one carries the form's client_token, and the server saves a repeated token once, so
// sending it again after a half-finished attempt is safe. The patient sees what is waiting.
(function () {
  var user = document.body.dataset.user;
  if (!user) return;
  var OUTBOX = "stimdiary:outbox:" + user;
  var store;
  try {
    store = window.localStorage;
  } catch (e) {
    return;
  }

  function outbox() {
    try { return JSON.parse(store.getItem(OUTBOX) || "[]"); } catch (e) { return []; }
  }

  function keep(items) {
    if (items.length) store.setItem(OUTBOX, JSON.stringify(items));
    else store.removeItem(OUTBOX);
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

  // The notice: one line at the top of the page, in words as well as colour.
  function notice(text, kind) {
    var el = document.getElementById("outbox-notice");
    if (!text) {
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
    el.textContent = text;
  }

  function showWaiting() {
    var n = outbox().length;
    if (!n) return;
    notice(
      (n === 1 ? "1 cramp is" : n + " cramps are") + " waiting to send. " +
      (n === 1 ? "It is" : "They are") + " saved on this phone and will be sent " +
      "when you are back online.",
      "warning"
    );
  }

  var sending = false;
  function flush() {
    var items = outbox();
    if (sending || !items.length || !navigator.onLine) return;
    sending = true;
    var fresh = document.querySelector("input[name=csrfmiddlewaretoken]");
    var sent = 0;
    var next = function () {
      var pending = outbox();
      if (!pending.length) return Promise.resolve();
      var item = pending[0];
      var body = new URLSearchParams(item.fields);
      if (fresh) body.set("csrfmiddlewaretoken", fresh.value);
      return fetch(item.url, {
        method: "POST", body: body, credentials: "same-origin",
      }).then(function (response) {
        // Saved (or already saved) cramps redirect to their own page.
        var saved = response.redirected && response.ok &&
          response.url.indexOf("/accounts/login/") === -1 &&
          response.url.indexOf(item.url) === -1;
        if (!saved) throw new Error("not saved");
        keep(outbox().filter(function (x) { return x.fields.client_token !== item.fields.client_token; }));
        sent += 1;
        return next();
      });
    };
    next().then(function () {
      notice(
        "Sent: " + sent + " cramp" + (sent === 1 ? "" : "s") + " from this phone " +
        (sent === 1 ? "is" : "are") + " now in your diary.",
        "success"
      );
    }).catch(function () {
      showWaiting();
    }).then(function () {
      sending = false;
    });
  }

  // Log a cramp with no connection: keep it instead of letting the browser fail.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-offline=cramp]")) return;
    var when = form.querySelector("input[type=datetime-local]");
    var token = form.querySelector("input[name=client_token]");
    if (navigator.onLine) {
      // A page left open since earlier would otherwise date the cramp to when it was opened.
      if (when && when.value === when.defaultValue) when.value = "";
      return;
    }
    event.preventDefault();
    var button = event.submitter;
    var fields = {
      csrfmiddlewaretoken: form.querySelector("input[name=csrfmiddlewaretoken]").value,
      client_token: token && token.value ? token.value : newToken(),
      severity: button && button.name === "severity" ? button.value : "",
      started_at: when && when.value && when.value !== when.defaultValue
        ? when.value : nowIn(form.dataset.zone),
    };
    var items = outbox();
    items.push({ url: form.getAttribute("action") || location.pathname, fields: fields });
    keep(items);
    // The draft (forms.js) held this cramp's token; the next cramp must be a new one.
    store.removeItem("stimdiary:draft:" + user + ":" + form.dataset.draft + ":" + location.pathname);
    if (token) token.value = newToken();
    if (when) when.value = when.defaultValue;
    showWaiting();
    window.scrollTo(0, 0);
  }, true);

  showWaiting();
  flush();
  window.addEventListener("online", flush);
  setInterval(flush, 30000);
})();
