package indicatorstest

// Story records the district whose figures package indicators' tests
// work out by hand (TestIndicators): two communes recorded from December
// 2024 to January 2026, each step on its own day of s's clock. It
// returns the households by name, h1…h10, and leaves the clock at
// 12/01/2026.
func Story(s *Server) map[string]string {
	s.T.Helper()
	h := map[string]string{}

	// 15/12/2024: the list at the end of 2024. A: 4 households, 2 poor
	// (h1 Tày, h2 Kinh), h3 near-poor Tày, h4 Kinh; B: h5 poor Thái, h6
	// Kinh. The year's targets.
	s.On("15/12/2024")
	h["h1"] = s.Household(CommuneA, "Bùi Văn Thao", "poor", "02")
	h["h2"] = s.Household(CommuneA, "Hà Văn Minh", "poor", "01")
	h["h3"] = s.Household(CommuneA, "Bùi Thị Lan", "near_poor", "02")
	h["h4"] = s.Household(CommuneA, "Nguyễn Văn Hùng", "not_poor", "01")
	h["h5"] = s.Household(CommuneB, "Lò Văn Páo", "poor", "03")
	h["h6"] = s.Household(CommuneB, "Trần Văn Nam", "not_poor", "01")
	s.Target(2025, CommuneA, map[string]float64{"houses": 2, "water": 2, "poverty_rate_fall": 10})
	s.Target(2025, CommuneB, map[string]float64{"houses": 1, "water": 1})
	s.Target(2025, "", map[string]float64{"poverty_rate_fall": 5})

	// 10/02/2025: h1 escapes poverty; h7 (poor, Tày) is recorded; members;
	// h8, h2's family recorded twice, is merged into h2; h9 is recorded
	// and deleted.
	s.On("10/02/2025")
	s.Set("households", h["h1"], map[string]any{"poverty_status": "escaped_poverty"})
	h["h7"] = s.Household(CommuneA, "Bùi Văn Sáng", "poor", "02")
	s.Member(h["h1"], "Bùi Văn Thao", true, true)
	s.Member(h["h1"], "Bùi Thị Mai", false, false)
	s.Member(h["h3"], "Bùi Thị Lan", true, true)
	s.Member(h["h5"], "Lò Văn Páo", true, false)
	h["h8"] = s.Household(CommuneA, "Ha Van Minh", "poor", "01")
	s.Member(h["h8"], "Hà Văn Minh", true, false)
	s.Set("households", h["h8"], map[string]any{"merged_into": h["h2"]})
	h["h9"] = s.Household(CommuneB, "Lò Thị Dung", "poor", "03")
	s.Member(h["h9"], "Lò Thị Dung", true, false)
	s.Delete("households", h["h9"])

	// 05/03/2025: support, visits and damage of the first quarter.
	s.On("05/03/2025")
	s.Support(h["h2"], "ntp_1719", "DA1.ND2", "new_house", "delivered", "2025-03-05", 40_000_000, 1)
	s.Support(h["h3"], "ntp_1719", "DA1.ND4", "distributed_water", "accepted", "2025-03-01", 3_000_000, 1)
	s.Support(h["h5"], "sustainable_poverty", "", "house_repair", "planned", "2025-05-20", 20_000_000, 1)
	s.Support(h["h3"], "other", "", "gift", "delivered", "2025-02-02", 500_000, 1)
	s.Support(h["h8"], "ntp_1719", "DA1.ND1", "residential_land", "delivered", "2025-03-03", 10_000_000, 200)
	s.Visit(h["h3"], "prestige_visit", "2025-02-02")
	s.Visit(h["h1"], "poverty_review", "2025-01-20")
	v3 := s.Visit(h["h5"], "damage_assessment", "2025-03-05")
	s.Insert("damage_reports", map[string]any{"household_id": h["h5"], "visit_id": v3, "event": "Bão Yagi",
		"event_date": "2024-09-07", "house_damage": "severe", "estimated_loss_vnd": 15_000_000})
	v4 := s.Visit(h["h4"], "damage_assessment", "2025-03-20")
	s.Insert("damage_reports", map[string]any{"household_id": h["h4"], "visit_id": v4, "event": "Lũ quét tháng 3",
		"house_damage": "collapsed", "people_injured": 1, "estimated_loss_vnd": 60_000_000})

	// 20/06/2025: h3 falls into poverty, h5 becomes near-poor; h7 gets a
	// new house; a visit.
	s.On("20/06/2025")
	s.Set("households", h["h3"], map[string]any{"poverty_status": "poor"})
	s.Set("households", h["h5"], map[string]any{"poverty_status": "near_poor"})
	s.Support(h["h7"], "ntp_1719", "DA1.ND2", "new_house", "accepted", "2025-06-15", 40_000_000, 1)
	s.Visit(h["h3"], "prestige_visit", "2025-06-18")

	// 10/01/2026: after the year: h2 leaves poverty, h10 is recorded, and
	// water delivered to h5 in December is recorded late; A's housing
	// target is raised.
	s.On("10/01/2026")
	s.Conflict(h["h4"])
	s.Set("households", h["h2"], map[string]any{"poverty_status": "not_poor"})
	h["h10"] = s.Household(CommuneB, "Vàng A Dính", "poor", "08")
	s.Support(h["h5"], "ntp_1719", "DA1.ND4", "distributed_water", "delivered", "2025-12-20", 3_000_000, 1)
	s.On("12/01/2026")
	s.Target(2025, CommuneA, map[string]float64{"houses": 3})
	return h
}
