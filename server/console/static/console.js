// Hodan's console: the little that needs a script. Every page works
// without it.
"use strict";

// The printed enrollment code: a button that opens the print dialog.
document.addEventListener("DOMContentLoaded", function () {
	document.querySelectorAll("button.print-button").forEach(function (b) {
		b.hidden = false;
		b.addEventListener("click", function () { window.print(); });
	});
	// After a form error, put the focus on the first field to fix.
	var bad = document.querySelector(".field.invalid input, .field.invalid select");
	if (bad) { bad.focus(); }
});
