// Hodan's console: the little that needs a script. Every page works
// without it.
"use strict";

// The printed enrollment code: a button that opens the print dialog.
document.addEventListener("DOMContentLoaded", function () {
	document.querySelectorAll("button.print-button").forEach(function (b) {
		b.hidden = false;
		b.addEventListener("click", function () { window.print(); });
	});
	// The period picker: choosing a period, or typing a day, ticks its
	// choice.
	[["period", "kind-period"], ["from", "kind-days"], ["to", "kind-days"]].forEach(function (pair) {
		var field = document.getElementById(pair[0]), radio = document.getElementById(pair[1]);
		if (field && radio) {
			field.addEventListener("focus", function () { radio.checked = true; });
			field.addEventListener("change", function () { radio.checked = true; });
		}
	});
	// After a form error, put the focus on the first field to fix.
	var bad = document.querySelector(".field.invalid input, .field.invalid select");
	if (bad) { bad.focus(); }
});
