//! Changing the columns in place: a feature replaced, inserted or removed.
//!
//! Why in place: a million-feature story stays editable without a copy of its columns. A changed
//! feature's new texts and rows go to the end of the arena and the tables; the old ones stay
//! there unused until the story is read again (a few bytes an edit).

use super::{Sparse, Store};
use crate::model::Feature;

/// The columns every feature has a row in, by feature index.
macro_rules! per_feature_columns {
    ($store:expr, $column:ident => $body:expr) => {{
        {
            let $column = &mut $store.kinds;
            $body;
        }
        {
            let $column = &mut $store.rows;
            $body;
        }
        {
            let $column = &mut $store.ids;
            $body;
        }
        {
            let $column = &mut $store.names;
            $body;
        }
        {
            let $column = &mut $store.whens;
            $body;
        }
        {
            let $column = &mut $store.sources;
            $body;
        }
        {
            let $column = &mut $store.shapes;
            $body;
        }
    }};
}

impl Store {
    /// Puts `feature` where feature `index` was.
    pub fn replace(&mut self, index: usize, feature: &Feature) {
        if index >= self.len() {
            return;
        }
        self.push(feature);
        let last = self.len() - 1;
        per_feature_columns!(self, column => { column.swap_remove(index); });
        self.rare.take(index as u32);
        if let Some(rare) = self.rare.take(last as u32) {
            self.rare.put(index as u32, rare);
        }
    }

    /// Puts `feature` at `index`, the features from there on one further.
    pub fn insert(&mut self, index: usize, feature: &Feature) {
        let index = index.min(self.len());
        self.push(feature);
        let last = self.len() - 1;
        per_feature_columns!(self, column => {
            if let Some(value) = column.pop() {
                column.insert(index, value);
            }
        });
        let rare = self.rare.take(last as u32);
        self.rare.shift_from(index as u32, 1);
        if let Some(rare) = rare {
            self.rare.put(index as u32, rare);
        }
    }

    /// Sets feature `index`'s dates.
    pub fn set_when(&mut self, index: usize, when: Option<crate::model::When>) {
        if let Some(slot) = self.whens.get_mut(index) {
            *slot = crate::model::PackedWhen::pack(when);
        }
    }

    /// Takes feature `index` out, the features after it one closer.
    pub fn remove(&mut self, index: usize) {
        if index >= self.len() {
            return;
        }
        per_feature_columns!(self, column => { column.remove(index); });
        self.rare.take(index as u32);
        self.rare.shift_from(index as u32 + 1, -1);
    }
}

impl<T: Copy> Sparse<T> {
    /// Takes `row`'s out.
    fn take(&mut self, row: u32) -> Option<T> {
        let at = self.rows.binary_search_by_key(&row, |&(row, _)| row).ok()?;
        Some(self.rows.remove(at).1)
    }

    /// Sets `row`'s, wherever the row is.
    fn put(&mut self, row: u32, value: T) {
        match self.rows.binary_search_by_key(&row, |&(row, _)| row) {
            Ok(at) => self.rows[at].1 = value,
            Err(at) => self.rows.insert(at, (row, value)),
        }
    }

    /// Moves the rows from `row` on by `delta` (order is kept: every one moves alike).
    fn shift_from(&mut self, row: u32, delta: i64) {
        let first = self.rows.partition_point(|&(other, _)| other < row);
        for (other, _) in &mut self.rows[first..] {
            *other = (i64::from(*other) + delta) as u32;
        }
    }
}

#[cfg(test)]
#[path = "edit_tests.rs"]
mod tests;
