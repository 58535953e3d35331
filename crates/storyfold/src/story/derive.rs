//! Derivation inside a story: how the members relate, families of derived versions, the origin
//! of each family and the `derived_from` edges.
//!
//! [`derive`] takes the members of one story (their texts prepared as [`PreparedDoc`]s and their
//! publication times) and works in five steps:
//!
//! 1. **Story order.** Members are ordered by publication time, undated members after the dated
//!    ones, ties and undated members in input order. A bare date (`2026-11-04`, read as midnight
//!    UTC) means "some time that day": it ranks after every precise time of that day (so a wire
//!    story stamped 07:45 ranks before a copy dated only by the day). Each aligned pair is aligned with the later
//!    member as B and the earlier one as A ([`Aligner::align`]).
//! 2. **Pairs.** Stories of at most [`DeriveConfig::all_pairs_max`] (16) members align every
//!    pair. Larger stories align each member only against at most
//!    [`DeriveConfig::candidates`] (2) earlier members chosen by a cheap similarity: the
//!    members' *signatures* are their [`SIGNATURE_TOKENS`] (48) distinct tokens of highest IDF
//!    weight, and an earlier member scores the IDF weight of the signature tokens it shares
//!    divided by the geometric mean of the two signature weights (an inverted index over
//!    signatures, so the cost is linear in the story size times the candidates). A member
//!    needs one source; the second candidate is the fallback when the first is no link. (Aligning
//!    each member also with the story's first member and with 4 candidates cost twice as many
//!    alignments on the generated million's largest stories and found fewer variants' true
//!    sources, see docs/performance.md.)
//! 3. **Families.** Two members are linked when their alignment relation is `exact`,
//!    `near_duplicate` or `rewrite`; families are the connected components of the links (a
//!    member without links is a family of its own).
//! 4. **Origin of each family.** Members of a family are ranked by: dated before undated, then
//!    earliest `published`, then highest *mean containment of the other members in it* (for
//!    every other member aligned with it, the share of that member's text found in it, averaged),
//!    then input order. The first in this *family order* is the origin. Without dates the origin
//!    is thus the version that contains the others best; between exact copies the first in input
//!    order wins.
//! 5. **`derived_from`.** Each non-origin member derives from the linked member ranked before it
//!    in family order that is best by: stronger relation (`exact` > `near_duplicate` >
//!    `rewrite`), then higher containment of the member in it (share of the member's text found
//!    there), then higher alignment score, then earlier rank. A member without a linked member
//!    ranked before it (a version that only later versions drew on) takes the best linked member
//!    that does not derive from it, so the edges always form a tree rooted at the origin; should
//!    none exist, it derives from the family origin.
//!
//! The **story origin** is the family origin ranked first by: dated before undated, earliest
//! `published`, larger family, input order. Every member except the story origin has a
//! *reference*: its `derived_from` member, else (origins of other families and members of
//! single-member families) the story origin; [`Derivation::reference_alignment`] holds the
//! alignment of the member (B) against its reference (A), from which the report takes what the
//! member adds and the facts it disagrees on.

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;
use rustc_hash::FxHashSet;

use crate::align::alignment::{Aligner, Alignment, DocAnalysis, Relation};
use crate::align::PreparedDoc;

/// Stories up to this many members align every pair of members.
pub const ALL_PAIRS_MAX: usize = 16;
/// In larger stories, the earlier members each member is aligned against.
pub const CANDIDATES: usize = 2;
/// Distinct highest-IDF tokens in a member's signature for candidate selection.
pub const SIGNATURE_TOKENS: usize = 48;
/// Earlier members sharing a signature token looked at per token when choosing a member's
/// candidates in a large story: the latest ones in story order. Without it, a story of `n`
/// members sharing their signature tokens (one text posted again and again) costs
/// `48 n² / 2` steps; with it at most `48 x 1,000` per member. Stories of news rarely reach
/// a few hundred members.
pub const MAX_SIGNATURE_POSTINGS: usize = 1000;

/// Settings of [`derive`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DeriveConfig {
    /// Stories with at most this many members align all pairs ([`ALL_PAIRS_MAX`]).
    pub all_pairs_max: usize,
    /// Candidates per member in larger stories ([`CANDIDATES`]).
    pub candidates: usize,
}

