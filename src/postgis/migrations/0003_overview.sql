-- evacmap's PostGIS story, version 3: an overview of each story, so that a big one opened at
-- country zoom shows its map at once, before its features arrive. A story's places are
-- counted in the cells of a grid (with the events at them and the movements leaving them), and
-- its movements between cells. Counting that takes seconds for a million features; reading it
-- takes milliseconds. A change to a story's features, links or figures deletes its overview (a
-- stale overview is never shown); `evacmap push` and every save from evacmap build it again, and
-- after changes made with other tools `SELECT evacmap_refresh_overview('story id')` does.

CREATE TABLE evacmap_overviews (
    story_id text PRIMARY KEY REFERENCES evacmap_stories (story_id) ON DELETE CASCADE,
    -- The grid's cell, in degrees.
    cell double precision NOT NULL CHECK (cell > 0),
    -- How many features the story had.
    features bigint NOT NULL CHECK (features >= 0),
    -- [[longitude, latitude, places, events, movements], ...]: a cell's places (their mean
    -- position), the events at them and the movements leaving them.
    cells json NOT NULL,
    -- [[from, to, movements, people], ...]: movements from the places of cell `from` (a
    -- position in `cells`, from 0) to those of cell `to`, and the people they moved (each
    -- movement's highest count of people moved, as its arrow's width).
    flows json NOT NULL,
    built_at timestamptz NOT NULL DEFAULT now()
);

-- A statement that changed a story's rows makes its overview stale: it is removed. evacmap
-- names the story it writes (`set_config('evacmap.story', id, true)` in its transaction);
-- a statement from another tool removes every story's overview. (Transition tables would
-- name the stories, but keeping one costs a million-feature push its rows over again.)
CREATE FUNCTION evacmap_overview_stale() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    written text := nullif(current_setting('evacmap.story', true), '');
BEGIN
    IF written IS NULL THEN
        DELETE FROM evacmap_overviews;
    ELSE
        DELETE FROM evacmap_overviews WHERE story_id = written;
    END IF;
    RETURN NULL;
END $$;

DO $$
DECLARE
    watched text;
BEGIN
    FOREACH watched IN ARRAY ARRAY['evacmap_features', 'evacmap_links', 'evacmap_figures'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
                        FOR EACH STATEMENT EXECUTE FUNCTION evacmap_overview_stale()',
                       watched || '_overview_stale', watched);
    END LOOP;
END $$;

-- Counts the story's overview again, in cells of `cell_degrees` degrees (by default a tenth of
-- a degree, coarser for a story spread wider than 40 degrees: at most 400 cells across); keeps
-- the 100,000 largest flows between cells. Returns how many features the story has, or NULL when
-- there is no such story.
CREATE FUNCTION evacmap_refresh_overview(for_story text, cell_degrees double precision DEFAULT NULL)
RETURNS bigint LANGUAGE plpgsql
-- Every join here is of hundreds of thousands of rows to as many: hashes, never loops (the
-- planner cannot know how many places a story has until it counts them).
SET enable_nestloop = off SET work_mem = '64MB' SET jit = off
AS $$
DECLARE
    counted bigint;
BEGIN
    -- Waits for a save under way (saves lock the story's row), so that what is counted is
    -- what it committed, not what it replaced.
    PERFORM 1 FROM evacmap_stories WHERE story_id = for_story FOR SHARE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT count(*) INTO counted FROM evacmap_features WHERE story_id = for_story;
    IF cell_degrees IS NULL THEN
        SELECT greatest(0.1, (max(ST_X(geom)) - min(ST_X(geom))) / 400,
                        (max(ST_Y(geom)) - min(ST_Y(geom))) / 400)
        INTO cell_degrees
        FROM evacmap_features
        WHERE story_id = for_story AND kind = 'place' AND GeometryType(geom) = 'POINT';
        cell_degrees := coalesce(cell_degrees, 0.1);
    END IF;
    WITH placed AS MATERIALIZED (
        SELECT feature_id, ST_X(geom) AS x, ST_Y(geom) AS y,
               floor(ST_X(geom) / cell_degrees)::bigint AS gx, floor(ST_Y(geom) / cell_degrees)::bigint AS gy
        FROM evacmap_features
        WHERE story_id = for_story AND kind = 'place' AND GeometryType(geom) = 'POINT'
    ),
    cells AS MATERIALIZED (
        SELECT gx, gy, avg(x) AS x, avg(y) AS y, count(*) AS places,
               row_number() OVER (ORDER BY gx, gy) - 1 AS k
        FROM placed GROUP BY gx, gy
    ),
    at_places AS (
        SELECT p.gx, p.gy,
               count(*) FILTER (WHERE l.role = 'place') AS events,
               count(*) FILTER (WHERE l.role = 'from') AS movements
        FROM evacmap_links l JOIN placed p ON p.feature_id = l.place_id
        WHERE l.story_id = for_story AND l.role IN ('place', 'from')
        GROUP BY p.gx, p.gy
    ),
    people AS (
        SELECT feature_id, max(value) AS people FROM evacmap_figures
        WHERE story_id = for_story
          AND measure IN ('people', 'refugees', 'asylum_seekers', 'idps', 'returnees', 'stateless')
        GROUP BY feature_id
    ),
    pairs AS (
        SELECT DISTINCT f.feature_id, a.k AS from_cell, b.k AS to_cell
        FROM evacmap_links f
        JOIN evacmap_links t
          ON t.story_id = f.story_id AND t.feature_id = f.feature_id AND t.role = 'to'
        JOIN placed pf ON pf.feature_id = f.place_id
        JOIN placed pt ON pt.feature_id = t.place_id
        JOIN cells a ON a.gx = pf.gx AND a.gy = pf.gy
        JOIN cells b ON b.gx = pt.gx AND b.gy = pt.gy
        WHERE f.story_id = for_story AND f.role = 'from'
    ),
    flows AS (
        SELECT p.from_cell, p.to_cell, count(*) AS movements,
               coalesce(sum(pe.people), 0) AS people
        FROM pairs p LEFT JOIN people pe ON pe.feature_id = p.feature_id
        GROUP BY p.from_cell, p.to_cell
        ORDER BY movements DESC, people DESC, p.from_cell, p.to_cell
        LIMIT 100000
    )
    INSERT INTO evacmap_overviews AS o (story_id, cell, features, cells, flows)
    SELECT for_story, cell_degrees, counted,
           (SELECT coalesce(json_agg(json_build_array(
                       round(c.x::numeric, 5), round(c.y::numeric, 5), c.places,
                       coalesce(a.events, 0), coalesce(a.movements, 0)) ORDER BY c.k), '[]')
            FROM cells c LEFT JOIN at_places a ON a.gx = c.gx AND a.gy = c.gy),
           (SELECT coalesce(json_agg(json_build_array(from_cell, to_cell, movements, people)
                                     ORDER BY movements DESC, from_cell, to_cell), '[]')
            FROM flows)
    ON CONFLICT (story_id) DO UPDATE
        SET cell = EXCLUDED.cell, features = EXCLUDED.features, cells = EXCLUDED.cells,
            flows = EXCLUDED.flows, built_at = now();
    RETURN counted;
END $$;
