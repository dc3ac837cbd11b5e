// The playground page: plain DOM, no framework. Everything the bot or an owner wrote is put in
// the page with textContent, never as HTML.
"use strict";

(() => {
  const $ = (sel) => document.querySelector(sel);

  // el builds an element; text is always set as text.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("data-")) node.setAttribute(k, v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c) node.append(c);
    return node;
  }

  async function api(method, path, body, headers) {
    const res = await fetch(path, {
      method,
      headers: Object.assign({ "Content-Type": "application/json" }, headers || {}),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = {};
    try { data = await res.json(); } catch (_) { /* an empty or non-JSON answer */ }
    if (!res.ok) throw new Error(data.error || `${res.status} ${res.statusText}`);
    return data;
  }

  function showError(node, err) {
    if (!err) { node.hidden = true; node.textContent = ""; return; }
    node.hidden = false;
    node.textContent = err.message || String(err);
  }

  const timeFmt = (at) => {
    const d = new Date(at);
    return isNaN(d) ? "" : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  };

  // ---- owner pane ----------------------------------------------------------------------------

  const ownerName = $("#owner-name");
  const ownerLog = $("#owner-log");
  const ownerInput = $("#owner-input");
  const ownerError = $("#owner-error");
  // The log shows the owner's dialogue as the server keeps it (GET .../history), then what
  // arrives live. Each load has a generation, so an answer for a name no longer shown is dropped.
  let generation = 0;
  // live holds the stream's owner events that arrive while the history loads: the stream may
  // start with messages kept for a closed page, which the history already holds.
  let live = null;

  function currentOwner() { return ownerName.value.trim() || "owner"; }

  function addOwnerLine(text) {
    const li = el("li", { class: "msg from-owner" }, el("div", { class: "bubble", text }));
    ownerLog.append(li);
    scrollDown(ownerLog);
  }

  function addReplies(replies, async) {
    for (const r of replies || []) {
      ownerLog.append(el("li", { class: "msg from-bot" + (async ? " async" : "") }, renderReply(r)));
    }
    scrollDown(ownerLog);
  }

  // A line of the history: its buttons are labels. Only the last message's can still be
  // answered, by sending the label as the owner's words, as typing it would.
  function addHistoryLine(line, last) {
    if (line.role === "owner") { addOwnerLine(line.text); return; }
    const box = el("div", { class: "bubble reply" }, el("p", { class: "reply-text", text: line.text }));
    if ((line.buttons || []).length) {
      const row = el("div", { class: "buttons" });
      for (const label of line.buttons) {
        const btn = el("button", { type: "button", class: "choice past", disabled: !last, text: label });
        if (last) btn.addEventListener("click", () => sendOwner({ text: label }, label));
        row.append(btn);
      }
      box.append(row);
    }
    ownerLog.append(el("li", { class: "msg from-bot history", "data-at": line.at }, box));
  }

  // loadHistory shows the owner's dialogue, then what the stream brought meanwhile that it does
  // not hold. The stream starts with the messages kept while no page was open, right after it
  // opens; those are in the history too. So the stream's owner events are held until both the
  // history is shown and the stream has been open a moment (settled), and the held ones the
  // history holds are dropped, one for one.
  async function loadHistory(settled) {
    const gen = ++generation;
    const name = currentOwner();
    live = [];
    ownerLog.replaceChildren();
    let lines = [];
    try {
      const data = await api("GET", `/api/owners/${encodeURIComponent(name)}/history`);
      lines = data.lines || [];
      showError(ownerError, null);
    } catch (err) {
      showError(ownerError, err);
    }
    if (gen !== generation) return;
    const echoed = [...ownerLog.children]; // the owner wrote while it loaded
    ownerLog.replaceChildren();
    lines.forEach((l, i) => addHistoryLine(l, i === lines.length - 1));
    ownerLog.append(...echoed);
    scrollDown(ownerLog);
    await settled;
    if (gen !== generation) return;
    const shown = new Map();
    for (const l of lines.slice(-100)) {
      if (l.role === "bot") shown.set(l.text, (shown.get(l.text) || 0) + 1);
    }
    const waiting = live;
    live = null;
    for (const replies of waiting) {
      addReplies(replies.filter((r) => {
        const n = shown.get(r.text) || 0;
        if (n > 0) { shown.set(r.text, n - 1); return false; }
        return true;
      }), true);
    }
  }

  function renderReply(r) {
    const box = el("div", { class: "bubble reply" + (r.emergency ? " emergency" : "") });
    if (r.emergency) box.append(el("strong", { class: "emergency-label", text: "⚠ Safety first" }));
    if (r.text) box.append(el("p", { class: "reply-text", text: r.text }));
    const buttons = (r.buttons || []).slice();
    if (r.fields && r.fields.length) {
      const table = el("table", { class: "review" });
      for (const f of r.fields) {
        // An edit button belongs on the row of the field it edits.
        const i = buttons.findIndex((b) => b.value === f.key);
        const edit = i >= 0 ? buttons.splice(i, 1)[0] : null;
        // The row names the field, so the button says only the verb, in the owner's language:
        // "Edit VIN" is "Edit", "Ändern: FIN" is "Ändern".
        const verb = edit ? edit.label.replace(f.label, "").replace(/[\s:]+$/, "").trim() || "Edit" : "";
        table.append(el("tr", { "data-field": f.key },
          el("th", { text: f.label }),
          el("td", { class: "value", text: f.value }),
          el("td", { class: "edit" }, edit ? ownerButton(edit, verb) : null)));
      }
      box.append(table);
    }
    if (buttons.length) {
      const row = el("div", { class: "buttons" });
      for (const b of buttons) row.append(ownerButton(b));
      box.append(row);
    }
    return box;
  }

  // ownerButton renders a button of a reply; short is a shorter caption where the row says the rest.
  function ownerButton(b, short) {
    const btn = el("button", { type: "button", class: "choice", "data-action": b.action, "data-value": b.value || "", title: short ? b.label : null, text: short || b.label });
    btn.addEventListener("click", () => sendOwner({ action: b.action, value: b.value || "" }, b.label));
    return btn;
  }

  let ownerBusy = Promise.resolve();

  // sendOwner posts a message or a button press; presses are queued so the bot sees them in order.
  function sendOwner(body, echo) {
    const name = currentOwner();
    addOwnerLine(echo);
    ownerBusy = ownerBusy.then(async () => {
      try {
        const path = `/api/owners/${encodeURIComponent(name)}/` + (body.action ? "actions" : "messages");
        const data = await api("POST", path, body, { "Idempotency-Key": newKey() });
        showError(ownerError, null);
        if (name === currentOwner()) addReplies(data.replies, false);
      } catch (err) {
        showError(ownerError, err);
      }
    });
    return ownerBusy;
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return String(Date.now()) + Math.random().toString(16).slice(2);
  }

  $("#owner-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const text = ownerInput.value.trim();
    if (!text) return;
    ownerInput.value = "";
    sendOwner({ text }, text);
  });

  // A file goes as multipart/form-data (field file); the bot answers like a message.
  const ownerFile = $("#owner-file");
  ownerFile.addEventListener("change", () => {
    const file = ownerFile.files && ownerFile.files[0];
    if (!file) return;
    ownerFile.value = "";
    const name = currentOwner();
    addOwnerLine("File: " + file.name);
    ownerBusy = ownerBusy.then(async () => {
      try {
        const form = new FormData();
        form.append("file", file, file.name);
        const res = await fetch(`/api/owners/${encodeURIComponent(name)}/attachments`, {
          method: "POST", body: form, headers: { "Idempotency-Key": newKey() },
        });
        let data = {};
        try { data = await res.json(); } catch (_) { /* not JSON */ }
        if (!res.ok) throw new Error(data.error || `${res.status} ${res.statusText}`);
        showError(ownerError, null);
        if (name === currentOwner()) addReplies(data.replies, false);
      } catch (err) {
        showError(ownerError, err);
      }
    });
  });

  ownerName.addEventListener("change", () => {
    connect();
  });

  // ---- channel pane --------------------------------------------------------------------------

  const execName = $("#exec-name");
  const cases = $("#cases");
  const channelError = $("#channel-error");
  const currentExec = () => execName.value.trim() || "dana";

  // prompts are the inline inputs open on cards (case → {action, text}), kept across re-renders.
  const prompts = new Map();

  async function refreshChannel() {
    try {
      const data = await api("GET", "/api/channel");
      renderCases(data.cases || []);
      showError(channelError, null);
    } catch (err) {
      showError(channelError, err);
    }
  }

  // Channel events can come in bursts; one reload per animation frame is plenty.
  let refreshPending = false;
  function scheduleRefresh() {
    if (refreshPending) return;
    refreshPending = true;
    setTimeout(() => { refreshPending = false; refreshChannel(); }, 50);
  }

  function renderCases(list) {
    const focused = document.activeElement && document.activeElement.closest && document.activeElement.closest(".card-prompt");
    const focusCase = focused ? focused.getAttribute("data-case") : null;
    if (!list.length) {
      cases.replaceChildren(el("p", { class: "empty", text: "No cases yet. Finish an intake on the left to post one." }));
      return;
    }
    cases.replaceChildren(...list.map(renderCard));
    if (focusCase) {
      const input = cases.querySelector(`.card-prompt[data-case="${CSS.escape(focusCase)}"] input`);
      if (input) input.focus();
    }
  }

  // cardLabels are the card's labels in the operator's language (the server's "labels"), with
  // the English ones for a server that sends none.
  const englishLabels = {
    owner: "Owner", claimed_by: "Claimed by", reminders: "Reminders", due: "Next deadline",
    related: "Same model, year and problem", ask: "The owner asks for", note: "Note",
    resolution: "Resolution", closed_because: "Closed because", safety: "Safe to drive",
    escalated: "Escalated", automatic: "Summary written from the owner's answers by the template, not by a model.",
    no_title: "(no title)", answers: "Answers",
  };
  const cardLabels = (c) => Object.assign({}, englishLabels, c.labels || {});
  const noteLabel = (c, L) => c.status === "resolved" ? L.resolution : c.status === "closed" ? L.closed_because : L.note;

  function renderCard(c) {
    const L = cardLabels(c);
    const card = el("article", { class: `card status-${c.status}` + (c.safety ? " safety" : ""), "data-case": c.id, "data-status": c.status, lang: c.language || null });
    const head = el("header", { class: "card-head" },
      el("span", { class: "case-id", text: c.id }),
      el("span", { class: "status", "data-status": c.status, text: c.status_text || c.status }),
      el("span", { class: `severity severity-${c.severity}`, text: c.severity_text || c.severity }),
      c.safety ? el("span", { class: "safety-badge", title: L.safety, text: "⚠ " + (L.safety_critical || "safety").replace(/[()]/g, "") }) : null,
      c.escalated ? el("span", { class: "escalated-badge", text: "▲ " + L.escalated }) : null,
      c.automatic ? el("span", { class: "automatic", title: L.automatic, text: "auto" }) : null,
      c.ownership ? el("span", { class: `ownership ownership-${c.ownership}`, text: "ownership " + ({ verified: "verified", unverified: "not verified", unknown: "pending" }[c.ownership] || c.ownership) }) : null);
    card.append(head, el("h3", { class: "title", text: c.title || L.no_title }));

    const meta = el("p", { class: "meta" },
      el("span", { text: L.owner + ": " }), el("span", { class: "owner", text: c.owner || "" }),
      el("span", { text: ` · ${L.claimed_by}: ` }), el("span", { class: "claimed-by", text: c.claimed_by || "—" }),
      el("span", { text: " · " + timeFmt(c.created_at) }));
    card.append(meta);
    if (c.reminders || c.due) {
      card.append(el("p", { class: "clocks" },
        c.reminders ? el("span", { class: "reminders", text: `${L.reminders}: ${c.reminders}` }) : null,
        c.reminders && c.due ? el("span", { text: " · " }) : null,
        c.due ? el("span", { class: "due", text: `${L.due}: ` + timeFmt(c.due) }) : null));
    }
    if ((c.related || []).length) {
      const more = c.related_more ? `, +${c.related_more}` : "";
      card.append(el("p", { class: "related", text: `${L.related}: ` + c.related.join(", ") + more }));
    }
    if (c.rating) {
      card.append(el("p", { class: "rating", title: `${c.rating} of 5` },
        el("span", { class: "stars", text: "★".repeat(c.rating) + "☆".repeat(5 - c.rating) + ` (${c.rating}/5)` }),
        c.rating_comment ? el("q", { class: "rating-comment", text: c.rating_comment }) : null));
    }
    if (c.summary) card.append(el("p", { class: "summary", text: c.summary }));
    if (c.ask) {
      card.append(el("p", { class: "ask" },
        el("span", { class: "ask-label", text: `${L.ask}: ` }),
        el("q", { class: "ask-text", text: c.ask })));
    }
    if (c.note) card.append(el("p", { class: "note", text: `${noteLabel(c, L)}: ` + c.note }));
    if (c.translation) {
      card.append(el("p", { class: "translation" },
        el("span", { class: "translation-label", text: `${c.translation_label}: ` }),
        el("q", { class: "translation-text", text: c.translation })));
    }

    if (c.answers && c.answers.length) {
      const dl = el("dl", { class: "fields" });
      for (const a of c.answers) {
        dl.append(el("dt", { text: a.label || a.key }), el("dd", { "data-field": a.key, text: a.value }));
      }
      card.append(el("details", { class: "fields-box" }, el("summary", { text: `${L.answers} (${c.answers.length})` }), dl));
    }

    const thread = el("ol", { class: "thread" });
    for (const m of c.thread || []) {
      // Status lines already name who acted, so only people's messages show a sender.
      thread.append(el("li", { class: `line role-${m.role}` },
        el("span", { class: "at", text: timeFmt(m.at) }),
        m.role === "bot" ? null : el("span", { class: "from", text: m.from }),
        (m.mentions || []).length ? el("span", { class: "mentions", text: m.mentions.map((n) => "@" + n).join(" ") }) : null,
        el("span", { class: "text", text: m.text }),
        m.url ? renderFile(m) : null));
    }
    if (thread.children.length) card.append(thread);

    const buttons = el("div", { class: "card-buttons" });
    for (const b of c.buttons || []) {
      const style = b.style ? ` style-${b.style}` : "";
      const btn = el("button", { type: "button", class: `exec action-${b.action}${style}`, "data-action": b.action, "data-case": c.id, text: b.label });
      btn.addEventListener("click", () => {
        if (b.form) {
          prompts.set(c.id, { action: b.action, form: b.form, text: "" });
          card.querySelector(".card-prompt")?.remove();
          card.append(renderPrompt(c.id));
          card.querySelector(".card-prompt input").focus();
        } else {
          execAction(c.id, b.action, "", card);
        }
      });
      buttons.append(btn);
    }
    const who = encodeURIComponent(currentExec());
    const exp = `/api/execs/${who}/exports/${encodeURIComponent(c.id)}`;
    buttons.append(el("span", { class: "exports" },
      el("a", { href: exp, download: `${c.id}.md`, text: "Export .md" }),
      el("a", { href: exp + "?format=json", download: `${c.id}.json`, text: ".json" })));
    if (buttons.children.length) card.append(buttons);
    const open = prompts.get(c.id);
    if (open && (c.buttons || []).some((b) => b.action === open.action && b.form)) card.append(renderPrompt(c.id));
    else prompts.delete(c.id);
    card.append(el("p", { class: "card-error error", hidden: true }));
    return card;
  }

  // renderFile shows an owner's file in the thread: a photo as a thumbnail, anything else as a
  // link; both open the file the bot keeps.
  function renderFile(m) {
    const f = m.file || {};
    const link = el("a", { class: "file", href: m.url, target: "_blank", rel: "noopener", title: f.name });
    if ((f.type || "").startsWith("image/") && f.type !== "image/heic" && f.type !== "image/heif") {
      link.append(el("img", { class: "thumb", src: m.url, alt: f.name, loading: "lazy" }));
    } else {
      link.append(el("span", { class: "file-name", text: f.name || "file" }));
    }
    return link;
  }

  function renderPrompt(id) {
    const state = prompts.get(id);
    const f = state.form;
    const input = el("input", { placeholder: f.label, maxlength: f.max_length || null, "data-note-for": state.action, autocomplete: "off" });
    input.value = state.text;
    input.addEventListener("input", () => { state.text = input.value; });
    const form = el("form", { class: "card-prompt", "data-case": id, "data-action": state.action },
      input,
      el("button", { type: "submit", class: "prompt-send", text: f.submit }),
      el("button", { type: "button", class: "prompt-cancel", text: "Cancel" }));
    form.querySelector(".prompt-cancel").addEventListener("click", () => { prompts.delete(id); form.remove(); });
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      if (f.required && !input.value.trim()) { input.focus(); return; }
      const ok = await execAction(id, state.action, input.value, form.closest(".card"));
      if (ok) prompts.delete(id);
      scheduleRefresh();
    });
    return form;
  }

  async function execAction(id, action, note, card) {
    try {
      await api("POST", `/api/execs/${encodeURIComponent(currentExec())}/actions`, { action, case: id, note });
      scheduleRefresh();
      return true;
    } catch (err) {
      const box = card && card.querySelector(".card-error");
      showError(box || channelError, err);
      return false;
    }
  }

  const commandInput = $("#command-input");
  const commandOutput = $("#command-output");
  $("#command-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = commandInput.value.trim();
    if (!text) return;
    commandOutput.hidden = false;
    commandOutput.classList.remove("failed");
    try {
      const data = await api("POST", `/api/execs/${encodeURIComponent(currentExec())}/commands`, { text });
      commandOutput.textContent = data.text;
      for (const f of data.files || []) {
        commandOutput.append(" ", el("a", { href: f.url, download: f.name, text: "Download " + f.name }));
      }
    } catch (err) {
      commandOutput.classList.add("failed");
      commandOutput.textContent = err.message;
    }
  });

  // ---- live updates --------------------------------------------------------------------------

  const connection = $("#connection");
  let source = null;

  function connect() {
    if (source) source.close();
    const name = currentOwner();
    source = new EventSource(`/api/events?owner=${encodeURIComponent(name)}`);
    let opened;
    const settled = new Promise((resolve) => { opened = resolve; });
    connection.dataset.state = "connecting";
    connection.textContent = "connecting…";
    source.addEventListener("open", () => {
      connection.dataset.state = "live";
      connection.textContent = `live as ${name}`;
      setTimeout(opened, 300); // the kept messages follow the opening at once
      scheduleRefresh(); // anything missed while disconnected
    });
    source.addEventListener("error", () => {
      connection.dataset.state = "reconnecting";
      connection.textContent = "reconnecting…";
    });
    source.addEventListener("owner", (e) => {
      if (name !== currentOwner()) return;
      try {
        const replies = JSON.parse(e.data).replies || [];
        if (live) live.push(replies);
        else addReplies(replies, true);
      } catch (err) { showError(ownerError, err); }
    });
    source.addEventListener("channel", scheduleRefresh);
    loadHistory(settled);
  }

  function scrollDown(node) { node.scrollTop = node.scrollHeight; }

  connect();
  refreshChannel();
})();