impl Default for DeriveConfig {
    fn default() -> Self {
        DeriveConfig {
            all_pairs_max: ALL_PAIRS_MAX,
            candidates: CANDIDATES,
        }
    }
}

/// The role of a member in its story: origin of a family, or its relation to its reference.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The origin of a family of two or more versions, or the story origin.
    Origin,
    /// Same text as the member it derives from.
    Exact,
    /// Near-duplicate of the member it derives from.
    NearDuplicate,
    /// Rewrite of the member it derives from.
    Rewrite,
    /// An independent report of the story (no derived text).
    SameStory,
}

impl Role {
    /// The role of a member deriving from another with relation `r`.
    pub fn from_relation(r: Relation) -> Self {
        match r {
            Relation::Exact => Role::Exact,
            Relation::NearDuplicate => Role::NearDuplicate,
            Relation::Rewrite => Role::Rewrite,
            Relation::SameStory | Relation::Unrelated => Role::SameStory,
        }
    }

    /// The snake_case name used in the output.
    pub fn name(self) -> &'static str {
        match self {
            Role::Origin => "origin",
            Role::Exact => "exact",
            Role::NearDuplicate => "near_duplicate",
            Role::Rewrite => "rewrite",
            Role::SameStory => "same_story",
        }
    }
}

/// The alignment of member `b` against the earlier member `a` (indices into the members).
#[derive(Clone, Debug)]
pub struct Pair {
    /// Earlier member (A of the alignment).
    pub a: usize,
    /// Later member (B of the alignment).
    pub b: usize,
    /// `Aligner::align(a, b)`.
    pub alignment: Alignment,
}

/// A family of derived versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Family {
    /// Its origin.
    pub origin: usize,
    /// Its members in family order (origin first).
    pub members: Vec<usize>,
}

/// The derivation structure of one story (all indices are positions in the input members).
#[derive(Clone, Debug)]
pub struct Derivation {
    /// Members in story order (dated by time, then undated; ties in input order).
    pub order: Vec<usize>,
    /// Every alignment computed.
    pub pairs: Vec<Pair>,
    /// Family index of each member (into [`Derivation::families`]).
    pub family: Vec<usize>,
    /// Families, ordered by the story order of their origins.
    pub families: Vec<Family>,
    /// The member each member derives from (`None` for family origins and single-member families).
    pub derived_from: Vec<Option<usize>>,
    /// The role of each member.
    pub role: Vec<Role>,
    /// The story origin.
    pub story_origin: usize,
    /// The member each member is compared with: `derived_from`, else the story origin (`None`
    /// for the story origin itself).
    pub reference: Vec<Option<usize>>,
    /// Alignment of each member (B) against its reference (A).
    pub reference_alignment: Vec<Option<Alignment>>,
    /// Whether a limit cut some work short: an alignment's ([`Alignment::truncated`]), or the
    /// candidate choice's ([`MAX_SIGNATURE_POSTINGS`]).
    pub truncated: bool,
}

impl Derivation {
    /// The computed alignment of two members, in whichever direction it was computed.
    pub fn pair(&self, x: usize, y: usize) -> Option<&Pair> {
        self.pairs
            .iter()
            .find(|p| (p.a == x && p.b == y) || (p.a == y && p.b == x))
    }
}

/// Order key of a publication time: dated first, then by time; a bare date (read as midnight
/// UTC) ranks at the end of its day, after every precise time of that day.
pub fn time_key(t: Option<DateTime<FixedOffset>>) -> (bool, i64, bool) {
    match t {
        Some(d) => {
            let bare = d.offset().local_minus_utc() == 0 && d.timestamp().rem_euclid(86_400) == 0;
            (false, d.timestamp() + if bare { 86_399 } else { 0 }, bare)
        }
        None => (true, 0, false),
    }
}

/// Share of `part`'s text found in `whole` according to an alignment between the two.
fn containment_in(p: &Pair, part: usize) -> f64 {
    if p.b == part {
        p.alignment.containment_b_in_a
    } else {
        p.alignment.containment_a_in_b
    }
}

fn is_link(r: Relation) -> bool {
    r >= Relation::Rewrite
}

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

