/* Paraat's service worker: the app shell works offline, this week's briefing module and the due
   review questions can be read and answered on a train, and answers given offline are sent once
   when the phone is back online. Served at /sw.js (scope "/"); SHELL is filled in by the server. */
"use strict";

const SHELL = [];
const SHELL_CACHE = "paraat-shell-" + SHELL.join(" ").length + "-" + hash(SHELL.join(" "));
const PERSONAL_CACHE = "paraat-personal";
const OFFLINE_URL = "/offline";
// Only these personal pages are ever kept, and only when the start page names them.
const REVIEW_QUESTION = /^\/quizzes\/review\/\d+$/;
const KEEPABLE = [/^\/learn\/[^/]+$/, /^\/quizzes\/review$/, REVIEW_QUESTION, /^\/briefing\/1$/];
// A kept page is fetched again when older than this: its form's CSRF token must still be valid when
// an answer given offline is sent (the server accepts tokens for 8 hours).
const REFRESH_MS = 60 * 60 * 1000;
// Answers that may be queued offline; the server stores an answer once (replays are harmless).
const ANSWER = [REVIEW_QUESTION, /^\/quizzes\/[^/]+\/attempts\/\d+$/];

function hash(text) {
  let h = 0;
  for (let i = 0; i < text.length; i += 1) { h = (h * 31 + text.charCodeAt(i)) | 0; }
  return (h >>> 0).toString(36);
}

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE)
    // Without cookies: the shell (and the offline page) must not contain anyone's data.
    .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { credentials: "omit" }))))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith("paraat-shell-") && k !== SHELL_CACHE)
      .map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST") {
    if (url.pathname === "/logout") {
      event.respondWith(replay().then(forgetPerson).then(() => fetch(request)));
    } else if (ANSWER.some((re) => re.test(url.pathname))) {
      event.respondWith(answer(request));
    }
    return;
  }
  if (request.method !== "GET") { return; }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(url.searchParams.has("v") ? cacheFirst(request) : networkFirst(request));
  } else if (request.mode === "navigate" && !request.headers.get("HX-Request")) {
    event.respondWith(networkFirst(request));
  }
  // Everything else (htmx fragments, downloads, JSON) goes to the network untouched.
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "precache") {
    event.waitUntil(precache(data.urls || []).then((count) => {
      if (event.source) { event.source.postMessage({ type: "precached", count: count }); }
    }));
  } else if (data.type === "replay") {
    event.waitUntil(replay());
  } else if (data.type === "logout") {
    event.waitUntil(forgetPerson());
  }
});

// --- caching ---------------------------------------------------------------------------------

