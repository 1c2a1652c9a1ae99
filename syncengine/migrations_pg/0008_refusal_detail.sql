-- Which rule a refused change broke, when the refusing server said it
-- (Rejection's Reason, Column and Args, as JSON; '' when it did not): a
-- server keeps it to list the refusal again, a device to say it in its
-- officer's language.

ALTER TABLE sync_rejected ADD COLUMN detail TEXT NOT NULL DEFAULT '';
