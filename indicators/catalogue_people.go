package indicators

// The indicators of people: people of prestige, natural disasters and
// health insurance.

const (
	// hasPrestige is the condition that household h has a member who is a
	// person of prestige.
	hasPrestige = `EXISTS (SELECT 1 FROM members m WHERE m.household_id = h.id AND m.is_prestige = 1)`
	// insured counts the members m with health insurance.
	insured = `total(m.health_insurance = 1)`
)

// ofMembers is the query of values (aggregates) over the members m of the
// households h that count, that meet cond (none when ""), by commune.
func ofMembers(values, cond string) string {
	if cond != "" {
		cond = " AND " + cond
	}
	return `SELECT h.commune_code, ` + values + ` FROM members m JOIN households h ON h.id = m.household_id
		WHERE ` + counted + cond + ` GROUP BY h.commune_code`
}

const basisPrestige = "QĐ 12/2018/QĐ-TTg, sửa đổi bởi QĐ 28/2023/QĐ-TTg (chính sách đối với người có uy tín: thăm hỏi, " +
	"tặng quà); INDICATORS.md. Quà Tết chưa tách riêng được: bản ghi hỗ trợ không ghi dịp tặng"

func prestigeIndicators() []Indicator {
	return []Indicator{
		{
			Key: "prestige_people", Name: "Số người có uy tín", NameEN: "People of prestige",
			Definition:   "Số nhân khẩu được ghi là người có uy tín, tại ngày số liệu.",
			DefinitionEN: "Members recorded as people of prestige, as of the report's day.",
			Basis:        basisPrestige, Unit: People, Section: Prestige, Formula: Sum, Summary: true,
			Query: ofMembers("count(*)", "m.is_prestige = 1"),
		},
		{
			Key: "prestige_visits", Name: "Số lượt thăm hỏi người có uy tín", NameEN: "Visits to people of prestige",
			Definition:   "Số lượt thăm hộ với mục đích thăm hỏi người có uy tín trong kỳ.",
			DefinitionEN: "Visits with the purpose of visiting a person of prestige in the period.",
			Basis:        basisPrestige, Unit: Records, Section: Prestige, Formula: Sum,
			Query: `SELECT h.commune_code, count(*) FROM visits v JOIN households h ON h.id = v.household_id
				WHERE v.purpose = 'prestige_visit' AND v.visit_date BETWEEN :from AND :to GROUP BY h.commune_code`,
		},
		{
			Key: "prestige_visited", Name: "Số người có uy tín được thăm hỏi", NameEN: "People of prestige visited",
			Definition:   "Số người có uy tín mà hộ của họ có ít nhất một lượt thăm hỏi người có uy tín trong kỳ.",
			DefinitionEN: "People of prestige whose household had at least one prestige visit in the period.",
			Basis:        basisPrestige, Unit: People, Section: Prestige, Formula: Sum, TargetFlag: "prestige", Summary: true,
			Query: ofMembers("count(*)", `m.is_prestige = 1 AND EXISTS (SELECT 1 FROM visits v WHERE v.household_id = h.id
				AND v.purpose = 'prestige_visit' AND v.visit_date BETWEEN :from AND :to)`),
		},
		{
			Key: "prestige_gifts", Name: "Số lượt tặng quà người có uy tín", NameEN: "Gifts to people of prestige",
			Definition:   "Số bản ghi hỗ trợ loại quà tặng đã nhận trong kỳ của hộ có người có uy tín.",
			DefinitionEN: "Gift support records received in the period by households with a person of prestige.",
			Basis:        basisPrestige, Unit: Records, Section: Prestige, Formula: Sum,
			Query: `SELECT h.commune_code, count(*) FROM support_records s JOIN households h ON h.id = s.household_id
				WHERE s.kind = 'gift' AND ` + received + ` AND ` + inPeriod + ` AND ` + hasPrestige + ` GROUP BY h.commune_code`,
		},
		{
			Key: "prestige_gift_value", Name: "Giá trị quà tặng người có uy tín", NameEN: "Value of gifts to people of prestige",
			Definition:   "Tổng số tiền của các lượt tặng quà người có uy tín trong kỳ.",
			DefinitionEN: "The amount of the gifts to people of prestige in the period.",
			Basis:        basisPrestige, Unit: Dong, Section: Prestige, Formula: Sum,
			Query: `SELECT h.commune_code, total(s.amount_vnd) FROM support_records s JOIN households h ON h.id = s.household_id
				WHERE s.kind = 'gift' AND ` + received + ` AND ` + inPeriod + ` AND ` + hasPrestige + ` GROUP BY h.commune_code`,
		},
	}
}