/// The pairs (earlier, later) of story-order ranks to align, and whether
/// [`MAX_SIGNATURE_POSTINGS`] left some earlier members out of the choice.
fn pairs_to_align(
    order: &[usize],
    docs: &[PreparedDoc],
    aligner: &Aligner,
    cfg: &DeriveConfig,
) -> (Vec<(usize, usize)>, bool) {
    let n = order.len();
    let mut out = Vec::new();
    let mut cut = false;
    if n <= cfg.all_pairs_max {
        for j in 1..n {
            for i in 0..j {
                out.push((order[i], order[j]));
            }
        }
        return (out, cut);
    }
    // Signatures: the distinct highest-IDF tokens of each member (ties by token), in that order.
    let by_weight = |x: &(&str, f64), y: &(&str, f64)| y.1.total_cmp(&x.1).then(x.0.cmp(y.0));
    let signatures: Vec<Vec<(&str, f64)>> = order
        .iter()
        .map(|&m| {
            let toks: FxHashSet<&str> = docs[m]
                .sentences
                .iter()
                .flat_map(|s| s.tokens.iter().map(String::as_str))
                .collect();
            let mut w: Vec<(&str, f64)> = toks
                .into_iter()
                .map(|t| (t, aligner.token_idf(t)))
                .collect();
            if w.len() > SIGNATURE_TOKENS {
                w.select_nth_unstable_by(SIGNATURE_TOKENS - 1, by_weight);
                w.truncate(SIGNATURE_TOKENS);
            }
            w.sort_unstable_by(by_weight);
            w
        })
        .collect();
    let totals: Vec<f64> = signatures
        .iter()
        .map(|s| s.iter().map(|x| x.1).sum())
        .collect();
    let mut index: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut score = vec![0.0f64; n];
    for j in 0..n {
        let mut touched = Vec::new();
        for &(t, w) in &signatures[j] {
            if let Some(list) = index.get(t) {
                let from = list.len().saturating_sub(MAX_SIGNATURE_POSTINGS);
                cut |= from > 0;
                for &i in &list[from..] {
                    if score[i] == 0.0 {
                        touched.push(i);
                    }
                    score[i] += w;
                }
            }
        }
        let mut cands: Vec<(usize, f64)> = touched
            .iter()
            .map(|&i| {
                let d = (totals[i] * totals[j]).sqrt();
                (i, if d > 0.0 { score[i] / d } else { 0.0 })
            })
            .collect();
        cands.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        for &(i, _) in cands.iter().take(cfg.candidates) {
            out.push((order[i], order[j]));
        }
        for i in touched {
            score[i] = 0.0;
        }
        for &(t, _) in &signatures[j] {
            index.entry(t).or_default().push(j);
        }
    }
    (out, cut)
}

