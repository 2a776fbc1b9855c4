// BeidouHub web console: the park's live map, sky plot, receiver board and zone events, drawn
// from the service's own API (gRPC-Web, grpcweb.js): no second data model. Streams reconnect
// with a backoff; an API key, when the service asks for one, is kept for this tab only.
"use strict";

const V1 = "beidouhub.v1";
const TAIL_POINTS = 40; // track tail: 20 s at the map's 2 Hz
const EVENTS_KEPT = 200;
const ENDED_ALERTS_KEPT = 50;

// Fix classes, in the order a park trusts them; the colours are the legend's.
const FIX = {
  "rtk-fixed": { label: "RTK fixed", colour: "#1a9641" },
  "rtk-float": { label: "RTK float", colour: "#f59e0b" },
  dgps: { label: "DGPS", colour: "#2b83ba" },
  "3d": { label: "3D", colour: "#17becf" },
  "2d": { label: "2D", colour: "#9467bd" },
  none: { label: "no fix", colour: "#d7191c" },
  stale: { label: "stale", colour: "#9e9e9e" },
};

const CONSTELLATIONS = {
  CONSTELLATION_GPS: { short: "GPS", prefix: "G", colour: "#1f77b4" },
  CONSTELLATION_GLONASS: { short: "GLONASS", prefix: "R", colour: "#9467bd" },
  CONSTELLATION_GALILEO: { short: "Galileo", prefix: "E", colour: "#2ca02c" },
  CONSTELLATION_BEIDOU: { short: "BeiDou", prefix: "C", colour: "#d62728" },
  CONSTELLATION_QZSS: { short: "QZSS", prefix: "J", colour: "#8c564b" },
  CONSTELLATION_NAVIC: { short: "NavIC", prefix: "I", colour: "#e377c2" },
  CONSTELLATION_SBAS: { short: "SBAS", prefix: "S", colour: "#7f7f7f" },
};

// NMEA 4.11 signal ids (vendors disagree at the edges; the raw id is shown beside the name).
const SIGNALS = {
  CONSTELLATION_GPS: { 1: "L1 C/A", 2: "L1 P", 3: "L1 M", 4: "L2 P", 5: "L2C-M", 6: "L2C-L", 7: "L5-I", 8: "L5-Q" },
  CONSTELLATION_GLONASS: { 1: "G1 C/A", 2: "G1 P", 3: "G2 C/A", 4: "G2 P" },
  CONSTELLATION_GALILEO: { 1: "E5a", 2: "E5b", 3: "E5a+b", 4: "E6-A", 5: "E6-BC", 6: "E1-A", 7: "E1-BC" },
  CONSTELLATION_BEIDOU: { 1: "B1I", 2: "B1Q", 3: "B1C", 4: "B1A", 5: "B2a", 6: "B2b", 7: "B2a+b", 8: "B3I", 9: "B3Q", A: "B3A", B: "B2I", C: "B2Q" },
};

// BeiDou orbit classes by PRN (CSNO constellation status): GEOs hold still in the sky.
const BEIDOU_GEO = new Set([1, 2, 3, 4, 5, 59, 60, 61, 62, 63]);
const BEIDOU_IGSO = new Set([6, 7, 8, 9, 10, 13, 16, 31, 38, 39, 40, 56]);
function beidouOrbit(svid) {
  return BEIDOU_GEO.has(svid) ? "GEO" : BEIDOU_IGSO.has(svid) ? "IGSO" : "MEO";
}

// The class a position's marker gets: the receiver's state first (a stale or lost receiver's
// last position is not where it is now), then GGA quality, then the fix mode.
function fixClass(position, state) {
  if (state && state !== "CONNECTION_STATE_CONNECTED") return "stale";
  if (!position) return "none";
  const q = position.quality;
  if (q === 4 || position.rtk === "RTK_STATE_FIXED") return "rtk-fixed";
  if (q === 5 || position.rtk === "RTK_STATE_FLOAT") return "rtk-float";
  if (q === 0 || position.latitude === undefined) return "none";
  if (q === 2 || q === 3 || q === 9) return "dgps";
  if (position.mode === "FIX_MODE_2D") return "2d";
  return "3d";
}

const GGA_QUALITY = ["no fix", "GNSS fix", "DGPS", "PPS", "RTK fixed", "RTK float", "dead reckoning", "manual", "simulation", "SBAS"];

const state = {
  proto: null,
  config: null,
  token: sessionStorage.getItem("beidouhub-key") || "",
  receivers: new Map(), // id -> { position, status, track: [], rate: {sentences, at, perSecond}, row, boardRow }
  ids: [], // receiver ids, sorted
  idsChanged: false,
  changed: new Set(), // receivers to redraw at the next frame
  zones: [],
  plane: "grid",
  selected: null,
  sky: null,
  events: [],
  alerts: new Map(), // id -> the alert's last event (open ones, and the last ended ones)
  streams: {},
};

const $ = (id) => document.getElementById(id);

function type(name) {
  return state.proto.lookupType(`${V1}.${name}`);
}

function fmt(value, digits, unit = "") {
  return value === undefined || value === null || Number.isNaN(value) ? "–" : `${Number(value).toFixed(digits)}${unit}`;
}

function timeOf(ts) {
  return ts && (ts.seconds || ts.nanos) ? new Date(ts.seconds * 1000 + Math.round(ts.nanos / 1e6)) : null;
}

function setStatus(text, kind = "") {
  const el = $("status");
  el.textContent = text;
  el.dataset.kind = kind;
}

// ---- streams ------------------------------------------------------------------------------

