// Phone simulator: each button posts one step to /try/phone/step, which plays Twilio's part
// against the real webhooks. Prompts are spoken with the browser's own speechSynthesis.
(function () {
  "use strict";
  var sim = null, state = "idle", gather = null, keys = "", timer = null, shownTexts = 0;
  var $ = function (id) { return document.getElementById(id); };
  var log = $("log"), status = $("status");

  function add(text, cls) {
    var li = document.createElement("li");
    li.textContent = text;
    if (cls) { li.className = cls; }
    log.appendChild(li);
  }

  function speak(lines, lang) {
    if (!$("speak").checked || !("speechSynthesis" in window)) { return; }
    window.speechSynthesis.cancel();
    lines.forEach(function (line) {
      var u = new SpeechSynthesisUtterance(line);
      u.lang = lang || "en-GB";
      window.speechSynthesis.speak(u);
    });
  }

  function setState(next) {
    state = next;
    var live = state === "listening" || state === "queued";
    $("call").disabled = live;
    $("hangup").disabled = !live;
    $("hold").disabled = state !== "queued";
    $("silence").disabled = !live;
    $("say-send").disabled = !live;
    status.textContent = {
      idle: "Not connected.", listening: "Connected: the line is listening.",
      queued: "On hold for a person. Use 'Stay on hold' to let time pass.",
      connected: "Put through to a member of staff (simulated).", ended: "The call has ended."
    }[state] || state;
  }

  function step(action, value) {
    if (timer) { clearTimeout(timer); timer = null; }
    return fetch("/try/phone/step", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sim: sim, action: action, value: value || "" })
    }).then(function (r) {
      if (!r.ok) { return r.json().then(function (e) { throw new Error(e.detail || r.status); }); }
      return r.json();
    }).then(function (data) {
      sim = data.sim;
      gather = data.gather;
      data.said.forEach(function (line) { add("Assist: " + line); });
      data.texts.slice(shownTexts).forEach(function (t) { add("Text message to you: " + t, "text"); });
      shownTexts = data.texts.length;
      if (data.dialled) { add("(Dialling staff: " + data.dialled + ")"); }
      speak(data.said, gather && gather.language);
      setState(data.state);
      if (data.state === "ended" || data.state === "connected") { sim = null; shownTexts = 0; }
    }).catch(function (err) { add("Problem: " + err.message); });
  }

  function pressed(key) {
    if (state !== "listening" && state !== "queued") { return; }
    add("You pressed " + key, "you");
    if (key === "#") { var k = keys; keys = ""; $("entered").textContent = ""; step("press", k + "#"); return; }
    keys += key;
    $("entered").textContent = keys;
    if (gather && gather.numDigits && keys.length >= gather.numDigits) {
      var send = keys; keys = ""; $("entered").textContent = ""; step("press", send); return;
    }
    if (timer) { clearTimeout(timer); }
    // Like a phone: an entry is sent after a pause (or press # to send it straight away).
    timer = setTimeout(function () { var s = keys; keys = ""; $("entered").textContent = ""; step("press", s); },
                       3000);
  }

  Array.prototype.forEach.call(document.querySelectorAll(".key"), function (b) {
    b.addEventListener("click", function () { pressed(b.getAttribute("data-key")); });
  });
  $("call").addEventListener("click", function () { log.textContent = ""; sim = null; add("Calling…"); step("dial"); });
  $("hangup").addEventListener("click", function () { add("You hung up.", "you"); step("hangup"); });
  $("hold").addEventListener("click", function () { add("(30 seconds on hold)", "you"); step("hold"); });
  $("silence").addEventListener("click", function () { add("(You said nothing.)", "you"); step("silence"); });
  $("say-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var words = $("say").value.trim();
    if (!words || (state !== "listening" && state !== "queued")) { return; }
    add("You said: " + words, "you");
    $("say").value = "";
    step("say", words);
  });
  // A closed tab is a hang-up, as on a real phone: the queue must not keep a phantom caller.
  window.addEventListener("pagehide", function () {
    if (sim && navigator.sendBeacon) {
      var bye = JSON.stringify({ sim: sim, action: "hangup" });
      navigator.sendBeacon("/try/phone/step", new Blob([bye], { type: "application/json" }));
    }
  });
  setState("idle");
}());
