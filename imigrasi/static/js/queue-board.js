/* The display board: poll the board's JSON (a 304 while nothing changed) and update the
   counters, the recently called list and the waiting counts in place. Each new call or recall
   (a new event id) is announced: a large visual flash of the number (a steady highlight for
   people who prefer reduced motion), a chime made with the Web Audio API, and the sentence
   spoken in Indonesian by the browser's own speech synthesis. Browsers block sound until
   someone interacts with the page, hence the "Start sound" button. Nothing is fetched from
   anywhere else: no audio files, no cloud voices. Without JavaScript the page reloads itself. */
(function () {
  "use strict";
  var root = document.querySelector("[data-board]");
  if (!root || !window.fetch) return;
  var labelsNode = document.getElementById("board-labels");
  var labels = labelsNode ? JSON.parse(labelsNode.textContent) : {};
  var url = root.getAttribute("data-url");
  var pollMs = Math.max(1, parseFloat(root.getAttribute("data-poll-seconds")) || 2) * 1000;
  var lastCall = parseInt(root.getAttribute("data-last-call"), 10) || 0;
  var etag = null;
  var pending = [];
  var announcing = false;
  var flash = root.querySelector("[data-board-flash]");
  var flashTimer = null;
  var soundButton = document.querySelector("[data-board-sound]");
  var soundStatus = document.querySelector("[data-board-sound-status]");
  var soundOn = false;
  var audio = null;

  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : match;
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // --- sound ---------------------------------------------------------------------------------
  function audioContext() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return null;
    if (!audio) {
      try { audio = new Context(); } catch (error) { audio = null; }
    }
    return audio;
  }

  function chime() {
    var context = audioContext();
    if (!context || context.state !== "running") return 0;
    var start = context.currentTime + 0.05;
    [[880, 0], [660, 0.45]].forEach(function (tone) {
      var oscillator = context.createOscillator();
      var gain = context.createGain();
      oscillator.type = "sine";
      oscillator.frequency.value = tone[0];
      gain.gain.setValueAtTime(0.0001, start + tone[1]);
      gain.gain.exponentialRampToValueAtTime(0.35, start + tone[1] + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + tone[1] + 0.9);
      oscillator.connect(gain);
      gain.connect(context.destination);
      oscillator.start(start + tone[1]);
      oscillator.stop(start + tone[1] + 0.95);
    });
    return 1500;
  }

  var DIGITS = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"];

  // "A-012" -> "A nol satu dua": every digit on its own, as people read ticket numbers.
  function spell(text) {
    var words = [];
    String(text || "").split("").forEach(function (character) {
      if (/[0-9]/.test(character)) words.push(DIGITS[Number(character)]);
      else if (/[A-Za-z]/.test(character)) words.push(character.toUpperCase());
    });
    return words.join(" ");
  }

  function sentence(call) {
    return "Nomor antrean " + spell(call.number) + ", silakan ke loket " + spell(call.counter);
  }

  // A voice on this device: an Indonesian one if installed, else another local one. Voices
  // that run in a cloud service (localService false) are never used. null: let the browser
  // pick by language (it lists no voices); false: nothing local, so stay silent.
  function localVoice() {
    var synth = window.speechSynthesis;
    var voices = synth && synth.getVoices ? synth.getVoices() || [] : [];
    if (!voices.length) return null;
    var local = voices.filter(function (voice) { return voice.localService; });
    var indonesian = local.filter(function (voice) { return /^id([-_]|$)/i.test(voice.lang || ""); });
    if (indonesian.length) return indonesian[0];
    return local.length ? local[0] : false;
  }

  function speak(text, done) {
    var synth = window.speechSynthesis;
    var finished = false;
    function end() {
      if (!finished) {
        finished = true;
        done();
      }
    }
    if (!soundOn || !synth || !window.SpeechSynthesisUtterance) {
      end();
      return;
    }
    var voice = localVoice();
    if (voice === false) {
      end();
      return;
    }
    var utterance = new window.SpeechSynthesisUtterance(text);
    utterance.lang = "id-ID";
    utterance.rate = 0.9;
    if (voice) utterance.voice = voice;
    utterance.onend = end;
    utterance.onerror = end;
    window.setTimeout(end, 10000);
    try { synth.speak(utterance); } catch (error) { end(); }
  }

  // Browsers load their voice list in the background: ask early, so it is known by the
  // first announcement (and a cloud voice is never chosen for want of the list).
  if (window.speechSynthesis && window.speechSynthesis.getVoices) {
    try {
      window.speechSynthesis.getVoices();
      if (window.speechSynthesis.addEventListener) {
        window.speechSynthesis.addEventListener("voiceschanged", function () {});
      }
    } catch (error) { /* no speech on this device: the flash and chime remain */ }
  }

  function soundReady() {
    soundOn = true;
    if (soundButton) soundButton.hidden = true;
    if (soundStatus) soundStatus.textContent = labels.sound_on || "";
  }

  if (soundButton && (window.AudioContext || window.webkitAudioContext || window.speechSynthesis)) {
    var context = audioContext();
    if (context && context.state === "running") {
      soundReady();  // this display's browser lets pages play sound without a tap
    } else {
      soundButton.hidden = false;
      soundButton.addEventListener("click", function () {
        // The tap itself unlocks speech; the audio context resumes on its own time.
        soundReady();
        var started = audioContext();
        if (started && started.resume) started.resume().then(chime, function () {});
      });
    }
  }

  // --- announcing ----------------------------------------------------------------------------
  function showFlash(call) {
    if (flash) {
      flash.classList.remove("imd-board__flash--active");
      flash.textContent = "";
      var number = element("span", "imd-board__flash-number", call.number);
      var text = fill(labels.go_to, { counter: call.counter });
      flash.appendChild(number);
      flash.appendChild(element("span", "imd-board__flash-text", text));
      void flash.offsetWidth;  // restart the animation for a number called again
      flash.classList.add("imd-board__flash--active");
    }
    Array.prototype.forEach.call(root.querySelectorAll("[data-counter]"), function (item) {
      if (item.getAttribute("data-counter") === call.counter) {
        item.classList.remove("imd-board__counter--flash");
        void item.offsetWidth;
        item.classList.add("imd-board__counter--flash");
      }
    });
    window.clearTimeout(flashTimer);
    flashTimer = window.setTimeout(function () {
      if (flash) {
        flash.classList.remove("imd-board__flash--active");
        flash.textContent = "";
      }
      Array.prototype.forEach.call(root.querySelectorAll(".imd-board__counter--flash"), function (item) {
        item.classList.remove("imd-board__counter--flash");
      });
    }, 9000);
  }

  function announceNext() {
    var call = pending.shift();
    if (!call) {
      announcing = false;
      return;
    }
    announcing = true;
    showFlash(call);
    var wait = soundOn ? chime() : 0;
    window.setTimeout(function () {
      speak(sentence(call), function () { window.setTimeout(announceNext, 1500); });
    }, wait);
  }

  // --- rendering the state -------------------------------------------------------------------
  function renderCounters(counters) {
    var list = root.querySelector("[data-board-counters]");
    if (!list) return;
    var existing = {};
    Array.prototype.forEach.call(list.querySelectorAll("[data-counter]"), function (item) {
      existing[item.getAttribute("data-counter")] = item;
    });
    counters.forEach(function (counter) {
      var item = existing[counter.code];
      if (!item) {
        item = element("li", "imd-board__counter");
        item.setAttribute("data-counter", counter.code);
        item.appendChild(element("span", "imd-board__counter-label", fill(labels.counter, { code: counter.code })));
        var number = element("span", "imd-board__number");
        number.setAttribute("data-field", "number");
        item.appendChild(number);
        var tag = element("span", "imd-board__tag", labels.priority);
        tag.setAttribute("data-field", "priority");
        item.appendChild(tag);
      }
      list.appendChild(item);  // keeps the server's order
      delete existing[counter.code];
      var numberNode = item.querySelector("[data-field=number]");
      var shown = counter.number || labels.empty || "—";
      if (numberNode && numberNode.textContent !== shown) numberNode.textContent = shown;
      var tagNode = item.querySelector("[data-field=priority]");
      if (tagNode) tagNode.hidden = !counter.priority;
      item.classList.toggle("imd-board__counter--priority", !!counter.priority);
    });
    Object.keys(existing).forEach(function (code) { existing[code].remove(); });
  }

  function renderCalls(calls) {
    var list = root.querySelector("[data-board-calls]");
    if (!list) return;
    list.textContent = "";
    if (!calls.length) {
      list.appendChild(element("li", "imd-board__call imd-board__call--empty", labels.no_calls));
      return;
    }
    calls.forEach(function (call) {
      var item = element("li", "imd-board__call");
      item.appendChild(element("span", "imd-board__call-number", call.number));
      item.appendChild(document.createTextNode(" "));
      item.appendChild(element("span", "imd-board__call-counter", fill(labels.counter, { code: call.counter })));
      item.appendChild(document.createTextNode(" "));
      item.appendChild(element("span", "imd-board__call-time", call.at));
      list.appendChild(item);
    });
  }

  function renderWaiting(waiting) {
    var list = root.querySelector("[data-board-waiting]");
    if (!list) return;
    list.textContent = "";
    var prefixes = Object.keys(waiting || {}).sort();
    if (!prefixes.length) {
      list.appendChild(element("li", "", labels.nobody_waiting));
      return;
    }
    prefixes.forEach(function (prefix) {
      list.appendChild(element("li", "", fill(labels.waiting, { prefix: prefix, count: waiting[prefix] })));
    });
  }

  function render(data) {
    renderCounters(data.counters || []);
    renderCalls(data.calls || []);
    renderWaiting(data.waiting || {});
    var fresh = (data.calls || []).filter(function (call) { return call.id > lastCall; });
    fresh.sort(function (a, b) { return a.id - b.id; });
    if (!fresh.length) return;
    lastCall = fresh[fresh.length - 1].id;
    // After an outage, announce the latest few calls only.
    pending = pending.concat(fresh).slice(-3);
    if (!announcing) announceNext();
  }

  function poll() {
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(url, { headers: headers, cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 304 || !response.ok) return null;
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (data) { if (data) render(data); })
      .catch(function () { /* the network blinked: the next tick tries again */ })
      .then(function () { window.setTimeout(poll, pollMs); });
  }
  window.setTimeout(poll, pollMs);
})();
