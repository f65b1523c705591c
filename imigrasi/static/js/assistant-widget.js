/* "Ask the assistant" on every page: the header link becomes a button that opens a non-modal
   panel (a labelled section under the header). Questions go to POST /api/v1/assistant/ask; the
   conversation id is kept in sessionStorage (or taken from the chat page's session). Replies
   are added to a role="log" live region as text (never HTML); sources are links to our own
   pages. Escape or "Close" closes the panel and returns focus to the button. Every string
   shown comes from data-* attributes the server rendered in the page's language. */
(function () {
  "use strict";
  var root = document.getElementById("assistant-widget");
  var link = document.querySelector("[data-assistant-link]");
  var launcher = document.querySelector("[data-assistant-launcher]");
  if (!root || !link || !launcher || !window.fetch || !window.JSON) return;
  var text = root.dataset;
  var log = root.querySelector("[data-assistant-log]");
  var form = root.querySelector("[data-assistant-form]");
  var input = root.querySelector("#assistant-widget-question");
  var status = root.querySelector("[data-assistant-status]");
  var KEY = "imd-assistant-conversation";
  var busy = false;
  var lastReply = 0;
  var polling = null;

  function stored() {
    try { return window.sessionStorage.getItem(KEY) || ""; } catch (error) { return ""; }
  }
  function remember(id) {
    try { window.sessionStorage.setItem(KEY, id); } catch (error) { /* private mode */ }
  }
  // The chat page's conversation (kept in the server session) comes first, so a conversation
  // started without JavaScript goes on here.
  var conversation = text.conversation || stored();

  function csrfToken() {
    // "__Host-csrftoken" in production (settings.py), "csrftoken" otherwise.
    var match = document.cookie.match(/(?:^|;\s*)(?:__Host-)?csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function safeUrl(url) {
    return typeof url === "string" && (/^\/(?![\/\\])/.test(url) || /^https:\/\//.test(url));
  }

  function element(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content) node.textContent = content;
    return node;
  }

  function turn(kind, who, words) {
    var item = element("div", "imd-assistant__turn imd-assistant__turn--" + kind);
    item.appendChild(element("p", "govuk-body-s imd-assistant__who", who));
    item.appendChild(element("p", "govuk-body imd-assistant__text", words));
    return item;
  }

  function add(item) {
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  function answer(data) {
    var item = turn("assistant", text.assistant, String(data.answer || ""));
    if (data.language) item.lastChild.setAttribute("lang", data.language);
    var sources = (data.sources || []).filter(function (s) { return s && safeUrl(s.url) && s.title; });
    if (sources.length) {
      item.appendChild(element("p", "govuk-body-s imd-assistant__label", text.sources));
      var list = element("ul", "govuk-list govuk-body-s");
      sources.forEach(function (source) {
        var entry = element("li");
        var anchor = element("a", "govuk-link", String(source.title));
        anchor.href = source.url;
        entry.appendChild(anchor);
        list.appendChild(entry);
      });
      item.appendChild(list);
    }
    var suggestions = (data.suggestions || []).filter(Boolean);
    if (suggestions.length) {
      item.appendChild(element("p", "govuk-body-s imd-assistant__label", text.suggestions));
      var group = element("div", "imd-assistant__suggestions");
      suggestions.forEach(function (suggestion) {
        var button = element("button", "govuk-button govuk-button--secondary", String(suggestion));
        button.type = "button";
        button.addEventListener("click", function () { ask(String(suggestion)); });
        group.appendChild(button);
      });
      item.appendChild(group);
    }
    add(item);
  }

  // After a handoff, a member of staff answers in the same conversation: look for replies
  // every 15 seconds until the conversation is closed.
  function pollReplies() {
    if (!conversation) return;
    fetch(text.repliesUrl + encodeURIComponent(conversation) + "/replies?after=" + lastReply, {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        (data.messages || []).forEach(function (message) {
          lastReply = Math.max(lastReply, Number(message.id) || 0);
          add(turn("staff", text.staff, String(message.text || "")));
        });
        if (data.state !== "closed") polling = window.setTimeout(pollReplies, 15000);
      })
      .catch(function () { polling = window.setTimeout(pollReplies, 30000); });
  }

  function ask(question) {
    if (busy) return;
    busy = true;
    add(turn("person", text.you, question));
    status.textContent = text.waiting;
    var headers = {
      "Content-Type": "application/json",
      Accept: "application/json",
      "Accept-Language": document.documentElement.lang || "id"
    };
    var token = csrfToken();
    if (token) headers["X-CSRFToken"] = token;
    fetch(text.url, {
      method: "POST",
      credentials: "same-origin",
      headers: headers,
      body: JSON.stringify({ question: question, conversation_id: conversation || null })
    })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (result) {
        if (result.ok) {
          conversation = String(result.data.conversation_id || "");
          if (conversation) remember(conversation);
          answer(result.data);
          if (result.data.outcome === "handoff" && !polling) {
            polling = window.setTimeout(pollReplies, 15000);
          }
        } else {
          var detail = result.data && typeof result.data.detail === "string" ? result.data.detail : text.error;
          add(turn("error", text.assistant, detail));
        }
      })
      .catch(function () { add(turn("error", text.assistant, text.error)); })
      .then(function () { busy = false; status.textContent = ""; });
  }

  function open() {
    root.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    input.focus();
  }
  function close() {
    root.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  // The link gives way to the button that opens the panel (removed, not hidden: one control).
  link.parentNode.removeChild(link);
  launcher.hidden = false;
  launcher.addEventListener("click", function () {
    if (root.hidden) open(); else close();
  });
  root.querySelector("[data-assistant-close]").addEventListener("click", close);
  root.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") {
      event.preventDefault();
      close();
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var question = input.value;
    if (busy) return;
    input.value = "";
    ask(question);
    input.focus();
  });
})();
