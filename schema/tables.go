package schema

var (
	phonePattern      = NewPattern(`^\+?[0-9][0-9 .-]{7,18}[0-9]$`)
	personalIDPattern = NewPattern(`^([0-9]{9}|[0-9]{12})$`)
)

// Shared column shapes.
func birthYear(name, label string) Column {
	return Column{Name: name, Type: Integer, Label: label, Min: 1900, Max: 2100}
}

func money(name, label string) Column {
	return Column{Name: name, Type: Integer, Label: label, Min: 0, Max: 1e15, Money: true}
}

func count(name, label string) Column {
	return Column{Name: name, Type: Integer, Label: label, Min: 0, Max: 1e6}
}

func flag(name, label string) Column { return Column{Name: name, Type: Bool, Label: label} }

func text(name, label string) Column { return Column{Name: name, Type: Text, Label: label} }

func notes() Column { return Column{Name: ColNotes, Type: Text, Label: "Ghi chú", MultiLine: true} }

func enum(name, label string, choices []Choice) Column {
	return Column{Name: name, Type: Text, Label: label, Enum: choices}
}

func latLon() []Column {
	return []Column{
		{Name: "latitude", Type: Real, Label: "Vĩ độ", Min: -90, Max: 90},
		{Name: "longitude", Type: Real, Label: "Kinh độ", Min: -180, Max: 180},
	}
}

func parent() Column {
	return Column{Name: ColHouseholdID, Type: Ref, Refers: "households", Label: "Hộ gia đình", Required: true}
}

func communeCode() Column {
	return Column{Name: ColCommuneCode, Type: Text, Label: "Mã xã", Required: true, Immutable: true, Code: CodeCommune}
}

