package schema

// The enumerations of the domain, with Vietnamese and English labels.
var (
	sexes = []Choice{{"male", "Nam", "Male"}, {"female", "Nữ", "Female"}}

	povertyStatuses = []Choice{
		{"poor", "Hộ nghèo", "Poor household"},
		{"near_poor", "Hộ cận nghèo", "Near-poor household"},
		{"escaped_poverty", "Hộ thoát nghèo", "Household that escaped poverty"},
		{"medium_income", "Hộ có mức sống trung bình", "Medium-income household"},
		{"not_poor", "Hộ không nghèo", "Non-poor household"},
	}

	// povertyStandards are the multidimensional poverty standards a
	// classification can be made under, one per data file of
	// schema/poverty, with its id and name; each classification records
	// its own. They are written here, not read from the files, so that no
	// program decodes the standards to start (TestPovertyStandardsAreTheFiles
	// holds the two to each other).
	povertyStandards = []Choice{
		{"nd07_2021", "NĐ 07/2021/NĐ-CP, giai đoạn 2022–2025 (kéo dài đến hết 2026)", "Decree 07/2021/ND-CP, 2022–2025 (extended to the end of 2026)"},
		{"std_2026_2030", "Chuẩn nghèo đa chiều quốc gia giai đoạn 2026–2030 (áp dụng từ 2027)", "National multidimensional poverty standard 2026–2030 (in force from 2027)"},
	}

	ethnicCodeSystems = []Choice{
		{"qd121_1979", "QĐ 121-TCTK/PPCĐ (1979)", "Decision 121-TCTK/PPCĐ (1979)"},
		{"qd1019_2008", "QĐ 1019/QĐ-TCTK (2008)", "Decision 1019/QĐ-TCTK (2008)"},
	}

	housingConditions = []Choice{
		{"solid", "Nhà kiên cố", "Permanent house"},
		{"semi_solid", "Nhà bán kiên cố", "Semi-permanent house"},
		{"makeshift", "Nhà tạm", "Makeshift house"},
		{"dilapidated", "Nhà dột nát", "Dilapidated house"},
		{"none", "Không có nhà", "No house"},
	}

	waterSources = []Choice{
		{"piped", "Nước máy, nước sạch tập trung", "Piped or central clean water"},
		{"drilled_well", "Giếng khoan", "Drilled well"},
		{"dug_well", "Giếng đào", "Dug well"},
		{"spring", "Nước khe, mó, suối tự chảy", "Spring or stream water (gravity-fed)"},
		{"rainwater", "Nước mưa", "Rainwater"},
		{"distributed", "Nước sinh hoạt phân tán được hỗ trợ", "Supported household water supply"},
		{"other", "Nguồn khác", "Other source"},
		{"none", "Không có nguồn nước hợp vệ sinh", "No hygienic water source"},
	}

	relations = []Choice{
		{"head", "Chủ hộ", "Head of household"},
		{"spouse", "Vợ/chồng", "Spouse"},
		{"child", "Con", "Child"},
		{"parent", "Bố/mẹ", "Parent"},
		{"grandchild", "Cháu", "Grandchild"},
		{"sibling", "Anh/chị/em", "Sibling"},
		{"other", "Khác", "Other"},
	}

	schoolings = []Choice{
		{"none", "Chưa đi học", "Never attended school"},
		{"preschool", "Mầm non", "Preschool"},
		{"primary", "Tiểu học", "Primary school"},
		{"lower_secondary", "Trung học cơ sở", "Lower secondary school"},
		{"upper_secondary", "Trung học phổ thông", "Upper secondary school"},
		{"vocational", "Trung cấp, nghề", "Vocational or intermediate"},
		{"college", "Cao đẳng", "College"},
		{"university", "Đại học trở lên", "University or higher"},
	}

	visitPurposes = []Choice{
		{"poverty_review", "Rà soát hộ nghèo, cận nghèo", "Poor and near-poor household review"},
		{"support_delivery", "Giao, nghiệm thu hỗ trợ", "Support handover and acceptance"},
		{"damage_assessment", "Đánh giá thiệt hại thiên tai", "Disaster damage assessment"},
		{"prestige_visit", "Thăm hỏi người có uy tín", "Visit to a person of prestige"},
		{"follow_up", "Theo dõi, kiểm tra", "Follow-up and check"},
	}

	programs = []Choice{
		{"ntp_1719", "CTMTQG phát triển KT-XH vùng đồng bào DTTS&MN (QĐ 1719)", "NTP on socio-economic development of ethnic minority and mountainous areas (Decision 1719)"},
		{"sustainable_poverty", "CTMTQG giảm nghèo bền vững", "NTP on sustainable poverty reduction"},
		{"new_rural", "CTMTQG xây dựng nông thôn mới", "NTP on new rural development"},
		{"other", "Chương trình, nguồn khác", "Other program or source"},
	}

	supportKinds = []Choice{
		{"new_house", "Hỗ trợ làm nhà mới", "Support to build a new house"},
		{"house_repair", "Hỗ trợ sửa chữa nhà", "Support to repair a house"},
		{"residential_land", "Hỗ trợ đất ở", "Residential land support"},
		{"production_land", "Hỗ trợ đất sản xuất, chuyển đổi nghề", "Production land or change of occupation support"},
		{"distributed_water", "Hỗ trợ nước sinh hoạt phân tán", "Household water supply support"},
		{"livelihood", "Hỗ trợ sinh kế, phát triển sản xuất", "Livelihood and production development support"},
		{"preferential_loan", "Vay vốn ưu đãi", "Preferential loan"},
		{"gift", "Quà tặng (Tết, lễ hội, ốm đau)", "Gift (Tết, festivals, illness)"},
		{"health_insurance", "Thẻ bảo hiểm y tế", "Health insurance card"},
		{"training", "Đào tạo, tập huấn", "Training"},
	}

	supportStatuses = []Choice{
		{"planned", "Kế hoạch", "Planned"},
		{"delivered", "Đã giao", "Delivered"},
		{"accepted", "Đã nghiệm thu", "Accepted"},
	}

	houseDamages = []Choice{
		{"none", "Không thiệt hại", "No damage"},
		{"partial", "Hư hỏng một phần (dưới 30%)", "Partly damaged (under 30%)"},
		{"severe", "Hư hỏng nặng (30–70%)", "Badly damaged (30–70%)"},
		{"collapsed", "Sập đổ hoàn toàn (trên 70%)", "Collapsed (over 70%)"},
		{"swept_away", "Bị cuốn trôi", "Swept away"},
	}
)
