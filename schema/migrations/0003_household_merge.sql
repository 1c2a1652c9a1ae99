-- A household merged into another (two officers registered one family
-- twice) is kept, hidden, with the id of the household it went into:
-- deleting it would lose a concurrent merge in the opposite direction.
ALTER TABLE households ADD COLUMN merged_into TEXT;
CREATE INDEX households_merged ON households (merged_into) WHERE merged_into IS NOT NULL;
