-- The record's overview shows the latest important notes of one person:
-- a few rows of this index, whatever the length of the timeline.
CREATE INDEX transmission_usager_important ON transmission (usager_id, written_at DESC) WHERE important;
