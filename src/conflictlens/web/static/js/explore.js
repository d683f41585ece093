/* Explore page: shared filters → map (clustered markers over an offline country map),
   timeline (stacked bars per day/week by type, brushable) and table (sorted, paginated, CSV). */
"use strict";

const FILTER_KEYS = ["actor", "include_members", "type", "country", "since", "until", "text", "near", "bbox"];
const MAP_LIMIT = 5000;
const PAGE_SIZE = 25;

const state = {
  filters: {},            // from the form / URL
  brush: null,            // {since, until} chosen on the timeline
  sort: "date", order: "desc", offset: 0,
  bucket: null,           // "day" | "week"; null: chosen by the span of the data
  events: [],             // all events matching the filters (for map and timeline)
};

/* ---------- filters and the URL ---------- */

function readURL() {
  const params = new URLSearchParams(location.search);
  state.filters = {};
  for (const key of FILTER_KEYS) if (params.get(key)) state.filters[key] = params.get(key);
  state.sort = params.get("sort") || "date";
  state.order = params.get("order") || "desc";
}

function fillForm() {
  const form = document.getElementById("filters");
  for (const key of FILTER_KEYS) {
    const input = form.elements[key];
    if (!input) continue;
    if (input.type === "checkbox") input.checked = state.filters[key] === "true";
    else input.value = state.filters[key] || "";
  }
  const chip = document.getElementById("area-chip");
  const area = state.filters.near ? `near ${state.filters.near} km` : state.filters.bbox ? `in box ${state.filters.bbox}` : "";
  chip.hidden = !area;
  fill(chip, area, " ", el("button", { type: "button", class: "link", title: "remove", onclick: () => {
    form.elements.near.value = ""; form.elements.bbox.value = ""; apply();
  } }, "✕"));
}

function readForm() {
  const form = document.getElementById("filters");
  const filters = {};
  for (const key of FILTER_KEYS) {
    const input = form.elements[key];
    if (!input) continue;
    if (input.type === "checkbox") { if (input.checked) filters[key] = "true"; }
    else if (input.value.trim()) filters[key] = input.value.trim();
  }
  if (filters.include_members && !filters.actor) delete filters.include_members;
  return filters;
}

function query(extra) {
  const params = new URLSearchParams(state.filters);
  for (const [key, value] of Object.entries(extra || {})) if (value !== null && value !== undefined) params.set(key, value);
  return params.toString();
}

/** The filters with the timeline brush narrowing since/until. */
function brushedFilters() {
  if (!state.brush) return {};
  const since = state.filters.since && state.filters.since > state.brush.since ? state.filters.since : state.brush.since;
  const until = state.filters.until && state.filters.until < state.brush.until ? state.filters.until : state.brush.until;
  return { since, until };
}

function apply() {
  state.filters = readForm();
  state.brush = null;
  state.offset = 0;
  const params = new URLSearchParams(state.filters);
  if (state.sort !== "date" || state.order !== "desc") { params.set("sort", state.sort); params.set("order", state.order); }
  history.replaceState(null, "", params.toString() ? `/?${params}` : "/");
  fillForm();
  load();
}

function showError(message) {
  const box = document.getElementById("load-error");
  box.hidden = !message;
  box.textContent = message ? `Could not load events: ${message}` : "";
}

async function load() {
  showError(null);
  try {
    const page = await fetchJSON(`/api/events?${query({ limit: MAP_LIMIT, sort: "date", order: "asc" })}`);
    state.events = page.items;
    document.body.dataset.eventsLoaded = String(page.items.length);
    drawTimeline();
    drawMarkers();
    drawSummary(page.total);
    await loadTable();
  } catch (error) {
    showError(error.message);
  }
}

/* ---------- map ---------- */

let map, cluster, countriesDrawn = false;

function initMap() {
  map = L.map("map", { worldCopyJump: true, minZoom: 2, maxZoom: 12, zoomControl: true, preferCanvas: false })
    .setView([25, 30], 2);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Country outlines: Natural Earth (world-atlas)");
  fetch("/static/vendor/world-atlas/countries-50m.json")
    .then((r) => r.json())
    .then((topo) => {
      const land = topojson.feature(topo, topo.objects.countries);
      land.features.forEach(unwrapAntimeridian);
      L.geoJSON(land, {
        interactive: false,
        style: { color: "#a9a292", weight: 0.7, fillColor: "#f3efe6", fillOpacity: 1 },
      }).addTo(map).bringToBack();
      countriesDrawn = true;
      document.getElementById("map").dataset.basemap = "ready";
    });
  cluster = L.markerClusterGroup({
    maxClusterRadius: 45, disableClusteringAtZoom: 9, showCoverageOnHover: false,
    iconCreateFunction: (group) => {
      const n = group.getChildCount();
      const size = n < 10 ? 30 : n < 100 ? 38 : 46;
      return L.divIcon({ className: "ev-cluster", iconSize: [size, size], html: `<span>${n}</span>` });
    },
  });
  map.addLayer(cluster);
}

