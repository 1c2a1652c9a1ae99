package schema

// The names of the columns code refers to, so that a typo in one does not
// compile. tables.go declares the columns with them, so each names a
// column of the tables its comment says.
const (
	ColCommuneCode      = "commune_code"       // the commune a root record belongs to: its scope
	ColVillageID        = "village_id"         // a household's village
	ColHouseholdID      = "household_id"       // the household a child record belongs to
	ColVisitID          = "visit_id"           // the visit a support or damage record was made on
	ColMergedInto       = "merged_into"        // the household a household was merged into
	ColName             = "name"               // a village's name
	ColHeadName         = "head_name"          // the name of a household's head
	ColHouseholdNumber  = "household_number"   // a household's number in its commune
	ColHeadBirthYear    = "head_birth_year"    // the birth year of a household's head
	ColFullName         = "full_name"          // a member's name
	ColBirthYear        = "birth_year"         // a member's birth year
	ColVisitDate        = "visit_date"         // the day of a visit
	ColEvent            = "event"              // the disaster a damage report is of
	ColEventDate        = "event_date"         // the day of the disaster
	ColKind             = "kind"               // the kind of support
	ColAmountVND        = "amount_vnd"         // the amount of support, in đồng
	ColDeliveredDate    = "delivered_date"     // the day support was delivered
	ColPlannedDate      = "planned_date"       // the day support is planned for
	ColPurpose          = "purpose"            // why a visit was made
	ColOfficer          = "officer"            // the officer who made a visit
	ColFormID           = "form_id"            // the guided form a visit was recorded with
	ColFormVersion      = "form_version"       // the version of that form
	ColAnswers          = "answers"            // a guided visit's answers, as JSON
	ColProgram          = "program"            // the program support came from
	ColStatus           = "status"             // where support stands
	ColPovertyStatus    = "poverty_status"     // a household's poverty status
	ColPovertyStandard  = "poverty_standard"   // the poverty standard it was assessed under
	ColPovertyYear      = "poverty_year"       // the year of that assessment
	ColIncomeScore      = "income_score"       // its income score (A)
	ColDeprivationScore = "deprivation_score"  // its deprivation score (B)
	ColEthnicityCode    = "ethnicity_code"     // an ethnic group's code
	ColEthnicitySystem  = "ethnicity_system"   // the code list of ethnicity_code
	ColPhone            = "phone"              // a household's phone number
	ColHouseDamage      = "house_damage"       // how badly a house was damaged
	ColEstimatedLossVND = "estimated_loss_vnd" // the estimated loss, in đồng
	ColNotes            = "notes"              // notes, in every table
)
