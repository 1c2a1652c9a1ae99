package schema

import "hodan/schema/poverty"

// The enumerations of the domain, with Vietnamese labels.
var (
	sexes = []Choice{{"male", "Nam"}, {"female", "Nữ"}}

	povertyStatuses = []Choice{
		{"poor", "Hộ nghèo"},
		{"near_poor", "Hộ cận nghèo"},
		{"escaped_poverty", "Hộ thoát nghèo"},
		{"medium_income", "Hộ có mức sống trung bình"},
		{"not_poor", "Hộ không nghèo"},
	}

	// povertyStandards are the multidimensional poverty standards a
	// classification can be made under, one per data file of
	// schema/poverty; each classification records its own.
	povertyStandards = standardChoices()

	ethnicCodeSystems = []Choice{
		{"qd121_1979", "QĐ 121-TCTK/PPCĐ (1979)"},
		{"qd1019_2008", "QĐ 1019/QĐ-TCTK (2008)"},
	}

	housingConditions = []Choice{
		{"solid", "Nhà kiên cố"},
		{"semi_solid", "Nhà bán kiên cố"},
		{"makeshift", "Nhà tạm"},
		{"dilapidated", "Nhà dột nát"},
		{"none", "Không có nhà"},
	}

	waterSources = []Choice{
		{"piped", "Nước máy, nước sạch tập trung"},
		{"drilled_well", "Giếng khoan"},
		{"dug_well", "Giếng đào"},
		{"spring", "Nước khe, mó, suối tự chảy"},
		{"rainwater", "Nước mưa"},
		{"distributed", "Nước sinh hoạt phân tán được hỗ trợ"},
		{"other", "Nguồn khác"},
		{"none", "Không có nguồn nước hợp vệ sinh"},
	}

	relations = []Choice{
		{"head", "Chủ hộ"},
		{"spouse", "Vợ/chồng"},
		{"child", "Con"},
		{"parent", "Bố/mẹ"},
		{"grandchild", "Cháu"},
		{"sibling", "Anh/chị/em"},
		{"other", "Khác"},
	}

	schoolings = []Choice{
		{"none", "Chưa đi học"},
		{"preschool", "Mầm non"},
		{"primary", "Tiểu học"},
		{"lower_secondary", "Trung học cơ sở"},
		{"upper_secondary", "Trung học phổ thông"},
		{"vocational", "Trung cấp, nghề"},
		{"college", "Cao đẳng"},
		{"university", "Đại học trở lên"},
	}

	visitPurposes = []Choice{
		{"poverty_review", "Rà soát hộ nghèo, cận nghèo"},
		{"support_delivery", "Giao, nghiệm thu hỗ trợ"},
		{"damage_assessment", "Đánh giá thiệt hại thiên tai"},
		{"prestige_visit", "Thăm hỏi người có uy tín"},
		{"follow_up", "Theo dõi, kiểm tra"},
	}

	programs = []Choice{
		{"ntp_1719", "CTMTQG phát triển KT-XH vùng đồng bào DTTS&MN (QĐ 1719)"},
		{"sustainable_poverty", "CTMTQG giảm nghèo bền vững"},
		{"new_rural", "CTMTQG xây dựng nông thôn mới"},
		{"other", "Chương trình, nguồn khác"},
	}

	supportKinds = []Choice{
		{"new_house", "Hỗ trợ làm nhà mới"},
		{"house_repair", "Hỗ trợ sửa chữa nhà"},
		{"residential_land", "Hỗ trợ đất ở"},
		{"production_land", "Hỗ trợ đất sản xuất, chuyển đổi nghề"},
		{"distributed_water", "Hỗ trợ nước sinh hoạt phân tán"},
		{"livelihood", "Hỗ trợ sinh kế, phát triển sản xuất"},
		{"preferential_loan", "Vay vốn ưu đãi"},
		{"gift", "Quà tặng (Tết, lễ hội, ốm đau)"},
		{"health_insurance", "Thẻ bảo hiểm y tế"},
		{"training", "Đào tạo, tập huấn"},
	}

	supportStatuses = []Choice{
		{"planned", "Kế hoạch"},
		{"delivered", "Đã giao"},
		{"accepted", "Đã nghiệm thu"},
	}

	houseDamages = []Choice{
		{"none", "Không thiệt hại"},
		{"partial", "Hư hỏng một phần (dưới 30%)"},
		{"severe", "Hư hỏng nặng (30–70%)"},
		{"collapsed", "Sập đổ hoàn toàn (trên 70%)"},
		{"swept_away", "Bị cuốn trôi"},
	}
)

// standardChoices lists the poverty standards of schema/poverty.
func standardChoices() []Choice {
	var out []Choice
	for _, s := range poverty.Standards() {
		out = append(out, Choice{s.ID, s.Name.VI})
	}
	return out
}
