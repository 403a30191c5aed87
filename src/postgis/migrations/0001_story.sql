-- evacmap's PostGIS story, version 1. Every table leads with story_id, the column Citus shards
-- on (docs/postgis.md). Not natively partitioned: foreign-key checks against a partitioned
-- table made a million-feature push four times slower (83 s against 21 s for its links).
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE evacmap_stories (
    story_id    text PRIMARY KEY CHECK (story_id <> ''),
    title       text,
    -- The collection's own members (title, sources, chapters, other tools' members), as JSON.
    meta        jsonb NOT NULL,
    -- The text the story was pushed from: what was not changed since is pulled back as it was.
    original    bytea,
    row_version bigint NOT NULL DEFAULT 1,
    changed_by  text NOT NULL DEFAULT current_user,
    changed_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE evacmap_sources (
    story_id    text NOT NULL REFERENCES evacmap_stories ON DELETE CASCADE,
    source_id   text NOT NULL CHECK (source_id <> ''),
    name        text NOT NULL CHECK (name <> ''),
    kind        text,
    url         text,
    row_version bigint NOT NULL DEFAULT 1,
    changed_by  text NOT NULL DEFAULT current_user,
    changed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (story_id, source_id)
);

-- Places, movements, events and other tools' features: one row each, in the story's order.
CREATE TABLE evacmap_features (
    story_id     text NOT NULL REFERENCES evacmap_stories ON DELETE CASCADE,
    feature_id   text NOT NULL,
    position     integer NOT NULL CHECK (position >= 0),
    -- Where it was in the text pushed (NULL: added since).
    origin       integer,
    kind         text NOT NULL CHECK (kind IN ('place', 'movement', 'event', 'feature')),
    name         text,
    geom         geometry(Geometry, 4326),
    -- Its date as days, with the precision it was reported with ('day', 'month', 'year').
    when_start   date,
    when_end     date,
    when_text    text,
    precision    text CHECK (precision IN ('day', 'month', 'year')),
    -- The whole feature as GeoJSON (evacmap's format): what is read back.
    feature      jsonb NOT NULL,
    row_version  bigint NOT NULL DEFAULT 1,
    changed_by   text NOT NULL DEFAULT current_user,
    changed_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (story_id, feature_id),
    CHECK (when_start IS NULL OR when_end IS NULL OR when_start <= when_end),
    CHECK (kind = 'feature' OR feature_id <> '')
);
CREATE INDEX evacmap_features_geom ON evacmap_features USING gist (geom);
CREATE INDEX evacmap_features_when ON evacmap_features (story_id, when_start, when_end);
CREATE INDEX evacmap_features_position ON evacmap_features (story_id, position);

-- Where movements went from and to, and where events were: references that must exist.
CREATE TABLE evacmap_links (
    story_id   text NOT NULL,
    feature_id text NOT NULL,
    role       text NOT NULL CHECK (role IN ('from', 'to', 'place')),
    place_id   text NOT NULL,
    PRIMARY KEY (story_id, feature_id, role, place_id),
    FOREIGN KEY (story_id, feature_id) REFERENCES evacmap_features ON DELETE CASCADE,
    FOREIGN KEY (story_id, place_id) REFERENCES evacmap_features (story_id, feature_id)
);
-- What refers to a place: without it, removing a story (or a place) scans every link per row.
CREATE INDEX evacmap_links_place ON evacmap_links (story_id, place_id);

-- Every figure with the sources that give it: a figure without a source cannot exist.
CREATE TABLE evacmap_figures (
    story_id   text NOT NULL,
    feature_id text NOT NULL,
    n          integer NOT NULL CHECK (n >= 0),
    measure    text NOT NULL,
    value      bigint NOT NULL CHECK (value >= 0),
    qualifier  text NOT NULL DEFAULT 'exact',
    sources    text[] NOT NULL CHECK (cardinality(sources) > 0),
    note       text,
    PRIMARY KEY (story_id, feature_id, n),
    FOREIGN KEY (story_id, feature_id) REFERENCES evacmap_features ON DELETE CASCADE
);

-- Each source a figure or claim cites is one of the story's sources: checked once per
-- statement over the rows it wrote (a push's million figures in one query, not a million).
CREATE FUNCTION evacmap_cited_sources_exist() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing record;
BEGIN
    SELECT written.story_id, cited.source_id INTO missing
    FROM written, unnest(written.sources) AS cited(source_id)
    WHERE NOT EXISTS (
        SELECT 1 FROM evacmap_sources s
        WHERE s.story_id = written.story_id AND s.source_id = cited.source_id)
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'a figure or claim cites the source %, which the story % does not have',
            missing.source_id, missing.story_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER evacmap_figure_sources_inserted AFTER INSERT ON evacmap_figures
    REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION evacmap_cited_sources_exist();
CREATE TRIGGER evacmap_figure_sources_updated AFTER UPDATE ON evacmap_figures
    REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION evacmap_cited_sources_exist();

-- Who held each place when, each claim with its sources.
CREATE TABLE evacmap_claims (
    story_id   text NOT NULL,
    place_id   text NOT NULL,
    n          integer NOT NULL CHECK (n >= 0),
    status     text NOT NULL,
    when_text  text,
    sources    text[] NOT NULL CHECK (cardinality(sources) > 0),
    PRIMARY KEY (story_id, place_id, n),
    FOREIGN KEY (story_id, place_id) REFERENCES evacmap_features ON DELETE CASCADE
);
CREATE TRIGGER evacmap_claim_sources_inserted AFTER INSERT ON evacmap_claims
    REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION evacmap_cited_sources_exist();
CREATE TRIGGER evacmap_claim_sources_updated AFTER UPDATE ON evacmap_claims
    REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION evacmap_cited_sources_exist();

-- Chapters of the story, in order.
CREATE TABLE evacmap_chapters (
    story_id    text NOT NULL REFERENCES evacmap_stories ON DELETE CASCADE,
    n           integer NOT NULL CHECK (n >= 0),
    chapter     jsonb NOT NULL,
    row_version bigint NOT NULL DEFAULT 1,
    changed_by  text NOT NULL DEFAULT current_user,
    changed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (story_id, n)
);
