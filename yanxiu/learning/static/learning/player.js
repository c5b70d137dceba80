/* Study player: tells the server, every few seconds, what the video is doing.
 *
 * The server alone decides what counts (yanxiu/learning/judge.py). This script keeps
 * an honest player honest — normal speed, no jumping past what was watched, paused
 * while the page is hidden — and shows the server's verdict. Each report describes
 * the interval since the previous one: "playing" means the video played in it.
 *
 * A document or page with a reading time has no video: a reading clock stands in for
 * one, running while the page is shown and no "still there?" question waits, so the
 * server judges reading by the same rules as watching.
 *
 * When the server cannot count (a 5xx, e.g. 503 while its study store is down, or no
 * answer at all), the learner is told that time is not being counted, and the report is
 * retried after 2 s, 4 s, 8 s … up to a minute; the first answer clears the message.
 */
(function () {
  "use strict";
  var root = document.querySelector("[data-study]");
  if (!root) { return; }
  var reading = root.dataset.mode === "reading";
  var video = reading
    ? readingClock(parseFloat(root.dataset.furthest) || 0, Number(root.dataset.length), report)
    : root.querySelector("video");
  if (!video) { return; }
  var statusEl = root.querySelector("[data-role=status]");
  var countedEl = root.querySelector("[data-role=counted]");
  var watchedEl = root.querySelector("[data-role=watched]");
  var dialog = root.querySelector("[data-role=prompt]");
  var outageEl = root.querySelector("[data-role=outage]");
  var RETRY_FIRST_MS = 2000;
  var RETRY_MAX_MS = 60000;
  var retryDelay = 0;
  var retryTimer = null;
  var reasons = JSON.parse(document.getElementById("study-reasons").textContent);
  var view = window.crypto && window.crypto.randomUUID
    ? window.crypto.randomUUID()
    : String(Math.random()).slice(2) + String(Date.now());
  var seq = 0;
  var furthest = parseFloat(root.dataset.furthest) || 0;
  var playedSinceReport = false;
  // A report describes the interval since the previous one: hidden at any moment of
  // it, the interval was not studied in view (the server names that reason).
  var hiddenSinceReport = false;
  // The server's count at its last answer; the counter shown moves on from it every
  // second while the video plays in view, and each answer sets it again.
  var serverCounted = parseFloat(countedEl.textContent) || 0;
  var shownCounted = serverCounted;
  var promptToken = "";
  // The study pass names the learner without a database read; the CSRF token lets
  // the session take over should the pass expire on a page left open for a day.
  var headers = {
    "Content-Type": "application/json",
    "X-CSRFToken": root.dataset.csrf,
    "X-Study-Pass": root.dataset.pass
  };

  function report(visible) {
    seq += 1;
    var body = {
      unit: Number(root.dataset.unit),
      view: view,
      seq: seq,
      position: video.currentTime,
      playing: playedSinceReport || (!video.paused && !video.ended),
      visible: !hiddenSinceReport &&
        (visible === undefined ? document.visibilityState === "visible" : visible),
      rate: video.playbackRate
    };
    playedSinceReport = !video.paused && !video.ended;
    hiddenSinceReport = document.visibilityState !== "visible";
    return fetch(root.dataset.heartbeatUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: headers,
      body: JSON.stringify(body)
    }).then(function (r) {
      if (r.status >= 500) { throw new Error("study time not counted: " + r.status); }
      return r.json();
    }).then(function (verdict) {
      recovered();
      show(verdict);
    }, unavailable);
  }

  // Nothing was counted: say so, and report again later, each wait twice the last.
  function unavailable() {
    outageEl.hidden = false;
    retryDelay = retryDelay ? Math.min(retryDelay * 2, RETRY_MAX_MS) : RETRY_FIRST_MS;
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      if (playedSinceReport || !video.paused) { report(); }
    }, retryDelay);
  }

  function recovered() {
    outageEl.hidden = true;
    retryDelay = 0;
    window.clearTimeout(retryTimer);
    retryTimer = null;
  }

  function show(verdict) {
    if (verdict.detail) { statusEl.textContent = verdict.detail; return; }
    serverCounted = shownCounted = verdict.unit_counted;
    showCounted();
    statusEl.textContent = reasons[verdict.reason] || reasons[""];
    if (verdict.watched) { watchedEl.hidden = false; }
    if (verdict.clamp_to !== null && video.currentTime > verdict.clamp_to + 2) {
      furthest = verdict.clamp_to;
      video.currentTime = verdict.clamp_to;
    }
    if (verdict.prompt && !dialog.open) {
      promptToken = verdict.prompt;
      video.pause();
      dialog.showModal();
    }
  }

  // Whole seconds; a sum of fractional credits may fall a hair short of a whole one.
  function showCounted() {
    countedEl.textContent = Math.floor(shownCounted + 0.001);
  }

  window.setInterval(function () {
    var length = Number(root.dataset.length) || Infinity;
    var running = !video.paused && !video.ended && !dialog.open &&
      document.visibilityState === "visible";
    if (running && shownCounted < Math.min(serverCounted + Number(root.dataset.interval) / 1000, length)) {
      shownCounted = Math.min(shownCounted + 1, length);
      showCounted();
    }
  }, 1000);

  video.addEventListener("timeupdate", function () {
    if (!video.paused) { playedSinceReport = true; }
    if (!video.seeking && video.currentTime <= furthest + 2) {
      furthest = Math.max(furthest, video.currentTime);
    }
  });
  video.addEventListener("seeking", function () {
    if (video.currentTime > furthest + 1) { video.currentTime = furthest; }
  });
  video.addEventListener("ratechange", function () {
    if (video.playbackRate !== 1) { video.playbackRate = 1; }
  });
  video.addEventListener("play", function () { report(); });
  video.addEventListener("pause", function () { report(); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      report(true);
      video.pause();
    }
  });
  dialog.querySelector("[data-role=confirm]").addEventListener("click", function () {
    fetch(root.dataset.promptUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: headers,
      body: JSON.stringify({ token: promptToken })
    }).then(function (r) {
      // Unanswered, the question comes back with a later heartbeat.
      if (r.status >= 500) { unavailable(); }
    }, unavailable).finally(function () {
      dialog.close();
      video.play();
    });
  });
  if (reading) {
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible" && !dialog.open) { video.play(); }
    });
    report();
  }
  // A paused or idle tab stays quiet: its reports would end the session of the tab
  // that is actually playing (the server counts one view at a time). While a retry
  // waits, so does the regular report, or the backoff would not hold.
  window.setInterval(function () {
    if (retryTimer === null && (playedSinceReport || !video.paused)) { report(); }
  }, Number(root.dataset.interval));

  // What the page needs of a <video>, for reading: a position that advances in real
  // time while running and stops at the reading time (then ``ended`` is called, as a
  // video reports when it ends), play() and pause(); a clock has no events to listen to.
  function readingClock(start, length, ended) {
    var clock = {
      currentTime: start,
      paused: document.visibilityState !== "visible",
      ended: false,
      playbackRate: 1,
      seeking: false,
      play: function () { clock.paused = false; },
      pause: function () { clock.paused = true; },
      addEventListener: function () {}
    };
    var last = Date.now();
    window.setInterval(function () {
      var now = Date.now();
      if (!clock.paused) { clock.currentTime += (now - last) / 1000; }
      if (clock.currentTime >= length && !clock.ended) {
        clock.currentTime = length;
        clock.paused = clock.ended = true;
        ended();
      }
      last = now;
    }, 250);
    return clock;
  }
})();
