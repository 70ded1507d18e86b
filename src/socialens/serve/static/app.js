// socialens dashboard: plain JS over the REST API (/api/v1), charts with the vendored ECharts.
// Every text from the store is inserted as text (never as HTML). The token stays in this tab.
"use strict";

const API = "/api/v1";
const charts = {};
window.socialensCharts = charts; // the browser tests read the charts' data from here
let liveStream = null;

// -- helpers ----------------------------------------------------------------------------------
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "onclick") node.addEventListener("click", value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : String(child ?? ""));
  return node;
}

function token() { return sessionStorage.getItem("socialens-token"); }

class ApiError extends Error {
  constructor(status, body) { super(body.message || String(status)); this.status = status; this.code = body.code; }
}

async function api(path, options = {}) {
  const headers = { Authorization: `Bearer ${token()}`, ...(options.headers || {}) };
  const response = await fetch(API + path, { ...options, headers });
  const body = await response.json().catch(() => ({}));
  if (response.status === 401) { logout(); }
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

function filterQuery(extra = {}) {
  const params = new URLSearchParams();
  const form = new FormData(document.getElementById("filters"));
  for (const [key, value] of form.entries()) if (String(value).trim()) params.append(key, String(value).trim());
  for (const [key, value] of Object.entries(extra)) if (value !== undefined && value !== null) params.append(key, value);
  const text = params.toString();
  return text ? `?${text}` : "";
}

function table(headers, rows, onRow) {
  const body = el("tbody");
  rows.forEach((row, i) => {
    const tr = el("tr", onRow ? { class: "clickable" } : {});
    if (onRow) tr.addEventListener("click", () => onRow(i));
    row.forEach((cell) => tr.append(el("td", {}, cell instanceof Node ? cell : String(cell ?? ""))));
    body.append(tr);
  });
  return el("table", {}, el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", {}, h)))), body);
}

function card(label, value) { return el("div", { class: "card" }, el("b", {}, value ?? "-"), label); }

function accountLink(platform, id, handle) {
  const name = handle || id;
  return el("a", { href: `#/profile/${encodeURIComponent(id)}`, title: `${platform}:${id}` }, name);
}

function chart(id, option) {
  const box = el("div", { class: "chart", id: `chart-${id}` });
  page().append(box);
  if (charts[id]) charts[id].dispose();
  charts[id] = echarts.init(box);
  charts[id].setOption(option);
  box.dataset.signature = JSON.stringify(option.series.map((s) => s.data));
  return charts[id];
}

function lines(series, yName) {
  return {
    tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 50, right: 20, top: 50, bottom: 30 },
    xAxis: { type: "time" }, yAxis: { type: "value", name: yName },
    series: Object.entries(series).map(([name, points]) => ({ name, type: "line", showSymbol: false, data: points })),
  };
}

const THIN = "too few posts";
const THIN_TOOLTIP = "too few posts to show a share";

function escapeHtml(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// Shares over time (a view's over_time): one line per label; periods under the minimum get no
// share but a grey mark on the baseline with their count, so they are seen, not hidden.
function shareLines(shares, skip = []) {
  const series = Object.fromEntries(Object.entries(shares.series).filter(([label]) => !skip.includes(label)));
  const option = lines(series, `% of posts per ${shares.unit}`);
  option.yAxis.min = 0;
  if (!Object.keys(series).length) option.yAxis.max = 100;
  const thin = shares.totals.filter(([, n]) => n < shares.minimum);
  if (thin.length) {
    option.series.push({
      name: THIN, type: "scatter", symbol: "rect", symbolSize: 9, itemStyle: { color: "#9a9a9a" },
      data: thin.map(([period, posts]) => ({ value: [period, 0], posts })),
      label: { show: thin.length <= 24, position: "top", color: "#777", fontSize: 10, formatter: (p) => String(p.data.posts) },
    });
  }
  option.tooltip.formatter = (params) => {
    const when = String(params[0]?.value?.[0] ?? "").slice(0, 10);
    return [escapeHtml(when), ...params.map((p) => (p.seriesName === THIN
      ? `${p.marker}${THIN_TOOLTIP} (${p.data.posts} post${p.data.posts === 1 ? "" : "s"})`
      : `${p.marker}${escapeHtml(p.seriesName)}: ${p.value[1]}%`))].join("<br>");
  };
  return option;
}

function caveats(data) {
  if (!data.caveats?.length) return;
  page().append(el("div", { class: "caveat", role: "note" }, el("strong", {}, "Read with care"),
    el("ul", {}, ...data.caveats.map((c) => el("li", {}, `${c[0].toUpperCase()}${c.slice(1)}.`)))));
}

function bars(pairs, name) {
  return {
    tooltip: {}, grid: { left: 120, right: 20 }, xAxis: { type: "value", name },
    yAxis: { type: "category", inverse: true, data: pairs.map((p) => p[0]) },
    series: [{ type: "bar", data: pairs.map((p) => p[1]) }],
  };
}

function page() { return document.getElementById("page"); }
function heading(text) { page().append(el("h1", {}, text)); }
function note(text, cls = "muted") { page().append(el("p", { class: cls }, text)); }

async function section(load) {
  try { await load(); } catch (error) {
    if (error instanceof ApiError && error.status === 404) note(error.message);
    else note(`Could not load: ${error.message}`, "error");
  }
}

// -- pages ------------------------------------------------------------------------------------
const PAGES = {
  async overview() {
    heading("Overview");
    const data = await api(`/stats${filterQuery()}`);
    if (!data.summary) { note("The store (or the selection) holds no posts."); return; }
    const s = data.summary;
    page().append(el("div", { class: "cards", id: "overview-cards" },
      card("posts", s.counts.posts), card("authors", s.stats.authors), card("interactions", s.counts.interactions),
      card("platforms", s.platforms.length), card("first post", String(s.stats.first || "-").slice(0, 10)),
      card("last post", String(s.stats.last || "-").slice(0, 10))));
    if (data.volume) chart("volume", lines(data.volume.series, `posts per ${data.volume.unit}`));
    page().append(el("h2", {}, "Languages"));
    if (data.languages) chart("languages", bars(data.languages.items, "posts"));
    page().append(el("h2", {}, "Platforms"));
    chart("platforms", { tooltip: {}, series: [{ type: "pie", radius: "60%",
      data: s.platforms.map(([name, value]) => ({ name, value })) }] });
  },

  async sentiment() {
    heading("Sentiment and emotion over time");
    for (const task of ["sentiment", "emotion"]) {
      page().append(el("h2", {}, task === "sentiment" ? "Sentiment" : "Emotion"));
      await section(async () => {
        const data = await api(`/results/${task}${filterQuery()}`);
        caveats(data);
        page().append(table(["Label", "Posts"], data.counts));
        if (data.over_time) chart(task, shareLines(data.over_time, task === "emotion" ? ["none"] : []));
        else note("No timed posts in the selection.");
      });
    }
  },

  async topics() {
    heading("Topics");
    await section(async () => {
      const data = await api(`/results/topics${filterQuery()}`);
      caveats(data);
      const posts = el("div", { id: "topic-posts" });
      const rows = data.topics.map((t) => [t.label, t.size, (t.keywords || []).slice(0, 8).join(", ")]);
      page().append(table(["Topic", "Posts", "Terms"], rows, async (i) => {
        const topic = data.topics[i];
        const found = await api(`/results/topics/${encodeURIComponent(topic.id)}/posts${filterQuery({ limit: 20 })}`);
        posts.replaceChildren(el("h2", {}, `Posts of ${topic.label} (${found.total})`),
          table(["Time", "Author", "Text"], found.items.map((p) => [p.created_at, p.author, p.text])));
      }));
      page().append(posts);
      if (Object.keys(data.over_time).length) {
        page().append(el("h2", {}, "Topics over time"));
        chart("topics-over-time", lines(data.over_time, `posts per ${data.unit}`));
      }
    });
  },

  async trends() {
    heading("Trends and alerts");
    page().append(el("h2", {}, "Live alerts"));
    const live = el("table", { id: "live-alerts" },
      el("thead", {}, el("tr", {}, el("th", {}, "Raised (UTC)"), el("th", {}, "Kind"), el("th", {}, "Reason"))),
      el("tbody"));
    page().append(live, el("p", { class: "muted", id: "live-status" }, "connecting…"));
    followAlerts(live.querySelector("tbody"));
    page().append(el("h2", {}, "Bursts"));
    await section(async () => {
      const data = await api(`/results/trends${filterQuery()}`);
      caveats(data);
      if (data.unit) chart("trend-volume", lines({ posts: data.volume }, `posts per ${data.unit}`));
      page().append(table(["Term", "From", "To", "Posts", "Expected", "z"],
        data.trends.slice(0, 30).map((t) => [t.term, String(t.start).slice(0, 16), String(t.end).slice(0, 16),
          t.posts, t.expected, t.z])));
    });
    page().append(el("h2", {}, "Stored alerts"));
    await section(async () => {
      const data = await api(`/results/alerts${filterQuery()}`);
      page().append(table(["Raised (UTC)", "Kind", "Reason"], data.alerts.map((a) => [a.raised_at, a.kind, a.summary])));
    });
  },

  async who() {
    heading("Who matters");
    page().append(el("h2", {}, "Influencers"));
    await section(async () => {
      const data = await api(`/results/influencers${filterQuery()}`);
      caveats(data);
      page().append(table(["Account", "Score", "PageRank", "In-degree", "Why"], data.rows.map((a) => [
        accountLink(a.platform, a.user_id), a.score?.toFixed(3), a.details?.pagerank?.toFixed(5),
        a.details?.in_degree, (a.details?.reasons || []).slice(1).join("; ")])));
    });
    page().append(el("h2", {}, "Communities"));
    await section(async () => {
      const data = await api(`/results/communities${filterQuery()}`);
      caveats(data);
      const nodes = data.summaries.map((c) => ({ name: `C${c.community}`, value: c.size, symbolSize: 10 + 40 * Math.sqrt(c.size / data.summaries[0].size) }));
      const links = data.summaries.flatMap((c) => c.links.map((l) => ({ source: `C${c.community}`, target: `C${l.community}`, value: l.weight })))
        .filter((l) => nodes.some((n) => n.name === l.target));
      chart("communities", { tooltip: {}, series: [{ type: "graph", layout: "circular", roam: true, label: { show: true }, data: nodes, links }] });
      page().append(table(["Community", "Accounts", "Posts", "Hashtags"], data.summaries.map((c) => [
        `C${c.community}`, c.size, c.posts, (c.hashtags || []).slice(0, 5).map((h) => `#${h[0]}`).join(" ")])));
    });
    page().append(el("h2", {}, "Suspicious accounts"));
    await section(async () => {
      const data = await api(`/results/suspicious${filterQuery()}`);
      caveats(data);
      page().append(table(["Account", "Score", "Label", "Why"], data.top.map((a) => [
        accountLink(a.platform, a.user_id), a.score?.toFixed(3), a.label, (a.details?.reasons || []).join(", ")])));
    });
  },

  async profile(user) {
    heading("Account profile");
    const form = el("form", { id: "profile-form" }, el("input", { name: "user", placeholder: "u_… or a handle", value: user || "" }),
      el("button", { type: "submit" }, "Show"));
    form.addEventListener("submit", (e) => { e.preventDefault(); location.hash = `#/profile/${encodeURIComponent(form.user.value.trim())}`; });
    page().append(form);
    if (!user) { note("Pick an account from Who matters or Posts, or type its id."); return; }
    await section(async () => {
      const p = await api(`/accounts/${encodeURIComponent(user)}/profile`);
      page().append(el("h2", { id: "profile-name" }, `${p.platform}:${p.user_id} ${p.handle || ""}`));
      page().append(el("div", { class: "cards" }, card("posts", p.posts), card("activity events", p.events),
        card("first seen", String(p.first_seen || "-").slice(0, 10)), card("last seen", String(p.last_seen || "-").slice(0, 10)),
        card("influence", p.influence ? p.influence.score : "-")));
      if (p.weekdays) chart("weekdays", bars(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map((d, i) => [d, p.weekdays[i]]), "posts"));
      if (p.interests?.length) page().append(table(["Interest", "Posts"], p.interests.map((i) => [i.label, i.n])));
      if (p.sentiment) page().append(table(["Sentiment", "Share"], Object.entries(p.sentiment.shares).map(([k, v]) => [k, `${Math.round(100 * v)}%`])));
    });
  },

  async posts() {
    heading("Post search");
    const results = el("div", { id: "post-results" });
    page().append(el("p", { class: "muted" }, "The filters above select the posts (query: AND, OR, NOT, \"phrases\")."), results);
    const show = async (offset) => {
      const data = await api(`/posts${filterQuery({ limit: 25, offset })}`);
      const more = el("p", {}, `${data.total} posts; showing ${data.items.length ? offset + 1 : 0}-${offset + data.items.length} `);
      if (offset > 0) more.append(el("button", { onclick: () => show(Math.max(0, offset - 25)) }, "Previous"));
      if (offset + 25 < data.total) more.append(el("button", { onclick: () => show(offset + 25) }, "Next"));
      results.replaceChildren(more, table(["Time", "Author", "Lang", "Sentiment", "Text"], data.items.map((p) => [
        String(p.created_at || "").slice(0, 16), p.author ? accountLink(p.platform, p.author) : "", p.lang, p.sentiment, p.text])));
    };
    await section(() => show(0));
  },
};

// -- live alerts: Server-Sent Events read with fetch (EventSource cannot send the token) ---------
async function followAlerts(body) {
  if (liveStream) liveStream.abort();
  liveStream = new AbortController();
  const status = document.getElementById("live-status");
  try {
    const response = await fetch(`${API}/alerts/stream`, { headers: { Authorization: `Bearer ${token()}` }, signal: liveStream.signal });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    status.textContent = "live: new alerts appear here as they are raised";
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const data = block.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
        if (!data || !block.includes("event: alert")) continue;
        const alert = JSON.parse(data);
        body.prepend(el("tr", { class: "live-alert" }, el("td", {}, alert.raised_at), el("td", {}, alert.kind), el("td", {}, alert.summary)));
      }
    }
  } catch (error) {
    if (error.name !== "AbortError") status.textContent = `live alerts unavailable: ${error.message}`;
  }
}

