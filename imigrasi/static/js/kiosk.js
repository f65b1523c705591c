/* The kiosk: back to the start (and the default language) after a period without use, with a
   warning and an "I need more time" button before it happens; a booking QR code scanned on the
   start screen (the USB scanner types "IMD-BOOKING:CODE" and Enter) checks in at once; a form
   that issues a ticket is sent once however often it is tapped. Without JavaScript the result
   screens fall back to a <meta http-equiv="refresh"> inside <noscript>. */
(function () {
  "use strict";
  var body = document.body;
  if (!body || !body.hasAttribute("data-kiosk")) return;
  body.classList.add("js-enabled");

  // --- inactivity ------------------------------------------------------------------------
  var resetUrl = body.getAttribute("data-reset-url");
  var total = parseInt(body.getAttribute("data-reset-seconds"), 10) || 45;
  var warnFor = Math.min(parseInt(body.getAttribute("data-warning-seconds"), 10) || 20, total);
  var warning = document.querySelector("[data-kiosk-warning]");
  var warningText = document.querySelector("[data-kiosk-warning-text]");
  var moreTime = document.querySelector("[data-kiosk-more-time]");
  var idleSince = Date.now();
  var warned = false;

  function hideWarning() {
    warned = false;
    if (warning) warning.hidden = true;
    if (warningText) warningText.textContent = "";
  }

  function activity() {
    idleSince = Date.now();
    if (warned) hideWarning();
  }

  function tick() {
    var left = Math.ceil(total - (Date.now() - idleSince) / 1000);
    if (left <= 0) {
      window.location.assign(resetUrl);
      return;
    }
    if (left <= warnFor && warning && !warned) {
      warned = true;
      warning.hidden = false;
      // Set once (a role="alert" that changed every second would be read out every second).
      if (warningText) {
        warningText.textContent = (warningText.getAttribute("data-template") || "").replace("{s}", String(left));
      }
    }
  }

  if (resetUrl && !body.hasAttribute("data-kiosk-at-rest")) {
    ["pointerdown", "keydown", "input", "wheel", "scroll", "touchstart"].forEach(function (name) {
      document.addEventListener(name, activity, { capture: true, passive: true });
    });
    if (moreTime) moreTime.addEventListener("click", activity);
    window.setInterval(tick, 1000);
  }

  // --- a booking scanned on the start screen ------------------------------------------------
  var scanForm = document.querySelector("[data-kiosk-scan-form]");
  if (scanForm) {
    var typed = "";
    var lastKey = 0;
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      if (target && target !== body && target.matches && target.matches("input, textarea, select")) return;
      var now = Date.now();
      if (now - lastKey > 1000) typed = "";  // a scanner types fast; people pressing keys do not
      lastKey = now;
      if (event.key === "Enter") {
        if (typed.toUpperCase().indexOf("IMD-BOOKING:") === 0 && typed.length > 12) {
          event.preventDefault();
          scanForm.querySelector("input[name=code]").value = typed;
          scanForm.submit();
        }
        typed = "";
      } else if (event.key && event.key.length === 1) {
        typed = (typed + event.key).slice(-80);
      }
    });
  }

  // --- one ticket per tap ----------------------------------------------------------------
  Array.prototype.forEach.call(document.querySelectorAll("[data-kiosk-issue-form]"), function (form) {
    var sent = false;
    form.addEventListener("submit", function (event) {
      if (sent) {
        event.preventDefault();
        return;
      }
      sent = true;
      form.setAttribute("aria-busy", "true");
    });
  });
})();
