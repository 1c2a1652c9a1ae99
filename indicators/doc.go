// Package indicators computes the programme's indicators from a district
// server's database: the catalogue (Catalogue) of what is reported, each
// indicator with a stable key, its name and definition in Vietnamese and
// English, its unit, where its definition comes from, and one SQL query
// over the merged domain tables grouped by commune; the reports of a
// period as of a day (Compute); the year's targets operators enter
// (SetTargets) and the progress towards them; and the periodic report as
// a spreadsheet (WriteXLSX). It reads; it never writes the domain tables.
//
// # Totals
//
// The total of all communes is made from the same rows as the communes'
// figures: counts are summed, and a rate is recomputed from the summed
// numerators and denominators, never averaged. Households belong to one
// commune each (a row's scope never changes), so a count of households is
// the sum of the communes'.
//
// # Periods and as-of days
//
// A report covers a period (whole days, Vietnam time) and is as of a day
// D: it counts the changes the server had received by the end of D, the
// set `hodan-server audit replay --until D` rebuilds, merged as the engine
// merges them (syncengine.DB.WriteState). So:
//
//   - the figures of a moment (households, poverty, members, people of
//     prestige, insurance) are the records as of D; for a period that has
//     ended, D is the day the figures were closed (ngày chốt số liệu);
//   - what happened in the period (support, visits, damage) is counted by
//     the date the record carries (delivered_date else planned_date,
//     visit_date, event_date), so a delivery of December recorded in
//     January counts in the year's report as of a day in January;
//   - households escaped poverty compare D's records with those of the end
//     of the day before the period (period_start); the fall of the poverty
//     rate compares them with 31/12 of the year before (year_end). Such an
//     earlier figure is what the records said then: the changes received by
//     D that were written (by their HLC, which respects causality) by the
//     end of that day (syncengine.StateQuery.WrittenBy), so that a change
//     made offline before it and synced later counts.
//
// Every figure is a function of the changes received by D, so a report as
// of a past day gives the same numbers whenever it is made again; and an
// auditor gets them from an export alone: replay it --until D, and report
// on the replayed file without an as-of day (a replay keeps when each
// change was written, which is all the earlier figures need). Without an
// as-of day a report reads the current data, the live tables (on a
// PostgreSQL store, whose tables are not SQLite's, the state of every
// change it holds, which is the same data). The queries are SQLite's
// whatever the store: every state is a SQLite file. Counted
// indicators (open conflicts; records waiting to be settled, once
// reconcile lists them) are read as they are now: a report as of a past
// day leaves them out. The laptops' last syncs are the batches received
// by D.
//
// # Targets
//
// A target is set for a year, for a commune or for the whole server. A
// report shows, for each target of the year its period ends in, the plan,
// what was done from 1 January to the period's end (the year to date, as
// plans are checked: "lũy kế từ đầu năm") and done ÷ plan × 100, with
// the targets as they stood at the end of the as-of day (setting a target
// again keeps the old value). The total's plan is the whole server's own
// target in a report of every commune, else, for a count, the sum of the
// communes' when every commune reported has one.
//
// # Records of merged households
//
// A household merged into another (merged_into) is the same family
// recorded twice: it is not counted, nor are its members. Its support,
// visits and damage reports are real and count under the household it
// went into (laptops move them there once they sync). A record whose
// household is deleted is not counted; it waits to be settled.
package indicators
