// Assist staff console: live queue and transcript over server-sent events. The pages work
// without this file; it only keeps them fresh. Citizen text is inserted with textContent only.
(function () {
  "use strict";
  var rows = document.getElementById("queue-rows");
  var transcript = document.getElementById("transcript");
  if (!rows && !transcript) { return; }
  var announcer = document.getElementById("announcer");
  var arrival = document.getElementById("arrival");
  var sound = document.getElementById("sound");
  var entryId = transcript ? location.pathname.split("/").pop() : null;

  if (sound) {
    sound.checked = localStorage.getItem("assist.sound") === "on";
    sound.addEventListener("change", function () {
      localStorage.setItem("assist.sound", sound.checked ? "on" : "off");
    });
  }

  function say(text) { if (announcer) { announcer.textContent = ""; announcer.textContent = text; } }

  function beep() {
    if (!sound || !sound.checked || !window.AudioContext) { return; }
    var ctx = new AudioContext(), osc = ctx.createOscillator(), gain = ctx.createGain();
    osc.frequency.value = 660; gain.gain.value = 0.15;
    osc.connect(gain); gain.connect(ctx.destination);
    osc.start(); osc.stop(ctx.currentTime + 0.25);
  }

  function minutes(s) { return s >= 60 ? Math.floor(s / 60) + " min " + String(s % 60).padStart(2, "0") + " s" : s + " s"; }

  function cell(tr, text) { var td = document.createElement("td"); td.textContent = text; tr.appendChild(td); return td; }

  function renderQueue(view) {
    var body = document.createDocumentFragment();
    view.entries.forEach(function (e) {
      var tr = document.createElement("tr");
      tr.className = "p-" + e.priority;
      cell(tr, e.position || "–");
      cell(tr, minutes(e.waited_s));
      cell(tr, e.channel + (e.kind === "callback" ? " (callback)" : ""));
      cell(tr, e.language);
      cell(tr, e.priority);
      var td = cell(tr, ""), a = document.createElement("a");
      a.href = "/console/entries/" + encodeURIComponent(e.id); a.textContent = e.summary; td.appendChild(a);
      cell(tr, e.status === "claimed" ? "with " + e.claimed_by : "waiting");
      body.appendChild(tr);
    });
    if (!view.entries.length) { var tr = document.createElement("tr"); var td = cell(tr, "Nobody is waiting."); td.colSpan = 7; body.appendChild(tr); }
    rows.replaceChildren(body);
    document.getElementById("waiting-count").textContent = view.waiting;
    document.getElementById("agents-count").textContent = view.agents_available;
  }

  function renderTranscript(data) {
    var list = document.createDocumentFragment();
    data.transcript.forEach(function (line) {
      var li = document.createElement("li"), who = document.createElement("span"), said = document.createElement("span");
      li.className = "r-" + line.role; who.className = "who"; said.className = "said";
      who.textContent = line.role; said.textContent = line.text;
      li.appendChild(who); li.appendChild(document.createTextNode(" ")); li.appendChild(said);
      list.appendChild(li);
    });
    transcript.replaceChildren(list);
  }

  function refresh(changes) {
    if (rows) {
      fetch("/api/handoff/queue", { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (view) {
          if (!view) { return; }
          renderQueue(view);
          if (changes.some(function (c) { return c.action === "enqueued" || c.action === "rejoined"; })) {
            var text = "Someone joined the queue. " + view.waiting + " waiting.";
            if (arrival) { arrival.textContent = text; arrival.hidden = false; }
            say(text); beep();
          }
        });
    }
    if (transcript && changes.some(function (c) { return c.entry === entryId; })) {
      fetch("/api/handoff/entries/" + encodeURIComponent(entryId), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data) { renderTranscript(data); say("The conversation was updated."); } });
    }
  }

  var shownLines = {};
  function citizenLine(line) {
    // A line the citizen just typed or texted: shown at once, once, and read out politely.
    if (!transcript || line.entry !== entryId || shownLines[line.id]) { return; }
    shownLines[line.id] = true;
    var list = transcript.querySelector("ol, ul") || transcript;
    var li = document.createElement("li"), who = document.createElement("span"), said = document.createElement("span");
    li.className = "r-citizen"; li.dataset.line = line.id; who.className = "who"; said.className = "said";
    who.textContent = "citizen"; said.textContent = line.text;
    li.appendChild(who); li.appendChild(document.createTextNode(" ")); li.appendChild(said);
    list.appendChild(li);
    say(line.text);
  }

  if (window.EventSource) {
    var source = new EventSource("/api/handoff/events");
    source.addEventListener("queue", function (ev) { refresh(JSON.parse(ev.data).changes || []); });
    source.addEventListener("citizen", function (ev) { citizenLine(JSON.parse(ev.data)); });
  }
})();
