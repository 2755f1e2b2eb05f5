// Assist staff console: live queue and conversation over server-sent events, keyboard
// shortcuts, and replies without a reload. The pages work without this file; it keeps them
// fresh. Citizen text is inserted with textContent only.
(function () {
  "use strict";
  var rows = document.getElementById("queue-rows");
  var transcript = document.getElementById("transcript");
  var list = transcript ? transcript.querySelector("ol") : null;
  var jump = document.getElementById("jump");
  var announcer = document.getElementById("announcer");
  var arrival = document.getElementById("arrival");
  var sound = document.getElementById("sound");
  var csrf = document.body.dataset.csrf || "";
  var entryId = transcript ? location.pathname.split("/").pop() : null;

  // ---- where the agent is looking: a look-up's answer or a notice gets the focus ----
  ["result", "notice"].forEach(function (id) {
    var el = document.getElementById(id);
    if (el && location.hash === "#" + id) { el.focus(); }
  });

  // ---- keyboard shortcuts: Alt+Shift+letter, never while typing in a box ----
  function typing(el) {
    if (!el) { return false; }
    var tag = el.tagName;
    return el.isContentEditable || tag === "TEXTAREA" || tag === "SELECT" ||
      (tag === "INPUT" && !/^(button|submit|checkbox|radio|reset)$/i.test(el.type));
  }
  function goTo(el) { if (el) { el.scrollIntoView({ block: "center" }); el.focus(); } }
  function claimNext() {
    var form = document.getElementById("claim-next-form");
    if (form) { form.requestSubmit ? form.requestSubmit() : form.submit(); return; }
    fetch("/api/handoff/claim-next", { method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf } })
      .then(function (r) {
        if (r.status === 200) { return r.json().then(function (e) { location.href = "/console/entries/" + encodeURIComponent(e.id); }); }
        location.href = "/console?notice=empty";
      });
  }
  document.addEventListener("keydown", function (ev) {
    if (!ev.altKey || !ev.shiftKey || ev.ctrlKey || ev.metaKey || typing(ev.target)) { return; }
    var act = { KeyN: claimNext,
      KeyR: function () { goTo(document.getElementById("reply")); },
      KeyC: function () { goTo(document.getElementById("outcome")); },
      KeyT: function () { goTo(transcript); } }[ev.code];
    if (act) { ev.preventDefault(); act(); }
  });

  if (!rows && !transcript) { return; }

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
      cell(tr, (e.channel_name || e.channel) + (e.kind === "callback" ? " (ring back)" : ""));
      cell(tr, e.language_name || e.language);
      cell(tr, e.priority);
      var td = cell(tr, ""), a = document.createElement("a");
      a.href = "/console/entries/" + encodeURIComponent(e.id); a.textContent = e.summary; td.appendChild(a);
      cell(tr, (e.status === "claimed" ? "with " + e.claimed_by : "waiting") +
        (e.suspect ? "; one of many from the same place, served after others" : ""));
      body.appendChild(tr);
    });
    if (!view.entries.length) { var tr = document.createElement("tr"); var td = cell(tr, "Nobody is waiting."); td.colSpan = 7; body.appendChild(tr); }
    rows.replaceChildren(body);
    document.getElementById("waiting-count").textContent = view.waiting;
    document.getElementById("agents-count").textContent = view.agents_available;
  }

  // ---- the conversation: newest at the bottom, each line once, followed unless reading back ----
  var shown = {};
  if (list) {
    list.querySelectorAll("li[data-line]").forEach(function (li) { shown[li.dataset.line] = true; });
  }
  function atBottom() { return transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 40; }
  function toBottom() { transcript.scrollTop = transcript.scrollHeight; if (jump) { jump.hidden = true; } }
  function addLine(line) {
    // One line, keyed on its id: the event stream, a refresh and the page never show it twice.
    if (line.id != null && shown[line.id]) { return; }
    var follow = atBottom();
    if (line.id != null) { shown[line.id] = true; }
    var empty = list.querySelector("li.empty"); if (empty) { empty.remove(); }
    var li = document.createElement("li"), who = document.createElement("span"), said = document.createElement("span");
    li.className = "r-" + line.role; who.className = "who"; said.className = "said";
    if (line.id != null) { li.dataset.line = line.id; }
    who.textContent = line.who; said.textContent = line.text;
    li.appendChild(who); li.appendChild(document.createTextNode(" ")); li.appendChild(said);
    var later = null;  // keep the order of the lines' ids, whichever route brought them first
    if (line.id != null) {
      list.querySelectorAll("li[data-line]").forEach(function (other) {
        if (!later && Number(other.dataset.line) > Number(line.id)) { later = other; }
      });
    }
    list.insertBefore(li, later);
    if (follow) { toBottom(); } else if (jump) { jump.hidden = false; }
  }
  if (transcript) {
    toBottom();
    transcript.addEventListener("scroll", function () { if (atBottom() && jump) { jump.hidden = true; } });
    if (jump) { jump.addEventListener("click", function () { toBottom(); transcript.focus(); }); }
  }

  function refreshConversation() {
    return fetch("/api/handoff/entries/" + encodeURIComponent(entryId), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && data.lines) { data.lines.forEach(addLine); } });
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
    if (transcript && changes.some(function (c) { return c.entry === entryId; })) { refreshConversation(); }
  }

  // ---- replies without a reload: the line appears where the agent is looking ----
  var replyForm = document.getElementById("reply-form");
  if (replyForm && window.fetch) {
    replyForm.addEventListener("submit", function (ev) {
      var box = document.getElementById("reply"), text = box.value.trim();
      if (!text) { return; }
      ev.preventDefault();
      fetch("/api/handoff/entries/" + encodeURIComponent(entryId) + "/reply", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ text: text })
      }).then(function (r) {
        if (!r.ok) { replyForm.submit(); return; }  // the page says what went wrong
        box.value = ""; box.focus();
        return refreshConversation().then(toBottom);
      });
    });
  }

  if (window.EventSource) {
    var source = new EventSource("/api/handoff/events");
    source.addEventListener("queue", function (ev) { refresh(JSON.parse(ev.data).changes || []); });
    source.addEventListener("citizen", function (ev) {
      var line = JSON.parse(ev.data);
      if (transcript && line.entry === entryId) { addLine({ id: line.id, role: "citizen", who: "Citizen", text: line.text }); }
    });
  }
  if (transcript) { setInterval(refreshConversation, 15000); }  // a safety net; lines stay single
})();