/** Rings cut at the antimeridian (Russia, Fiji) would be drawn with lines across the whole map:
    keep each ring's longitudes continuous instead, letting them run past ±180. */
function unwrapAntimeridian(feature) {
  const geometry = feature.geometry;
  if (!geometry) return;
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
  for (const polygon of polygons) {
    for (const ring of polygon) {
      const span = Math.max(...ring.map((p) => p[0])) - Math.min(...ring.map((p) => p[0]));
      if (span < 180) continue;
      const shift = ring.filter((p) => p[0] > 0).length >= ring.length / 2 ? 360 : -360;
      for (const point of ring) if (Math.sign(point[0]) === -Math.sign(shift) && Math.abs(point[0]) > 90) point[0] += shift;
    }
  }
}

function markerSize(fatalities) {
  return Math.round(10 + 5 * Math.sqrt(Math.min(fatalities || 0, 400)));
}

function popupContent(event) {
  const actors = [event.actor1, event.actor2].filter(Boolean).map((a) => a.name).join(" vs ");
  return el("div", { class: "popup" },
    el("div", {}, ...typeBadge(event.event_type, event.sub_event_type)),
    el("div", { class: "popup-line" }, eventDay(event) || "undated", " · ", placeText(event.location)),
    actors ? el("div", { class: "popup-line" }, actors) : null,
    event.fatalities !== null && event.fatalities !== undefined ? el("div", { class: "popup-line" }, `Fatalities: ${event.fatalities}`) : null,
    el("a", { class: "popup-open", href: `/events/${encodeURIComponent(event.id)}` }, "Open event →"));
}

function visibleEvents() {
  if (!state.brush) return state.events;
  return state.events.filter((e) => { const d = eventDay(e); return d && d >= state.brush.since && d <= state.brush.until; });
}

function drawMarkers() {
  cluster.clearLayers();
  const markers = [];
  for (const event of visibleEvents()) {
    const loc = event.location;
    if (!loc || typeof loc.lat !== "number") continue;
    const size = markerSize(event.fatalities);
    const icon = L.divIcon({
      className: "ev-marker",
      iconSize: [size, size],
      html: `<span data-event-id="${encodeURIComponent(event.id)}" style="background:${typeColour(event.event_type)}"></span>`,
    });
    const marker = L.marker([loc.lat, loc.lon], { icon, title: `${event.sub_event_type} · ${eventDay(event) || ""}`, riseOnHover: true });
    marker.bindPopup(() => popupContent(event));
    markers.push(marker);
  }
  cluster.addLayers(markers);
  document.getElementById("map").dataset.markers = String(markers.length);
  if (markers.length && !state.brush) {
    const bounds = L.latLngBounds(markers.map((m) => m.getLatLng()));
    map.fitBounds(bounds.pad(0.3), { maxZoom: 7 });
  }
}

/* ---------- timeline ---------- */

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

const DAY = 86400000;
function toTime(day) { return Date.parse(`${day}T00:00:00Z`); }
function toDay(time) { return new Date(time).toISOString().slice(0, 10); }
function weekStart(day) { const t = toTime(day); const dow = (new Date(t).getUTCDay() + 6) % 7; return toDay(t - dow * DAY); }

let timelineScale = null;   // {t0, t1, x0, x1, step}

