//! Crowds of markers merged into clusters, as Leaflet.markercluster and supercluster do: at a
//! zoom where many places fall within a few points of each other, one circle with their count
//! stands for them, and a click zooms in until they part. Small crowds are still spread apart
//! (`layout::spread_markers`), so the bundled story looks as it always has.

// foldhash: the grid is rebuilt every frame; SipHash's resistance to crafted keys buys nothing.
use foldhash::HashMap;

/// A point on the plane clustering works in (pixels at one zoom level).
pub type Point = [f64; 2];

/// How close (in points) markers must be to join one cluster.
pub const CLUSTER_RADIUS: f64 = 40.0;

/// The fewest markers a cluster has: smaller crowds are spread apart instead.
pub const CLUSTER_MIN: usize = 10;

/// Markers merged into one.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// Indexes into the points given to [`clusters`].
    pub members: Vec<usize>,
    /// The mean of the members' positions.
    pub center: Point,
}

/// Groups `points` that lie within `radius` of a seed point into clusters of at least
/// `min_members`; points in no cluster are left out. Greedy in the points' order, with a grid of
/// `radius` cells so that each point only looks at its neighbours: linear in the points.
pub fn clusters(points: &[Point], radius: f64, min_members: usize) -> Vec<Cluster> {
    clusters_sized(points, radius, min_members, &|members| {
        cluster_radius(members.len())
    })
}

/// [`clusters`] of points that each stand for `weights[i]` markers (the cells of a store's
/// overview): a cluster's disc is as big as its members' weights make it, and discs stand
/// apart as they do for markers.
pub fn weighted_clusters(points: &[Point], weights: &[u64], radius: f64) -> Vec<Cluster> {
    let weight = |members: &[usize]| -> u64 {
        members
            .iter()
            .map(|&i| weights.get(i).copied().unwrap_or(0))
            .sum()
    };
    clusters_sized(points, radius, 1, &|members| {
        cluster_radius(usize::try_from(weight(members)).unwrap_or(usize::MAX))
    })
}

/// [`clusters`], a cluster's disc as big as `disc` says for its members.
fn clusters_sized(
    points: &[Point],
    radius: f64,
    min_members: usize,
    disc: &dyn Fn(&[usize]) -> f32,
) -> Vec<Cluster> {
    let cell = |p: Point| {
        (
            (p[0] / radius).floor() as i64,
            (p[1] / radius).floor() as i64,
        )
    };
    let finite = |p: &Point| p[0].is_finite() && p[1].is_finite();
    let distance = |a: Point, b: Point| (a[0] - b[0]).hypot(a[1] - b[1]);
    let mut grid: HashMap<(i64, i64), Vec<usize>> = HashMap::default();
    for (i, p) in points.iter().enumerate() {
        if finite(p) {
            grid.entry(cell(*p)).or_default().push(i);
        }
    }
    let mut taken = vec![false; points.len()];
    let mut found = Vec::new();
    // Densest cells first, so that clusters form around the crowds' middles. (Each point's
    // crowd counted once, not at each comparison: for a million places that took half a
    // second of every zoom level.)
    let mut seeds: Vec<usize> = (0..points.len()).collect();
    seeds.sort_by_cached_key(|&i| {
        let (cx, cy) = cell(points[i]);
        let around: usize = (-1..=1)
            .flat_map(|dx| (-1..=1).map(move |dy| (cx + dx, cy + dy)))
            .map(|c| grid.get(&c).map_or(0, Vec::len))
            .sum();
        (std::cmp::Reverse(around), i)
    });
    for seed in seeds {
        if taken[seed] || !finite(&points[seed]) {
            continue;
        }
        let at = points[seed];
        let (cx, cy) = cell(at);
        let mut members = Vec::new();
        for dx in -1..=1 {
            for dy in -1..=1 {
                if let Some(near) = grid.get_mut(&(cx + dx, cy + dy)) {
                    // Points taken leave their cell as it is looked at: a crowd's leftovers
                    // are each looked at once, not at every seed near them (quadratic in a
                    // dense country of millions of places).
                    near.retain(|&j| !taken[j]);
                    members.extend(
                        near.iter()
                            .copied()
                            .filter(|&j| distance(points[j], at) <= radius),
                    );
                }
            }
        }
        if members.len() < min_members {
            continue;
        }
        for &j in &members {
            taken[j] = true;
        }
        found.push(Cluster {
            center: mean(points, &members),
            members,
        });
    }
    // Stragglers near a cluster join the nearest one, so that no lone marker sits at its edge.
    if !found.is_empty() {
        let centers: HashMap<(i64, i64), Vec<usize>> =
            found
                .iter()
                .enumerate()
                .fold(HashMap::default(), |mut map, (k, c)| {
                    map.entry(cell(c.center)).or_default().push(k);
                    map
                });
        for (i, p) in points.iter().enumerate() {
            if taken[i] || !finite(p) {
                continue;
            }
            let (cx, cy) = cell(*p);
            let nearest = (-2..=2)
                .flat_map(|dx| (-2..=2).map(move |dy| (cx + dx, cy + dy)))
                .filter_map(|c| centers.get(&c))
                .flatten()
                .map(|&k| (k, distance(found[k].center, *p)))
                .filter(|(_, d)| *d <= radius * 1.5)
                .min_by(|a, b| a.1.total_cmp(&b.1));
            if let Some((k, _)) = nearest {
                found[k].members.push(i);
                taken[i] = true;
            }
        }
    }
    stand_apart(found, points, disc)
}

