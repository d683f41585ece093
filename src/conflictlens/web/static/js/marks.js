/* Highlighted text in the browser, the same rules as api/highlight.py: spans are document offsets,
   longer spans win over those they overlap, spans that do not fit are left out; text stays text. */
"use strict";

/** marks: [{start, end, kind, label, href?, title?}] → a DocumentFragment of text and <mark>s. */
function markedText(text, marks, offset) {
  offset = offset || 0;
  const usable = marks
    .map((m) => ({ ...m, start: m.start - offset, end: m.end - offset }))
    .filter((m) => m.start >= 0 && m.start < m.end && m.end <= text.length)
    .sort((a, b) => (b.end - b.start) - (a.end - a.start) || a.start - b.start);
  const placed = [];
  for (const m of usable) if (!placed.some((p) => m.start < p.end && p.start < m.end)) placed.push(m);
  placed.sort((a, b) => a.start - b.start);
  const out = document.createDocumentFragment();
  let cursor = 0;
  for (const m of placed) {
    if (m.start > cursor) out.append(text.slice(cursor, m.start));
    const words = text.slice(m.start, m.end);
    out.append(el("mark", { class: `hl hl-${m.kind}`, title: m.title || null },
      m.href ? el("a", { href: m.href }, words) : words, el("span", { class: "hl-label" }, m.label)));
    cursor = m.end;
  }
  if (cursor < text.length) out.append(text.slice(cursor));
  return out;
}

function spanOf(value) {
  return value && Array.isArray(value.span) && value.span.length === 2 ? value.span : null;
}

function actorHref(actor) { return actor && actor.kb_id ? `/actors/${encodeURIComponent(actor.kb_id)}` : null; }

/** The roles of one contract Event as marks. */
function eventMarks(event) {
  const marks = [];
  if (event.trigger) marks.push({ start: event.trigger.start, end: event.trigger.end, kind: "trigger", label: event.sub_event_type, title: event.event_type });
  for (const [key, label] of [["actor1", "ACTOR1"], ["actor2", "ACTOR2"], ["claimed_by", "CLAIMED BY"]]) {
    const span = spanOf(event[key]);
    if (span) marks.push({ start: span[0], end: span[1], kind: "actor", label, href: actorHref(event[key]), title: event[key].kb_id || event[key].name });
  }
  for (const [key, label] of [["assoc_actor1", "ASSOC1"], ["assoc_actor2", "ASSOC2"]]) {
    for (const actor of event[key] || []) {
      const span = spanOf(actor);
      if (span) marks.push({ start: span[0], end: span[1], kind: "actor", label, href: actorHref(actor) });
    }
  }
  const place = spanOf(event.location);
  if (place) marks.push({ start: place[0], end: place[1], kind: "place", label: "PLACE", title: `${event.location.name} ${event.location.lat}, ${event.location.lon}` });
  const time = spanOf(event.date);
  if (time) marks.push({ start: time[0], end: time[1], kind: "time", label: "TIME", title: event.date.date || event.date.earliest || "" });
  for (const source of event.attribution || []) {
    const span = spanOf(source);
    if (span) marks.push({ start: span[0], end: span[1], kind: "source", label: "SOURCE", title: source.kind });
  }
  return marks;
}

/** Every mention of an extraction as a mark, plus the event triggers. */
function mentionMarks(extraction) {
  const marks = [];
  for (const m of extraction.mentions || []) {
    let href = null, title = m.kb_id || null;
    if ((m.kind === "actor" || m.kind === "person") && m.kb_id) href = `/actors/${encodeURIComponent(m.kb_id)}`;
    if (m.kind === "place" && m.location) title = `${m.location.name} (${m.location.country || "?"}) ${m.location.lat}, ${m.location.lon}`;
    if (m.kind === "time" && m.when) title = `${m.when.date || ""} [${m.when.earliest} .. ${m.when.latest}] ${m.when.precision}`;
    marks.push({ start: m.span[0], end: m.span[1], kind: m.kind, label: m.kind.toUpperCase(), href, title });
  }
  for (const e of extraction.events || []) {
    if (e.trigger) marks.push({ start: e.trigger.start, end: e.trigger.end, kind: "trigger", label: "EVENT", title: e.sub_event_type });
  }
  return marks;
}
