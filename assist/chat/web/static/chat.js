/* Assist web chat: talks to /chat/ws. Every message is put on the page with textContent. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("assist-config").textContent);
  var STRINGS = config.strings;
  var ID_KEY = "assist.chat_id";
  var LANG_KEY = "assist.language";
  var $ = function (id) { return document.getElementById(id); };
  var log = $("log"), statusEl = $("status"), choices = $("choices"), buttons = $("choice-buttons");
  var composer = $("composer"), message = $("message"), messageError = $("message-error");
  var count = $("message-count"), queue = $("queue"), queueText = $("queue-text");
  var callbackForm = $("callback"), callbackNumber = $("callback-number");
  var callbackError = $("callback-error"), transcript = $("transcript");
  var idle = $("idle"), idleText = $("idle-text"), select = $("language");

  var lang = document.documentElement.lang || "en";
  /* In the widget's frame on a council page the widget may hold the chat id (the frame's
     own storage is blocked there): it is asked for once, and believed only from the page
     that framed us; our id goes back only to that page's origin. */
  var embedded = window.parent !== window;
  var host = null;
  var ws = null, chatId = storage("get", ID_KEY), lastAt = null, connectedOnce = false;
  var pending = [], seq = 0, retries = 0, idleTimer = null, ended = false;
  var moveFocus = false; /* the citizen chose an answer: focus follows to the next action */
  var messageHint = $("message-hint");

  function storage(op, key, value) {
    try {
      if (op === "get") { return window.localStorage.getItem(key); }
      if (op === "set") { window.localStorage.setItem(key, value); }
      if (op === "remove") { window.localStorage.removeItem(key); }
    } catch (e) { /* storage blocked: the chat still works for this page */ }
    return null;
  }

  function t(key, values) {
    var table = STRINGS[lang] || STRINGS.en;
    var text = table[key] || STRINGS.en[key] || key;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(values[name]));
    });
    return text;
  }

  /* ---------------------------------------------------------------- language */
  function applyLanguage(code) {
    if (!STRINGS[code]) { return; }
    lang = code;
    document.documentElement.lang = code;
    Array.prototype.forEach.call(document.querySelectorAll("[data-t]"), function (el) {
      el.textContent = t(el.getAttribute("data-t"));
    });
    document.title = t("title");
    updateHint();
    select.value = code;
    updateCount();
  }

  function browserLanguage() {
    var stored = storage("get", LANG_KEY);
    if (stored && STRINGS[stored]) { return stored; }
    var asked = new URLSearchParams(window.location.search).get("lang");
    if (asked && STRINGS[lang]) { return lang; } /* ?lang= (the page embedding us) wins */
    var list = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || "en"];
    for (var i = 0; i < list.length; i++) {
      var base = String(list[i]).toLowerCase().split("-")[0];
      if (STRINGS[base]) { return base; }
    }
    return lang;
  }

  /* ---------------------------------------------------------------- the log */
  function add(kind, text, who, textLang) {
    var item = document.createElement("div");
    item.className = "msg " + kind;
    var label = document.createElement("span");
    label.className = "who";
    label.textContent = who;
    var body = document.createElement("p");
    body.textContent = text;
    if (textLang) { body.lang = textLang; }
    item.appendChild(label);
    item.appendChild(body);
    log.appendChild(item);
    var rect = item.getBoundingClientRect();
    if (rect.bottom > window.innerHeight) { item.scrollIntoView({ block: "nearest" }); }
    return item;
  }

  function speaker(role, agent) {
    if (role === "citizen") { return t("you"); }
    if (role === "staff") { return agent ? agent + " (" + t("staff") + ")" : t("staff"); }
    if (role === "system") { return t("system"); }
    return t("assistant");
  }

  function kindOf(role) {
    return role === "citizen" ? "you" : role === "staff" ? "staff" : role === "system" ? "note" : "assistant";
  }

  function showChoices(options) {
    buttons.textContent = "";
    (options || []).forEach(function (option) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = option.label;
      b.setAttribute("data-key", option.key);
      b.addEventListener("click", function () {
        add("you", option.label, t("you"));
        moveFocus = true;
        clearChoices(true);
        send({ type: "choose", key: option.key, id: nextId() });
      });
      buttons.appendChild(b);
    });
    choices.hidden = !options || options.length === 0;
    updateHint();
  }

  /* The hint under "Your message" says where the answers are, or that words are wanted. */
  function updateHint() {
    messageHint.setAttribute("data-t", choices.hidden ? "message_hint_free" : "message_hint");
    messageHint.textContent = t(messageHint.getAttribute("data-t"));
  }

  /* Focus the next action, in view and visibly: the first new answer, else the text box. */
  function focusNext() {
    var target = !choices.hidden && buttons.firstChild ? buttons.firstChild : message;
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "nearest" });
  }

  function clearChoices(waiting) {
    var hadFocus = choices.contains(document.activeElement);
    buttons.textContent = "";
    choices.hidden = true;
    updateHint();
    if (hadFocus) {
      /* waiting for the answer: hold focus on the log's newest line, never on <body> */
      if (waiting && log.lastElementChild) {
        log.lastElementChild.tabIndex = -1;
        log.lastElementChild.focus({ preventScroll: true });
      } else { message.focus(); }
    }
  }

  function showQueue(msg) {
    queue.hidden = false;
    queueText.textContent = msg.text;
    if (msg.lang) { queueText.lang = msg.lang; }
    callbackForm.hidden = !msg.callback;
  }

  /* ---------------------------------------------------------------- server messages */
  var handlers = {
    welcome: function (msg) {
      chatId = msg.chat_id;
      storage("set", ID_KEY, chatId);
      if (host) { window.parent.postMessage({ type: "assist:chat-id", chatId: chatId }, host); }
      transcript.href = "/chat/transcript/" + encodeURIComponent(chatId) + ".txt";
      transcript.hidden = false;
      status("");
      if (msg.language && msg.language !== lang && !storage("get", LANG_KEY)) { applyLanguage(msg.language); }
      flush();
    },
    history: function (msg) {
      log.setAttribute("aria-busy", "true");
      msg.messages.forEach(function (m) { add(kindOf(m.role), m.text, speaker(m.role, m.agent), m.lang); });
      log.setAttribute("aria-busy", "false");
    },
    say: function (msg) { add("assistant", msg.text, t("assistant"), msg.lang); },
    ask: function (msg) {
      if (!msg.repeat) { add("assistant", msg.text, t("assistant"), msg.lang); }
      showChoices(msg.options);
      ended = false;
      if (moveFocus) { moveFocus = false; focusNext(); }
    },
    queue: function (msg) {
      clearChoices();
      showQueue(msg);
      if (moveFocus || document.activeElement === document.body) { moveFocus = false; focusNext(); }
      if (!msg.quiet) { add("note", msg.text, t("queue_title"), msg.lang); }
    },
    callback: function (msg) {
      var hadFocus = callbackForm.contains(document.activeElement);
      callbackForm.hidden = true;
      callbackNumber.value = "";
      add("note", msg.text, t("callback_title"), msg.lang);
      if (hadFocus || document.activeElement === document.body) { focusNext(); }
    },
    joined: function (msg) {
      clearChoices();
      queue.hidden = true;
      add("note", msg.text, t("staff"), msg.lang);
    },
    staff: function (msg) {
      queue.hidden = true;
      add("staff", msg.text, speaker("staff", msg.agent));
    },
    error: function (msg) {
      add("error", msg.text, t("system"), msg.lang);
    },
    end: function (msg) {
      clearChoices();
      queue.hidden = true;
      ended = true;
      add("note", msg.text, t("system"), msg.lang);
      if (moveFocus) { moveFocus = false; focusNext(); }
    },
    language: function (msg) {
      if (msg.language !== lang) { applyLanguage(msg.language); }
    },
    kept: function () { idle.hidden = true; }
  };

  function onMessage(event) {
    var msg;
    try { msg = JSON.parse(event.data); } catch (e) { return; }
    if (typeof msg.at === "number") { lastAt = msg.at; }
    var handler = handlers[msg.type];
    if (handler) { handler(msg); }
    resetIdle();
  }

  /* ---------------------------------------------------------------- the socket */
  function status(text) { statusEl.textContent = text; }

  function nextId() {
    seq += 1;
    return Date.now().toString(36) + "-" + seq;
  }

  function send(msg) {
    if (ws && ws.readyState === WebSocket.OPEN && chatId) {
      ws.send(JSON.stringify(msg));
    } else {
      pending.push(msg);
    }
    resetIdle();
  }

  function flush() {
    while (pending.length && ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify(pending.shift()));
    }
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    status(connectedOnce ? t("reconnecting") : t("connecting"));
    ws = new WebSocket(scheme + location.host + config.ws);
    ws.addEventListener("open", function () {
      retries = 0;
      var hello = { type: "hello", chat_id: chatId, language: lang };
      if (connectedOnce && lastAt !== null) { hello.since = lastAt; }
      connectedOnce = true;
      ws.send(JSON.stringify(hello));
    });
    ws.addEventListener("message", onMessage);
    ws.addEventListener("close", function (event) {
      if (event.code === 1008) { status(t("offline")); return; }
      retries += 1;
      var delay = Math.min(15000, 1000 * Math.pow(2, Math.min(retries - 1, 4)));
      status(retries > 3 ? t("offline") + " " + t("reconnecting") : t("reconnecting"));
      window.setTimeout(connect, delay);
    });
  }

  /* ---------------------------------------------------------------- no silent time limits */
  function resetIdle() {
    if (idleTimer) { window.clearTimeout(idleTimer); }
    idleTimer = window.setTimeout(function () {
      idleText.textContent = t("idle_warning", { minutes: config.keptMinutes });
      idle.hidden = false;
    }, config.idleWarningS * 1000);
  }

  /* ---------------------------------------------------------------- the citizen acts */
  function updateCount() {
    var left = config.maxText - message.value.length;
    count.textContent = left < 200 ? t("chars_left", { n: Math.max(left, 0) }) : "";
  }

  function showError(field, errorEl, text) {
    errorEl.textContent = text;
    errorEl.hidden = !text;
    if (text) { field.setAttribute("aria-invalid", "true"); } else { field.removeAttribute("aria-invalid"); }
  }

  composer.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = message.value.trim();
    if (text.length > config.maxText) {
      showError(message, messageError, t("too_long", { n: config.maxText }));
      message.focus();
      return;
    }
    showError(message, messageError, "");
    if (!text) { message.focus(); return; }
    add("you", text, t("you"));
    clearChoices();
    message.value = "";
    updateCount();
    send({ type: "message", text: text, id: nextId() });
    message.focus();
  });

  message.addEventListener("input", updateCount);
  message.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });

  $("person").addEventListener("click", function () {
    add("you", t("asked_person"), t("you"));
    send({ type: "person" });
  });

  callbackForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var number = callbackNumber.value.trim();
    if (!number) {
      showError(callbackNumber, callbackError, t("callback_empty"));
      callbackNumber.focus();
      return;
    }
    showError(callbackNumber, callbackError, "");
    send({ type: "callback", number: number });
  });

  select.addEventListener("change", function () {
    applyLanguage(select.value);
    storage("set", LANG_KEY, select.value);
    send({ type: "language", language: select.value });
  });

  $("idle-keep").addEventListener("click", function () {
    idle.hidden = true;
    send({ type: "keepalive" });
    message.focus();
  });

  $("new-chat").addEventListener("click", function () {
    storage("remove", ID_KEY);
    if (host) { window.parent.postMessage({ type: "assist:forget" }, host); }
    window.location.reload();
  });

  /* errors from the server about the last message also mark the field */
  handlers.error = (function (show) {
    return function (msg) {
      show(msg);
      if (msg.code === "callback_bad_number" || msg.code === "callback_empty") {
        showError(callbackNumber, callbackError, msg.text);
        callbackNumber.focus();
      }
      if (moveFocus) { moveFocus = false; focusNext(); }
    };
  })(handlers.error);

  /* Escape anywhere in the widget's frame closes the chat (the widget returns focus). */
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && host) { window.parent.postMessage({ type: "assist:close" }, host); }
  });

  function start() {
    var initial = browserLanguage();
    if (initial !== lang) { applyLanguage(initial); }
    updateCount();
    resetIdle();
    connect();
  }

  if (!embedded) { start(); return; }
  var started = false;
  function go() { if (!started) { started = true; start(); } }
  window.addEventListener("message", function (event) {
    var msg = event.data || {};
    if (event.source !== window.parent || msg.type !== "assist:chat-id" || started) { return; }
    host = event.origin;
    if (!chatId && typeof msg.chatId === "string" && /^[A-Za-z0-9_-]{16,64}$/.test(msg.chatId)) {
      chatId = msg.chatId;
    }
    go();
  });
  window.parent.postMessage({ type: "assist:ready" }, "*");
  window.setTimeout(go, 1500); /* framed by a page without the widget: start anyway */
})();