function drawTimeline() {
  const node = document.getElementById("timeline");
  const width = node.clientWidth || 600, height = 180, left = 30, right = 8, top = 8, bottom = 22;
  node.setAttribute("viewBox", `0 0 ${width} ${height}`);
  node.replaceChildren();
  const days = state.events.map(eventDay).filter(Boolean).sort();
  if (!days.length) {
    node.append(svg("text", { x: width / 2, y: height / 2, "text-anchor": "middle", class: "axis" }, "No dated events"));
    timelineScale = null;
    return;
  }
  const spanDays = (toTime(days[days.length - 1]) - toTime(days[0])) / DAY;
  const bucket = state.bucket || (spanDays > 90 ? "week" : "day");
  document.querySelectorAll("[data-bucket]").forEach((b) => b.classList.toggle("active", b.dataset.bucket === bucket));
  const stepDays = bucket === "week" ? 7 : 1;
  const key = bucket === "week" ? weekStart : (d) => d;
  const t0 = toTime(key(days[0])), t1 = toTime(key(days[days.length - 1])) + stepDays * DAY;
  const counts = new Map();   // bucket day → Map(type → n)
  for (const event of state.events) {
    const day = eventDay(event);
    if (!day) continue;
    const k = key(day);
    if (!counts.has(k)) counts.set(k, new Map());
    const byType = counts.get(k);
    byType.set(event.event_type, (byType.get(event.event_type) || 0) + 1);
  }
  let peak = 1;
  for (const byType of counts.values()) peak = Math.max(peak, [...byType.values()].reduce((a, b) => a + b, 0));
  const x0 = left, x1 = width - right, plotH = height - top - bottom;
  const x = (t) => x0 + ((t - t0) / (t1 - t0)) * (x1 - x0);
  const barW = Math.max(4, (x1 - x0) * (stepDays * DAY) / (t1 - t0) - 1);
  timelineScale = { t0, t1, x0, x1, stepDays, bucket };
  const types = Object.keys(CL.typeColours);
  const bars = svg("g", { class: "bars" });
  for (const [k, byType] of counts) {
    let y = top + plotH;
    for (const type of types.concat([...byType.keys()].filter((t) => !types.includes(t)))) {
      const n = byType.get(type);
      if (!n) continue;
      const h = (plotH * n) / peak;
      y -= h;
      const rect = svg("rect", { x: x(toTime(k)), y, width: barW, height: h, fill: typeColour(type) });
      rect.append(svg("title", {}, `${k}: ${n} × ${type}`));
      bars.append(rect);
    }
  }
  const axis = svg("g", { class: "axis" });
  axis.append(svg("line", { x1: x0, x2: x1, y1: top + plotH + 0.5, y2: top + plotH + 0.5 }));
  axis.append(svg("text", { x: x0 - 4, y: top + 8, "text-anchor": "end" }, String(peak)));
  axis.append(svg("text", { x: x0 - 4, y: top + plotH, "text-anchor": "end" }, "0"));
  const ticks = Math.min(6, Math.max(2, Math.round((x1 - x0) / 110)));
  for (let i = 0; i <= ticks; i++) {
    const t = t0 + ((t1 - t0) * i) / ticks;
    axis.append(svg("text", { x: x(t), y: height - 6, "text-anchor": i === 0 ? "start" : i === ticks ? "end" : "middle" }, toDay(t)));
  }
  const brushRect = svg("rect", { class: "brush", x: 0, y: top, width: 0, height: plotH, visibility: "hidden" });
  node.append(bars, axis, brushRect);
  if (state.brush) showBrush(brushRect, x(toTime(state.brush.since)), x(toTime(state.brush.until) + DAY));
}

function showBrush(rect, a, b) {
  rect.setAttribute("x", Math.min(a, b));
  rect.setAttribute("width", Math.abs(b - a));
  rect.setAttribute("visibility", "visible");
}

function initBrush() {
  const node = document.getElementById("timeline");
  let startX = null;
  const localX = (ev) => {
    const box = node.getBoundingClientRect();
    const width = node.viewBox.baseVal ? node.viewBox.baseVal.width : box.width;
    return ((ev.clientX - box.left) / box.width) * width;
  };
  const timeAt = (px) => {
    const s = timelineScale;
    const clamped = Math.min(Math.max(px, s.x0), s.x1);
    return s.t0 + ((clamped - s.x0) / (s.x1 - s.x0)) * (s.t1 - s.t0);
  };
  node.addEventListener("pointerdown", (ev) => {
    if (!timelineScale) return;
    startX = localX(ev);
    node.setPointerCapture(ev.pointerId);
  });
  node.addEventListener("pointermove", (ev) => {
    if (startX === null) return;
    showBrush(node.querySelector(".brush"), startX, localX(ev));
  });
  node.addEventListener("pointerup", (ev) => {
    if (startX === null) return;
    const endX = localX(ev);
    const a = Math.min(startX, endX), b = Math.max(startX, endX);
    startX = null;
    if (b - a < 3) { setBrush(null); return; }
    // whole buckets: from the start of the first touched bucket to the end of the last
    const s = timelineScale, step = s.stepDays * DAY;
    const from = s.t0 + Math.floor((timeAt(a) - s.t0) / step) * step;
    const to = s.t0 + Math.ceil((timeAt(b) - s.t0) / step) * step - DAY;
    setBrush({ since: toDay(from), until: toDay(Math.max(from, to)) });
  });
  document.getElementById("brush-clear").addEventListener("click", () => setBrush(null));
  document.querySelectorAll("[data-bucket]").forEach((button) => button.addEventListener("click", () => {
    state.bucket = button.dataset.bucket;
    drawTimeline();
  }));
}

