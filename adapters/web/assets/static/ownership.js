// The ownership photo on the playground page: the owner sends a registration photo, and
// moderators see the waiting photos with Approve and Reject. Text is set as text, never HTML.
"use strict";

(() => {
  const $ = (sel) => document.querySelector(sel);
  const owner = () => $("#owner-name").value.trim() || "owner";
  const exec = () => $("#exec-name").value.trim() || "dana";

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v);
    }
    for (const c of children) if (c) node.append(c);
    return node;
  }

  async function call(method, path, body, type) {
    const res = await fetch(path, { method, headers: { "Content-Type": type || "application/json" }, body });
    let data = {};
    try { data = await res.json(); } catch (_) { /* not JSON */ }
    if (!res.ok) throw new Error(data.error || `${res.status} ${res.statusText}`);
    return data;
  }

  // The owner's photo goes up as it is; the bot's answers join the owner's log.
  $("#registration-file").addEventListener("change", async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    const log = $("#owner-log");
    const error = $("#owner-error");
    try {
      const data = await call("POST", `/api/owners/${encodeURIComponent(owner())}/registration`, file, file.type || "application/octet-stream");
      error.hidden = true;
      log.append(el("li", { class: "msg from-owner" }, el("div", { class: "bubble", text: "📎 " + file.name })));
      for (const r of data.replies || []) log.append(el("li", { class: "msg from-bot" }, el("div", { class: "bubble", text: r.text })));
      log.scrollTop = log.scrollHeight;
    } catch (err) {
      error.hidden = false;
      error.textContent = err.message;
    }
    e.target.value = "";
  });

  // The waiting photos, for the executive named on the right if they are a moderator.
  async function refresh() {
    const box = $("#proofs");
    const list = $("#proof-list");
    let data;
    try {
      data = await call("GET", `/api/execs/${encodeURIComponent(exec())}/proofs`);
    } catch (_) {
      box.hidden = true; // not a moderator, or the bot is away
      return;
    }
    list.replaceChildren();
    for (const p of data.proofs || []) {
      const item = el("li", { class: "proof", "data-proof": p.id },
        el("p", { text: `${p.owner}, VIN ${p.vin}` + (p.case ? `, ${p.case}` : "") }),
        el("a", { href: p.photo, target: "_blank", rel: "noopener", text: "open the photo" }));
      for (const b of p.buttons || []) {
        const btn = el("button", { type: "button", class: "proof-" + b.action, text: b.label });
        btn.addEventListener("click", async () => {
          const decision = b.action === "approve_owner" ? "approve" : "reject";
          try {
            await call("POST", `/api/execs/${encodeURIComponent(exec())}/proofs/${encodeURIComponent(p.id)}`, JSON.stringify({ decision }));
          } catch (err) {
            $("#channel-error").hidden = false;
            $("#channel-error").textContent = err.message;
          }
          refresh();
        });
        item.append(btn);
      }
      list.append(item);
    }
    box.hidden = list.children.length === 0;
  }

  const events = new EventSource("/api/events");
  events.addEventListener("channel", refresh);
  $("#exec-name").addEventListener("change", refresh);
  refresh();
})();