// Runs a server stream for as long as the page wants it: each message to onMessage, reconnects
// after an error with a backoff (1 s doubling to 15 s), asks for a key on UNAUTHENTICATED.
function follow(name, method, requestTypeName, request, responseTypeName, onMessage) {
  stop(name);
  const control = new AbortController();
  state.streams[name] = control;
  (async () => {
    let backoff = 1000;
    while (!control.signal.aborted) {
      try {
        for await (const message of grpcCall(`/${method}`, type(requestTypeName), request, type(responseTypeName), { token: state.token, signal: control.signal })) {
          backoff = 1000;
          onMessage(message);
        }
      } catch (e) {
        if (control.signal.aborted) return;
        if (e.code === GrpcStatus.UNAUTHENTICATED) {
          askForKey(e.message);
          return;
        }
        if (e.code === GrpcStatus.PERMISSION_DENIED) {
          setStatus(`${name}: ${e.message}`, "error");
          return;
        }
        setStatus(`${name}: ${e.message}; retrying in ${Math.round(backoff / 1000)} s`, "warn");
      }
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, 15000);
    }
  })();
}

function stop(name) {
  if (state.streams[name]) {
    state.streams[name].abort();
    delete state.streams[name];
  }
}

function askForKey(message) {
  Object.keys(state.streams).forEach(stop);
  $("login-error").textContent = state.token ? `The key was refused: ${message}` : "This service asks for an API key (beidouhub key new APP).";
  const dialog = $("login");
  if (!dialog.open) dialog.showModal();
}

async function start() {
  setStatus("connecting…");
  const [config, protoText] = await Promise.all([
    fetch("console/config.json", { cache: "no-store" }).then((r) => r.json()),
    fetch("beidouhub.proto", { cache: "no-store" }).then((r) => r.text()),
  ]);
  state.config = config;
  state.plane = config.plane;
  // The API's contract, as served; its two well-known imports from protobuf.js's own copies.
  const root = new protobuf.Root();
  for (const file of ["google/protobuf/timestamp.proto", "google/protobuf/duration.proto"]) root.addJSON(protobuf.common.get(file).nested);
  protobuf.parse(protoText, root, { keepCase: false });
  state.proto = root.resolveAll();
  document.title = "BeidouHub – park console";
  setupMap();
  connect();
}

async function connect() {
  try {
    const zones = await grpcUnary(`/${V1}.Positions/ListZones`, type("ListZonesRequest"), {}, type("ListZonesResponse"), { token: state.token });
    state.zones = zones.zones;
    $("plane").textContent = state.config.tiles ? `tiles (${state.config.tiles.datum})` : `${state.plane === "park" ? "park grid" : state.config.gridName}`;
    drawZones();
  } catch (e) {
    if (e.code === GrpcStatus.UNAUTHENTICATED) return askForKey(e.message);
    setStatus(`zones: ${e.message}`, e.code === GrpcStatus.PERMISSION_DENIED ? "" : "warn");
  }
  // Only the coordinates the map draws with: an application whose scope lacks the others still
  // gets its map (asking for more than the scope allows is refused, not trimmed).
  const coordinates = state.config.tiles
    ? state.config.tiles.datum === "gcj02" ? ["COORDINATE_SYSTEM_GCJ02"] : []
    : [state.plane === "park" ? "COORDINATE_SYSTEM_PARK" : "COORDINATE_SYSTEM_GRID"];
  follow("positions", `${V1}.Positions/StreamPositions`, "StreamPositionsRequest", { coordinates, maxRateHz: state.config.mapRateHz }, "Position", onPosition);
  follow("receivers", `${V1}.Receivers/WatchReceivers`, "WatchReceiversRequest", {}, "ReceiverStatus", onStatus);
  follow("zone events", `${V1}.Positions/StreamZoneEvents`, "StreamZoneEventsRequest", {}, "ZoneEvent", onZoneEvent);
  state.alerts.clear();
  follow("alerts", `${V1}.Positions/StreamAlerts`, "StreamAlertsRequest", {}, "AlertEvent", onAlert);
  if (state.selected) followSky(state.selected);
  setStatus("live", "ok");
}

function followSky(id) {
  state.sky = null;
  drawSky();
  follow("sky", `${V1}.Positions/StreamSky`, "StreamSkyRequest", { receiverIds: [id] }, "SkyView", (sky) => {
    if (sky.receiverId !== state.selected) return;
    state.sky = sky;
    scheduleDraw("sky");
  });
}

function receiver(id) {
  let r = state.receivers.get(id);
  if (!r) {
    r = { id, position: null, status: null, track: [], rate: null, row: null, boardRow: null };
    state.receivers.set(id, r);
    // Sorted once, by insertion: with a thousand receivers, sorting on every arrival is what a
    // page falling behind is made of.
    let lo = 0, hi = state.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (state.ids[mid] < id) lo = mid + 1; else hi = mid;
    }
    state.ids.splice(lo, 0, id);
    state.idsChanged = true;
    if (!state.selected) selectReceiver(id, false); // the sky view needs one; the details wait for a click
  }
  return r;
}

// What the page has kept up with (bench web-console reads it): positions in, their age on
// arrival (service's published_at to now: hub, network and this page's queue), frame times.
const stats = { since: performance.now(), positions: 0, lags: [], draws: [], busyMs: 0 };
// Main-thread tasks over 50 ms (decoding, drawing, the map's own rendering): the page's busy time.
if (window.PerformanceObserver && PerformanceObserver.supportedEntryTypes.includes("longtask")) {
  new PerformanceObserver((list) => list.getEntries().forEach((e) => (stats.busyMs += e.duration))).observe({ entryTypes: ["longtask"] });
}

function onPosition(p) {
  stats.positions++;
  if (p.publishedAt && stats.lags.length < 1e6) stats.lags.push(Date.now() - (p.publishedAt.seconds * 1000 + p.publishedAt.nanos / 1e6));
  const r = receiver(p.receiverId);
  r.position = p;
  const xy = mapCoordinate(p);
  if (xy) {
    const last = r.track[r.track.length - 1];
    if (!last || last[0] !== xy[0] || last[1] !== xy[1]) r.track.push(xy);
    if (r.track.length > TAIL_POINTS) r.track.splice(0, r.track.length - TAIL_POINTS);
  }
  state.changed.add(r.id);
  scheduleDraw("map");
}

