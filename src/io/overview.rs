//! A story's overview as a shared store keeps it: its places counted in the cells of a grid,
//! with the events at them and the movements leaving them, and the movements between cells.
//! A big story opened at country zoom shows it while its features are still on their way
//! (reading a million features takes seconds; the overview, milliseconds). No egui.

use serde_json::Value;

/// The cells of a story and the movements between them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overview {
    /// How many features the story has.
    pub features: u64,
    /// The grid's cell, in degrees.
    pub cell: f64,
    pub cells: Vec<OverviewCell>,
    /// Largest first (by movements).
    pub flows: Vec<OverviewFlow>,
}

/// The places of one cell of the grid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OverviewCell {
    /// The mean position of its places: longitude, latitude.
    pub at: [f64; 2],
    pub places: u64,
    /// Events at its places.
    pub events: u64,
    /// Movements leaving its places.
    pub movements: u64,
}

/// Movements from the places of one cell to those of another.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OverviewFlow {
    /// Positions in [`Overview::cells`].
    pub from: usize,
    pub to: usize,
    pub movements: u64,
    /// The people they moved: each movement's highest count of people moved.
    pub people: u64,
}

/// Why an overview's text could not be read.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("the story's overview does not read: {0}")]
pub struct OverviewError(String);

impl Overview {
    /// Reads the store's `cells` (`[[longitude, latitude, places, events, movements], …]`)
    /// and `flows` (`[[from, to, movements, people], …]`).
    pub fn from_json(
        features: u64,
        cell: f64,
        cells: &Value,
        flows: &Value,
    ) -> Result<Self, OverviewError> {
        let rows = |value: &Value,
                    what: &str,
                    width: usize|
         -> Result<Vec<Vec<f64>>, OverviewError> {
            let rows = value
                .as_array()
                .ok_or_else(|| OverviewError(format!("its {what} are not a list")))?;
            rows.iter()
                .enumerate()
                .map(|(n, row)| {
                    let numbers: Option<Vec<f64>> = row
                        .as_array()
                        .filter(|items| items.len() == width)
                        .and_then(|items| items.iter().map(Value::as_f64).collect());
                    numbers
                        .filter(|numbers| numbers.iter().all(|x| x.is_finite()))
                        .ok_or_else(|| {
                            OverviewError(format!("{what} {n} is not a list of {width} numbers"))
                        })
                })
                .collect()
        };
        let count = |x: f64| x.max(0.0) as u64;
        let cells: Vec<OverviewCell> = rows(cells, "cells", 5)?
            .into_iter()
            .map(|c| OverviewCell {
                at: [c[0], c[1]],
                places: count(c[2]),
                events: count(c[3]),
                movements: count(c[4]),
            })
            .collect();
        let flows = rows(flows, "flows", 4)?
            .into_iter()
            .enumerate()
            .map(|(n, f)| {
                let cell_at = |x: f64| {
                    let k = x as usize;
                    (x >= 0.0 && x.fract() == 0.0 && k < cells.len()).then_some(k)
                };
                match (cell_at(f[0]), cell_at(f[1])) {
                    (Some(from), Some(to)) => Ok(OverviewFlow {
                        from,
                        to,
                        movements: count(f[2]),
                        people: count(f[3]),
                    }),
                    _ => Err(OverviewError(format!("flow {n} names a cell there is not"))),
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            features,
            cell,
            cells,
            flows,
        })
    }

    /// West, south, east, north of its cells' places; `None` without cells.
    pub fn bounds(&self) -> Option<[f64; 4]> {
        self.cells.iter().fold(None, |bounds, cell| {
            let [x, y] = cell.at;
            Some(match bounds {
                None => [x, y, x, y],
                Some([w, s, e, n]) => [w.min(x), s.min(y), e.max(x), n.max(y)],
            })
        })
    }

    /// How many places, events and movements it counts.
    pub fn totals(&self) -> (u64, u64, u64) {
        self.cells.iter().fold((0, 0, 0), |(p, e, m), c| {
            (p + c.places, e + c.events, m + c.movements)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_overview_reads_its_cells_and_flows() {
        let overview = Overview::from_json(
            21,
            0.1,
            &json!([[36.3, 33.5, 3, 5, 4], [38.3, 35.0, 1, 2, 0]]),
            &json!([[0, 1, 3, 1246]]),
        )
        .unwrap();
        assert_eq!(overview.cells.len(), 2);
        assert_eq!(overview.cells[0].places, 3);
        assert_eq!(overview.flows[0].people, 1246);
        assert_eq!(overview.bounds(), Some([36.3, 33.5, 38.3, 35.0]));
        assert_eq!(overview.totals(), (4, 7, 4));
    }

    #[test]
    fn a_broken_overview_is_an_error_not_a_panic() {
        let cells = json!([[36.3, 33.5, 3, 5, 4]]);
        let bad =
            |cells: &Value, flows: &Value| Overview::from_json(1, 0.1, cells, flows).unwrap_err().0;
        assert_eq!(bad(&json!({}), &json!([])), "its cells are not a list");
        assert_eq!(
            bad(&json!([[1, 2]]), &json!([])),
            "cells 0 is not a list of 5 numbers"
        );
        assert_eq!(
            bad(&cells, &json!([[0, 7, 1, 1]])),
            "flow 0 names a cell there is not"
        );
        assert_eq!(
            bad(&cells, &json!([[0.5, 0, 1, 1]])),
            "flow 0 names a cell there is not"
        );
        assert_eq!(
            bad(&cells, &json!([[0, "x", 1, 1]])),
            "flows 0 is not a list of 4 numbers"
        );
    }
}