// damaged is the count of households with a damage report of level.
func damaged(level string) string {
	return `count(DISTINCT CASE WHEN d.house_damage = '` + level + `' THEN ` + family + ` END)`
}

func disasterIndicators() []Indicator {
	return []Indicator{{
		Key: "damage", Name: "Thiệt hại do thiên tai theo sự kiện", NameEN: "Natural-disaster damage by event",
		Definition: "Theo từng sự kiện xảy ra trong kỳ (ngày xảy ra, không ghi thì ngày của lượt thăm đánh giá): số hộ " +
			"bị thiệt hại, số hộ theo mức độ thiệt hại nhà ở, người chết, bị thương, ước thiệt hại.",
		DefinitionEN: "For each event in the period (its date, else the date of the assessment visit): households with " +
			"damage, households by house damage level, people dead and injured, estimated loss.",
		Basis: "INDICATORS.md; mức độ thiệt hại nhà ở theo danh mục của schema", Unit: Households, Section: Disaster, Formula: Sum,
		Dims: []Column{{Key: "event", Name: "Sự kiện", NameEN: "Event"}},
		Values: []Column{
			{Key: "households", Name: "Số hộ bị thiệt hại", NameEN: "Households", Unit: Households},
			{Key: "partial", Name: "Nhà hư hỏng một phần", NameEN: "House partly damaged", Unit: Households},
			{Key: "severe", Name: "Nhà hư hỏng nặng", NameEN: "House severely damaged", Unit: Households},
			{Key: "collapsed", Name: "Nhà sập đổ", NameEN: "House collapsed", Unit: Households},
			{Key: "swept_away", Name: "Nhà bị cuốn trôi", NameEN: "House swept away", Unit: Households},
			{Key: "people_dead", Name: "Người chết, mất tích", NameEN: "Dead or missing", Unit: People},
			{Key: "people_injured", Name: "Người bị thương", NameEN: "Injured", Unit: People},
			{Key: "estimated_loss", Name: "Ước thiệt hại (đồng)", NameEN: "Estimated loss (đồng)", Unit: Dong},
		},
		Query: `SELECT h.commune_code, trim(d.event) AS event, count(DISTINCT ` + family + `),
				` + damaged("partial") + `, ` + damaged("severe") + `, ` + damaged("collapsed") + `, ` + damaged("swept_away") + `,
				total(d.people_dead), total(d.people_injured), total(d.estimated_loss_vnd)
			FROM damage_reports d JOIN households h ON h.id = d.household_id LEFT JOIN visits v ON v.id = d.visit_id
			WHERE coalesce(d.event_date, v.visit_date) BETWEEN :from AND :to GROUP BY 1, 2`,
	}}
}

const basisInsurance = "Tỷ lệ bao phủ BHYT = số người có thẻ BHYT ÷ dân số × 100 (chỉ tiêu thống kê quốc gia); " +
	"ở đây dân số là nhân khẩu của các hộ trong danh sách; INDICATORS.md"

func healthIndicators() []Indicator {
	return []Indicator{
		{
			Key: "members", Name: "Số nhân khẩu", NameEN: "Members",
			Definition:   "Số nhân khẩu của các hộ trong danh sách tại ngày số liệu.",
			DefinitionEN: "Members of the households listed as of the report's day.",
			Basis:        basisInsurance, Unit: People, Section: Health, Formula: Sum,
			Query: ofMembers("count(*)", ""),
		},
		{
			Key: "insured", Name: "Số người có thẻ BHYT", NameEN: "Members with health insurance",
			Definition:   "Số nhân khẩu được ghi là có thẻ bảo hiểm y tế, tại ngày số liệu.",
			DefinitionEN: "Members recorded with a health-insurance card, as of the report's day.",
			Basis:        basisInsurance, Unit: People, Section: Health, Formula: Sum,
			Query: ofMembers(insured, ""),
		},
		{
			Key: "insurance_rate", Name: "Tỷ lệ người có thẻ BHYT", NameEN: "Health-insurance coverage",
			Definition:   "Số người có thẻ BHYT ÷ số nhân khẩu × 100, tại ngày số liệu.",
			DefinitionEN: "Members with health insurance ÷ members × 100, as of the report's day.",
			Basis:        basisInsurance, Unit: Percent, Section: Health, Formula: Rate, TargetFlag: "insurance", Summary: true,
			Query: ofMembers(insured+", count(*)", ""),
		},
	}
}
