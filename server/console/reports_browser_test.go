package console_test

import (
	"bytes"
	"encoding/base64"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"hodan/internal/web/webtest"
)

// download posts the form of the button selector, as the button does, and
// returns the file the server sends.
func download(t *testing.T, b *webtest.Browser, selector string) []byte {
	t.Helper()
	body := webtest.Run(b, chromedp.Evaluate[string](`(async () => {
		const form = document.querySelector(`+"`"+selector+"`"+`).form;
		const data = new URLSearchParams(new FormData(form));
		data.set("format", form.querySelector("[name=format]").value);
		const r = await fetch(form.action, {method: "POST", body: data});
		if (!r.ok) { return "status " + r.status; }
		const bytes = new Uint8Array(await r.arrayBuffer());
		let s = "";
		for (const x of bytes) { s += String.fromCharCode(x); }
		return btoa(s);
	})()`, chromedp.EvalAwaitPromise))
	b64, err := base64.StdEncoding.DecodeString(body)
	if err != nil {
		t.Fatalf("download %s: %q", selector, body)
	}
	return b64
}

// TestReportsInBrowser drives the reports in a real Chromium against the
// real server on the hand-worked story: a viewer of one commune sees its
// indicators and charts, changes the period, downloads the periodic
// report and reads it back; an operator sets targets and sees plan, done
// and percent.
func TestReportsInBrowser(t *testing.T) {
	f := mustReportsFixture(t)
	b := webtest.New(t)
	b.Do(chromedp.Navigate(f.URL + "/login?lang=vi"))
	login(t, b, f.URL, "xem.a")

	// The report of this year (2026), the current data, by default.
	b.Do(webtest.Click(`nav a[href="/reports"]`), chromedp.WaitVisible(chromedp.CSS("#report-title")))
	if h := b.Text("#report-title"); h != "Năm 2026" {
		t.Errorf("the default report is of %q, want this year", h)
	}
	page(t, b, "reports-this-year")

	// The year 2025 as of 31/12/2025, as the hand-worked story has it.
	b.Do(chromedp.SetValue(chromedp.CSS("#period"), "2025"), fill("#as-of", "31/12/2025"), webtest.Click("#show-report"))
	b.Do(holds(`document.querySelector("#report-title")?.textContent === "Năm 2025"`))
	if when := b.Text("#report-when"); when != "Từ ngày 01/01/2025 đến ngày 31/12/2025 · số liệu tính đến hết ngày 31/12/2025" {
		t.Errorf("the report is of %q", when)
	}
	if rate := b.Text("#figure-poverty_rate"); !strings.Contains(rate, "60,0%") {
		t.Errorf("the poverty rate's row: %q", rate)
	}
	if stats := b.Text("#stats"); !strings.Contains(stats, "60,0%") || !strings.Contains(stats, "Tổng số hộ") {
		t.Errorf("the figures at the top: %q", stats)
	}
	if bars := webtest.Eval[[]float64](b, `Array.from(document.querySelectorAll("#rate-chart rect.bar")).map(r => r.getBBox().width)`); len(bars) != 1 || bars[0] <= 0 {
		t.Errorf("the poverty rate per commune: bars %v, want one for Lạc Lương", bars)
	}
	quarters := webtest.Eval[[]string](b, `Array.from(document.querySelectorAll("#trend-chart g")).map(g =>
		Array.from(g.querySelectorAll("text.label")).map(t => t.textContent).join(" "))`)
	if len(quarters) != 8 || quarters[0] != "Quý I 2024" || quarters[7] != "Quý IV 2025" {
		t.Errorf("the trend's quarters: %q", quarters)
	}
	values := webtest.Eval[[]string](b, `Array.from(document.querySelectorAll("#trend-chart text.value")).map(t => t.textContent)`)
	// A at the end of each quarter: 2 poor of 4 until Q4/2024; then 2 of
	// 5 (h1 out, h7 in); then 3 of 5 (h3 poor) from 20/06/2025.
	if want := []string{"–", "–", "–", "50,0%", "40,0%", "60,0%", "60,0%", "60,0%"}; !slices.Equal(values, want) {
		t.Errorf("the trend's values: %q, want %q", values, want)
	}
	marks := webtest.Eval[int](b, `document.querySelectorAll("#target-chart-houses line.target").length`)
	houses := webtest.Eval[string](b, `document.querySelector("#target-chart-houses").textContent`)
	if marks != 1 || !strings.Contains(houses, "2 / 2") {
		t.Errorf("the houses against the target: %d marks, %q", marks, houses)
	}
	if progress := b.Text("#progress"); !strings.Contains(progress, "Số hộ được hỗ trợ nước sinh hoạt") || !strings.Contains(progress, "50,0%") {
		t.Errorf("plan, done and percent: %q", progress)
	}
	if strings.Contains(b.Text("main"), "Cẩm Giàng") {
		t.Error("the viewer of Lạc Lương sees Cẩm Giàng")
	}
	page(t, b, "reports-2025")
	t.Logf("screenshot: %s", b.FullScreenshot("console-reports-2025-whole"))

	// The definition of an indicator, opened.
	b.Do(webtest.Click("#figure-poverty_rate summary"))
	if def := b.Text("#figure-poverty_rate details p"); !strings.Contains(def, "Số hộ nghèo ÷ tổng số hộ × 100") {
		t.Errorf("the poverty rate's definition: %q", def)
	}

	// The periodic report, downloaded as the button does, read back.
	x, err := excelize.OpenReader(bytes.NewReader(download(t, b, "#download-xlsx")))
	if err != nil {
		t.Fatalf("the downloaded report: %v", err)
	}
	rows, _ := x.GetRows("Tổng hợp")
	x.Close()
	if len(rows) < 7 || rows[5][1] != "Xã Lạc Lương" || rows[6][1] != "Tổng số" || !strings.Contains(rows[2][0], "31/12/2025") {
		t.Errorf("the downloaded report's summary: %q", rows)
	}
	assertLogged(t, f, "report.download", "Năm 2025")

	// The freshness: what waits on people, each a link to its list.
	b.Do(webtest.Click("#fresh-conflicts"), chromedp.WaitVisible(chromedp.CSS("#conflicts")))
	if list := b.Text("#conflicts"); !strings.Contains(list, "Họ tên chủ hộ") || !strings.Contains(list, "Nguyễn Văn") {
		t.Errorf("the open conflicts: %q", list)
	}
	if list := b.Text("#unvisited"); !strings.Contains(list, "Bùi Văn Sáng") || strings.Contains(list, "Lò Văn Páo") {
		t.Errorf("the households not visited: %q", list)
	}
	page(t, b, "reports-freshness")
	t.Logf("screenshot: %s", b.FullScreenshot("console-reports-freshness-whole"))

	// An operator of the commune sets the year's targets.
	b.Do(webtest.Click(".who button.link"), flashed("Đã đăng xuất"))
	login(t, b, f.URL, "op.a")
	b.Do(chromedp.Navigate(f.URL+"/reports"), webtest.Click("#set-targets"), chromedp.WaitVisible(chromedp.CSS("#targets-form")))
	b.Do(fill("#target-houses", "3"), fill("#target-water", "hai"), webtest.Click("#save-targets"),
		chromedp.WaitVisible(chromedp.CSS(".field.invalid .error")))
	if msg := b.Text(".field.invalid .error"); !strings.Contains(msg, "không phải là số") {
		t.Errorf("a target typed in words says %q", msg)
	}
	page(t, b, "targets-error")
	b.Do(fill("#target-water", "4"), fill("#target-poverty_rate_fall", "6,5"), webtest.Click("#save-targets"), flashed("Đã lưu"))
	if progress := b.Text("#target-progress"); !strings.Contains(progress, "Số hộ được hỗ trợ nhà ở\t3\t0\t0,0%") && !strings.Contains(progress, "3") {
		t.Errorf("the targets' progress: %q", progress)
	}
	page(t, b, "targets")
	t.Logf("screenshot: %s", b.FullScreenshot("console-targets-whole"))
	b.Do(chromedp.Navigate(f.URL+"/reports"), chromedp.WaitVisible(chromedp.CSS("#progress")))
	progress := b.Text("#progress")
	for _, want := range []string{"Xã Lạc Lương", "Số hộ được hỗ trợ nhà ở", "Mức giảm tỷ lệ hộ nghèo", "6,5"} {
		if !strings.Contains(progress, want) {
			t.Errorf("this year's report's targets lack %q: %q", want, progress)
		}
	}

	// The page in English.
	b.Do(chromedp.Navigate(f.URL+"/reports?lang=en&period=2025&as_of=31/12/2025"), chromedp.WaitVisible(chromedp.CSS("#report-title")))
	if h, rate := b.Text("#report-title"), b.Text("#figure-poverty_rate"); h != "Year 2025" || !strings.Contains(rate, "60.0%") {
		t.Errorf("in English: %q, %q", h, rate)
	}
	page(t, b, "reports-english")
}
