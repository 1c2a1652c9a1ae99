package indicators

// The SQL the poverty indicators share. A household counts when it is
// alive (the domain tables hold live rows only) and not merged into
// another (merged_into): a merged household is the same family recorded
// twice.
const (
	// counted is the condition that household h counts.
	counted = `h.merged_into IS NULL`
	// minorityHead is the condition that h's head belongs to an ethnic
	// minority (is_minority in ref_ethnic_groups), whichever code system
	// the household's ethnicity was recorded in (QĐ 121 when none is said).
	minorityHead = `CASE coalesce(h.ethnicity_system, 'qd121_1979')
		WHEN 'qd121_1979' THEN h.ethnicity_code IN (SELECT code FROM ref_ethnic_groups WHERE is_minority = 1)
		WHEN 'qd1019_2008' THEN h.ethnicity_code IN (SELECT code_2008 FROM ref_ethnic_groups WHERE is_minority = 1) END`
	// The statuses a household has left poverty for.
	notPoor = `('escaped_poverty', 'medium_income', 'not_poor')`
	// isPoor and isNearPoor count the poor and the near-poor households.
	isPoor     = `total(h.poverty_status = 'poor')`
	isNearPoor = `total(h.poverty_status = 'near_poor')`
)

// ofHouseholds is the query of values (aggregates) over the households h
// of the table from (households, or year_end.households) that count and
// meet cond (none when ""), by commune.
func ofHouseholds(from, values, cond string) string {
	if cond != "" {
		cond = " AND " + cond
	}
	return `SELECT h.commune_code, ` + values + ` FROM ` + from + ` h WHERE ` + counted + cond + ` GROUP BY h.commune_code`
}

// Bases the poverty indicators cite.
const (
	basisStatus = "NĐ 07/2021/NĐ-CP (chuẩn nghèo đa chiều 2022–2025): hộ nghèo, hộ cận nghèo theo kết quả rà soát; " +
		"INDICATORS.md"
	basisRate = "Tỷ lệ hộ nghèo = số hộ nghèo ÷ tổng số hộ × 100 (Tổng cục Thống kê, hệ thống chỉ tiêu thống kê " +
		"cấp xã: số hộ dân cư nghèo; INDICATORS.md)"
	basisMinority = "INDICATORS.md: dân tộc của chủ hộ, is_minority theo QĐ 121-TCTK/PPCĐ (Kinh là 01). Văn bản " +
		"của Chương trình 1719 có thể tính cả hộ có vợ hoặc chồng chủ hộ là người DTTS: chưa đối chiếu được"
	basisFall = "QĐ 1719/QĐ-TTg: mục tiêu giảm tỷ lệ hộ nghèo DTTS hằng năm; \"giảm trên 6,5% hộ nghèo\" trong kế " +
		"hoạch là 6,5 điểm phần trăm (Trạm Tấu, KH 164/KH-UBND 2024); INDICATORS.md"
	basisEscaped = "INDICATORS.md (nghèo đầu kỳ, cuối kỳ không nghèo, không cận nghèo); hộ nghèo chuyển thành cận " +
		"nghèo được đếm riêng để báo cáo nào tính cả họ vào thoát nghèo thì cộng lại"
)

