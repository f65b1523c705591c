/* The ticket holder's page: poll the ticket's position every few seconds and update it in
   place. When the turn is near (or the number is called) show a prominent alert (role="alert")
   and, if the person allowed notifications on this device, a notification and a vibration.
   Without JavaScript the page reloads itself (<meta http-equiv="refresh"> in <noscript>). */
(function () {
  "use strict";
  var root = document.querySelector("[data-ticket]");
  if (!root || !window.fetch) return;
  var labelsNode = document.getElementById("ticket-labels");
  var labels = labelsNode ? JSON.parse(labelsNode.textContent) : { statuses: {} };
  var url = root.getAttribute("data-url");
  var interval = (parseInt(root.getAttribute("data-poll-seconds"), 10) || 10) * 1000;
  var status = root.getAttribute("data-status");
  var near = root.getAttribute("data-near") === "1";
  var alertBox = root.querySelector("[data-ticket-alert]");
  var notifyBox = root.querySelector("[data-ticket-notify]");
  var notifyButton = root.querySelector("[data-ticket-notify-button]");
  var notifyStatus = root.querySelector("[data-ticket-notify-status]");
  var FINAL = ["done", "no_show", "cancelled"];
  var supportsNotifications = "Notification" in window;

  // --- asking for notifications (only on a tap: browsers ignore requests without one) --------
  if (supportsNotifications && notifyBox && notifyButton) {
    if (Notification.permission === "default") {
      notifyBox.hidden = false;
      notifyButton.addEventListener("click", function () {
        var answered = function (result) {
          notifyBox.hidden = true;
          if (notifyStatus) {
            notifyStatus.textContent = result === "granted" ? labels.notifications_on : labels.notifications_blocked;
          }
        };
        var asked = Notification.requestPermission(answered);
        if (asked && asked.then) asked.then(answered);
      });
    } else if (Notification.permission === "granted" && notifyStatus) {
      notifyStatus.textContent = labels.notifications_on;
    }
  }

  function allowed() {
    return supportsNotifications && Notification.permission === "granted";
  }

  function notify(title, body) {
    if (!allowed()) return;
    if (navigator.vibrate) {
      try { navigator.vibrate([300, 150, 300]); } catch (error) { /* not on this device */ }
    }
    var options = { body: body, tag: "imd-ticket", renotify: true };
    var plain = function () {
      try { new Notification(title, options); } catch (error) { /* phones need the worker */ }
    };
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.ready
        .then(function (registration) { return registration.showNotification(title, options); })
        .catch(plain);
    } else {
      plain();
    }
  }

  // --- the page ------------------------------------------------------------------------------
  function field(name, value) {
    var node = root.querySelector('[data-field="' + name + '"]');
    if (node && node.textContent !== value) node.textContent = value;
  }

  function row(name, visible) {
    var node = root.querySelector('[data-row="' + name + '"]');
    if (node) node.hidden = !visible;
  }

  function showAlert(kind, title, text) {
    if (!alertBox) return;
    alertBox.textContent = "";
    var banner = document.createElement("div");
    banner.className = "govuk-notification-banner imd-ticket-alert__banner" +
      (kind === "called" ? " govuk-notification-banner--success" : "");
    var content = document.createElement("div");
    content.className = "govuk-notification-banner__content";
    var heading = document.createElement("p");
    heading.className = "govuk-notification-banner__heading";
    heading.textContent = title;
    var body = document.createElement("p");
    body.className = "govuk-body";
    body.textContent = text;
    content.appendChild(heading);
    content.appendChild(body);
    banner.appendChild(content);
    alertBox.appendChild(banner);
  }

  function update(data) {
    var waiting = data.status === "waiting";
    var atCounter = data.status === "called" || data.status === "serving";
    field("status", labels.statuses[data.status] || data.status_label || data.status);
    row("ahead", waiting);
    row("minutes", waiting);
    field("ahead", String(data.ahead));
    field("minutes", data.minutes === null || data.minutes === undefined ? "" :
      String(labels.minutes).replace("{n}", String(data.minutes)));
    row("counter", atCounter && !!data.counter);
    field("counter", data.counter || "");
    if (data.status === "called" && status !== "called") {
      var text = String(labels.called_text).replace("{c}", data.counter || "");
      showAlert("called", labels.called_title, text);
      notify(labels.notification_title, labels.called_title + ". " + text);
    } else if (waiting && data.near && !(status === "waiting" && near)) {
      showAlert("near", labels.near_title, labels.near_text);
      notify(labels.notification_title, labels.near_title + ". " + labels.near_text);
    } else if (!(waiting && data.near) && data.status !== "called" && alertBox && alertBox.firstChild) {
      alertBox.textContent = "";
    }
    status = data.status;
    near = !!data.near;
    root.setAttribute("data-status", status);
    root.setAttribute("data-near", near ? "1" : "0");
    return FINAL.indexOf(status) === -1;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, cache: "no-store", credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        var more = data ? update(data) : true;
        if (!more && notifyBox) notifyBox.hidden = true;
        if (more) window.setTimeout(poll, interval);
      })
      .catch(function () { window.setTimeout(poll, interval); });
  }
  if (FINAL.indexOf(status) === -1) window.setTimeout(poll, interval);
})();
