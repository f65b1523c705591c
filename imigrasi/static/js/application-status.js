/* Live status on the application page: poll the status JSON (304 while nothing changed) and
   update the text in place; announce changes through the aria-live region. Without JavaScript
   the page still shows the status at load time. Also counts down the billing deadline. */
(function () {
  "use strict";
  var root = document.getElementById("status");
  if (!root || !window.fetch) return;
  var url = root.getAttribute("data-status-url");
  var version = root.getAttribute("data-version");
  var lastEvent = root.getAttribute("data-last-event");
  var etag = null;

  function set(field, value) {
    var el = root.querySelector('[data-field="' + field + '"]');
    if (el && value !== undefined && el.textContent !== value) el.textContent = value;
  }

  function poll() {
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(url, { headers: headers, credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 304 || !response.ok) return null;
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (data) {
        if (!data) return;
        set("status_label", data.status_label);
        set("meaning", data.meaning);
        set("next_step", data.next_step);
        set("expected", data.expected);
        if (String(data.version) !== version || String(data.last_event_id) !== lastEvent) {
          var notice = root.querySelector('[data-field="updated-notice"]');
          if (notice) notice.classList.remove("imd-hidden");
        }
      })
      .catch(function () { /* offline: try again on the next tick */ });
  }
  setInterval(poll, 10000);

  var countdown = document.querySelector("[data-countdown]");
  if (countdown) {
    var deadline = Date.parse(countdown.getAttribute("data-countdown"));
    var template = countdown.getAttribute("data-left-text") || "({h}:{m})";
    var left = document.createElement("span");
    left.className = "govuk-body-s imd-countdown";
    countdown.parentNode.appendChild(left);
    var tick = function () {
      var minutes = Math.max(0, Math.round((deadline - Date.now()) / 60000));
      var hours = Math.floor(minutes / 60);
      left.textContent = " " + template.replace("{h}", hours).replace("{m}", minutes % 60);
    };
    tick();
    setInterval(tick, 30000);
  }
})();