/// Levels are built at whole zooms and shown up to half a zoom out, where distances are this
/// much shorter: discs that stand apart at the level's zoom stand apart on screen too.
const HALF_A_ZOOM_OUT: f64 = std::f64::consts::SQRT_2;

/// Room left between two discs, in points.
const GAP: f64 = 2.0;

/// Merges clusters whose discs would overlap (the largest takes the others in) until every two
/// stand apart: a cluster's disc grows with its count, and discs drawn over each other hide
/// their counts.
fn stand_apart(
    mut found: Vec<Cluster>,
    points: &[Point],
    disc_of: &dyn Fn(&[usize]) -> f32,
) -> Vec<Cluster> {
    let disc = |cluster: &Cluster| f64::from(disc_of(&cluster.members));
    // Merging moves centres, which may make new overlaps: a few rounds settle it.
    for _ in 0..32 {
        let widest = found.iter().map(disc).fold(0.0, f64::max);
        let cell_size = (2.0 * widest + GAP) * HALF_A_ZOOM_OUT;
        let cell = |p: Point| {
            (
                (p[0] / cell_size).floor() as i64,
                (p[1] / cell_size).floor() as i64,
            )
        };
        let mut grid: HashMap<(i64, i64), Vec<usize>> = HashMap::default();
        for (k, cluster) in found.iter().enumerate() {
            grid.entry(cell(cluster.center)).or_default().push(k);
        }
        // Largest first: the crowds' middles take in their edges.
        let mut order: Vec<usize> = (0..found.len()).collect();
        order.sort_by_key(|&k| (std::cmp::Reverse(found[k].members.len()), k));
        let mut absorbed = vec![false; found.len()];
        let mut merged_any = false;
        for k in order {
            if absorbed[k] {
                continue;
            }
            let (cx, cy) = cell(found[k].center);
            let near: Vec<usize> = (-1..=1)
                .flat_map(|dx| (-1..=1).map(move |dy| (cx + dx, cy + dy)))
                .filter_map(|c| grid.get(&c))
                .flatten()
                .copied()
                .filter(|&other| other != k && !absorbed[other])
                .filter(|&other| {
                    let (a, b) = (&found[k], &found[other]);
                    let apart = (a.center[0] - b.center[0]).hypot(a.center[1] - b.center[1]);
                    apart < (disc(a) + disc(b) + GAP) * HALF_A_ZOOM_OUT
                })
                .collect();
            if near.is_empty() {
                continue;
            }
            for other in near {
                absorbed[other] = true;
                let members = std::mem::take(&mut found[other].members);
                found[k].members.extend(members);
            }
            found[k].center = mean(points, &found[k].members);
            merged_any = true;
        }
        let mut taken_in = absorbed.into_iter();
        found.retain(|_| !taken_in.next().unwrap_or(false));
        if !merged_any {
            break;
        }
    }
    found
}

/// The mean of the positions of `members`.
fn mean(points: &[Point], members: &[usize]) -> Point {
    let n = members.len().max(1) as f64;
    let sum = members.iter().fold((0.0, 0.0), |(x, y), &j| {
        (x + points[j][0], y + points[j][1])
    });
    [sum.0 / n, sum.1 / n]
}