function onStatus(s) {
  const r = receiver(s.id);
  const now = performance.now();
  if (r.rate && now > r.rate.at) {
    const dt = (now - r.rate.at) / 1000;
    if (dt >= 0.5) r.rate = { sentences: s.sentences, at: now, perSecond: Math.max(0, (s.sentences - r.rate.sentences) / dt) };
  } else if (!r.rate) {
    r.rate = { sentences: s.sentences, at: now, perSecond: null };
  }
  const was = r.status && r.status.state;
  r.status = s;
  if (was !== s.state) state.changed.add(r.id);
  scheduleDraw("map");
  scheduleDraw("board");
}

function onZoneEvent(e) {
  state.events.unshift(e);
  if (state.events.length > EVENTS_KEPT) state.events.length = EVENTS_KEPT;
  scheduleDraw("events");
}

// Integrity alerts: open ones first (OPEN), then each start and end; the last ended ones are kept below the open.
function onAlert(e) {
  state.alerts.delete(e.alert.id);
  state.alerts.set(e.alert.id, e);
  const ended = [...state.alerts.values()].filter((x) => x.alert.endTime);
  for (const x of ended.slice(0, Math.max(0, ended.length - ENDED_ALERTS_KEPT))) state.alerts.delete(x.alert.id);
  scheduleDraw("events");
}

// One redraw per animation frame, whatever the message rate (1,000 receivers at 2 Hz).
const dirty = new Set();
let frameAsked = false;
function scheduleDraw(what) {
  dirty.add(what);
  if (frameAsked) return;
  frameAsked = true;
  requestAnimationFrame(() => {
    frameAsked = false;
    const todo = [...dirty];
    dirty.clear();
    const started = performance.now();
    if (todo.includes("map")) drawMarkers();
    if (todo.includes("sky")) drawSky();
    if (todo.includes("board")) drawBoard();
    if (todo.includes("events")) drawEvents();
    if (todo.includes("map") || todo.includes("sky")) drawDetails();
    state.lastDrawMs = performance.now() - started;
    if (stats.draws.length < 1e6) stats.draws.push(state.lastDrawMs);
  });
}

// ---- map ----------------------------------------------------------------------------------

let map, markerSource, trackSource, zoneSource, gridSource, replaySource;
let fitted = false;

function mapCoordinate(p) {
  const t = state.config.tiles;
  if (t) {
    const ll = t.datum === "gcj02" && p.gcj02 ? [p.gcj02.longitude, p.gcj02.latitude] : p.latitude !== undefined ? [p.longitude, p.latitude] : null;
    return ll && ll[0] ? ol.proj.fromLonLat(ll) : null;
  }
  if (state.plane === "park" && p.park && (p.park.east || p.park.north)) return [p.park.east, p.park.north];
  if (p.grid && (p.grid.easting || p.grid.northing)) return [p.grid.easting, p.grid.northing];
  return null;
}

function setupMap() {
  const t = state.config.tiles;
  let view;
  const layers = [];
  if (t) {
    layers.push(new ol.layer.Tile({ source: new ol.source.XYZ({ url: t.url, maxZoom: t.maxZoom, attributions: t.attribution || undefined, crossOrigin: "anonymous" }) }));
    view = new ol.View({ center: ol.proj.fromLonLat([113.17, 27.86]), zoom: 15, maxZoom: t.maxZoom + 2 });
  } else {
    // The park's own plane, in metres: no tiles, no network, a grid and a scale bar.
    const plane = new ol.proj.Projection({ code: "BEIDOUHUB:PLANE", units: "m", extent: [-1e8, -1e8, 1e8, 1e8] });
    view = new ol.View({ projection: plane, center: [0, 0], resolution: 2, maxResolution: 2000, minResolution: 0.01 });
    gridSource = new ol.source.Vector();
    layers.push(new ol.layer.Vector({ source: gridSource, style: gridStyle, updateWhileInteracting: true }));
  }
  zoneSource = new ol.source.Vector();
  trackSource = new ol.source.Vector();
  markerSource = new ol.source.Vector();
  layers.push(new ol.layer.Vector({ source: zoneSource, style: zoneStyle }));
  layers.push(new ol.layer.Vector({ source: trackSource, style: trackStyle, updateWhileAnimating: true }));
  replaySource = new ol.source.Vector();
  layers.push(new ol.layer.Vector({ source: replaySource, style: replayStyle }));
  layers.push(new ol.layer.Vector({ source: markerSource, style: markerStyle, updateWhileAnimating: true, updateWhileInteracting: true }));
  map = new ol.Map({
    target: "map",
    layers,
    view,
    controls: ol.control.defaults.defaults({ attribution: !!t, rotate: false }).extend([new ol.control.ScaleLine({ units: "metric" })]),
  });
  if (!t) map.on("moveend", drawGrid);
  map.on("click", (e) => {
    const hit = map.forEachFeatureAtPixel(e.pixel, (f) => (f.get("kind") === "receiver" ? f : null), { hitTolerance: 6 });
    if (hit) select(hit.getId());
  });
  map.on("pointermove", (e) => {
    map.getTargetElement().style.cursor = map.hasFeatureAtPixel(e.pixel, { layerFilter: (l) => l.getSource() === markerSource, hitTolerance: 6 }) ? "pointer" : "";
  });
}

// Styles are shared per fix class (and per 5° of course for the arrow): a thousand markers
// redrawn at 2 Hz must not build a thousand new styles each frame.
const styleCache = new Map();
function cached(key, make) {
  let style = styleCache.get(key);
  if (!style) styleCache.set(key, (style = make()));
  return style;
}

