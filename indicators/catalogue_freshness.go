package indicators

// The indicators of the data's freshness: what officers did, and what
// waits on people. The laptops' last syncs are not per commune; the report
// lists them beside these (Report.Devices).

// unvisited is the condition that household h had no visit from the
// start of the period's year to its end.
const unvisited = `NOT EXISTS (SELECT 1 FROM visits v WHERE v.household_id = h.id AND v.visit_date BETWEEN :year_from AND :to)`

func freshnessIndicators() []Indicator {
	return []Indicator{
		{
			Key: "visits", Name: "Lượt thăm hộ theo mục đích", NameEN: "Visits by purpose",
			Definition:   "Số lượt thăm hộ có ngày thăm trong kỳ và số hộ được thăm, theo mục đích.",
			DefinitionEN: "Visits dated in the period, and the households visited, by purpose.",
			Basis:        "INDICATORS.md", Unit: Records, Section: Fresh, Formula: Sum,
			Dims: []Column{{Key: "purpose", Name: "Mục đích", NameEN: "Purpose", Labels: "visits.purpose"}},
			Values: []Column{
				{Key: "visits", Name: "Số lượt thăm", NameEN: "Visits", Unit: Records},
				{Key: "households", Name: "Số hộ được thăm", NameEN: "Households visited", Unit: Households},
			},
			Query: `SELECT h.commune_code, v.purpose, count(*), count(DISTINCT ` + family + `)
				FROM visits v JOIN households h ON h.id = v.household_id
				WHERE v.visit_date BETWEEN :from AND :to GROUP BY 1, 2`,
		},
		{
			Key: "not_visited", Name: "Số hộ chưa được thăm trong năm", NameEN: "Households not visited this year",
			Definition:   "Số hộ trong danh sách tại ngày số liệu chưa có lượt thăm nào từ đầu năm đến hết kỳ.",
			DefinitionEN: "Households listed as of the report's day with no visit from the start of the period's year to its end.",
			Basis:        "INDICATORS.md", Unit: Households, Section: Fresh, Formula: Sum,
			Query: ofHouseholds("households", "count(*)", unvisited),
		},
		{
			Key: "open_conflicts", Name: "Số xung đột chưa xử lý", NameEN: "Open conflicts",
			Definition: "Số trường hai cán bộ sửa khác nhau mà chưa ai xem lại (hiện tại: chỉ có trong báo cáo " +
				"theo số liệu hiện tại, không có trong báo cáo theo một ngày đã qua).",
			DefinitionEN: "Fields two officers changed differently that nobody has looked at since (now: only in a " +
				"report of the current data, not in one as of a past day).",
			Basis: "syncengine: xung đột là hàm của tập thay đổi (DESIGN.md)", Unit: Records, Section: Fresh,
			Formula: Sum, Counted: true,
		},
		{
			Key: "unsettled", Name: "Số bản ghi chờ xử lý", NameEN: "Records waiting to be settled",
			Definition: "Số bản ghi còn hiệu lực thuộc một hộ hoặc thôn đã bị xoá, chờ người xử lý (khôi phục, " +
				"chuyển hoặc xoá); chỉ có trong báo cáo theo số liệu hiện tại.",
			DefinitionEN: "Live records whose household or village was deleted, waiting for a person to restore, " +
				"move or delete them; only in a report of the current data.",
			Basis: "DESIGN.md (parents and children); danh sách do reconcile lập", Unit: Records, Section: Fresh,
			Formula: Sum, Counted: true,
		},
	}
}
