/* Small helpers shared by the pages. Data from the API is always set as text, never as HTML. */
"use strict";

/** Settings the server put on <body data-config> (no inline script: the pages' CSP allows none). */
const CL = Object.assign({ typeColours: {}, tokenRequired: false }, JSON.parse(document.body.dataset.config || "{}"));

/** el("a", {href: "/x", class: "y"}, "text", otherNode) → an element; strings become text nodes. */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "style" && typeof value === "object") Object.assign(node.style, value);
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Fetch JSON; on an error status, throw the API's one-line message. */
async function fetchJSON(url, options) {
  const response = await fetch(url, options);
  let body = null;
  try { body = await response.json(); } catch (e) { body = null; }
  if (!response.ok) {
    const message = body && body.error ? body.error : `${response.status} ${response.statusText}`;
    const error = new Error(message);
    error.status = response.status;
    throw error;
  }
  return body;
}

/** Replace the children of `node`, skipping null/undefined/false. */
function fill(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

function typeColour(type) { return CL.typeColours[type] || "#7f8c8d"; }

/** The day an event is placed on: its date, else the start of its date range. */
function eventDay(event) {
  const when = event.date || {};
  return when.date || when.earliest || when.latest || null;
}

function actorNode(actor) {
  if (!actor) return "";
  return actor.kb_id ? el("a", { href: `/actors/${encodeURIComponent(actor.kb_id)}` }, actor.name) : actor.name;
}

function placeText(location) {
  if (!location) return "";
  return location.country ? `${location.name} (${location.country})` : location.name;
}

function typeBadge(type, subType) {
  const badge = el("span", { class: "badge" }, type);
  badge.style.setProperty("--c", typeColour(type));
  return subType ? [badge, " ", el("span", { class: "subtype" }, subType)] : [badge];
}