/// A cluster marker's radius: grows with the log of its count.
pub fn cluster_radius(count: usize) -> f32 {
    12.0 + 4.0 * (count.max(1) as f32).log10()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crowd_becomes_one_cluster_and_a_few_stay_apart() {
        let mut points: Vec<Point> = (0..30)
            .map(|i| [100.0 + (i % 6) as f64 * 3.0, 100.0 + (i / 6) as f64 * 3.0])
            .collect();
        // Three markers far away: too few for a cluster.
        points.extend([[500.0, 500.0], [505.0, 500.0], [510.0, 500.0]]);
        let found = clusters(&points, CLUSTER_RADIUS, CLUSTER_MIN);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].members.len(), 30);
        assert!(
            (found[0].center[0] - 107.5).abs() < 0.01 && (found[0].center[1] - 106.0).abs() < 0.01
        );
    }

    #[test]
    fn a_straggler_beside_a_cluster_joins_it() {
        let mut points: Vec<Point> = (0..12).map(|i| [100.0 + i as f64, 100.0]).collect();
        points.push([150.0, 100.0]);
        points.push([400.0, 100.0]);
        let found = clusters(&points, CLUSTER_RADIUS, CLUSTER_MIN);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].members.contains(&12),
            "50 pt from the middle: joins"
        );
        assert!(!found[0].members.contains(&13), "300 pt away: stays alone");
    }

    #[test]
    fn every_point_is_in_at_most_one_cluster() {
        let points: Vec<Point> = (0..2000)
            .map(|i| [(i * 37 % 400) as f64, (i * 91 % 300) as f64])
            .collect();
        let found = clusters(&points, CLUSTER_RADIUS, CLUSTER_MIN);
        let mut seen = vec![0; points.len()];
        for cluster in &found {
            assert!(cluster.members.len() >= CLUSTER_MIN);
            for &m in &cluster.members {
                seen[m] += 1;
            }
        }
        assert!(seen.iter().all(|&n| n <= 1));
        assert!(!found.is_empty());
    }

    #[test]
    fn the_bundled_storys_crowd_is_too_small_to_cluster() {
        let damascus: Vec<Point> = (0..8).map(|i| [200.0 + i as f64, 200.0]).collect();
        assert!(clusters(&damascus, CLUSTER_RADIUS, CLUSTER_MIN).is_empty());
    }

    /// Crowds spread over a country at every density: no two discs overlap, even drawn half a
    /// zoom out, and every point is in one cluster at most.
    #[test]
    fn cluster_discs_never_overlap() {
        for spacing in [3.0, 9.0, 17.0, 31.0] {
            let points: Vec<Point> = (0..20_000)
                .map(|i| {
                    let (x, y) = ((i * 7919 % 601) as f64, (i * 104_729 % 409) as f64);
                    [x * spacing / 10.0, y * spacing / 10.0]
                })
                .collect();
            let found = clusters(&points, CLUSTER_RADIUS, CLUSTER_MIN);
            assert!(found.len() > 1, "spacing {spacing}");
            let mut seen = vec![0; points.len()];
            for (k, a) in found.iter().enumerate() {
                for &m in &a.members {
                    seen[m] += 1;
                }
                for b in &found[k + 1..] {
                    let apart = (a.center[0] - b.center[0]).hypot(a.center[1] - b.center[1]);
                    let discs = f64::from(
                        cluster_radius(a.members.len()) + cluster_radius(b.members.len()),
                    );
                    assert!(
                        apart / HALF_A_ZOOM_OUT >= discs,
                        "spacing {spacing}: discs of {} and {} overlap ({apart:.1} apart)",
                        a.members.len(),
                        b.members.len()
                    );
                }
            }
            assert!(seen.iter().all(|&n| n <= 1));
        }
    }

    #[test]
    fn weighted_points_stand_apart_by_what_they_weigh() {
        let points = [[0.0, 0.0], [80.0, 0.0]];
        // A marker each: two discs of 12 points, far enough apart.
        assert_eq!(weighted_clusters(&points, &[1, 1], CLUSTER_RADIUS).len(), 2);
        // A hundred thousand places each: discs of 32 points would touch half a zoom out.
        let heavy = weighted_clusters(&points, &[100_000, 100_000], CLUSTER_RADIUS);
        assert_eq!(heavy.len(), 1);
        assert_eq!(heavy[0].members, vec![0, 1]);
    }

    #[test]
    fn a_cluster_grows_with_its_count() {
        assert!(cluster_radius(1000) > cluster_radius(10));
    }
}