async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) { return cached; }
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(SHELL_CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

async function networkFirst(request) {
  const url = new URL(request.url);
  try {
    const response = await fetch(request);
    if (response.redirected && new URL(response.url).pathname === "/login") {
      await forgetPerson(); // the session ended: nothing personal stays on the phone
    } else if (isKeepable(url)) {
      const personal = await caches.open(PERSONAL_CACHE);
      if (response.redirected) {  // e.g. a review question answered meanwhile: not offered offline again
        await personal.delete(request.url);
      } else if (response.ok && await personal.match(request.url)) {
        await personal.put(request.url, response.clone());
      }
    }
    return response;
  } catch (error) {
    const cached = await caches.match(request.url, { ignoreVary: true });
    if (cached) { return cached; }
    if (request.mode === "navigate") {
      const offline = await caches.match(OFFLINE_URL, { ignoreVary: true });
      if (offline) { return offline; }
    }
    throw error;
  }
}

function isKeepable(url) {
  return url.origin === self.location.origin && !url.search && KEEPABLE.some((re) => re.test(url.pathname));
}

async function precache(urls) {
  const wanted = urls.map((u) => new URL(u, self.location.origin)).filter(isKeepable).map((u) => u.href);
  const personal = await caches.open(PERSONAL_CACHE);
  for (const request of await personal.keys()) {  // last week's module and the like go
    if (!wanted.includes(request.url)) { await personal.delete(request); }
  }
  let count = 0;
  for (const href of wanted) {
    const kept = await personal.match(href);
    if (kept && Date.now() - Date.parse(kept.headers.get("Date") || 0) < REFRESH_MS) {
      count += 1;  // fresh enough: no second download on a slow network
      continue;
    }
    try {
      // "manual": a page that now redirects to the login page (logged out meanwhile) is not followed:
      // nothing to keep, so no need to fetch the login page too.
      const response = await fetch(href, { credentials: "same-origin", redirect: "manual" });
      if (response.ok && !response.redirected) {
        await personal.put(href, response);
        count += 1;
      }
    } catch (error) { /* offline right now: keep what we had */ }
  }
  return count;
}

async function forgetPerson() {
  await caches.delete(PERSONAL_CACHE);
  await clearQueue();
}

// --- answers given offline -------------------------------------------------------------------

async function answer(request) {
  const body = await request.clone().text();
  try {
    const response = await fetch(request);
    await forgetAnswered(request.url);
    replay();
    return response;
  } catch (error) {
    await enqueue({
      url: request.url,
      body: body,
      headers: pick(request.headers, ["Content-Type", "X-CSRFToken"]),
      at: Date.now(),
    });
    if (request.headers.get("HX-Request")) {
      const next = REVIEW_QUESTION.test(new URL(request.url).pathname) ? await nextQuestion() : null;
      return new Response(savedFragment(request.headers.get("HX-Target"), next), {
        status: 200, headers: { "Content-Type": "text/html; charset=utf-8" },
      });
    }
    return Response.redirect(OFFLINE_URL + "?bewaard=1", 303);
  }
}

function pick(headers, names) {
  const out = {};
  names.forEach((name) => { if (headers.get(name)) { out[name] = headers.get(name); } });
  return out;
}

async function forgetAnswered(href) {
  if (REVIEW_QUESTION.test(new URL(href).pathname)) { await (await caches.open(PERSONAL_CACHE)).delete(href); }
}

async function nextQuestion() {
  // A kept review question not answered yet (answers waiting in the queue count as answered).
  const waiting = (await queued()).map((item) => item.url);
  const keys = await (await caches.open(PERSONAL_CACHE)).keys();
  const next = keys.map((r) => new URL(r.url)).find((u) => REVIEW_QUESTION.test(u.pathname) && !waiting.includes(u.href));
  return next ? next.pathname : null;
}

function savedFragment(target, next) {
  const id = /^[A-Za-z][\w-]*$/.test(target || "") ? target : "quiz-step";
  const message = "Je antwoord is bewaard en wordt verstuurd zodra je weer online bent.";
  return '<section id="' + id + '" class="quiz-step" aria-labelledby="' + id + '-saved">' +
    '<h2 id="' + id + '-saved" tabindex="-1" data-autofocus>Antwoord bewaard</h2>' +
    '<p data-status="' + message + '">Je bent offline. Je antwoord staat op je telefoon en Paraat stuurt het ' +
    "één keer door zodra je weer verbinding hebt. De feedback zie je daarna bij de oefenvragen.</p>" +
    (next ? '<p class="actions"><a class="button" href="' + next + '">Volgende vraag</a></p>' : "") +
    '<p><a href="/">Naar de startpagina</a></p></section>';
}

let replaying = null;
let retries = 0;

function replay() {
  // One replay at a time: the online event, a page load and a successful answer may all ask at once.
  if (!replaying) { replaying = sendQueued().finally(() => { replaying = null; }); }
  return replaying;
}

async function sendQueued() {
  let sent = 0;
  for (const item of await queued()) {
    try {
      await fetch(item.url, { method: "POST", body: item.body, headers: item.headers,
        credentials: "same-origin", redirect: "manual" });
    } catch (error) {
      // Still offline (or the network is just coming back): try again shortly, a few times; a page
      // load or the browser's online event also asks for a replay.
      if (retries < 5) { retries += 1; setTimeout(replay, 3000); }
      break;
    }
    retries = 0;
    await dequeue(item.id); // any answer from the server means it arrived: never send it again
    await forgetAnswered(item.url);
    sent += 1;
  }
  if (sent) {
    const clients = await self.clients.matchAll({ type: "window" });
    clients.forEach((client) => client.postMessage({ type: "replayed", count: sent }));
  }
  return sent;
}

function db() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open("paraat-offline", 1);
    open.onupgradeneeded = () => open.result.createObjectStore("answers", { keyPath: "id", autoIncrement: true });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

function withStore(mode, fn) {
  return db().then((conn) => new Promise((resolve, reject) => {
    const tx = conn.transaction("answers", mode);
    const result = fn(tx.objectStore("answers"));
    tx.oncomplete = () => { conn.close(); resolve(result && "result" in result ? result.result : undefined); };
    tx.onerror = () => { conn.close(); reject(tx.error); };
  }));
}

function enqueue(item) { return withStore("readwrite", (store) => store.add(item)); }
function dequeue(id) { return withStore("readwrite", (store) => store.delete(id)); }
function clearQueue() { return withStore("readwrite", (store) => store.clear()); }
function queued() { return withStore("readonly", (store) => store.getAll()).then((items) => items || []); }
