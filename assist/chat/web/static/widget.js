/* Assist chat widget: <script src="https://ASSIST/chat/widget.js" defer></script> on any page.
   Adds a "Chat with the council" button; the chat opens in a frame served by Assist itself,
   so the page makes no other requests and the chat keeps its own styles and security.

   Where the browser blocks a frame's storage on another site (third-party storage), the chat
   id is kept here, in the council page's own storage, and handed to the frame by postMessage
   (only to Assist's origin; only messages from our own frame are believed), so another page
   of the site carries on the same conversation and queue place. The chat opens in the
   page's language (?lang= or <html lang>) before the browser's; Escape in the chat closes it. */
(function () {
  "use strict";
  if (window.__assistChatWidget) { return; }
  window.__assistChatWidget = true;

  var script = document.currentScript;
  var base = script && script.src ? new URL(script.src).origin : window.location.origin;
  var LABELS = {
    en: ["Chat with the council", "Close the chat"],
    pl: ["Czat z urzędem", "Zamknij czat"],
    lt: ["Pokalbis su savivaldybe", "Uždaryti pokalbį"],
    ro: ["Chat cu primăria", "Închideți chatul"],
    pt: ["Conversar com a câmara", "Fechar o chat"]
  };
  var asked = new URLSearchParams(window.location.search).get("lang");
  var pageLang = (asked || document.documentElement.lang || navigator.language || "en").toLowerCase().split("-")[0];
  var lang = LABELS[pageLang] ? pageLang : "en";
  var words = LABELS[lang];

  function css(el, styles) {
    Object.keys(styles).forEach(function (k) { el.style.setProperty(k, styles[k]); });
    return el;
  }
  function focusRing(el, on) {
    css(el, on ? { outline: "3px solid #ffdd00", "box-shadow": "0 0 0 6px #0b0c0c" }
               : { outline: "none", "box-shadow": "none" });
  }

  var launcher = css(document.createElement("button"), {
    position: "fixed", right: "1rem", bottom: "1rem", "z-index": "2147483000",
    "min-height": "3rem", "min-width": "3rem", padding: "0.5rem 1.25rem",
    font: "600 1.125rem/1.3 system-ui, -apple-system, 'Segoe UI', Arial, sans-serif",
    color: "#ffffff", background: "#1d70b8", border: "2px solid #0b0c0c", "border-radius": "2rem",
    cursor: "pointer"
  });
  launcher.type = "button";
  launcher.id = "assist-chat-launcher";
  launcher.textContent = words[0];
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "assist-chat-panel");

  var panel = css(document.createElement("div"), {
    position: "fixed", right: "1rem", bottom: "4.75rem", "z-index": "2147483000",
    width: "min(28rem, calc(100vw - 2rem))", height: "min(42rem, calc(100vh - 6.5rem))",
    display: "none", "flex-direction": "column", background: "#ffffff",
    border: "2px solid #0b0c0c", "box-shadow": "0 0.25rem 1rem rgba(0,0,0,0.3)"
  });
  panel.id = "assist-chat-panel";
  panel.setAttribute("role", "region");
  panel.setAttribute("aria-label", words[0]);

  var close = css(document.createElement("button"), {
    "align-self": "flex-end", margin: "0.25rem", "min-height": "2.75rem", padding: "0.25rem 1rem",
    font: "600 1rem/1.3 system-ui, -apple-system, 'Segoe UI', Arial, sans-serif",
    color: "#0b0c0c", background: "#ffffff", border: "2px solid #0b0c0c", cursor: "pointer"
  });
  close.type = "button";
  close.textContent = words[1];

  var ID_KEY = "assist.chat_id:" + base;
  function store(op, value) {
    try {
      if (op === "get") { return window.localStorage.getItem(ID_KEY); }
      if (op === "set") { window.localStorage.setItem(ID_KEY, value); }
      if (op === "remove") { window.localStorage.removeItem(ID_KEY); }
    } catch (e) { /* the page's own storage blocked too: the chat lasts for this page */ }
    return null;
  }
  var CHAT_ID = /^[A-Za-z0-9_-]{16,64}$/;
  window.addEventListener("message", function (e) {
    if (!frame || e.source !== frame.contentWindow || e.origin !== base) { return; }
    var msg = e.data || {};
    if (msg.type === "assist:ready") {
      frame.contentWindow.postMessage({ type: "assist:chat-id", chatId: store("get") }, base);
    } else if (msg.type === "assist:chat-id" && CHAT_ID.test(String(msg.chatId))) {
      store("set", msg.chatId);
    } else if (msg.type === "assist:forget") {
      store("remove");
    } else if (msg.type === "assist:close") {
      shut();
    }
  });

  var frame = null;
  function open() {
    if (!frame) {
      frame = css(document.createElement("iframe"), { flex: "1", width: "100%", border: "0" });
      frame.title = words[0];
      frame.src = base + "/chat?embed=1&lang=" + encodeURIComponent(lang);
      panel.appendChild(frame);
    }
    panel.style.display = "flex";
    launcher.setAttribute("aria-expanded", "true");
    close.focus();
  }
  function shut() {
    panel.style.display = "none";
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  launcher.addEventListener("click", function () {
    if (launcher.getAttribute("aria-expanded") === "true") { shut(); } else { open(); }
  });
  close.addEventListener("click", shut);
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") { shut(); } });
  [launcher, close].forEach(function (b) {
    b.addEventListener("focus", function () { focusRing(b, true); });
    b.addEventListener("blur", function () { focusRing(b, false); });
  });

  function mount() {
    panel.appendChild(close);
    document.body.appendChild(panel);
    document.body.appendChild(launcher);
  }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
})();
