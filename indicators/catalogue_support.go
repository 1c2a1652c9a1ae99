package indicators

// The SQL the support indicators share: the rules reconcile's
// SupportOverlaps applies too (see reconcile's package documentation).
const (
	// received is the condition that support record s was received: status
	// delivered or accepted, or no status but a delivered_date.
	received = `(s.status IN ('delivered', 'accepted') OR (s.status IS NULL AND s.delivered_date IS NOT NULL))`
	// inPeriod is the condition that support record s is dated in the
	// period: its delivered_date, else its planned_date.
	inPeriod = `coalesce(s.delivered_date, s.planned_date) BETWEEN :from AND :to`
	// family is the household a record of household h counts under: the
	// one h was merged into, if it was (laptops move such records there
	// once they sync), else h.
	family = `coalesce(h.merged_into, h.id)`
)

const basisSupport = "QĐ 1719/QĐ-TTg, Dự án 1 (DA1.ND1–ND4): kế hoạch đếm số hộ được hỗ trợ, không đếm số lần " +
	"(\"hỗ trợ cho 170 hộ … làm nhà ở\", \"trên 500 hộ … nước sinh hoạt phân tán\", Trạm Tấu 2024); INDICATORS.md"

func supportIndicators() []Indicator {
	households := func(key, name, nameEN, def, defEN, kinds, flag string) Indicator {
		return Indicator{
			Key: key, Name: name, NameEN: nameEN, Definition: def, DefinitionEN: defEN,
			Basis: basisSupport, Unit: Households, Section: Support, Formula: Sum, TargetFlag: flag, Summary: true,
			Query: `SELECT h.commune_code, count(DISTINCT ` + family + `) FROM support_records s
				JOIN households h ON h.id = s.household_id
				WHERE s.kind IN ` + kinds + ` AND ` + received + ` AND ` + inPeriod + ` GROUP BY h.commune_code`,
		}
	}
	return []Indicator{
		{
			Key: "support", Name: "Hỗ trợ theo chương trình, dự án, loại hỗ trợ", NameEN: "Support by programme, project and kind",
			Definition: "Các bản ghi hỗ trợ có ngày (ngày giao, không có thì ngày dự kiến) trong kỳ: số hộ đã nhận, " +
				"số lượng đã nhận, số tiền theo tình trạng kế hoạch, đã giao, đã nghiệm thu.",
			DefinitionEN: "Support records dated in the period (delivered date, else planned date): households that received, " +
				"quantity received, and amounts planned, delivered and accepted.",
			Basis: basisSupport, Unit: Households, Section: Support, Formula: Sum,
			Dims: []Column{
				{Key: "program", Name: "Chương trình", NameEN: "Programme", Labels: "support_records.program"},
				{Key: "project_code", Name: "Dự án, nội dung", NameEN: "Project", Labels: "project"},
				{Key: "kind", Name: "Loại hỗ trợ", NameEN: "Kind", Labels: "support_records.kind"},
			},
			Values: []Column{
				{Key: "households", Name: "Số hộ đã nhận", NameEN: "Households", Unit: Households},
				{Key: "quantity", Name: "Số lượng đã nhận", NameEN: "Quantity received", Unit: Quantity},
				{Key: "amount_planned", Name: "Kế hoạch (đồng)", NameEN: "Planned (đồng)", Unit: Dong},
				{Key: "amount_delivered", Name: "Đã giao (đồng)", NameEN: "Delivered (đồng)", Unit: Dong},
				{Key: "amount_accepted", Name: "Đã nghiệm thu (đồng)", NameEN: "Accepted (đồng)", Unit: Dong},
			},
			Query: `SELECT h.commune_code, s.program, coalesce(s.project_code, '') AS project_code, s.kind,
					count(DISTINCT CASE WHEN ` + received + ` THEN ` + family + ` END),
					total(CASE WHEN ` + received + ` THEN s.quantity END),
					total(CASE WHEN s.status = 'planned' THEN s.amount_vnd END),
					total(CASE WHEN ` + received + ` AND s.status IS NOT 'accepted' THEN s.amount_vnd END),
					total(CASE WHEN s.status = 'accepted' THEN s.amount_vnd END)
				FROM support_records s JOIN households h ON h.id = s.household_id
				WHERE ` + inPeriod + ` GROUP BY 1, 2, 3, 4`,
		},
		households("houses", "Số hộ được hỗ trợ nhà ở", "Households given housing support",
			"Số hộ đã nhận hỗ trợ làm nhà mới hoặc sửa chữa nhà trong kỳ.",
			"Households that received support to build a new house or repair one in the period.",
			`('new_house', 'house_repair')`, "houses"),
		households("water", "Số hộ được hỗ trợ nước sinh hoạt phân tán", "Households given distributed water",
			"Số hộ đã nhận hỗ trợ nước sinh hoạt phân tán (DA1.ND4) trong kỳ.",
			"Households that received distributed-water support (DA1.ND4) in the period.",
			`('distributed_water')`, "water"),
		households("residential_land", "Số hộ được hỗ trợ đất ở", "Households given residential land",
			"Số hộ đã nhận hỗ trợ đất ở (DA1.ND1) trong kỳ.",
			"Households that received residential land (DA1.ND1) in the period.",
			`('residential_land')`, "residential-land"),
		households("production_land", "Số hộ được hỗ trợ đất sản xuất", "Households given production land",
			"Số hộ đã nhận hỗ trợ đất sản xuất hoặc chuyển đổi nghề (DA1.ND3) trong kỳ.",
			"Households that received production land or a change of trade (DA1.ND3) in the period.",
			`('production_land')`, "production-land"),
	}
}
