/*
 * Registro por chat: the website chat widget.
 *
 * Embed it on any page with one tag (the site's origin must be listed in the
 * server's WIDGET_ALLOWED_ORIGINS unless it is the application itself):
 *
 *   <script src="https://registro.example.org/widget.js" data-lang="es" defer></script>
 *
 * data-lang is "es" or "en"; without it the page's <html lang> decides. Any
 * element with a data-chat-open attribute opens the chat when clicked, and
 * window.RegistroChat.open() / .close() do the same from a script.
 *
 * Plain JavaScript for current browsers, without a framework or a build step:
 * the widget is one file that a host page loads as it is. It draws inside a
 * shadow root, so the host page's styles neither reach it nor are changed by it.
 * Message text is always set with textContent and never parsed as HTML.
 *
 * The server protocol (JSON frames over the WebSocket /chat/ws) is described in
 * bot/channels/web_socket.py. Each message the visitor sends stays in
 * localStorage until the server replies to it and is sent again after a reconnect;
 * the server processes each message id once, so nothing is lost or repeated.
 */
(function () {
  "use strict";

  if (window.RegistroChat) {
    return;
  }
  const script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  if (!script) {
    return;
  }

  const SERVER = new URL(script.src, window.location.href);
  const SOCKET_URL = new URL("chat/ws", SERVER).href.replace(/^http/, "ws");
  const STORAGE_PREFIX = "registro-chat:" + SERVER.origin + ":";
  const RETRY_MIN_MS = 1000;
  const RETRY_MAX_MS = 30000;
  // Close code the server uses for a session token it did not issue (see web_socket.py).
  const CLOSE_INVALID_SESSION = 4401;
  // The engine replies to longer messages with a request to shorten them (bot/text.py).
  const MAX_MESSAGE_LENGTH = 2000;

  const TEXTS = {
    es: {
      open: "Abrir el chat de registro",
      openUnread: "Abrir el chat de registro ({count} mensajes nuevos)",
      close: "Cerrar el chat",
      title: "Asistente de registro",
      conversation: "Conversación",
      welcome: "Te ayudo a registrarte y pagar tu entrada, o a resolver tus dudas sobre el evento. " +
        "Escribe tu mensaje o elige una opción.",
      starters: ["Quiero registrarme", "¿Cuándo y dónde es el evento?"],
      inputLabel: "Escribe tu mensaje",
      placeholder: "Escribe tu mensaje…",
      send: "Enviar",
      you: "Tú:",
      assistant: "Asistente:",
      newTab: "(se abre en una pestaña nueva)",
      connecting: "Conectando…",
      offline: "Sin conexión. Reintento en {seconds} s.",
      unavailable: "El asistente no responde. Reintento en {seconds} s.",
      newSession: "Tu conversación anterior ya no está disponible; empezamos una nueva.",
    },
    en: {
      open: "Open the registration chat",
      openUnread: "Open the registration chat ({count} new messages)",
      close: "Close the chat",
      title: "Registration assistant",
      conversation: "Conversation",
      welcome: "I can help you register and pay for your ticket, or answer your questions about " +
        "the event. Type a message or pick an option.",
      starters: ["I want to register", "When and where is the event?"],
      inputLabel: "Type your message",
      placeholder: "Type your message…",
      send: "Send",
      you: "You:",
      assistant: "Assistant:",
      newTab: "(opens in a new tab)",
      connecting: "Connecting…",
      offline: "No connection. Retrying in {seconds} s.",
      unavailable: "The assistant is not responding. Retrying in {seconds} s.",
      newSession: "Your previous conversation is no longer available, so we're starting a new one.",
    },
  };
  const LANGUAGE = /^en\b/i.test(script.getAttribute("data-lang") || document.documentElement.lang || "")
    ? "en" : "es";
  const T = TEXTS[LANGUAGE];

  // ----- Storage: localStorage may be blocked (private modes, policies); memory then.

  const memory = {};
  function load(key, storage) {
    try {
      return (storage || window.localStorage).getItem(STORAGE_PREFIX + key);
    } catch (error) {
      return memory[key] === undefined ? null : memory[key];
    }
  }
  function save(key, value, storage) {
    memory[key] = value;
    try {
      if (value === null) {
        (storage || window.localStorage).removeItem(STORAGE_PREFIX + key);
      } else {
        (storage || window.localStorage).setItem(STORAGE_PREFIX + key, value);
      }
    } catch (error) {
      // Kept in memory only: the conversation still works until the page closes.
    }
  }
  function loadOutbox() {
    try {
      const outbox = JSON.parse(load("outbox") || "[]");
      return Array.isArray(outbox) ? outbox : [];
    } catch (error) {
      return [];
    }
  }

  const state = {
    session: load("session"),
    // Messages sent without replies yet: [{id, text, title}].
    outbox: loadOutbox(),
    socket: null,
    connecting: false,
    // True once the server sent the history for this connection.
    ready: false,
    retryDelay: RETRY_MIN_MS,
    retryTimer: null,
    resendTimer: null,
    unread: 0,
    // A note shown under the welcome for the rest of the page's life, or null.
    notice: null,
  };

  function saveOutbox() {
    save("outbox", state.outbox.length ? JSON.stringify(state.outbox) : null);
  }

  // ----- Building the interface

  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([name, value]) => {
      if (name === "text") {
        node.textContent = value;
      } else if (value !== false && value !== null && value !== undefined) {
        node.setAttribute(name, value === true ? "" : value);
      }
    });
    (children || []).forEach((child) => node.appendChild(child));
    return node;
  }

  function chatIcon() {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z");
    svg.appendChild(path);
    return svg;
  }

  const host = el("div", { id: "registro-chat", lang: LANGUAGE });
  const root = host.attachShadow({ mode: "open" });
  const badge = el("span", { class: "badge", "aria-hidden": "true", hidden: true });
  const launcher = el("button", {
    type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": "panel", "aria-label": T.open,
  }, [chatIcon(), badge]);
  const status = el("p", { class: "status", role: "status" });
  const closeButton = el("button", { type: "button", class: "close", "aria-label": T.close, text: "×" });
  const list = el("div", {
    class: "messages", role: "log", "aria-live": "polite", "aria-label": T.conversation, tabindex: "0",
  });
  const typing = el("div", { class: "typing", "aria-hidden": "true", hidden: true },
    [el("span"), el("span"), el("span")]);
  const input = el("input", {
    id: "message", type: "text", autocomplete: "off", maxlength: String(MAX_MESSAGE_LENGTH),
    placeholder: T.placeholder, enterkeyhint: "send",
  });
  const form = el("form", { class: "composer" }, [
    el("label", { class: "sr-only", for: "message", text: T.inputLabel }),
    input,
    el("button", { type: "submit", class: "send", text: T.send }),
  ]);
  const panel = el("section", { id: "panel", class: "panel", role: "dialog", "aria-label": T.title, hidden: true }, [
    el("header", {}, [el("div", { class: "heading" }, [el("h2", { text: T.title }), status]), closeButton]),
    list,
    typing,
    form,
  ]);
  const frame = el("div", { class: "widget" }, [panel, launcher]);
  root.appendChild(el("link", { rel: "stylesheet", href: new URL("widget.css", SERVER).href }));
  root.appendChild(frame);

  // ----- Messages

  const URL_PATTERN = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)»]/g;

  // Put text into a paragraph, turning http(s) addresses into links; no HTML is parsed.
  function textWithLinks(text) {
    const paragraph = el("p", { class: "text" });
    let last = 0;
    for (const match of text.matchAll(URL_PATTERN)) {
      paragraph.appendChild(document.createTextNode(text.slice(last, match.index)));
      paragraph.appendChild(el("a", { href: match[0], target: "_blank", rel: "noopener", text: match[0] }));
      last = match.index + match[0].length;
    }
    paragraph.appendChild(document.createTextNode(text.slice(last)));
    return paragraph;
  }

  function isWebAddress(url) {
    try {
      const protocol = new URL(url).protocol;
      return protocol === "https:" || protocol === "http:";
    } catch (error) {
      return false;
    }
  }

  function buttonsOf(message, withQuickReplies) {
    const actions = el("div", { class: "actions" });
    (message.buttons || []).forEach((button) => {
      if (typeof button.title !== "string") {
        return;
      }
      if (button.url) {
        if (isWebAddress(button.url)) {
          actions.appendChild(el("a", { class: "link", href: button.url, target: "_blank", rel: "noopener" }, [
            document.createTextNode(button.title),
            el("span", { class: "sr-only", text: " " + T.newTab }),
          ]));
        }
      } else if (withQuickReplies && typeof button.payload === "string") {
        const quick = el("button", { type: "button", class: "quick", text: button.title });
        quick.addEventListener("click", () => sendMessage(button.payload, button.title));
        actions.appendChild(quick);
      }
    });
    return actions.childNodes.length ? actions : null;
  }

  function addBotMessage(message, withQuickReplies) {
    const bubble = el("div", { class: "message bot" }, [el("span", { class: "sr-only", text: T.assistant + " " })]);
    if (message.text) {
      bubble.appendChild(textWithLinks(message.text));
    }
    const actions = buttonsOf(message, withQuickReplies);
    if (actions) {
      bubble.appendChild(actions);
    }
    list.appendChild(bubble);
  }

  function addUserMessage(text, id, pending) {
    const bubble = el("div", { class: pending ? "message user pending" : "message user", "data-id": id || null }, [
      el("span", { class: "sr-only", text: T.you + " " }),
      el("p", { class: "text", text: text }),
    ]);
    list.appendChild(bubble);
  }


  function markDelivered(id) {
    const bubble = list.querySelector('.message.user[data-id="' + CSS.escape(id) + '"]');
    if (bubble) {
      bubble.classList.remove("pending");
    }
  }

  // Quick replies belong to the newest question only; older ones are removed.
  function removeQuickReplies() {
    list.querySelectorAll(".quick, .starters").forEach((node) => node.remove());
    list.querySelectorAll(".actions").forEach((node) => {
      if (!node.childNodes.length) {
        node.remove();
      }
    });
  }

  function addWelcome(withStarters) {
    addBotMessage({ text: T.welcome }, false);
    if (withStarters) {
      const starters = el("div", { class: "actions starters" });
      T.starters.forEach((text) => {
        const quick = el("button", { type: "button", class: "quick", text: text });
        quick.addEventListener("click", () => sendMessage(text, text));
        starters.appendChild(quick);
      });
      list.lastChild.appendChild(starters);
    }
    if (state.notice) {
      list.appendChild(el("p", { class: "notice", text: state.notice }));
    }
  }

  function renderBotMessages(messages) {
    messages.forEach((message) => addBotMessage(message, true));
    scrollToEnd();
  }

  function renderHistory(messages) {
    // Silenced while the whole list is redrawn, so a screen reader does not read it all again.
    list.setAttribute("aria-live", "off");
    list.textContent = "";
    addWelcome(messages.length === 0 && state.outbox.length === 0);
    let lastUser = -1;
    messages.forEach((message, index) => {
      if (message.sender === "user") {
        lastUser = index;
      }
    });
    messages.forEach((message, index) => {
      if (message.sender === "user") {
        addUserMessage(message.text, null, false);
      } else {
        addBotMessage(message, index > lastUser);
      }
    });
    state.outbox.forEach((message) => addUserMessage(message.title, message.id, true));
    scrollToEnd();
    window.setTimeout(() => list.setAttribute("aria-live", "polite"), 0);
  }

  function scrollToEnd() {
    list.scrollTop = list.scrollHeight;
  }

  function showTyping(visible) {
    typing.hidden = !visible;
    if (visible) {
      scrollToEnd();
    }
  }

  function setStatus(text) {
    status.textContent = text || "";
  }

  function updateLauncher() {
    const open = !panel.hidden;
    launcher.setAttribute("aria-expanded", String(open));
    launcher.setAttribute("aria-label", open ? T.close
      : state.unread ? T.openUnread.replace("{count}", state.unread) : T.open);
    badge.hidden = open || !state.unread;
    badge.textContent = state.unread ? String(state.unread) : "";
    frame.classList.toggle("open", open);
  }

  // ----- Sending

  function newMessageId() {
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  function transmit(message) {
    if (state.socket && state.ready) {
      state.socket.send(JSON.stringify({ type: "message", id: message.id, text: message.text }));
    }
  }

  // Send ``text`` to the assistant and show ``title`` (a button's title) as the visitor's words.
  function sendMessage(text, title) {
    text = text.trim();
    if (!text) {
      return;
    }
    const message = { id: newMessageId(), text: text.slice(0, MAX_MESSAGE_LENGTH), title: title || text };
    state.outbox.push(message);
    saveOutbox();
    removeQuickReplies();
    addUserMessage(message.title, message.id, true);
    scrollToEnd();
    if (state.ready) {
      transmit(message);
    } else {
      connect();
    }
  }

  function resendOutbox() {
    window.clearTimeout(state.resendTimer);
    state.resendTimer = null;
    state.outbox.forEach(transmit);
  }

  // ----- Connection

  function retryDelay() {
    const delay = state.retryDelay;
    state.retryDelay = Math.min(state.retryDelay * 2, RETRY_MAX_MS);
    // Up to a quarter more, so pages cut off together do not all come back at once.
    return delay + Math.floor(Math.random() * delay * 0.25);
  }

  function scheduleReconnect() {
    const delay = retryDelay();
    setStatus(T.offline.replace("{seconds}", Math.round(delay / 1000)));
    window.clearTimeout(state.retryTimer);
    state.retryTimer = window.setTimeout(connect, delay);
  }

  function ensureSession() {
    if (state.session) {
      return Promise.resolve(state.session);
    }
    return fetch(new URL("chat/session", SERVER).href, { method: "POST", credentials: "omit" })
      .then((response) => {
        if (!response.ok) {
          throw new Error("POST /chat/session failed with HTTP " + response.status);
        }
        return response.json();
      })
      .then((body) => {
        state.session = body.session;
        save("session", body.session);
        return body.session;
      });
  }

  function connect() {
    if (state.socket || state.connecting) {
      return;
    }
    window.clearTimeout(state.retryTimer);
    state.connecting = true;
    setStatus(T.connecting);
    ensureSession().then(openSocket, () => {
      state.connecting = false;
      scheduleReconnect();
    });
  }

  function openSocket(session) {
    const socket = new WebSocket(SOCKET_URL);
    state.socket = socket;
    state.connecting = false;
    socket.addEventListener("open", () => {
      const pending = state.outbox.map((message) => ({ id: message.id, text: message.text }));
      socket.send(JSON.stringify({ type: "hello", session: session, pending: pending }));
    });
    socket.addEventListener("message", (event) => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      handleFrame(data);
    });
    socket.addEventListener("close", (event) => {
      if (state.socket !== socket) {
        return;
      }
      state.socket = null;
      state.ready = false;
      showTyping(false);
      if (event.code === CLOSE_INVALID_SESSION) {
        startNewSession();
      } else {
        scheduleReconnect();
      }
    });
  }

  // The server did not accept the stored session (it expired, was issued under
  // another key, or was altered): forget it, with the messages meant for it, and start afresh.
  function startNewSession() {
    state.session = null;
    save("session", null);
    state.outbox = [];
    saveOutbox();
    state.notice = T.newSession;
    list.textContent = "";
    addWelcome(true);
    connect();
  }

  function handleFrame(data) {
    if (data.type === "history" && Array.isArray(data.messages)) {
      const answered = new Set(data.answered || []);
      state.outbox = state.outbox.filter((message) => !answered.has(message.id));
      saveOutbox();
      renderHistory(data.messages);
      state.ready = true;
      state.retryDelay = RETRY_MIN_MS;
      setStatus("");
      showTyping(state.outbox.length > 0);
      resendOutbox();
    } else if (data.type === "ack") {
      markDelivered(data.id);
    } else if (data.type === "typing") {
      showTyping(true);
    } else if (data.type === "replies") {
      const before = state.outbox.length;
      state.outbox = state.outbox.filter((message) => message.id !== data.in_reply_to);
      if (state.outbox.length === before) {
        return;
      }
      saveOutbox();
      markDelivered(data.in_reply_to);
      showTyping(state.outbox.length > 0);
      renderBotMessages(data.messages || []);
    } else if (data.type === "push") {
      renderBotMessages(data.messages || []);
      if (panel.hidden) {
        state.unread += (data.messages || []).length;
        updateLauncher();
      }
    } else if (data.type === "error") {
      handleError(data);
    }
  }

  function handleError(data) {
    showTyping(false);
    if (data.reason === "invalid_message") {
      state.outbox = state.outbox.filter((message) => message.id !== data.in_reply_to);
      saveOutbox();
      return;
    }
    const delay = retryDelay();
    setStatus(T.unavailable.replace("{seconds}", Math.round(delay / 1000)));
    if (!state.resendTimer) {
      state.resendTimer = window.setTimeout(() => {
        setStatus("");
        resendOutbox();
      }, delay);
    }
  }

  // ----- Opening and closing

  function openPanel(options) {
    panel.hidden = false;
    state.unread = 0;
    save("open", "1", window.sessionStorage);
    updateLauncher();
    connect();
    scrollToEnd();
    if (!options || options.focus !== false) {
      input.focus();
    }
  }

  function closePanel() {
    panel.hidden = true;
    save("open", null, window.sessionStorage);
    showTyping(false);
    updateLauncher();
    launcher.focus();
  }

  launcher.addEventListener("click", () => (panel.hidden ? openPanel() : closePanel()));
  closeButton.addEventListener("click", closePanel);
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      closePanel();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    input.value = "";
    sendMessage(text);
  });
  document.addEventListener("click", (event) => {
    const opener = event.target.closest && event.target.closest("[data-chat-open]");
    if (opener) {
      event.preventDefault();
      openPanel();
    }
  });

  addWelcome(state.outbox.length === 0);
  state.outbox.forEach((message) => addUserMessage(message.title, message.id, true));
  document.body.appendChild(host);
  updateLauncher();

  // A page with a session reconnects at once, so a payment confirmation reaches it
  // even while the panel is closed. A first-time visitor connects on opening.
  if (load("open", window.sessionStorage) === "1") {
    openPanel({ focus: false });
  } else if (state.session) {
    connect();
  }

  window.RegistroChat = { open: openPanel, close: closePanel };
})();
