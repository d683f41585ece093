/* Paste-an-article page: POST /api/extract, show the text highlighted and the events at once;
   optionally POST /api/documents to store it (with the bearer token when the server needs one). */
"use strict";

function eventCard(event) {
  return el("article", { class: "report paste-event" },
    el("header", {}, ...typeBadge(event.event_type, event.sub_event_type),
      ` · ${eventDay(event) || "undated"}`, event.location ? ` · ${placeText(event.location)}` : "",
      event.fatalities !== null && event.fatalities !== undefined ? ` · ${event.fatalities} fatalities` : ""),
    el("blockquote", { class: "evidence" }, markedText(event.evidence.text, eventMarks(event), event.evidence.start)),
    el("dl", { class: "compact" },
      el("dt", {}, "Actor 1"), el("dd", {}, actorNode(event.actor1)),
      el("dt", {}, "Actor 2"), el("dd", {}, actorNode(event.actor2)),
      el("dt", {}, "Claimed by"), el("dd", {}, actorNode(event.claimed_by)),
      el("dt", {}, "Says who"), el("dd", {}, (event.attribution || []).map((s) => s.name).join(" ← ")),
      el("dt", {}, "Confidence"), el("dd", {}, typeof event.confidence === "number" ? event.confidence.toFixed(2) : "")));
}

function showExtraction(text, extraction) {
  document.getElementById("paste-result").hidden = false;
  document.getElementById("paste-text").replaceChildren(markedText(text, mentionMarks(extraction)));
  const events = extraction.events || [];
  document.getElementById("paste-event-count").textContent = `(${events.length})`;
  document.getElementById("paste-events").replaceChildren(
    ...(events.length ? events.map(eventCard) : [el("p", { class: "muted" }, "No events found in this text.")]));
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("paste-form");
  const status = document.getElementById("paste-status");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const article = { text: form.elements.text.value, published: form.elements.published.value };
    for (const key of ["url", "title", "outlet"]) if (form.elements[key].value.trim()) article[key] = form.elements[key].value.trim();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    status.textContent = "Extracting…";
    status.className = "muted";
    try {
      const extraction = await fetchJSON("/api/extract", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(article) });
      showExtraction(article.text, extraction);
      status.textContent = `Found ${extraction.events.length} event(s) and ${extraction.mentions.length} mention(s).`;
      if (form.elements.store.checked) {
        const headers = { "Content-Type": "application/json" };
        const token = form.elements.token ? form.elements.token.value.trim() : "";
        if (token) headers.Authorization = `Bearer ${token}`;
        const stored = await fetchJSON("/api/documents", { method: "POST", headers, body: JSON.stringify(article) });
        status.replaceChildren(`${status.textContent} Stored (${stored.status}): `,
          el("a", { href: stored.url, id: "stored-link" }, "open the article"), ".");
      }
    } catch (error) {
      status.textContent = `Error: ${error.message}`;
      status.className = "error-message";
    } finally {
      button.disabled = false;
    }
  });
});
