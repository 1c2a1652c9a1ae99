// Hodan's officer app: the little that needs a script. Every page works
// without it: forms post, and the sync page shows its state on reload.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
	// The page the secret was exchanged on goes on to the app, replacing
	// the address that held the secret.
	var go = document.querySelector("[data-go]");
	if (go) {
		window.location.replace(go.getAttribute("data-go"));
		return;
	}
	// After a form error, put the focus on the first field to fix.
	var bad = document.querySelector(".field.invalid input, .field.invalid select, .field.invalid textarea, tr.invalid input");
	if (bad) { bad.focus(); }
	// A page whose next step is plain (a visit's review: save it) puts the
	// keyboard on it, without scrolling away from what it shows first
	// (autofocus would scroll to the button, past the review's result).
	var next = document.querySelector("[data-focus]");
	if (next && !bad) { next.focus({ preventScroll: true }); }
	showWhen();
	watchSync();
	limitFiles();
	showFileName();
	keepAsTyped();
	clearOfBar();
});

// clearOfBar scrolls a field the keyboard reached out from under a long
// form's bar of actions, which stays at the bottom of the screen (ui.css).
// The browser brings only a text box's caret into sight, and leaves a
// note's box half under the bar: once it has, the whole field is brought
// above it.
function clearOfBar() {
	document.addEventListener("focusin", function (e) {
		var form = e.target.closest ? e.target.closest("form.stack") : null;
		var bar = form ? form.querySelector(":scope > .actions") : null;
		if (!bar || bar.contains(e.target)) { return; }
		var field = e.target.closest(".field, tr") || e.target;
		window.requestAnimationFrame(function () {
			var over = field.getBoundingClientRect().bottom - bar.getBoundingClientRect().top;
			if (over > 0) { window.scrollBy(0, over + 8); }
		});
	});
}

// keepAsTyped sends the answers of a visit's step to the laptop as they
// are typed (go=keep): a tab closed before Next loses nothing.
function keepAsTyped() {
	var form = document.querySelector("form.visit-form");
	if (!form) { return; }
	var timer = null;
	function answers() {
		var data = new URLSearchParams(new FormData(form));
		data.set("go", "keep");
		data.delete("once"); // the form's own sending is Next's
		return data;
	}
	function keep() {
		clearTimeout(timer);
		timer = null;
		fetch(form.action, { method: "POST", body: answers(), credentials: "same-origin" }).catch(function () {});
	}
	form.addEventListener("change", keep);
	form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(keep, 800); });
	form.addEventListener("submit", function () { clearTimeout(timer); timer = null; });
	// The tab closed while typing: the last words go too.
	window.addEventListener("pagehide", function () {
		if (timer) { navigator.sendBeacon(form.action, answers()); }
	});
}

// limitFiles refuses, before it is sent, a file bigger than the app takes
// (data-max, in bytes): the server would refuse it too, after the upload.
function limitFiles() {
	document.querySelectorAll("input[type=file][data-max]").forEach(function (input) {
		input.addEventListener("change", function () {
			var max = Number(input.getAttribute("data-max"));
			var big = Array.prototype.some.call(input.files, function (f) { return f.size > max; });
			input.setCustomValidity(big ? input.getAttribute("data-too-big") : "");
			if (big) { input.reportValidity(); }
		});
	});
}

// showFileName writes the chosen file's name beside the button that picks
// it: the browser's own words ("No file chosen") are in the browser's
// language, not the page's.
function showFileName() {
	document.querySelectorAll(".file-pick").forEach(function (pick) {
		var input = pick.querySelector("input[type=file]"), out = pick.querySelector(".file-name");
		input.addEventListener("change", function () {
			out.textContent = input.files.length ? input.files[0].name : out.getAttribute("data-none");
		});
	});
}

// showWhen hides the questions asked only when another is answered a
// certain way, and shows them again when it is.
function showWhen() {
	var deps = document.querySelectorAll("[data-when]");
	if (!deps.length) { return; }
	function update() {
		deps.forEach(function (d) {
			var name = d.getAttribute("data-when"), want = d.getAttribute("data-equals");
			var on = document.querySelector("[name='" + name + "']:checked") || document.querySelector("select[name='" + name + "'], input[type=text][name='" + name + "']");
			if (!on) { return; } // asked at another step: the server decides
			d.hidden = on.value !== want;
		});
	}
	document.addEventListener("change", update);
	update();
}

// watchSync follows a sync under way: the top bar's state and the sync
// page's progress and result, read from /sync/state, until it ends.
function watchSync() {
	var top = document.getElementById("sync-state");
	var button = document.getElementById("sync-button");
	var running = top && top.getAttribute("data-running") === "true";
	if (button) {
		document.getElementById("sync-form").addEventListener("submit", function () { button.disabled = true; });
	}
	if (!running) { return; }
	function poll() {
		fetch("/sync/state", { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (s) {
			show(s);
			if (s.running) { setTimeout(poll, 700); }
		}).catch(function () { setTimeout(poll, 3000); });
	}
	poll();
}

function show(s) {
	document.querySelectorAll(".sync-text, #sync-text").forEach(function (e) { e.textContent = s.text; });
	document.querySelectorAll("#sync-state .dot, #sync-dot").forEach(function (e) { e.className = "dot " + s.class; });
	var bar = document.getElementById("sync-progress");
	if (bar) {
		bar.hidden = !s.running;
		if (s.percent >= 0) { bar.value = s.percent; } else { bar.removeAttribute("value"); }
	}
	var list = document.getElementById("sync-result");
	if (list && !s.running) {
		list.textContent = "";
		(s.result || []).forEach(function (line) {
			var li = document.createElement("li");
			li.textContent = line;
			list.appendChild(li);
		});
	}
	var button = document.getElementById("sync-button");
	if (button) { button.disabled = s.running; }
}