function markerStyle(feature, resolution) {
  const fixKey = feature.get("fix") in FIX ? feature.get("fix") : "none";
  const fix = FIX[fixKey];
  const selected = feature.getId() === state.selected;
  const styles = [cached(`dot:${fixKey}:${selected}`, () => new ol.style.Style({
    image: new ol.style.Circle({ radius: 7, fill: new ol.style.Fill({ color: fix.colour }), stroke: new ol.style.Stroke({ color: selected ? "#000" : "#fff", width: selected ? 3 : 2 }) }),
    zIndex: 2,
  }))];
  if (selected || resolution < (markerSource.getFeatures().length > 50 ? 0.5 : 8)) {
    // Labels when zoomed in enough for them not to cover each other (or the selected one).
    const label = new ol.style.Style({ text: cached("label", () => new ol.style.Text({ offsetY: -16, font: "12px system-ui, sans-serif", fill: new ol.style.Fill({ color: "#111" }), stroke: new ol.style.Stroke({ color: "#fff", width: 3 }) })).clone(), zIndex: 3 });
    label.getText().setText(feature.getId());
    styles.push(label);
  }
  const course = feature.get("course");
  if (course !== undefined && course !== null && (feature.get("speed") || 0) > 0.3) {
    // Heading: a small arrow ahead of the dot, pointing along the course over ground (the
    // displacement turns with the rotation, so "up" is ahead).
    const step = Math.round(course / 5) * 5;
    styles.push(cached(`arrow:${fixKey}:${step}`, () => new ol.style.Style({
      image: new ol.style.RegularShape({ points: 3, radius: 6, fill: new ol.style.Fill({ color: fix.colour }), stroke: new ol.style.Stroke({ color: "#fff", width: 1 }), rotation: (step * Math.PI) / 180, displacement: [0, 11], rotateWithView: true }),
      zIndex: 1,
    })));
  }
  return styles;
}

function replayStyle(feature) {
  return feature.get("kind") === "ghost"
    ? cached("ghost", () => new ol.style.Style({ image: new ol.style.Circle({ radius: 8, fill: new ol.style.Fill({ color: "rgba(124, 58, 237, 0.35)" }), stroke: new ol.style.Stroke({ color: "#7c3aed", width: 2 }) }), zIndex: 4 }))
    : cached("replay-line", () => new ol.style.Style({ stroke: new ol.style.Stroke({ color: "#7c3aed", width: 3 }) }));
}

function trackStyle(feature) {
  const key = feature.get("fix") in FIX ? feature.get("fix") : "none";
  return cached(`track:${key}`, () => new ol.style.Style({ stroke: new ol.style.Stroke({ color: FIX[key].colour, width: 2, lineDash: [4, 3] }) }));
}

function zoneStyle(feature) {
  const inside = feature.get("inside") || 0;
  return new ol.style.Style({
    fill: new ol.style.Fill({ color: inside ? "rgba(255, 152, 0, 0.25)" : "rgba(33, 150, 243, 0.12)" }),
    stroke: new ol.style.Stroke({ color: inside ? "#ef6c00" : "#1976d2", width: 2 }),
    text: new ol.style.Text({ text: `${feature.getId()}${inside ? ` (${inside})` : ""}`, font: "bold 12px system-ui, sans-serif", fill: new ol.style.Fill({ color: "#0d47a1" }), stroke: new ol.style.Stroke({ color: "#fff", width: 3 }), overflow: true }),
  });
}

function gridStyle(feature) {
  return new ol.style.Style({
    stroke: new ol.style.Stroke({ color: feature.get("major") ? "rgba(0,0,0,0.25)" : "rgba(0,0,0,0.08)", width: 1 }),
    text: feature.get("label") ? new ol.style.Text({ text: feature.get("label"), font: "10px system-ui, sans-serif", fill: new ol.style.Fill({ color: "#555" }), textAlign: "left", offsetX: 3, offsetY: -6, placement: "point" }) : undefined,
  });
}

// Grid lines every 1, 2 or 5 × 10^n metres, about ten across the view, labelled in metres.
function drawGrid() {
  const size = map.getSize();
  if (!size) return;
  const extent = map.getView().calculateExtent(size);
  const width = extent[2] - extent[0];
  const raw = width / 10;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const features = [];
  const label = (v) => (Math.abs(v) >= 1e5 ? v.toFixed(0) : v.toString());
  for (let x = Math.ceil(extent[0] / step) * step; x <= extent[2]; x += step) {
    features.push(new ol.Feature({ geometry: new ol.geom.LineString([[x, extent[1]], [x, extent[3]]]), major: Math.round(x / step) % 5 === 0, label: `E ${label(x)}` }));
  }
  for (let y = Math.ceil(extent[1] / step) * step; y <= extent[3]; y += step) {
    features.push(new ol.Feature({ geometry: new ol.geom.LineString([[extent[0], y], [extent[2], y]]), major: Math.round(y / step) % 5 === 0, label: `N ${label(y)}` }));
  }
  gridSource.clear(true);
  gridSource.addFeatures(features);
}

function drawZones() {
  zoneSource.clear(true);
  const tiles = state.config.tiles;
  for (const zone of state.zones) {
    const rings = zone.rings.map((ring) => {
      const flat = tiles ? ring.lonLat : ring.xy;
      const points = [];
      for (let i = 0; i + 1 < flat.length; i += 2) points.push(tiles ? ol.proj.fromLonLat(tiles.datum === "gcj02" ? gcj02(flat[i], flat[i + 1]) : [flat[i], flat[i + 1]]) : [flat[i], flat[i + 1]]);
      if (points.length) points.push(points[0]);
      return points;
    }).filter((r) => r.length > 3);
    if (!rings.length) continue;
    const feature = new ol.Feature({ geometry: new ol.geom.Polygon(rings), kind: "zone" });
    feature.setId(zone.id);
    zoneSource.addFeature(feature);
  }
  fitOnce();
}

function drawMarkers() {
  const occupancy = new Map();
  for (const r of state.receivers.values()) {
    for (const z of (r.position && r.position.zoneIds) || []) occupancy.set(z, (occupancy.get(z) || 0) + 1);
  }
  const changed = [...state.changed];
  state.changed.clear();
  for (const id of changed) {
    const r = state.receivers.get(id);
    const p = r.position;
    const fix = fixClass(p, r.status && r.status.state);
    r.fix = fix;
    const xy = p && mapCoordinate(p);
    if (!xy) continue;
    let marker = markerSource.getFeatureById(r.id);
    if (!marker) {
      marker = new ol.Feature({ kind: "receiver" });
      marker.setId(r.id);
      markerSource.addFeature(marker);
    }
    marker.setGeometry(new ol.geom.Point(xy));
    marker.setProperties({ fix, course: p.courseDeg, speed: p.speedMps, sequence: p.sequence }, true);
    marker.changed();
    let track = trackSource.getFeatureById(r.id);
    if (!track) {
      track = new ol.Feature();
      track.setId(r.id);
      trackSource.addFeature(track);
    }
    track.setGeometry(new ol.geom.LineString(r.track));
    track.set("fix", fix);
  }
  for (const zone of zoneSource.getFeatures()) {
    const inside = occupancy.get(zone.getId()) || 0;
    if (zone.get("inside") !== inside) zone.set("inside", inside);
  }
  drawList(occupancy, changed);
  fitOnce();
}