func povertyIndicators() []Indicator {
	return []Indicator{
		{
			Key: "households", Name: "Tổng số hộ", NameEN: "Households",
			Definition:   "Số hộ đang có trong danh sách tại ngày số liệu, không kể hộ đã xoá và hộ đã gộp vào hộ khác.",
			DefinitionEN: "Households alive as of the report's day, not counting deleted ones or ones merged into another.",
			Basis:        "INDICATORS.md", Unit: Households, Section: Poverty, Formula: Sum, Summary: true,
			Query: ofHouseholds("households", "count(*)", ""),
		},
		{
			Key: "poor", Name: "Số hộ nghèo", NameEN: "Poor households",
			Definition:   "Số hộ có phân loại tại ngày số liệu là hộ nghèo.",
			DefinitionEN: "Households whose status as of the report's day is poor.",
			Basis:        basisStatus, Unit: Households, Section: Poverty, Formula: Sum, Summary: true,
			Query: ofHouseholds("households", isPoor, ""),
		},
		{
			Key: "near_poor", Name: "Số hộ cận nghèo", NameEN: "Near-poor households",
			Definition:   "Số hộ có phân loại tại ngày số liệu là hộ cận nghèo.",
			DefinitionEN: "Households whose status as of the report's day is near-poor.",
			Basis:        basisStatus, Unit: Households, Section: Poverty, Formula: Sum, Summary: true,
			Query: ofHouseholds("households", isNearPoor, ""),
		},
		{
			Key: "poverty_rate", Name: "Tỷ lệ hộ nghèo", NameEN: "Poverty rate",
			Definition:   "Số hộ nghèo ÷ tổng số hộ × 100, tại ngày số liệu.",
			DefinitionEN: "Poor households ÷ households × 100, as of the report's day.",
			Basis:        basisRate, Unit: Percent, Section: Poverty, Formula: Rate, Summary: true,
			Query: ofHouseholds("households", isPoor+", count(*)", ""),
		},
		{
			Key: "near_poverty_rate", Name: "Tỷ lệ hộ cận nghèo", NameEN: "Near-poverty rate",
			Definition:   "Số hộ cận nghèo ÷ tổng số hộ × 100, tại ngày số liệu.",
			DefinitionEN: "Near-poor households ÷ households × 100, as of the report's day.",
			Basis:        basisRate, Unit: Percent, Section: Poverty, Formula: Rate,
			Query: ofHouseholds("households", isNearPoor+", count(*)", ""),
		},
		{
			Key: "minority_households", Name: "Số hộ dân tộc thiểu số", NameEN: "Ethnic-minority households",
			Definition:   "Số hộ có chủ hộ là người dân tộc thiểu số (mọi dân tộc trừ Kinh), tại ngày số liệu.",
			DefinitionEN: "Households whose head belongs to an ethnic minority (any group but Kinh), as of the report's day.",
			Basis:        basisMinority, Unit: Households, Section: Poverty, Formula: Sum,
			Query: ofHouseholds("households", "count(*)", minorityHead),
		},
		{
			Key: "minority_poor", Name: "Số hộ nghèo dân tộc thiểu số", NameEN: "Poor ethnic-minority households",
			Definition:   "Số hộ nghèo có chủ hộ là người dân tộc thiểu số, tại ngày số liệu.",
			DefinitionEN: "Poor households whose head belongs to an ethnic minority, as of the report's day.",
			Basis:        basisMinority, Unit: Households, Section: Poverty, Formula: Sum,
			Query: ofHouseholds("households", isPoor, minorityHead),
		},
		{
			Key: "minority_poverty_rate", Name: "Tỷ lệ hộ nghèo DTTS", NameEN: "Poverty rate among ethnic-minority households",
			Definition:   "Số hộ nghèo DTTS ÷ số hộ DTTS × 100, tại ngày số liệu.",
			DefinitionEN: "Poor ethnic-minority households ÷ ethnic-minority households × 100, as of the report's day.",
			Basis:        basisMinority, Unit: Percent, Section: Poverty, Formula: Rate, Summary: true,
			Query: ofHouseholds("households", isPoor+", count(*)", minorityHead),
		},
		{
			Key: "poverty_rate_year_before", Name: "Tỷ lệ hộ nghèo 31/12 năm trước", NameEN: "Poverty rate at 31/12 of the year before",
			Definition:   "Tỷ lệ hộ nghèo theo số liệu tại ngày 31/12 của năm trước năm kết thúc kỳ.",
			DefinitionEN: "The poverty rate as the records stood at 31/12 of the year before the period's end.",
			Basis:        basisRate, Unit: Percent, Section: Poverty, Formula: Rate,
			Query: ofHouseholds("year_end.households", isPoor+", count(*)", ""),
		},
		{
			Key: "poverty_rate_fall", Name: "Mức giảm tỷ lệ hộ nghèo", NameEN: "Fall of the poverty rate",
			Definition:   "Tỷ lệ hộ nghèo 31/12 năm trước trừ tỷ lệ hộ nghèo tại ngày số liệu, tính bằng điểm phần trăm (số dương là giảm).",
			DefinitionEN: "The poverty rate at 31/12 of the year before minus the rate as of the report's day, in percentage points (positive: a fall).",
			Basis:        basisFall, Unit: Points, Section: Poverty, Formula: Fall, TargetFlag: "poverty-fall", Summary: true,
			Query: fallQuery(""),
		},
		{
			Key: "minority_poverty_rate_fall", Name: "Mức giảm tỷ lệ hộ nghèo DTTS", NameEN: "Fall of the poverty rate among ethnic-minority households",
			Definition:   "Tỷ lệ hộ nghèo DTTS 31/12 năm trước trừ tỷ lệ hộ nghèo DTTS tại ngày số liệu, tính bằng điểm phần trăm.",
			DefinitionEN: "The ethnic-minority poverty rate at 31/12 of the year before minus the rate as of the report's day, in percentage points.",
			Basis:        basisFall, Unit: Points, Section: Poverty, Formula: Fall, TargetFlag: "minority-poverty-fall",
			Query: fallQuery(minorityHead),
		},
		{
			Key: "escaped_poverty", Name: "Số hộ thoát nghèo trong kỳ", NameEN: "Households escaped poverty in the period",
			Definition: "Số hộ là hộ nghèo ngày trước đầu kỳ mà tại ngày số liệu đã thoát nghèo, có mức sống trung bình " +
				"hoặc không nghèo (không kể hộ chuyển sang cận nghèo).",
			DefinitionEN: "Households poor the day before the period that are escaped, medium-income or not poor as of the report's day (not near-poor).",
			Basis:        basisEscaped, Unit: Households, Section: Poverty, Formula: Sum, TargetFlag: "escaped", Summary: true,
			Query: `SELECT h.commune_code, count(*) FROM households h JOIN period_start.households s ON s.id = h.id
				WHERE ` + counted + ` AND s.merged_into IS NULL AND s.poverty_status = 'poor'
					AND h.poverty_status IN ` + notPoor + ` GROUP BY h.commune_code`,
		},
		{
			Key: "poor_to_near_poor", Name: "Số hộ nghèo chuyển thành cận nghèo", NameEN: "Poor households become near-poor",
			Definition:   "Số hộ là hộ nghèo ngày trước đầu kỳ mà tại ngày số liệu là hộ cận nghèo.",
			DefinitionEN: "Households poor the day before the period that are near-poor as of the report's day.",
			Basis:        basisEscaped, Unit: Households, Section: Poverty, Formula: Sum,
			Query: `SELECT h.commune_code, count(*) FROM households h JOIN period_start.households s ON s.id = h.id
				WHERE ` + counted + ` AND s.merged_into IS NULL AND s.poverty_status = 'poor'
					AND h.poverty_status = 'near_poor' GROUP BY h.commune_code`,
		},
		{
			Key: "newly_poor", Name: "Số hộ nghèo phát sinh trong kỳ", NameEN: "Households newly poor in the period",
			Definition:   "Số hộ nghèo tại ngày số liệu mà ngày trước đầu kỳ chưa có trong danh sách hoặc không phải hộ nghèo.",
			DefinitionEN: "Households poor as of the report's day that were not listed, or not poor, the day before it.",
			Basis:        "INDICATORS.md", Unit: Households, Section: Poverty, Formula: Sum,
			Query: `SELECT h.commune_code, count(*) FROM households h LEFT JOIN period_start.households s ON s.id = h.id
				WHERE ` + counted + ` AND h.poverty_status = 'poor'
					AND (s.id IS NULL OR s.merged_into IS NOT NULL OR s.poverty_status IS NOT 'poor') GROUP BY h.commune_code`,
		},
		{
			Key: "by_standard", Name: "Hộ nghèo, cận nghèo theo chuẩn nghèo", NameEN: "Poor and near-poor households by poverty standard",
			Definition:   "Số hộ, hộ nghèo và hộ cận nghèo tại ngày số liệu, theo chuẩn nghèo ghi cùng phân loại.",
			DefinitionEN: "Households, poor and near-poor households as of the report's day, by the standard their status was assessed under.",
			Basis:        basisStatus, Unit: Households, Section: Poverty, Formula: Sum,
			Dims: []Column{{Key: "standard", Name: "Chuẩn nghèo", NameEN: "Poverty standard", Labels: "households.poverty_standard"}},
			Values: []Column{
				{Key: "households", Name: "Số hộ", NameEN: "Households", Unit: Households},
				{Key: "poor", Name: "Hộ nghèo", NameEN: "Poor", Unit: Households},
				{Key: "near_poor", Name: "Hộ cận nghèo", NameEN: "Near-poor", Unit: Households},
			},
			Query: `SELECT h.commune_code, coalesce(h.poverty_standard, '') AS standard, count(*),
					total(h.poverty_status = 'poor'), total(h.poverty_status = 'near_poor')
				FROM households h WHERE ` + counted + ` GROUP BY 1, 2`,
		},
	}
}

// fallQuery is the query of a fall of the poverty rate among the
// households that meet cond: the rate's numerator and denominator at
// 31/12 of the year before, then as of the report's day.
func fallQuery(cond string) string {
	return `SELECT commune_code, total(poor_before), total(before), total(poor_after), total(after) FROM (
		` + ofHouseholds("year_end.households", isPoor+" AS poor_before, count(*) AS before, 0 AS poor_after, 0 AS after", cond) + `
		UNION ALL
		` + ofHouseholds("households", "0, 0, "+isPoor+", count(*)", cond) + `
	) GROUP BY commune_code`
}