function setBrush(brush) {
  state.brush = brush;
  state.offset = 0;
  const note = document.getElementById("brush-note");
  note.firstChild.textContent = brush ? `Showing ${brush.since} to ${brush.until}. ` : "Drag across the timeline to filter the map and the table. ";
  document.getElementById("brush-clear").hidden = !brush;
  document.body.dataset.brush = brush ? `${brush.since}..${brush.until}` : "";
  drawTimeline();
  drawMarkers();
  loadTable();
}

function drawSummary(total) {
  const box = document.getElementById("summary");
  const byType = new Map();
  let deaths = 0;
  for (const e of state.events) {
    byType.set(e.event_type, (byType.get(e.event_type) || 0) + 1);
    deaths += e.fatalities || 0;
  }
  fill(box,
    el("span", {}, `${total} events`), " · ", el("span", {}, `${deaths} reported fatalities`),
    total > state.events.length ? el("span", { class: "muted" }, ` (map shows the first ${state.events.length})`) : null,
    el("div", { class: "by-type" }, [...byType].sort((a, b) => b[1] - a[1]).map(([t, n]) => el("span", {}, ...typeBadge(t), ` ${n}`))));
}

/* ---------- table ---------- */

async function loadTable() {
  const params = query({ ...brushedFilters(), limit: PAGE_SIZE, offset: state.offset, sort: state.sort, order: state.order });
  document.getElementById("csv-link").href = `/api/export?${query({ ...brushedFilters(), format: "acled-csv" })}`;
  let page;
  try {
    page = await fetchJSON(`/api/events?${params}`);
  } catch (error) {
    showError(error.message);
    return;
  }
  const body = document.querySelector("#event-table tbody");
  body.replaceChildren(...page.items.map((e) => el("tr", { "data-event-id": e.id },
    el("td", {}, el("a", { href: `/events/${encodeURIComponent(e.id)}` }, eventDay(e) || "undated")),
    el("td", {}, ...typeBadge(e.event_type, e.sub_event_type)),
    el("td", {}, actorNode(e.actor1)),
    el("td", {}, actorNode(e.actor2)),
    el("td", {}, placeText(e.location)),
    el("td", { class: "num" }, e.fatalities === null || e.fatalities === undefined ? "" : String(e.fatalities)),
    el("td", { class: "num" }, typeof e.confidence === "number" ? e.confidence.toFixed(2) : ""),
    el("td", { class: "num" }, String((e.reports || []).length)))));
  if (!page.items.length) body.append(el("tr", {}, el("td", { colspan: 8, class: "muted" }, "No events match these filters.")));
  document.getElementById("event-count").textContent = `(${page.total})`;
  for (const th of document.querySelectorAll("#event-table th[data-sort]")) {
    th.classList.toggle("sorted", th.dataset.sort === state.sort);
    th.dataset.order = th.dataset.sort === state.sort ? state.order : "";
  }
  const pager = document.getElementById("table-pager");
  const last = Math.min(page.offset + page.limit, page.total);
  fill(pager,
    el("span", {}, page.total ? `${page.offset + 1}–${last} of ${page.total}` : "0 of 0"),
    page.offset > 0 ? el("button", { type: "button", class: "link", onclick: () => { state.offset = Math.max(0, state.offset - PAGE_SIZE); loadTable(); } }, "← previous") : null,
    page.next_offset !== null ? el("button", { type: "button", class: "link", onclick: () => { state.offset = page.next_offset; loadTable(); } }, "next →") : null);
}

function initTable() {
  for (const th of document.querySelectorAll("#event-table th[data-sort]")) {
    th.tabIndex = 0;
    const sort = () => {
      if (state.sort === th.dataset.sort) state.order = state.order === "desc" ? "asc" : "desc";
      else { state.sort = th.dataset.sort; state.order = th.dataset.sort === "type" || th.dataset.sort === "country" ? "asc" : "desc"; }
      state.offset = 0;
      loadTable();
    };
    th.addEventListener("click", sort);
    th.addEventListener("keydown", (ev) => { if (ev.key === "Enter") sort(); });
  }
}

/** Suggest the actors the stored events name (by_actor of /api/stats). */
async function suggestActors() {
  try {
    const stats = await fetchJSON("/api/stats");
    fill(document.getElementById("actor-names"), Object.keys(stats.by_actor || {}).map((name) => el("option", { value: name })));
  } catch (error) { /* suggestions are a convenience */ }
}

/* ---------- start ---------- */

document.addEventListener("DOMContentLoaded", () => {
  readURL();
  fillForm();
  const form = document.getElementById("filters");
  form.addEventListener("submit", (ev) => { ev.preventDefault(); apply(); });
  form.addEventListener("reset", () => setTimeout(() => { form.elements.near.value = ""; form.elements.bbox.value = ""; apply(); }, 0));
  initMap();
  initBrush();
  initTable();
  load();
  suggestActors();
  window.addEventListener("resize", () => drawTimeline());
});
