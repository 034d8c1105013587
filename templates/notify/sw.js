// StimDiary's service worker: shows reminder notifications and opens the diary when one is
// tapped. A notification carries no diary contents.
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  event.waitUntil(self.registration.showNotification(data.title || "StimDiary", {
    body: data.body || "", icon: "/static/icons/icon-192.png", data: {url: data.url || "/"},
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(clients.openWindow(url));
});
