// Package reconcile finds what district staff must reconcile after many
// officers recorded offline: one family registered twice under two ids
// (Duplicates), and one household given the same support twice
// (SupportOverlaps), and records that no list shows because what they
// belong to was deleted meanwhile (Orphans). The findings only read: they
// take any Querier over a Hodan database (syncengine.DB.SQL() on a laptop
// or on the server) and change nothing; merging a pair is `hodan household
// merge`. Settling an orphan (Restore, MoveTo, DeleteOrphan) and deleting
// a record (DeleteRecord) are writes within a *syncengine.Tx, free of any
// front end, so the CLI, the officer's web app and the server call them
// alike.
//
// # Duplicate households
//
// Heads' names are compared folded (see Fold): without tones or other
// marks, đ as d, in lower case, so that "Bùi Văn Thảo" and "BUI VAN THAO"
// are one name; then with room for a typo (see Alike). Two households are
// candidates when they are in the same commune, their heads' names are
// alike, their heads' birth years are at most 2 apart when both are known,
// and they are in the same village when both villages are set. A household
// merged into another (merged_into set) is never a candidate.
//
// # Overlapping support
//
// The programs forbid giving a household the same support twice, and
// several programs fund the same kinds of support ("một số chương trình có
// nội dung hỗ trợ giống nhau", Bắc Kạn 2024; plans must avoid "trùng lặp,
// chồng chéo với các chương trình khác", Trạm Tấu 2024). How often a kind
// may be given is its period:
//
//   - once ever: new_house, house_repair, residential_land,
//     production_land, distributed_water. They are the contents of QĐ 1719
//     project 1 (DA1.ND1–ND4, "giải quyết tình trạng thiếu đất ở, nhà ở,
//     đất sản xuất, nước sinh hoạt"): they remedy a lack, once, and the
//     targets count households, not deliveries ("hỗ trợ cho 170 hộ … làm
//     nhà ở"; "xóa nhà tạm, nhà dột nát").
//   - once a calendar year: livelihood, preferential_loan,
//     health_insurance (a card is valid for a year).
//   - not checked: gift and training. They are given per occasion, several
//     times a year and by several bodies at once by design (Tết gifts from
//     the province and again from the Ethnic Committee's delegation, visits
//     when ill or bereaved, three training courses a year: Bắc Kạn 2024).
//
// A finding is a household with two or more records of one kind within
// one period: "cross_program" when they come from different programs,
// "repeat" when from one program. Only support received counts: status
// delivered or accepted, or no status but a delivered_date. Planned
// records are ignored: the schema has no cancelled status, so a plan
// dropped when another program funded the household stays "planned"
// forever, and flagging it would bury the real overlaps. A record's date is
// its delivered_date, else its planned_date; a yearly kind's record without
// a date has no period and is not compared. Records of a household merged
// into another count under the household its chain of merges ends at (in a
// cycle of merges, the smallest id, as `hodan household merge` settles
// it); records of a deleted household are not reported.
//
// # Orphans
//
// An orphan is a live record whose parent is not alive, found from the
// merged state alone, so every replica that holds the same changes lists the
// same ones with the same ids (syncengine.OrphanID of the record's row):
//
//   - parent_deleted: a member, visit, support record or damage report
//     whose household is not alive (syncengine.DB.Orphans): recorded on one
//     laptop while another deleted the household;
//   - village_deleted: a shown household whose village is not alive;
//   - merge_target_deleted: a household hidden by a merge whose chain of
//     merges ends at a household that is not alive (a merge racing a
//     delete), and the live records still under it. A chain is followed
//     through live households only, as `hodan household merge` settles
//     merges: a deleted household ends it.
//
// The three never overlap (a household hidden by a merge is not listed for
// its village, under which it is not shown anyway), so a record is listed
// once. It stays listed until someone settles it with an ordinary change
// that syncs: Restore brings back the deleted row with its last life's
// values (for a merge, the household the chain ends at: the family comes
// back under it), MoveTo puts the record under another live, shown
// household of its commune (a household under another village; a hidden
// household merged into another), DeleteOrphan deletes it.
//
// Deleting a record asks first (DeleteRecord): a household that live
// records belong to (its members, visits, support and damage records, and
// households merged into it) is deleted only when the caller says to delete
// them too, and a village is not deleted while shown households are in it.
// Orphans still arise when the delete and the new record are written on two
// laptops offline; the list is how nobody loses them.
package reconcile
