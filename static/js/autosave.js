/* Saves the application draft while the applicant types (the Save button still works
   without JavaScript). The server refuses a save over somebody else's newer one. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch) { return; }
  var status = document.getElementById("autosave-status");
  var token = form.querySelector("input[name=updated_at]");
  var timer = null;
  var busy = false;

  function say(text) { if (status) { status.textContent = text; } }

  function save() {
    if (busy) { timer = setTimeout(save, 1000); return; }
    busy = true;
    fetch(form.action || window.location.href, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Autosave": "1" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (result.ok) {
        token.value = result.data.updated_at;
        say(result.data.message);
      } else {
        say(result.data.message);
      }
    }).catch(function () {
      say(form.getAttribute("data-autosave-offline"));
    }).then(function () { busy = false; });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(save, 1500);
  });
  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(save, 300);
  });
})();