// The first time there is something to show, frame the zones and the receivers.
function fitOnce() {
  if (fitted) return;
  const extent = ol.extent.createEmpty();
  for (const s of [zoneSource, markerSource]) if (s.getFeatures().length) ol.extent.extend(extent, s.getExtent());
  if (ol.extent.isEmpty(extent) || markerSource.getFeatures().length === 0) return;
  fitted = true;
  map.getView().fit(ol.extent.buffer(extent, 60), { padding: [30, 30, 30, 30], maxZoom: state.config.tiles ? 18 : undefined, minResolution: state.config.tiles ? undefined : 0.2 });
}

// The receiver list beside the map: a row per receiver, coloured as its marker, click to select.
// Rows are kept per receiver and touched only when that receiver changed.
function drawList(occupancy, changed) {
  const list = $("receiver-list");
  if (state.idsChanged) {
    state.idsChanged = false;
    const choices = $("sky-receiver");
    const fragment = document.createDocumentFragment();
    const options = document.createDocumentFragment();
    for (const id of state.ids) {
      const r = state.receivers.get(id);
      if (!r.row) {
        const row = document.createElement("li");
        row.dataset.id = id;
        row.tabIndex = 0;
        row.setAttribute("role", "button");
        row.innerHTML = '<span class="dot"></span><span class="name"></span><span class="fix"></span>';
        row.querySelector(".name").textContent = id;
        row.addEventListener("click", () => select(id));
        row.addEventListener("keydown", (e) => (e.key === "Enter" || e.key === " ") && select(id));
        r.row = row;
        r.option = new Option(id, id);
        changed.push(id);
      }
      fragment.append(r.row);
      options.append(r.option);
    }
    list.append(fragment); // moves the rows into order
    choices.append(options);
    choices.value = state.selected || "";
  }
  for (const id of changed) {
    const r = state.receivers.get(id);
    if (!r || !r.row) continue;
    const fix = fixClass(r.position, r.status && r.status.state);
    r.row.dataset.fix = fix;
    r.row.dataset.sequence = r.position ? r.position.sequence : "";
    r.row.classList.toggle("selected", id === state.selected);
    r.row.querySelector(".dot").style.background = FIX[fix].colour;
    r.row.querySelector(".fix").textContent = FIX[fix].label;
  }
  const zones = $("zone-list");
  const text = state.zones.map((z) => `${z.id}:${occupancy.get(z.id) || 0}`).join(",");
  if (zones.dataset.shown === text) return;
  zones.dataset.shown = text;
  zones.textContent = "";
  for (const z of state.zones) {
    const li = document.createElement("li");
    li.dataset.zone = z.id;
    li.dataset.inside = occupancy.get(z.id) || 0;
    li.textContent = `${z.id}: ${occupancy.get(z.id) || 0} inside`;
    zones.append(li);
  }
}

function select(id) {
  selectReceiver(id, true);
}

function selectReceiver(id, showDetails) {
  if (state.selected !== id) clearReplay();
  if (state.selected) state.changed.add(state.selected);
  state.changed.add(id);
  state.selected = id;
  $("sky-receiver").value = id;
  followSky(id);
  if (markerSource) markerSource.changed();
  scheduleDraw("map");
  if (showDetails) $("details").hidden = false;
}

function drawDetails() {
  const panel = $("details-body");
  const r = state.selected && state.receivers.get(state.selected);
  if (!r || $("details").hidden) return;
  const p = r.position || {};
  const s = r.status || {};
  const used = p.used || {};
  const usedText = Object.entries({ GPS: used.gps, BeiDou: used.beidou, GLONASS: used.glonass, Galileo: used.galileo, QZSS: used.qzss, NavIC: used.navic, SBAS: used.sbas })
    .filter(([, n]) => n).map(([k, n]) => `${k} ${n}`).join(", ") || "–";
  const t = timeOf(p.time);
  const rows = [
    ["Time (UTC)", t ? t.toISOString().replace("T", " ").replace("Z", "") : "–"],
    ["Fix", `${FIX[fixClass(r.position, s.state)].label} (GGA quality ${p.quality ?? "–"}: ${GGA_QUALITY[p.quality] ?? "?"})`],
    ["State", (s.state || "").replace("CONNECTION_STATE_", "").toLowerCase() || "–"],
    ["Accuracy (1σ)", p.sigmaLatitudeM !== undefined ? `N ${fmt(p.sigmaLatitudeM, 3, " m")}, E ${fmt(p.sigmaLongitudeM, 3, " m")}, U ${fmt(p.sigmaAltitudeM, 3, " m")}` : "–"],
    ["DOP", `H ${fmt(p.hdop, 1)} V ${fmt(p.vdop, 1)} P ${fmt(p.pdop, 1)}`],
    ["Satellites used", usedText],
    ["Correction age", p.correctionAgeS !== undefined ? `${fmt(p.correctionAgeS, 1, " s")}${p.correctionStation !== undefined ? ` (station ${p.correctionStation})` : ""}` : "–"],
    ["Lat, lon (CGCS2000)", p.latitude !== undefined ? `${fmt(p.latitude, 7)}, ${fmt(p.longitude, 7)}` : "–"],
    ["Altitude (MSL)", fmt(p.altitudeMsl, 2, " m")],
    ["Grid N, E", p.grid && p.grid.northing ? `${fmt(p.grid.northing, 2)}, ${fmt(p.grid.easting, 2)} m` : "–"],
    ["Park E, N", p.park && (p.park.east || p.park.north) ? `${fmt(p.park.east, 2)}, ${fmt(p.park.north, 2)} m` : "–"],
    ["Speed, course", `${fmt(p.speedMps, 1, " m/s")}, ${fmt(p.courseDeg, 0, "°")}`],
    ["Zones", (p.zoneIds || []).join(", ") || "–"],
  ];
  panel.innerHTML = "";
  const h = document.createElement("h2");
  h.textContent = r.id;
  const close = document.createElement("button");
  close.textContent = "×";
  close.title = "Close";
  close.className = "close";
  close.addEventListener("click", () => {
    $("details").hidden = true;
    clearReplay();
  });
  h.append(close);
  const dl = document.createElement("dl");
  for (const [k, v] of rows) {
    const dt = document.createElement("dt");
    dt.textContent = k;
    const dd = document.createElement("dd");
    dd.textContent = v;
    dl.append(dt, dd);
  }
  panel.append(h, dl);
}

