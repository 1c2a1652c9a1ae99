-- The domain tables: the materialized, merged state of what officers
-- recorded. The sync engine writes them; nothing else does. They carry no
-- foreign keys and no NOT NULL constraints on purpose: rows arrive from many
-- replicas in any order, and the rules are checked where values are written
-- (schema.Table.CheckInsert and CheckUpdate) and received (the server).
-- Column types follow schema.Type: booleans are 0/1, dates YYYY-MM-DD text,
-- ids UUID text.

CREATE TABLE villages (
	id                   TEXT PRIMARY KEY,
	commune_code         TEXT,
	name                 TEXT,
	especially_difficult INTEGER,
	notes                TEXT
);
CREATE INDEX villages_commune ON villages (commune_code);

CREATE TABLE households (
	id                     TEXT PRIMARY KEY,
	commune_code           TEXT,
	village_id             TEXT,
	household_number       TEXT,
	head_name              TEXT,
	head_birth_year        INTEGER,
	head_sex               TEXT,
	ethnicity_code         TEXT,
	ethnicity_system       TEXT,
	phone                  TEXT,
	address                TEXT,
	latitude               REAL,
	longitude              REAL,
	poverty_status         TEXT,
	poverty_standard       TEXT,
	poverty_year           INTEGER,
	income_score           INTEGER,
	deprivation_score      INTEGER,
	dep_employment         INTEGER,
	dep_dependents         INTEGER,
	dep_nutrition          INTEGER,
	dep_health_insurance   INTEGER,
	dep_adult_education    INTEGER,
	dep_child_schooling    INTEGER,
	dep_housing_quality    INTEGER,
	dep_housing_area       INTEGER,
	dep_clean_water        INTEGER,
	dep_hygienic_toilet    INTEGER,
	dep_telecom            INTEGER,
	dep_information_access INTEGER,
	housing_condition      TEXT,
	water_source           TEXT,
	hygienic_latrine       INTEGER,
	notes                  TEXT
);
CREATE INDEX households_commune ON households (commune_code, village_id);

CREATE TABLE members (
	id               TEXT PRIMARY KEY,
	household_id     TEXT,
	full_name        TEXT,
	birth_year       INTEGER,
	sex              TEXT,
	relation         TEXT,
	ethnicity_code   TEXT,
	personal_id      TEXT,
	health_insurance INTEGER,
	schooling        TEXT,
	disability       INTEGER,
	is_prestige      INTEGER,
	notes            TEXT
);
CREATE INDEX members_household ON members (household_id);

CREATE TABLE visits (
	id           TEXT PRIMARY KEY,
	household_id TEXT,
	officer      TEXT,
	visit_date   TEXT,
	purpose      TEXT,
	form_id      TEXT,
	form_version INTEGER,
	answers      TEXT,
	notes        TEXT,
	latitude     REAL,
	longitude    REAL
);
CREATE INDEX visits_household ON visits (household_id, visit_date);

CREATE TABLE support_records (
	id             TEXT PRIMARY KEY,
	household_id   TEXT,
	visit_id       TEXT,
	program        TEXT,
	project_code   TEXT,
	kind           TEXT,
	amount_vnd     INTEGER,
	quantity       REAL,
	unit           TEXT,
	status         TEXT,
	planned_date   TEXT,
	delivered_date TEXT,
	notes          TEXT
);
CREATE INDEX support_records_household ON support_records (household_id, kind);

CREATE TABLE damage_reports (
	id                 TEXT PRIMARY KEY,
	household_id       TEXT,
	visit_id           TEXT,
	event              TEXT,
	event_date         TEXT,
	house_damage       TEXT,
	crop_area_lost_m2  REAL,
	livestock_lost     INTEGER,
	people_injured     INTEGER,
	people_dead        INTEGER,
	estimated_loss_vnd INTEGER,
	notes              TEXT
);
CREATE INDEX damage_reports_household ON damage_reports (household_id);
