package ops

import (
	"fmt"
	"strings"

	"hodan/syncengine"
)

// What an import compares a list with: the villages and the live
// households the replica holds, loaded in the import's transaction.

// existingHouseholds indexes the live households of the replica for
// finding a row imported before.
type existingHouseholds struct {
	byID     map[string]existingHousehold
	byNumber map[string]existingHousehold // commune|folded number
	byPerson map[string]existingHousehold // commune|folded name|year|village id
}

type existingHousehold struct{ id, name string }

// init makes the importer's indexes, empty.
func (im *householdImporter) init() {
	im.villages, im.newVillages = map[string]map[string][]string{}, map[string]map[string]string{}
	im.villageList = map[string][]string{}
	im.seenNumber, im.seenPerson = map[string]int{}, map[string]int{}
	im.choices = map[string]map[string]string{}
	for _, c := range im.t.Columns {
		if len(c.Enum) > 0 {
			im.choices[c.Name] = choiceIndex(&c)
		}
	}
	im.existing = existingHouseholds{byID: map[string]existingHousehold{}, byNumber: map[string]existingHousehold{}, byPerson: map[string]existingHousehold{}}
}

// addVillage indexes a village of the replica.
func (im *householdImporter) addVillage(id, commune, name string) {
	if im.villages[commune] == nil {
		im.villages[commune] = map[string][]string{}
	}
	k := villageKey(name)
	im.villages[commune][k] = append(im.villages[commune][k], id)
	im.villageList[commune] = append(im.villageList[commune], name)
}

// load reads the villages and live households of the replica, in the
// import's transaction.
func (im *householdImporter) load(tx *syncengine.Tx) error {
	im.init()
	rows, err := tx.Query(`SELECT id, commune_code, name FROM villages`)
	if err != nil {
		return fmt.Errorf("read villages: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, commune, name string
		if err := rows.Scan(&id, &commune, &name); err != nil {
			return fmt.Errorf("read villages: %w", err)
		}
		im.addVillage(id, commune, name)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read villages: %w", err)
	}
	return im.loadHouseholds(tx)
}

func (im *householdImporter) loadHouseholds(tx *syncengine.Tx) error {
	rows, err := tx.Query(`SELECT id, commune_code, COALESCE(household_number, ''), head_name,
		COALESCE(head_birth_year, 0), COALESCE(village_id, '') FROM households WHERE merged_into IS NULL`)
	if err != nil {
		return fmt.Errorf("read households: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, commune, number, name, village string
		var year int64
		if err := rows.Scan(&id, &commune, &number, &name, &year, &village); err != nil {
			return fmt.Errorf("read households: %w", err)
		}
		h := existingHousehold{id: id, name: name}
		im.existing.byID[id] = h
		if number != "" {
			im.existing.byNumber[commune+"|"+fold(number)] = h
		}
		if year != 0 {
			im.existing.byPerson[personKey(commune, name, year, village)] = h
		}
	}
	return rows.Err()
}

func personKey(commune, name string, year int64, village string) string {
	return fmt.Sprintf("%s|%s|%d|%s", commune, fold(name), year, village)
}

// villageKey is a village's name as import compares it: folded, without
// the word for village in front ("Thôn Nà Lầu" is "na lau").
func villageKey(name string) string {
	f := fold(name)
	for _, prefix := range []string{"thon ", "ban ", "xom ", "to dan pho ", "to ", "lang ", "ap ", "buon ", "plei "} {
		if rest := strings.TrimPrefix(f, prefix); rest != f && rest != "" {
			return rest
		}
	}
	return f
}
