-- evacmap's PostGIS story, version 2. Links carry their feature's dates. Each feature is kept as the JSON text written (`json`,
-- not `jsonb`): it is only ever read back whole, and text costs nothing to check, store and
-- send again. And the references of links, figures and claims to features
-- are checked once per statement, over all the rows it wrote, instead of once per row. The
-- rules are the same: a link, figure or claim belongs to a feature of its story; a link's
-- place is a feature of its story; removing a feature removes what belongs to it; a place
-- still referred to cannot be removed or renamed. A million-feature push checked its links
-- row by row for most of its 57 s.

ALTER TABLE evacmap_features ALTER COLUMN feature TYPE json USING feature::json;

-- Each link carries its feature's dates: a view finds the movements and events of its range
-- at the places it holds from the links alone, without visiting every feature of those places.
ALTER TABLE evacmap_links ADD COLUMN when_start date, ADD COLUMN when_end date;
UPDATE evacmap_links l SET when_start = f.when_start, when_end = f.when_end
    FROM evacmap_features f WHERE f.story_id = l.story_id AND f.feature_id = l.feature_id;
DROP INDEX evacmap_links_place;
CREATE INDEX evacmap_links_place ON evacmap_links (story_id, place_id, when_start)
    INCLUDE (when_end);

DO $$
DECLARE
    reference record;
BEGIN
    FOR reference IN
        SELECT conrelid::regclass AS owner, conname FROM pg_constraint
        WHERE contype = 'f' AND confrelid = 'evacmap_features'::regclass
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', reference.owner, reference.conname);
    END LOOP;
END $$;

-- What a statement wrote into links, figures or claims refers to features of its story.
CREATE FUNCTION evacmap_references_exist() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing record;
BEGIN
    IF TG_TABLE_NAME = 'evacmap_links' THEN
        SELECT w.story_id, w.place_id AS id, 'place' AS what INTO missing
        FROM written w
        WHERE NOT EXISTS (SELECT 1 FROM evacmap_features f
                          WHERE f.story_id = w.story_id AND f.feature_id = w.place_id)
        UNION ALL
        SELECT w.story_id, w.feature_id, 'feature' FROM written w
        WHERE NOT EXISTS (SELECT 1 FROM evacmap_features f
                          WHERE f.story_id = w.story_id AND f.feature_id = w.feature_id)
        LIMIT 1;
    ELSIF TG_TABLE_NAME = 'evacmap_figures' THEN
        SELECT w.story_id, w.feature_id AS id, 'feature' AS what INTO missing
        FROM written w
        WHERE NOT EXISTS (SELECT 1 FROM evacmap_features f
                          WHERE f.story_id = w.story_id AND f.feature_id = w.feature_id)
        LIMIT 1;
    ELSE
        SELECT w.story_id, w.place_id AS id, 'place' AS what INTO missing
        FROM written w
        WHERE NOT EXISTS (SELECT 1 FROM evacmap_features f
                          WHERE f.story_id = w.story_id AND f.feature_id = w.place_id)
        LIMIT 1;
    END IF;
    IF FOUND THEN
        RAISE EXCEPTION 'the story % has no % %', missing.story_id, missing.what, missing.id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER evacmap_links_refer_inserted AFTER INSERT ON evacmap_links
    REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION evacmap_references_exist();
CREATE TRIGGER evacmap_links_refer_updated AFTER UPDATE ON evacmap_links
    REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION evacmap_references_exist();
CREATE TRIGGER evacmap_figures_refer_inserted AFTER INSERT ON evacmap_figures
    REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION evacmap_references_exist();
CREATE TRIGGER evacmap_figures_refer_updated AFTER UPDATE ON evacmap_figures
    REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION evacmap_references_exist();
CREATE TRIGGER evacmap_claims_refer_inserted AFTER INSERT ON evacmap_claims
    REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION evacmap_references_exist();
CREATE TRIGGER evacmap_claims_refer_updated AFTER UPDATE ON evacmap_claims
    REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION evacmap_references_exist();

-- Features removed (or renamed): what belongs to them goes with them; a place still referred
-- to by a feature that stays cannot go.
CREATE FUNCTION evacmap_features_gone() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    referred record;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        -- Only ids that no longer exist count: most updates keep their id.
        SELECT l.story_id, l.place_id, l.feature_id INTO referred
        FROM before b
        JOIN evacmap_links l ON l.story_id = b.story_id
            AND (l.place_id = b.feature_id OR l.feature_id = b.feature_id)
        WHERE NOT EXISTS (SELECT 1 FROM evacmap_features f
                          WHERE f.story_id = b.story_id AND f.feature_id = b.feature_id)
        LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'the id % of the story % is still referred to (by %): it cannot change',
                referred.place_id, referred.story_id, referred.feature_id
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NULL;
    END IF;
    DELETE FROM evacmap_links l USING before b
        WHERE l.story_id = b.story_id AND l.feature_id = b.feature_id;
    DELETE FROM evacmap_figures x USING before b
        WHERE x.story_id = b.story_id AND x.feature_id = b.feature_id;
    DELETE FROM evacmap_claims c USING before b
        WHERE c.story_id = b.story_id AND c.place_id = b.feature_id;
    SELECT l.story_id, l.place_id, l.feature_id INTO referred
    FROM evacmap_links l JOIN before b ON l.story_id = b.story_id AND l.place_id = b.feature_id
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'the place % of the story % is still referred to by %',
            referred.place_id, referred.story_id, referred.feature_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER evacmap_features_deleted AFTER DELETE ON evacmap_features
    REFERENCING OLD TABLE AS before
    FOR EACH STATEMENT EXECUTE FUNCTION evacmap_features_gone();
CREATE TRIGGER evacmap_features_renamed AFTER UPDATE ON evacmap_features
    REFERENCING OLD TABLE AS before
    FOR EACH STATEMENT EXECUTE FUNCTION evacmap_features_gone();