// ---- track replay (History.QueryTrack) ---------------------------------------------------

const replay = { points: [], receiver: null, start: null, end: null, ghost: null };

function clearReplay() {
  replay.points = [];
  replay.receiver = null;
  if (replaySource) replaySource.clear(true);
  $("replay-controls").hidden = true;
  $("replay-note").textContent = "";
  $("replay").dataset.points = "";
}

// The selected receiver's stored track, the last N minutes of its own clock (a replayed log's
// time, not the wall clock), drawn as a line with a slider that moves a marker along it.
async function loadReplay() {
  const r = state.selected && state.receivers.get(state.selected);
  if (!r) return;
  clearReplay();
  const last = r.position && timeOf(r.position.time);
  const end = last ? new Date(last.getTime() + 1) : new Date();
  const start = new Date(end.getTime() - Number($("replay-minutes").value) * 60000);
  const ts = (d) => ({ seconds: Math.floor(d.getTime() / 1000), nanos: (d.getTime() % 1000) * 1e6 });
  const coordinates = state.config.tiles ? (state.config.tiles.datum === "gcj02" ? ["COORDINATE_SYSTEM_GCJ02"] : []) : [state.plane === "park" ? "COORDINATE_SYSTEM_PARK" : "COORDINATE_SYSTEM_GRID"];
  $("replay-note").textContent = "loading…";
  const points = [];
  try {
    const request = { receiverId: r.id, startTime: ts(start), endTime: ts(end), maxPoints: 2000, coordinates };
    for await (const p of grpcCall(`/${V1}.History/QueryTrack`, type("QueryTrackRequest"), request, type("Position"), { token: state.token })) {
      const xy = mapCoordinate(p);
      if (xy) points.push({ xy, time: timeOf(p.time), fix: fixClass(p), sequence: p.sequence });
    }
  } catch (e) {
    $("replay-note").textContent = e.code === 9 ? "No history kept by this service (BeidouHub:History)." : `Track: ${e.message}`;
    return;
  }
  Object.assign(replay, { points, receiver: r.id, start, end });
  const slider = $("replay");
  slider.dataset.points = points.length;
  slider.dataset.start = start.toISOString();
  slider.dataset.end = end.toISOString();
  if (!points.length) {
    $("replay-note").textContent = "Nothing stored for that time.";
    return;
  }
  $("replay-note").textContent = `${points.length} stored positions, ${points[0].time.toISOString().slice(11, 19)}–${points[points.length - 1].time.toISOString().slice(11, 19)} UTC`;
  const line = new ol.Feature({ geometry: new ol.geom.LineString(points.map((p) => p.xy)), kind: "line" });
  replay.ghost = new ol.Feature({ kind: "ghost" });
  replaySource.addFeatures([line, replay.ghost]);
  slider.max = points.length - 1;
  slider.value = points.length - 1;
  $("replay-controls").hidden = false;
  showReplayPoint(points.length - 1);
}

function showReplayPoint(i) {
  const p = replay.points[i];
  if (!p) return;
  replay.ghost.setGeometry(new ol.geom.Point(p.xy));
  $("replay-time").textContent = `${p.time.toISOString().slice(11, 19)} UTC · ${FIX[p.fix].label}`;
  $("replay").dataset.sequence = p.sequence;
}

// ---- sky plot ----------------------------------------------------------------------------

const SVG = "http://www.w3.org/2000/svg";
function svg(name, attributes, parent) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attributes)) el.setAttribute(k, v);
  if (parent) parent.append(el);
  return el;
}

