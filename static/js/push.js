// Web Push: asks the browser for a subscription under the clinic's VAPID key and sends it to
// the server. Shown only where the browser supports push; nothing is fetched from outside.
(function () {
  var gettext = window.gettext || String; // Django's JavaScript catalogue, else English
  var button = document.getElementById("push-enable");
  var status = document.getElementById("push-status");
  if (!button || !("serviceWorker" in navigator) || !("PushManager" in window)) return;
  button.hidden = false;

  function keyBytes(base64) {
    var padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    return Uint8Array.from(raw, function (c) { return c.charCodeAt(0); });
  }

  function csrf() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return match ? decodeURIComponent(match[1]) : field ? field.value : "";
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    navigator.serviceWorker.register("/sw.js").then(function (registration) {
      return registration.pushManager.subscribe({
        userVisibleOnly: true, applicationServerKey: keyBytes(button.dataset.key),
      });
    }).then(function (subscription) {
      return fetch(button.dataset.url, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrf()},
        body: JSON.stringify(subscription.toJSON()),
      });
    }).then(function (response) {
      status.textContent = response.ok ? gettext("Notifications are on for this phone.")
        : gettext("The server could not save this phone. Try again later.");
    }).catch(function () {
      status.textContent = gettext("Notifications were not allowed on this phone.");
    }).then(function () { button.disabled = false; });
  });
})();
