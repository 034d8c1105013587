// A second tap on a form that is already being sent does nothing. (The server also makes a
// repeated submission create one record; this only spares the patient a confusing page.)
(function () {
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      if (form.dataset.sending) return;
      form.dataset.sending = "1";
      // After the browser has taken the clicked button's value.
      setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      }, 0);
      setTimeout(function () {
        delete form.dataset.sending;
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
      }, 8000);
    });
  });
})();