function drawSky() {
  const plot = $("sky");
  plot.textContent = "";
  for (const el of [0, 30, 60]) svg("circle", { cx: 0, cy: 0, r: ((90 - el) / 90) * 100, class: "ring" }, plot);
  for (const [label, az] of [["N", 0], ["E", 90], ["S", 180], ["W", 270]]) {
    const a = (az * Math.PI) / 180;
    svg("line", { x1: 0, y1: 0, x2: 100 * Math.sin(a), y2: -100 * Math.cos(a), class: "spoke" }, plot);
    svg("text", { x: 108 * Math.sin(a), y: -108 * Math.cos(a) + 3, class: "compass" }, plot).textContent = label;
  }
  const sky = state.sky;
  const counts = $("sky-counts");
  const bars = $("cn0");
  counts.textContent = "";
  bars.textContent = "";
  $("sky-title").textContent = sky ? `${sky.receiverId}, sequence ${sky.sequence}${timeOf(sky.time) ? `, ${timeOf(sky.time).toISOString().slice(11, 19)} UTC` : ""}` : "waiting for a sky report…";
  plot.dataset.sequence = sky ? sky.sequence : "";
  if (!sky) return;

  // One mark per satellite (its signals share a position); used if any signal is used.
  const satellites = new Map();
  for (const s of sky.satellites) {
    const key = `${s.constellation}:${s.svid}`;
    const sat = satellites.get(key) || { constellation: s.constellation, svid: s.svid, used: false, el: undefined, az: undefined, signals: [] };
    sat.used = sat.used || s.used;
    if (s.elevationDeg !== undefined) sat.el = s.elevationDeg;
    if (s.azimuthDeg !== undefined) sat.az = s.azimuthDeg;
    sat.signals.push(s);
    satellites.set(key, sat);
  }
  const perConstellation = new Map();
  for (const sat of satellites.values()) {
    const c = perConstellation.get(sat.constellation) || { inView: 0, used: 0 };
    c.inView++;
    if (sat.used) c.used++;
    perConstellation.set(sat.constellation, c);
    if (sat.el === undefined || sat.az === undefined) continue;
    const info = CONSTELLATIONS[sat.constellation] || { prefix: "?", colour: "#333" };
    const r = ((90 - Math.max(0, sat.el)) / 90) * 100;
    const a = (sat.az * Math.PI) / 180;
    const x = r * Math.sin(a);
    const y = -r * Math.cos(a);
    const orbit = sat.constellation === "CONSTELLATION_BEIDOU" ? beidouOrbit(sat.svid) : "";
    const g = svg("g", { class: `sat ${sat.used ? "used" : "unused"}`, "data-constellation": info.short || "", "data-orbit": orbit }, plot);
    const style = { fill: sat.used ? info.colour : "#fff", stroke: info.colour, "stroke-width": 1.5 };
    // BeiDou: GEO a square (they hold still), IGSO a diamond, MEO a circle like the others.
    if (orbit === "GEO") svg("rect", { x: x - 4.5, y: y - 4.5, width: 9, height: 9, ...style }, g);
    else if (orbit === "IGSO") svg("rect", { x: x - 4, y: y - 4, width: 8, height: 8, transform: `rotate(45 ${x} ${y})`, ...style }, g);
    else svg("circle", { cx: x, cy: y, r: 4.5, ...style }, g);
    svg("text", { x: x + 6, y: y + 3, class: "prn" }, g).textContent = `${info.prefix}${String(sat.svid).padStart(2, "0")}`;
    svg("title", {}, g).textContent = `${info.short} ${sat.svid}${orbit ? ` (${orbit})` : ""}: el ${sat.el}°, az ${sat.az}°, ${sat.used ? "used" : "not used"}; ${sat.signals.map((s) => `${signalName(s)} ${s.cn0Dbhz ?? "–"} dB-Hz`).join(", ")}`;
  }

  for (const [c, n] of [...perConstellation.entries()].sort()) {
    const info = CONSTELLATIONS[c] || { short: c, colour: "#333" };
    const li = document.createElement("li");
    li.dataset.constellation = info.short;
    li.dataset.inView = n.inView;
    li.dataset.used = n.used;
    li.innerHTML = `<span class="dot" style="background:${info.colour}"></span>`;
    li.append(`${info.short}: ${n.used} used of ${n.inView} in view`);
    counts.append(li);
  }

  // C/N0 per satellite and signal, grouped by constellation.
  for (const [c] of [...perConstellation.entries()].sort()) {
    const info = CONSTELLATIONS[c] || { short: c, prefix: "?", colour: "#333" };
    const group = document.createElement("figure");
    const caption = document.createElement("figcaption");
    caption.textContent = `${info.short} C/N0 (dB-Hz)`;
    group.append(caption);
    const row = document.createElement("div");
    row.className = "bars";
    const signals = sky.satellites.filter((s) => s.constellation === c).sort((a, b) => a.svid - b.svid || String(a.signal).localeCompare(String(b.signal)));
    for (const s of signals) {
      const bar = document.createElement("div");
      bar.className = `bar ${s.used ? "used" : ""}`;
      const cn0 = s.cn0Dbhz ?? 0;
      bar.title = `${info.prefix}${String(s.svid).padStart(2, "0")} ${signalName(s)}: ${s.cn0Dbhz ?? "–"} dB-Hz${s.used ? ", used" : ""}`;
      bar.innerHTML = `<span class="fill" style="height:${Math.min(100, (cn0 / 55) * 100)}%;background:${info.colour}"></span><span class="label">${String(s.svid).padStart(2, "0")}<br>${signalName(s, true)}</span>`;
      row.append(bar);
    }
    group.append(row);
    bars.append(group);
  }
}

function signalName(s, short) {
  if (s.signal === undefined || s.signal === null || s.signal === "") return short ? "" : "signal ?";
  const names = SIGNALS[s.constellation] || {};
  const name = names[String(s.signal).toUpperCase()];
  return short ? name || s.signal : name ? `${name} (${s.signal})` : `signal ${s.signal}`;
}

// ---- receivers board and events ----------------------------------------------------------

function drawBoard() {
  if ($("board-view").hidden) return; // drawn when shown
  const body = $("board").tBodies[0];
  const now = Date.now();
  for (const id of state.ids) {
    const r = state.receivers.get(id);
    const s = r.status;
    if (!s) continue;
    let row = r.boardRow;
    if (!row) {
      row = r.boardRow = document.createElement("tr");
      row.dataset.id = id;
      for (let i = 0; i < 8; i++) row.insertCell();
      const next = state.ids.slice(state.ids.indexOf(id) + 1).map((n) => state.receivers.get(n).boardRow).find((b) => b);
      body.insertBefore(row, next || null);
    }
    const lastFix = timeOf(s.lastFixTime);
    const cells = [
      id,
      s.state.replace("CONNECTION_STATE_", "").toLowerCase(),
      s.source,
      r.rate && r.rate.perSecond !== null ? r.rate.perSecond.toFixed(1) : "–",
      String(s.checksumFailures),
      String(s.reconnects),
      lastFix ? `${Math.max(0, (now - lastFix.getTime()) / 1000).toFixed(0)} s` : "–",
      s.lastError || "",
    ];
    cells.forEach((text, i) => {
      if (row.cells[i].textContent !== text) row.cells[i].textContent = text;
    });
    row.dataset.state = s.state.replace("CONNECTION_STATE_", "").toLowerCase();
  }
}

