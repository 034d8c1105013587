{% load i18n static %}// StimDiary's service worker. It keeps a copy of the diary's own pages (the home page with
// "No cramps last night", and the cramp log) and of the files they need, so the diary opens
// with no connection at all; it shows reminder notifications and opens the diary when one is
// tapped. Nothing is fetched from outside the app. The copies live on the patient's phone
// only, are refreshed from the network whenever there is one, and are deleted at log-out
// (static/js/offline.js).
var SHELL_CACHE = "stimdiary-shell";
var PAGES = ["{% url 'diary:home' %}", "{% url 'diary:log-cramp' %}"];
var FILES = [
  "{% static 'css/bootstrap.min.css' %}",
  "{% static 'css/app.css' %}",
  "{% static 'js/bootstrap.bundle.min.js' %}",
  "{% static 'js/colour-mode.js' %}",
  "{% static 'js/forms.js' %}",
  "{% static 'js/offline.js' %}",
  "{% static 'icons/icon-192.png' %}",
];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE).then(function (cache) { return cache.addAll(FILES); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

{% get_current_language as LANGUAGE_CODE %}{% get_current_language_bidi as LANGUAGE_BIDI %}
// The offline page's words (notify.views.service_worker) are in the language the worker was
// fetched in; escapejs keeps them inside the script's strings, and they go into the page as
// text, never markup.
function offlinePage() {
  var esc = function (text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  };
  var html = "<!doctype html><html lang={{ LANGUAGE_CODE|escapejs }}{% if LANGUAGE_BIDI %} dir=rtl{% endif %}><meta charset=utf-8><meta name=viewport " +
    "content='width=device-width,initial-scale=1'><title>" + esc("{{ offline_title|escapejs }}") + "</title>" +
    "<link rel=stylesheet href='{% static 'css/bootstrap.min.css' %}'>" +
    "<main class='container py-4'><p class=lead>" + esc("{{ offline_text|escapejs }}") +
    "</p><p><a class='btn btn-primary btn-lg' href='" + PAGES[0] +
    "'>" + esc("{{ offline_open|escapejs }}") + "</a></p></main></html>";
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  // Only navigations: the page's own requests (offline.js asking for a fresh CSRF token) go
  // straight to the network.
  if (request.mode === "navigate" && PAGES.indexOf(url.pathname) !== -1 && url.search === "") {
    // The network first, so the page is never older than it must be; the copy when offline.
    event.respondWith(
      fetch(request).then(function (response) {
        if (response.ok && !response.redirected) {
          var copy = response.clone();
          caches.open(SHELL_CACHE).then(function (cache) { cache.put(url.pathname, copy); });
        }
        return response;
      }).catch(function () {
        return caches.match(url.pathname).then(function (hit) { return hit || offlinePage(); });
      })
    );
    return;
  }

  if (url.pathname.indexOf("{% get_static_prefix %}") === 0) {
    event.respondWith(
      caches.match(request).then(function (hit) {
        return hit || fetch(request);
      })
    );
    return;
  }

  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(offlinePage));
  }
});

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  event.waitUntil(self.registration.showNotification(data.title || "StimDiary", {
    body: data.body || "", icon: "{% static 'icons/icon-192.png' %}",
    data: { url: data.url || PAGES[0] },
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL((event.notification.data && event.notification.data.url) || PAGES[0],
    self.location.origin);
  if (target.origin !== self.location.origin) target = new URL(PAGES[0], self.location.origin);
  event.waitUntil(self.clients.openWindow(target.href));
});