// -- routing and login ------------------------------------------------------------------------
async function route() {
  if (!token()) { showLogin(); return; }
  const [, name = "overview", arg] = location.hash.split("/");
  const render = PAGES[name] || PAGES.overview;
  if (liveStream && name !== "trends") { liveStream.abort(); liveStream = null; }
  document.querySelectorAll("#nav a").forEach((a) => a.classList.toggle("active", a.dataset.page === name));
  Object.values(charts).forEach((c) => c.dispose());
  Object.keys(charts).forEach((k) => delete charts[k]);
  page().replaceChildren();
  page().dataset.page = name;
  page().dataset.ready = "no";
  try { await render(arg ? decodeURIComponent(arg) : undefined); } catch (error) { note(error.message, "error"); }
  page().dataset.ready = "yes";
}

function showLogin() {
  document.getElementById("login").hidden = false;
  document.getElementById("nav").hidden = true;
  document.getElementById("filters").hidden = true;
  document.getElementById("logout").hidden = true;
  page().replaceChildren();
}

function logout() {
  sessionStorage.removeItem("socialens-token");
  if (liveStream) liveStream.abort();
  showLogin();
}

document.getElementById("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const candidate = document.getElementById("token").value.trim();
  const response = await fetch(`${API}/stats`, { headers: { Authorization: `Bearer ${candidate}` } });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    document.getElementById("login-error").textContent = body.message || `HTTP ${response.status}`;
    return;
  }
  sessionStorage.setItem("socialens-token", candidate);
  start();
});
document.getElementById("logout").addEventListener("click", logout);
document.getElementById("filters").addEventListener("submit", (event) => { event.preventDefault(); route(); });
window.addEventListener("hashchange", route);
window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));

function start() {
  document.getElementById("login").hidden = true;
  document.getElementById("nav").hidden = false;
  document.getElementById("filters").hidden = false;
  document.getElementById("logout").hidden = false;
  route();
}

if (token()) start(); else showLogin();