function drawAlerts() {
  const list = $("alerts");
  list.textContent = "";
  const all = [...state.alerts.values()].reverse();
  const open = all.filter((e) => !e.alert.endTime);
  for (const e of [...open, ...all.filter((x) => x.alert.endTime)]) {
    const a = e.alert;
    const li = document.createElement("li");
    li.dataset.kind = a.kind.replace("ALERT_KIND_", "").toLowerCase();
    li.dataset.state = a.endTime ? "ended" : "open";
    li.dataset.severity = a.severity.replace("ALERT_SEVERITY_", "").toLowerCase();
    const start = timeOf(a.startTime);
    const end = a.endTime ? timeOf(a.endTime) : null;
    const span = `${start ? start.toISOString().slice(11, 19) : "–"}${end ? `–${end.toISOString().slice(11, 19)}` : " (open)"}`;
    const who = a.parkWide ? ` [${a.receiverIds.length} receivers: ${a.receiverIds.join(", ")}]` : "";
    li.textContent = `${span}  ${li.dataset.severity.toUpperCase()}  ${a.message}${who}`;
    list.append(li);
  }
  $("alerts-count").textContent = open.length ? `(${open.length} open)` : "";
}

function drawEvents() {
  drawAlerts();
  const list = $("events");
  list.textContent = "";
  for (const e of state.events) {
    const li = document.createElement("li");
    const kind = e.kind.replace("ZONE_EVENT_KIND_", "").toLowerCase();
    li.dataset.kind = kind;
    li.dataset.receiver = e.receiverId;
    li.dataset.zone = e.zoneId;
    const t = timeOf(e.time);
    li.textContent = `${t ? t.toISOString().slice(11, 19) : "–"}  ${e.receiverId} ${kind === "enter" ? "entered" : kind === "exit" ? "left" : "dwells in"} ${e.zoneId}`;
    list.append(li);
  }
  $("events-count").textContent = state.events.length ? `(${state.events.length})` : "";
}

// GCJ-02 from CGCS2000/WGS-84 (the public algorithm; the service computes the same for positions)
// for zone outlines on AMap/Tencent tiles.
function gcj02(lon, lat) {
  const a = 6378245.0, ee = 0.00669342162296594323;
  const tLat = (x, y) => -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x)) + ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3 + ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3 + ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  const tLon = (x, y) => 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x)) + ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3 + ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3 + ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  let dLat = tLat(lon - 105, lat - 35);
  let dLon = tLon(lon - 105, lat - 35);
  const radLat = (lat / 180) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - ee * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180) / (((a * (1 - ee)) / (magic * sqrtMagic)) * Math.PI);
  dLon = (dLon * 180) / ((a / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lon + dLon, lat + dLat];
}

// ---- page --------------------------------------------------------------------------------

function showView(name) {
  for (const tab of document.querySelectorAll("nav [role=tab]")) {
    const on = tab.dataset.view === name;
    tab.setAttribute("aria-selected", on);
    $(`${tab.dataset.view}-view`).hidden = !on;
  }
  if (name === "map" && map) map.updateSize();
  if (name === "sky") scheduleDraw("sky");
  if (name === "board") scheduleDraw("board");
  history.replaceState(null, "", `#${name}`);
}

document.addEventListener("DOMContentLoaded", () => {
  for (const tab of document.querySelectorAll("nav [role=tab]")) tab.addEventListener("click", () => showView(tab.dataset.view));
  $("replay-load").addEventListener("click", () => loadReplay());
  $("replay").addEventListener("input", (e) => showReplayPoint(Number(e.target.value)));
  $("sky-receiver").addEventListener("change", (e) => e.target.value && e.target.value !== state.selected && selectReceiver(e.target.value, false));
  $("login").addEventListener("submit", (e) => {
    e.preventDefault();
    state.token = $("key").value.trim();
    sessionStorage.setItem("beidouhub-key", state.token);
    $("login").close();
    connect();
  });
  const legend = $("legend");
  for (const [k, f] of Object.entries(FIX)) {
    const li = document.createElement("li");
    li.innerHTML = `<span class="dot" style="background:${f.colour}"></span>`;
    li.append(f.label);
    li.dataset.fix = k;
    legend.append(li);
  }
  setInterval(() => scheduleDraw("board"), 1000);
  showView((location.hash || "#map").slice(1) in { map: 1, sky: 1, board: 1, events: 1 } ? location.hash.slice(1) || "map" : "map");
  start().catch((e) => setStatus(`cannot start: ${e.message}`, "error"));
});

// For tests and for the curious: what the console shows, without reading the canvas.
window.beidouhubConsole = {
  markers: () => markerSource ? markerSource.getFeatures().map((f) => ({ id: f.getId(), fix: f.get("fix"), sequence: f.get("sequence"), coordinate: f.getGeometry().getCoordinates(), pixel: map.getPixelFromCoordinate(f.getGeometry().getCoordinates()) })) : [],
  lastDrawMs: () => state.lastDrawMs,
  replay: () => ({ receiver: replay.receiver, points: replay.points.length, ghost: replay.ghost && replay.ghost.getGeometry() ? replay.ghost.getGeometry().getCoordinates() : null }),
  // Since the last call: positions/s, their lag and the frames' draw times (ms, sorted samples' percentiles).
  stats: () => {
    const pick = (xs, q) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor(q * xs.length))] : null);
    const seconds = (performance.now() - stats.since) / 1000;
    const lags = stats.lags.sort((a, b) => a - b);
    const draws = stats.draws.sort((a, b) => a - b);
    const result = {
      seconds, positions: stats.positions, receivers: state.receivers.size, frames: draws.length, longTasksMs: stats.busyMs,
      lag: { p50: pick(lags, 0.5), p99: pick(lags, 0.99), max: lags[lags.length - 1] ?? null },
      draw: { p50: pick(draws, 0.5), p99: pick(draws, 0.99), max: draws[draws.length - 1] ?? null },
    };
    Object.assign(stats, { since: performance.now(), positions: 0, lags: [], draws: [], busyMs: 0 });
    return result;
  },
};