func withColumns(groups ...[]Column) []Column {
	var out []Column
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// The deprivation flags of the multidimensional poverty standard (NĐ 07/2021):
// one column per indicator, true when the household is deprived of it.
var deprivations = []Column{
	flag("dep_employment", "Thiếu hụt việc làm"),
	flag("dep_dependents", "Thiếu hụt người phụ thuộc"),
	flag("dep_nutrition", "Thiếu hụt dinh dưỡng"),
	flag("dep_health_insurance", "Thiếu hụt bảo hiểm y tế"),
	flag("dep_adult_education", "Thiếu hụt trình độ giáo dục của người lớn"),
	flag("dep_child_schooling", "Thiếu hụt tình trạng đi học của trẻ em"),
	flag("dep_housing_quality", "Thiếu hụt chất lượng nhà ở"),
	flag("dep_housing_area", "Thiếu hụt diện tích nhà ở bình quân đầu người"),
	flag("dep_clean_water", "Thiếu hụt nguồn nước sinh hoạt"),
	flag("dep_hygienic_toilet", "Thiếu hụt nhà tiêu hợp vệ sinh"),
	flag("dep_telecom", "Thiếu hụt sử dụng dịch vụ viễn thông"),
	flag("dep_information_access", "Thiếu hụt phương tiện tiếp cận thông tin"),
}

// tables are the synced tables, parents before children.
var tables = []*Table{Villages, Households, Members, Visits, SupportRecords, DamageReports}

// Villages are the thôn, bản and xóm of a commune: the root of a household's
// place.
var Villages = &Table{
	Name: "villages", Noun: "village", Label: "Thôn, bản", ScopeColumn: ColCommuneCode,
	Summary:    []string{"commune_code", "name", "especially_difficult"},
	NameColumn: ColName, Names: []string{ColName},
	Columns: []Column{
		communeCode(),
		{Name: ColName, Type: Text, Label: "Tên thôn, bản", Required: true, MaxLen: 200},
		flag("especially_difficult", "Thôn đặc biệt khó khăn"),
		notes(),
	},
}

// Households are the families (hộ gia đình) officers record; every other
// record but a village belongs to one.
var Households = &Table{
	Name: "households", Noun: "household", Label: "Hộ gia đình", ScopeColumn: ColCommuneCode,
	Summary:    []string{"household_number", "head_name", "poverty_status", "housing_condition", "ethnicity_code", "commune_code"},
	NameColumn: ColHeadName, Names: []string{ColHeadName, ColHouseholdNumber},
	Columns: withColumns([]Column{
		communeCode(),
		{Name: ColVillageID, Type: Ref, Refers: "villages", Label: "Thôn, bản"},
		{Name: ColHouseholdNumber, Type: Text, Label: "Số hộ", MaxLen: 50},
		{Name: ColHeadName, Type: Text, Label: "Họ tên chủ hộ", Required: true, MaxLen: 200},
		birthYear(ColHeadBirthYear, "Năm sinh chủ hộ"),
		enum("head_sex", "Giới tính chủ hộ", sexes),
		{Name: ColEthnicityCode, Type: Text, Label: "Dân tộc", Code: CodeEthnicGroup},
		enum(ColEthnicitySystem, "Bảng mã dân tộc", ethnicCodeSystems),
		{Name: ColPhone, Type: Text, Label: "Điện thoại", Pattern: phonePattern, PatternHint: "a phone number (digits, optionally +, spaces, dots or dashes)"},
		text("address", "Địa chỉ"),
	}, latLon(), []Column{
		enum(ColPovertyStatus, "Phân loại hộ", povertyStatuses),
		enum(ColPovertyStandard, "Chuẩn nghèo áp dụng", povertyStandards),
		{Name: ColPovertyYear, Type: Integer, Label: "Năm rà soát", Min: 2000, Max: 2100},
		{Name: ColIncomeScore, Type: Integer, Label: "Điểm A (thu nhập)", Min: 0, Max: 1000},
		{Name: ColDeprivationScore, Type: Integer, Label: "Điểm B (thiếu hụt)", Min: 0, Max: 120},
	}, deprivations, []Column{
		enum("housing_condition", "Tình trạng nhà ở", housingConditions),
		enum("water_source", "Nguồn nước sinh hoạt", waterSources),
		flag("hygienic_latrine", "Nhà tiêu hợp vệ sinh"),
		notes(),
		{Name: ColMergedInto, Type: Ref, Refers: "households", Label: "Đã gộp vào hộ", Internal: true},
	}),
}

// Members are the people of a household.
var Members = &Table{
	Name: "members", Noun: "member", Label: "Nhân khẩu", ParentColumn: ColHouseholdID, ParentTable: "households",
	Summary:    []string{"household_id", "full_name", "birth_year", "sex", "relation"},
	NameColumn: ColFullName, Names: []string{ColFullName, ColBirthYear},
	Columns: []Column{
		parent(),
		{Name: ColFullName, Type: Text, Label: "Họ và tên", Required: true, MaxLen: 200},
		birthYear(ColBirthYear, "Năm sinh"),
		enum("sex", "Giới tính", sexes),
		enum("relation", "Quan hệ với chủ hộ", relations),
		{Name: ColEthnicityCode, Type: Text, Label: "Dân tộc", Code: CodeEthnicGroup},
		{Name: "personal_id", Type: Text, Label: "Số định danh cá nhân (CCCD)", Pattern: personalIDPattern, PatternHint: "a personal id number of 12 digits (or 9 for an old identity card)"},
		flag("health_insurance", "Có thẻ BHYT"),
		enum("schooling", "Trình độ học vấn", schoolings),
		flag("disability", "Khuyết tật"),
		flag("is_prestige", "Người có uy tín"),
		notes(),
	},
}

// Visits are an officer's visits to a household.
var Visits = &Table{
	Name: "visits", Noun: "visit", Label: "Lượt thăm hộ", ParentColumn: ColHouseholdID, ParentTable: "households",
	Summary: []string{"household_id", "visit_date", "purpose", "officer"},
	Names:   []string{ColVisitDate, ColPurpose},
	Columns: withColumns([]Column{
		parent(),
		{Name: ColOfficer, Type: Text, Label: "Cán bộ", MaxLen: 200, Officer: true, Immutable: true},
		{Name: ColVisitDate, Type: Date, Label: "Ngày thăm", Required: true},
		{Name: ColPurpose, Type: Text, Label: "Mục đích", Required: true, Enum: visitPurposes},
		text(ColFormID, "Mẫu phiếu"),
		{Name: ColFormVersion, Type: Integer, Label: "Phiên bản mẫu phiếu", Min: 1, Max: 1e6},
		{Name: ColAnswers, Type: JSON, Label: "Câu trả lời", MaxLen: 100_000},
		{Name: ColNotes, Type: Text, Label: "Ghi chú", MaxLen: 10_000, MultiLine: true},
	}, latLon()),
}

// SupportRecords are the support a household received or is due.
var SupportRecords = &Table{
	Name: "support_records", Noun: "support", Label: "Hỗ trợ", ParentColumn: ColHouseholdID, ParentTable: "households",
	Summary: []string{"household_id", "program", "kind", "amount_vnd", "status"},
	Names:   []string{ColKind, ColAmountVND, ColDeliveredDate},
	Columns: []Column{
		parent(),
		{Name: ColVisitID, Type: Ref, Refers: "visits", Label: "Lượt thăm"},
		{Name: ColProgram, Type: Text, Label: "Chương trình", Required: true, Enum: programs},
		{Name: "project_code", Type: Text, Label: "Dự án, tiểu dự án, nội dung", Code: CodeProject1719},
		{Name: ColKind, Type: Text, Label: "Loại hỗ trợ", Required: true, Enum: supportKinds},
		money(ColAmountVND, "Số tiền (đồng)"),
		{Name: "quantity", Type: Real, Label: "Số lượng", Min: 0, Max: 1e9},
		{Name: "unit", Type: Text, Label: "Đơn vị tính", MaxLen: 50},
		enum(ColStatus, "Tình trạng", supportStatuses),
		{Name: ColPlannedDate, Type: Date, Label: "Ngày dự kiến"},
		{Name: ColDeliveredDate, Type: Date, Label: "Ngày giao"},
		notes(),
	},
}

// DamageReports are a household's damage from a disaster.
var DamageReports = &Table{
	Name: "damage_reports", Noun: "damage", Label: "Thiệt hại do thiên tai", ParentColumn: ColHouseholdID, ParentTable: "households",
	Summary: []string{"household_id", "event", "house_damage", "estimated_loss_vnd"},
	Names:   []string{ColEvent, ColEventDate},
	Columns: []Column{
		parent(),
		{Name: ColVisitID, Type: Ref, Refers: "visits", Label: "Lượt thăm"},
		{Name: ColEvent, Type: Text, Label: "Sự kiện thiên tai", Required: true, MaxLen: 200},
		{Name: ColEventDate, Type: Date, Label: "Ngày xảy ra"},
		enum(ColHouseDamage, "Mức độ thiệt hại nhà ở", houseDamages),
		{Name: "crop_area_lost_m2", Type: Real, Label: "Diện tích cây trồng thiệt hại (m²)", Min: 0, Max: 1e9},
		count("livestock_lost", "Gia súc, gia cầm chết, cuốn trôi (con)"),
		count("people_injured", "Người bị thương"),
		count("people_dead", "Người chết, mất tích"),
		money(ColEstimatedLossVND, "Ước thiệt hại (đồng)"),
		notes(),
	},
}