/// Derive the structure of one story: `docs[i]` is member `i`'s prepared text and
/// `published[i]` its publication time (see the [module docs](self) for the method).
/// Both slices must have the same length; extra entries of the longer one are ignored.
pub fn derive(
    docs: &[PreparedDoc],
    published: &[Option<DateTime<FixedOffset>>],
    aligner: &Aligner,
    cfg: &DeriveConfig,
) -> Derivation {
    let n = docs.len().min(published.len());
    let docs = &docs[..n];
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (time_key(published[i]), i));

    // Alignments (each member analyzed once).
    // In parallel (nested in the caller's parallel loop over stories, if any): a large story
    // must not leave the other workers idle while its alignments run on one thread.
    let analyses: Vec<DocAnalysis> = docs.par_iter().map(|d| aligner.analyze(d)).collect();
    let align =
        |a: usize, b: usize| aligner.align_analyzed(&docs[a], &analyses[a], &docs[b], &analyses[b]);
    let (to_align, mut truncated) = pairs_to_align(&order, docs, aligner, cfg);
    let pairs: Vec<Pair> = to_align
        .into_par_iter()
        .map(|(a, b)| Pair {
            a,
            b,
            alignment: align(a, b),
        })
        .collect();
    truncated |= pairs.iter().any(|p| p.alignment.truncated);
    let mut by_member: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (k, p) in pairs.iter().enumerate() {
        by_member[p.a].push(k);
        by_member[p.b].push(k);
    }
    let other = |p: &Pair, x: usize| if p.a == x { p.b } else { p.a };

    // Families: components of the links.
    let mut uf: Vec<usize> = (0..n).collect();
    for p in &pairs {
        if is_link(p.alignment.relation) {
            let (x, y) = (find(&mut uf, p.a), find(&mut uf, p.b));
            if x != y {
                uf[x.max(y)] = x.min(y);
            }
        }
    }
    let roots: Vec<usize> = (0..n).map(|i| find(&mut uf, i)).collect();

    // Mean containment of the other family members in each member.
    let mean_containment: Vec<f64> = (0..n)
        .map(|x| {
            let (mut sum, mut count) = (0.0, 0usize);
            for &k in &by_member[x] {
                let p = &pairs[k];
                let y = other(p, x);
                if roots[y] == roots[x] {
                    sum += containment_in(p, y);
                    count += 1;
                }
            }
            if count > 0 {
                sum / count as f64
            } else {
                0.0
            }
        })
        .collect();
    let family_cmp = |&x: &usize, &y: &usize| -> Ordering {
        time_key(published[x])
            .cmp(&time_key(published[y]))
            .then(mean_containment[y].total_cmp(&mean_containment[x]))
            .then(x.cmp(&y))
    };

    // Families in family order, listed by the story order of their origins.
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for &m in &order {
        groups.entry(roots[m]).or_default().push(m);
    }
    let mut families: Vec<Family> = groups
        .into_values()
        .map(|mut members| {
            members.sort_by(family_cmp);
            Family {
                origin: members[0],
                members,
            }
        })
        .collect();
    let story_rank: Vec<usize> = {
        let mut r = vec![0; n];
        for (k, &m) in order.iter().enumerate() {
            r[m] = k;
        }
        r
    };
    families.sort_by_key(|f| story_rank[f.origin]);
    let mut family = vec![0usize; n];
    for (fi, f) in families.iter().enumerate() {
        for &m in &f.members {
            family[m] = fi;
        }
    }

    // derived_from inside each family.
    let mut derived_from: Vec<Option<usize>> = vec![None; n];
    for f in &families {
        let rank: HashMap<usize, usize> =
            f.members.iter().enumerate().map(|(r, &m)| (m, r)).collect();
        // Best linked member of `x` among those accepted by `ok`.
        let best = |x: usize, ok: &dyn Fn(usize) -> bool| -> Option<usize> {
            let mut best: Option<(usize, &Pair)> = None;
            for &k in &by_member[x] {
                let p = &pairs[k];
                let y = other(p, x);
                if !rank.contains_key(&y) || !is_link(p.alignment.relation) || !ok(y) {
                    continue;
                }
                let better = match best {
                    None => true,
                    Some((by, bp)) => {
                        let c = |q: &Pair| (containment_in(q, x) * 1e6).round();
                        p.alignment
                            .relation
                            .cmp(&bp.alignment.relation)
                            .then(c(p).total_cmp(&c(bp)))
                            .then(p.alignment.score.total_cmp(&bp.alignment.score))
                            .then(rank[&by].cmp(&rank[&y]))
                            == Ordering::Greater
                    }
                };
                if better {
                    best = Some((y, p));
                }
            }
            best.map(|b| b.0)
        };
        let mut deferred = Vec::new();
        for (r, &x) in f.members.iter().enumerate().skip(1) {
            match best(x, &|y| rank[&y] < r) {
                Some(y) => derived_from[x] = Some(y),
                None => deferred.push(x),
            }
        }
        if deferred.is_empty() {
            continue;
        }
        // Members deriving (directly or not) from a deferred x cannot be its source: they are
        // x's subtree in the derivation tree, marked by one walk down it per deferred member
        // (linear in the family, where walking up from every candidate made a family of n
        // members cost up to n³).
        let mut children: HashMap<usize, Vec<usize>> = HashMap::new();
        for &m in &f.members {
            if let Some(p) = derived_from[m] {
                children.entry(p).or_default().push(m);
            }
        }
        let mut below: HashMap<usize, usize> = HashMap::new(); // member -> stamp of the last walk
        let mut stack = Vec::new();
        for (stamp, x) in deferred.into_iter().enumerate() {
            stack.push(x);
            while let Some(c) = stack.pop() {
                if below.insert(c, stamp) == Some(stamp) {
                    continue;
                }
                stack.extend(children.get(&c).into_iter().flatten().copied());
            }
            let descends_from_x = |y: usize| below.get(&y) == Some(&stamp);
            let pick = best(x, &|y| y != f.origin && !descends_from_x(y))
                .or_else(|| best(x, &|y| y == f.origin))
                .unwrap_or(f.origin);
            derived_from[x] = Some(pick);
            children.entry(pick).or_default().push(x);
        }
    }

    // Story origin.
    let story_origin = families
        .iter()
        .min_by(|f, g| {
            time_key(published[f.origin])
                .cmp(&time_key(published[g.origin]))
                .then(g.members.len().cmp(&f.members.len()))
                .then(f.origin.cmp(&g.origin))
        })
        .map_or(0, |f| f.origin);

    // References and their alignments.
    let mut reference = vec![None; n];
    let mut reference_alignment = vec![None; n];
    let mut role = vec![Role::SameStory; n];
    let aligned_with = |r: usize, x: usize| match by_member[x]
        .iter()
        .map(|&k| &pairs[k])
        .find(|p| p.a == r && p.b == x)
    {
        Some(p) => p.alignment.clone(),
        None => align(r, x),
    };
    for x in 0..n {
        let mut r = if x == story_origin {
            None
        } else {
            derived_from[x].or(Some(story_origin))
        };
        let mut al = r.map(|r| aligned_with(r, x));
        if let (Some(y), Some(a)) = (derived_from[x], &al) {
            // A member derives through a link, and its role is that link: the strongest
            // relation between it and its parent, in either direction (the alignment of the
            // member against its parent can say less than the one that linked them).
            let link = by_member[x]
                .iter()
                .map(|&k| &pairs[k])
                .filter(|p| other(p, x) == y)
                .map(|p| p.alignment.relation)
                .fold(a.relation, Ord::max);
            if is_link(link) {
                role[x] = Role::from_relation(link);
            } else {
                // No link to the parent it fell back on: an independent report, not derived.
                derived_from[x] = None;
                r = Some(story_origin);
                al = Some(aligned_with(story_origin, x));
            }
        }
        reference[x] = r;
        if let Some(al) = al {
            truncated |= al.truncated;
            reference_alignment[x] = Some(al);
        }
        if x == story_origin
            || (families[family[x]].origin == x && families[family[x]].members.len() > 1)
        {
            role[x] = Role::Origin;
        }
    }

    Derivation {
        order,
        pairs,
        family,
        families,
        derived_from,
        role,
        story_origin,
        reference,
        reference_alignment,
        truncated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::similarity::Idf;

    const ORIGINAL: &str = "The Kessler Dam on the Oru River will be drained for repairs starting on Monday, the regional water board said. \
Engineers found a leak in the northern spillway during an inspection last week. \
The board expects the work to cost 3.1 million dollars and to last about five months. \
Farmers downstream will receive water from the Lindqvist reservoir while the dam is empty. \
\"We have no reason to think the dam is unsafe,\" said board chair Ana Petrescu. \
The dam was built in 1962 and last repaired in 1998. \
Anglers have been asked to stay away from the spillway during the works. \
A public meeting on the plans will be held in Oru town hall on Thursday evening.";

    const REWRITE: &str = "The Kessler Dam on the Oru River will be emptied for repairs starting Monday, the regional water board said. \
Engineers found a leak in the northern spillway during a routine inspection last week. \
The board expects the work to cost 3.1 million dollars and to last roughly five months. \
\"We have no reason to think the dam is unsafe,\" said board chair Ana Petrescu. \
Local councillors said they would press the board for a faster timetable.";

    const INDEPENDENT: &str =
        "Opinion is divided in the town about the future of the lake behind the wall. \
Several longtime residents told us they had never trusted the old concrete wall. \
Tomas Brandt, a retired surveyor, recalled fishing below it as a boy in the sixties. \
Younger families mostly worry about the smell of the mud once the lake is gone. \
The mayor has promised to publish every document the water board sends her. \
A petition calling for a new footpath across the top has gathered two hundred names.";

    fn ts(s: &str) -> Option<DateTime<FixedOffset>> {
        Some(DateTime::parse_from_rfc3339(s).expect("date"))
    }

    fn run(texts: &[&str], dates: &[Option<DateTime<FixedOffset>>]) -> Derivation {
        let docs: Vec<PreparedDoc> = texts.iter().map(|t| PreparedDoc::new(t)).collect();
        derive(
            &docs,
            dates,
            &Aligner::new(Idf::builtin()),
            &DeriveConfig::default(),
        )
    }

    #[test]
    fn wire_copy_rewrite_and_independent_report() {
        // Input order differs from time order on purpose.
        let texts = [REWRITE, INDEPENDENT, ORIGINAL, ORIGINAL];
        let dates = [
            ts("2026-03-03T10:00:00Z"),
            ts("2026-03-02T15:00:00Z"),
            ts("2026-03-02T08:00:00Z"),
            ts("2026-03-02T09:00:00Z"),
        ];
        let d = run(&texts, &dates);
        assert_eq!(d.order, vec![2, 3, 1, 0]);
        assert_eq!(d.story_origin, 2);
        assert_eq!(d.families.len(), 2, "{:?}", d.families);
        assert_eq!(d.families[0].origin, 2);
        assert_eq!(d.families[0].members, vec![2, 3, 0]);
        assert_eq!(d.families[1].members, vec![1]);
        assert_eq!(d.derived_from, vec![Some(2), None, None, Some(2)]);
        assert_eq!(
            d.role,
            vec![Role::Rewrite, Role::SameStory, Role::Origin, Role::Exact]
        );
        assert_eq!(d.reference, vec![Some(2), Some(2), None, Some(2)]);
        let rw = d.reference_alignment[0].as_ref().expect("aligned");
        assert_eq!(rw.relation, Relation::Rewrite);
        // The rewrite added one sentence (the councillors).
        assert_eq!(rw.added, vec![4]);
        assert!(d.reference_alignment[2].is_none());
        // All six pairs of a small story are aligned.
        assert_eq!(d.pairs.len(), 6);
        assert!(d.pairs.iter().all(
            |p| d.order.iter().position(|&m| m == p.a) < d.order.iter().position(|&m| m == p.b)
        ));
    }

    #[test]
    fn without_dates_the_containing_version_is_the_origin() {
        // A cut-down copy first, then the rewrite, the independent report and the full original.
        let cut: String = ORIGINAL.split(". ").take(6).collect::<Vec<_>>().join(". ") + ".";
        let texts = [cut.as_str(), REWRITE, INDEPENDENT, ORIGINAL];
        let d = run(&texts, &[None, None, None, None]);
        assert_eq!(d.order, vec![0, 1, 2, 3]);
        let fam = &d.families[d.family[3]];
        assert_eq!(fam.origin, 3, "{:?}", d.families);
        assert_eq!(d.story_origin, 3);
        assert_eq!(d.role[3], Role::Origin);
        assert_eq!(d.derived_from[0], Some(3));
        assert_eq!(d.derived_from[1], Some(3));
        assert_eq!(d.derived_from[2], None);
        assert_eq!(d.role[2], Role::SameStory);
        assert_eq!(d.reference[2], Some(3));
    }

    #[test]
    fn exact_copies_without_dates_tie_break_on_input_order() {
        let texts = [REWRITE, ORIGINAL, ORIGINAL];
        let d = run(&texts, &[None, None, None]);
        assert_eq!(d.families.len(), 1);
        assert_eq!(d.families[0].origin, 1);
        assert_eq!(d.derived_from, vec![Some(1), None, Some(1)]);
        assert_eq!(d.role, vec![Role::Rewrite, Role::Origin, Role::Exact]);
    }

    #[test]
    fn a_bare_date_ranks_after_precise_times_of_its_day() {
        // The copy is dated only by the day (midnight UTC); the wire has a time that day.
        let texts = [ORIGINAL, ORIGINAL, REWRITE];
        let dates = [
            ts("2026-03-02T00:00:00Z"),
            ts("2026-03-02T07:45:00Z"),
            ts("2026-03-01T00:00:00Z"),
        ];
        let d = run(&texts, &dates);
        assert_eq!(d.order, vec![2, 1, 0]);
        // The rewrite is dated the day before, so it is the origin of the family here.
        assert_eq!(d.families[0].origin, 2);
        assert_eq!(d.derived_from[0], Some(1));
        assert_eq!(d.role[0], Role::Exact);
    }

    #[test]
    fn dated_members_rank_before_undated_ones() {
        let texts = [ORIGINAL, REWRITE];
        let d = run(&texts, &[None, ts("2026-03-03T10:00:00Z")]);
        assert_eq!(d.order, vec![1, 0]);
        assert_eq!(d.story_origin, 1);
        assert_eq!(d.derived_from, vec![Some(1), None]);
    }

    #[test]
    fn large_stories_align_a_bounded_number_of_pairs() {
        let cfg = DeriveConfig {
            all_pairs_max: 3,
            candidates: 2,
        };
        let texts = [ORIGINAL, ORIGINAL, REWRITE, INDEPENDENT, ORIGINAL, REWRITE];
        let docs: Vec<PreparedDoc> = texts.iter().map(|t| PreparedDoc::new(t)).collect();
        let d = derive(&docs, &[None; 6], &Aligner::new(Idf::builtin()), &cfg);
        // Each member is aligned with at most two earlier members (all pairs would be 15).
        for j in 0..6 {
            let rank = d.order.iter().position(|&m| m == j).unwrap();
            let as_later = d.pairs.iter().filter(|p| p.b == j).count();
            assert!(as_later <= rank.min(2), "member {j}: {as_later} pairs");
        }
        assert!(d.pairs.len() <= 9, "{}", d.pairs.len());
        // Still one tree per family, rooted at the origin.
        for (x, p) in d.derived_from.iter().enumerate() {
            if let Some(p) = p {
                assert_eq!(d.family[x], d.family[*p]);
            }
        }
        // The origin is one of the three copies of the original (with bounded pairs their mean
        // containments differ); the two copies of the rewrite derive from each other or from a
        // copy of the original, and every chain of `derived_from` ends at the origin.
        let origin = d.families[d.family[0]].origin;
        assert!([0, 1, 4].contains(&origin), "{origin}");
        assert_eq!(d.family[2], d.family[0]);
        assert!(matches!(d.derived_from[2], Some(0 | 1 | 4 | 5)));
        assert!(matches!(d.derived_from[5], Some(0 | 1 | 2 | 4)));
        for start in [0, 1, 2, 4, 5] {
            let (mut x, mut steps) = (start, 0);
            while let Some(p) = d.derived_from[x] {
                x = p;
                steps += 1;
                assert!(steps < 6, "cycle through {start}");
            }
            assert_eq!(x, origin);
        }
        assert_eq!(d.role[3], Role::SameStory);
    }

    /// `n` sentences sharing no word with any other sentence, numbered from `from`.
    fn sentences(from: usize, n: usize) -> String {
        const SYLLABLES: [&str; 10] = ["ka", "lo", "mi", "ne", "ru", "si", "to", "ve", "da", "pe"];
        let word = |i: usize| {
            format!(
                "{}{}{}{}",
                SYLLABLES[i % 10],
                SYLLABLES[i / 10 % 10],
                SYLLABLES[i / 100 % 10],
                SYLLABLES[i / 1000 % 10]
            )
        };
        (from..from + n)
            .map(|i| {
                let words: Vec<String> = (0..9).map(|j| word(i * 9 + j)).collect();
                format!("The {} said on Monday.", words.join(" "))
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn a_member_linked_only_to_later_members_derives_from_one_outside_its_subtree() {
        // X (first) is extended by Z (last); Y (between them) shares only Z's new sentences,
        // so Y has no linked member before it: it is deferred, and its source must be a member
        // that does not derive from it.
        let x = sentences(0, 8);
        let z = format!("{x} {}", sentences(100, 8));
        let y = format!("{} {}", sentences(100, 8), sentences(200, 2));
        let texts = [x.as_str(), y.as_str(), z.as_str()];
        let dates = [
            ts("2024-05-01T08:00:00Z"),
            ts("2024-05-02T08:00:00Z"),
            ts("2024-05-03T08:00:00Z"),
        ];
        let d = run(&texts, &dates);
        let linked = |a: usize, b: usize| {
            d.pairs.iter().any(|p| {
                ((p.a, p.b) == (a, b) || (p.a, p.b) == (b, a)) && is_link(p.alignment.relation)
            })
        };
        assert!(!linked(0, 1), "X and Y share no sentence");
        assert!(linked(1, 2) && linked(0, 2));
        assert_eq!(d.family[0], d.family[1]);
        assert_eq!(d.families[d.family[0]].origin, 0);
        // Y's source is Z or X, never itself or a member deriving from it; the tree has no
        // cycle and every chain ends at X.
        let source = d.derived_from[1].expect("Y has a source");
        assert!(source == 0 || source == 2);
        if source == 2 {
            assert_eq!(d.derived_from[2], Some(0));
        }
        for start in 0..3 {
            let (mut m, mut steps) = (start, 0);
            while let Some(p) = d.derived_from[m] {
                m = p;
                steps += 1;
                assert!(steps < 3, "cycle through {start}");
            }
            assert_eq!(m, 0);
        }
    }

    #[test]
    fn candidates_are_the_most_similar_earlier_members() {
        // One candidate each: the rewrite is aligned with the original, not with the
        // independent report before it, and derives from it.
        let cfg = DeriveConfig {
            all_pairs_max: 1,
            candidates: 1,
        };
        let texts = [ORIGINAL, INDEPENDENT, REWRITE];
        let docs: Vec<PreparedDoc> = texts.iter().map(|t| PreparedDoc::new(t)).collect();
        let d = derive(&docs, &[None; 3], &Aligner::new(Idf::builtin()), &cfg);
        let with_rewrite: Vec<usize> = d.pairs.iter().filter(|p| p.b == 2).map(|p| p.a).collect();
        assert_eq!(with_rewrite, vec![0]);
        assert_eq!(d.derived_from[2], Some(0));
        assert_eq!(d.role[2], Role::Rewrite);
        // No candidates: no pairs, every member compared with the story origin only.
        let none = DeriveConfig {
            all_pairs_max: 1,
            candidates: 0,
        };
        let d = derive(&docs, &[None; 3], &Aligner::new(Idf::builtin()), &none);
        assert!(d.pairs.is_empty());
        assert_eq!(d.reference, vec![None, Some(0), Some(0)]);
        assert!(d.reference_alignment[2].is_some());
    }

    #[test]
    fn empty_and_single_member_stories() {
        let d = run(&[], &[]);
        assert!(d.families.is_empty());
        let d = run(&[ORIGINAL], &[None]);
        assert_eq!(d.story_origin, 0);
        assert_eq!(d.role, vec![Role::Origin]);
        assert!(d.pairs.is_empty());
        assert!(!d.truncated);
    }

    #[test]
    fn candidate_choice_in_a_huge_story_looks_at_the_latest_sharers_only() {
        // One text posted again and again: every member shares every signature token.
        let aligner = Aligner::new(Idf::builtin());
        let cfg = DeriveConfig::default();
        let docs = |n: usize| -> Vec<PreparedDoc> {
            (0..n)
                .map(|i| PreparedDoc::new(&format!("{ORIGINAL} Copy {i}.")))
                .collect()
        };
        let order = |n: usize| -> Vec<usize> { (0..n).collect() };
        let small = docs(200);
        let (pairs, cut) = pairs_to_align(&order(200), &small, &aligner, &cfg);
        assert!(!cut);
        assert_eq!(pairs.len(), 199 * cfg.candidates - 1);
        let n = MAX_SIGNATURE_POSTINGS + 100;
        let big = docs(n);
        let (pairs, cut) = pairs_to_align(&order(n), &big, &aligner, &cfg);
        assert!(cut);
        assert_eq!(pairs.len(), (n - 1) * cfg.candidates - 1);
        // Each member's candidates are among the latest sharers before it.
        assert!(pairs
            .iter()
            .all(|&(i, j)| i < j && j - i <= MAX_SIGNATURE_POSTINGS));
        // The flag reaches the derivation.
        let d = derive(
            &big[..MAX_SIGNATURE_POSTINGS + 2],
            &vec![None; MAX_SIGNATURE_POSTINGS + 2],
            &aligner,
            &cfg,
        );
        assert!(d.truncated);
    }
}
