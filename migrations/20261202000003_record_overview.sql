-- The record's overview shows the latest important notes of one person:
-- a few rows of this index, whatever the length of the timeline.
CREATE INDEX transmission_usager_important ON transmission (usager_id, written_at DESC) WHERE important;
-- The timeline's author filter lists who wrote about one person: read from
-- this index alone, not from the person's thousand notes.
CREATE INDEX transmission_usager_author ON transmission (usager_id, author_id, category);
