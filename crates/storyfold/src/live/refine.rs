//! Changes to stories after insertion: the online refinement with its events, removal of an
//! article (with re-derivation of the articles that derived from it) and eviction.
//!
//! **Ids through the refinement.** The refinement of [`crate::story::cluster`] works on the
//! clusterer's story slots and reports its changes in order; they become events here. On a
//! merge the smaller id of the two stays on the merged story (`merged`: `story` kept, `other`
//! gone). On a bisection the new part gets a new id unless it holds the story's origin (its
//! earliest article), in which case it takes the old id and the other part the new one
//! (`split`: `story` = the old id, `other` = the new one); a member that leaves as a story of
//! its own is a split too (with its `article`). A member moved to another existing story is
//! `moved` (`story` = where it went, `other` = where it was).
//!
//! Articles whose story changed keep their placement when what they derive from is in the
//! same story; otherwise they are derived again in their new story, as on removal.

use std::collections::{HashMap, HashSet};

use super::df::decode_buckets;
use super::place::{
    after_commit, derivation_candidates, derive_against, find_copy, finish_batch, BatchMaps,
    Candidate, Lookup,
};
use super::state::State;
use super::{event, now, EventKind, Inner, Relation, StoryIndex};
use crate::align::PreparedDoc;
use crate::error::{Error, Result};
use crate::store::{Batch, EventRow, Replacement, Store};
use crate::story::cluster::Change;
use crate::story::derive::time_key;
use crate::story::features::dot;

/// The origin (smallest order key) of each non-empty slot: its sequence number.
fn origins(st: &State) -> HashMap<usize, u64> {
    (0..st.cl.stories().len())
        .filter_map(|slot| {
            st.members(slot)
                .into_iter()
                .min_by_key(|(_, m)| m.key)
                .map(|(_, m)| (slot, m.seq))
        })
        .collect()
}

/// Derive article `seq` again among the members of its slot inserted before it, leaving out
/// `removed`: a copy, else an alignment with the best candidates.
fn rederive(
    index: &StoryIndex,
    st: &State,
    store: &dyn Store,
    seq: u64,
    removed: &HashSet<u64>,
) -> Result<Option<Replacement>> {
    let Some(slot) = st.slot_of_seq(seq) else {
        return Ok(None);
    };
    let Some(row) = store.article(seq)? else {
        return Ok(None);
    };
    let story = st.id_of(slot).unwrap_or(row.story);
    let accept = |s: u64| s < seq && !removed.contains(&s) && st.slot_of_seq(s) == Some(slot);
    let maps = BatchMaps::default();
    let lookup = Lookup { store, maps: &maps };
    let copy = find_copy(
        lookup,
        &|s| store.signature(s),
        row.exact_hash,
        &row.signature,
        &row.bands,
        index.settings.dedup.threshold,
        &accept,
    )?;
    if let Some(c) = copy {
        let original = store.article(c.seq)?.map(|r| r.id).unwrap_or_default();
        return Ok(Some(Replacement {
            seq,
            story,
            relation: c.relation.name().to_string(),
            duplicate_of: Some(original.clone()),
            derived_from: Some(original),
            similarity: Some(c.jaccard),
        }));
    }
    let Some(v) = st.vector_of_seq(seq) else {
        return Ok(None);
    };
    let seqs = derivation_candidates(
        st,
        lookup,
        slot,
        v,
        &row.sentences,
        index.settings.derive.candidates,
        &accept,
    )?;
    let mut cands = Vec::new();
    for s in seqs {
        if let Some(r) = store.article(s)? {
            let published = r
                .published
                .as_deref()
                .and_then(|p| chrono::DateTime::parse_from_rfc3339(p).ok());
            cands.push(Candidate {
                id: r.id,
                key: (time_key(published), s),
                text: r.text,
            });
        }
    }
    let (relation, derived_from, similarity) = if cands.is_empty() {
        (Relation::SameStory, None, None)
    } else {
        let d = derive_against(index, &PreparedDoc::new(&row.text), &cands);
        let sim = d.score.or_else(|| {
            // The average link with the rest of the story.
            let s = &st.cl.stories()[slot];
            let n = s.size();
            (n > 1).then(|| (dot(v, &s.sum) - dot(v, v)) / (n - 1) as f64)
        });
        (d.relation, d.derived_from, sim)
    };
    Ok(Some(Replacement {
        seq,
        story,
        relation: relation.name().to_string(),
        duplicate_of: None,
        derived_from,
        similarity,
    }))
}

/// Run the refinement on the touched stories (see the [module docs](self)).
pub(crate) fn refine(index: &StoryIndex, inner: &mut Inner) -> Result<Vec<EventRow>> {
    let Inner { store, state: st } = inner;
    let store: &mut dyn Store = store.as_mut();
    let touched: Vec<usize> = std::mem::take(&mut st.touched)
        .into_iter()
        .filter(|&s| st.id_of(s).is_some())
        .collect();
    if touched.is_empty() {
        return Ok(Vec::new());
    }
    let mut origin = origins(st);
    let before: HashMap<u64, u64> = st
        .seq_doc
        .iter()
        .filter_map(|(&seq, _)| Some((seq, st.id_of(st.slot_of_seq(seq)?)?)))
        .collect();
    let log = st.cl.refine_stories(&touched);
    if log.is_empty() {
        return Ok(Vec::new());
    }
    st.grow_slots();
    let at = now();
    let mut batch = Batch::default();
    let mut changed_slots: HashSet<usize> = HashSet::new();
    let seq_of_doc = |st: &State, d: usize| st.seq_of_doc(d);
    for change in &log {
        match *change {
            Change::Merge { keep, gone } => {
                if let (Some(ik), Some(ig)) = (st.id_of(keep), st.id_of(gone)) {
                    if ik > ig {
                        st.swap_ids(keep, gone);
                    }
                }
                let (k, g) = (st.id_of(keep), st.id_of(gone));
                if let (Some(k), Some(g)) = (k, g) {
                    let mut e = event(EventKind::Merged, k, Some(g), None);
                    e.at = at;
                    batch.events.push(e);
                    batch.deleted_stories.push(g);
                }
                st.unnumber(gone);
                changed_slots.insert(keep);
            }
            Change::Split { from, new } => {
                let old = st.id_of(from);
                let fresh = st.number(new, at);
                if let Some(&o) = origin.get(&from) {
                    if st.slot_of_seq(o) == Some(new) {
                        st.swap_ids(from, new);
                    }
                }
                if let Some(old) = old {
                    let mut e = event(EventKind::Split, old, Some(fresh), None);
                    e.at = at;
                    batch.events.push(e);
                }
                changed_slots.extend([from, new]);
                origin = origins(st);
            }
            Change::Move { doc, from, to } => {
                let article = st
                    .docs
                    .get(doc)
                    .and_then(Option::as_ref)
                    .map(|m| m.id.clone());
                if st.id_of(to).is_none() {
                    let old = st.id_of(from);
                    let fresh = st.number(to, at);
                    if origin.get(&from).copied() == seq_of_doc(st, doc) {
                        st.swap_ids(from, to);
                    }
                    if let Some(old) = old {
                        let mut e = event(EventKind::Split, old, Some(fresh), article);
                        e.at = at;
                        batch.events.push(e);
                    }
                } else if let (Some(t), Some(f)) = (st.id_of(to), st.id_of(from)) {
                    let mut e = event(EventKind::Moved, t, Some(f), article);
                    e.at = at;
                    batch.events.push(e);
                }
                changed_slots.extend([from, to]);
                origin = origins(st);
            }
        }
    }
    // Articles whose story id changed: keep their placement if what they derive from is in
    // the same story, else derive them again.
    let mut moved: Vec<(u64, u64)> = before
        .iter()
        .filter_map(|(&seq, &old)| {
            let new = st.id_of(st.slot_of_seq(seq)?)?;
            (new != old).then_some((seq, new))
        })
        .collect();
    moved.sort_unstable();
    let none = HashSet::new();
    for (seq, new) in moved {
        let Some(row) = store.article(seq)? else {
            continue;
        };
        let slot = st.slot_of_seq(seq);
        let source_here = match row.derived_from.as_deref() {
            None => true,
            Some(src) => match store.seq_of(src)? {
                Some(s) => st.slot_of_seq(s) == slot,
                None => false,
            },
        };
        let replacement = if source_here {
            Some(Replacement {
                seq,
                story: new,
                relation: row.relation.clone(),
                duplicate_of: row.duplicate_of.clone(),
                derived_from: row.derived_from.clone(),
                similarity: row.similarity,
            })
        } else {
            rederive(index, st, store, seq, &none)?
        };
        batch.replaced.extend(replacement);
    }
    for &slot in &changed_slots {
        if let Some(row) = st.story_row(slot, at) {
            batch.stories.push(row);
        }
    }
    let last = store.last_event()?;
    finish_batch(st, &mut batch);
    store.commit(&batch)?;
    after_commit(st, &batch);
    store.events(Some(last), None)
}

/// Remove one article (see [`StoryIndex::remove`]).
pub(crate) fn remove(index: &StoryIndex, inner: &mut Inner, id: &str) -> Result<()> {
    let Inner { store, state: st } = inner;
    let store: &mut dyn Store = store.as_mut();
    let not_found = || Error::NotFound {
        what: "article",
        id: id.to_string(),
    };
    let seq = store.seq_of(id)?.ok_or_else(not_found)?;
    let row = store.article(seq)?.ok_or_else(not_found)?;
    let slot = st.slot_of(store, row.story)?;
    let mut batch = Batch::default();
    if let Some(&doc) = st.seq_doc.get(&seq) {
        st.cl.remove_doc(doc);
        st.drop_doc(doc);
    }
    st.df.remove(&decode_buckets(&row.buckets));
    st.df_changes += 1;
    if seq <= st.df_upto {
        batch.term_log.push((seq, row.buckets.clone()));
    }
    batch.removed.push(seq);
    let at = now();
    if st.cl.stories()[slot].size() == 0 {
        let mut e = event(EventKind::Removed, row.story, None, Some(id.to_string()));
        e.at = at;
        batch.events.push(e);
        batch.deleted_stories.push(row.story);
        st.unnumber(slot);
        st.touched.remove(&slot);
    } else {
        st.touched.insert(slot);
        let removed: HashSet<u64> = [seq].into();
        for dep in store.derived_from(id)? {
            if dep == seq {
                continue;
            }
            if st.slot_of_seq(dep).is_none() {
                if let Some(story) = store.story_of_seq(dep)? {
                    st.slot_of(store, story)?;
                }
            }
            batch
                .replaced
                .extend(rederive(index, st, store, dep, &removed)?);
        }
        if let Some(row) = st.story_row(slot, at) {
            batch.stories.push(row);
        }
    }
    finish_batch(st, &mut batch);
    store.commit(&batch)?;
    after_commit(st, &batch);
    st.compact();
    Ok(())
}

/// Evict the stories whose last article is before `t` (see [`StoryIndex::evict_before`]).
pub(crate) fn evict(inner: &mut Inner, t: i64) -> Result<usize> {
    let Inner { store, state: st } = inner;
    let store: &mut dyn Store = store.as_mut();
    let ids = store.stories_before(t)?;
    if ids.is_empty() {
        return Ok(0);
    }
    let mut batch = Batch::default();
    let at = now();
    for &story in &ids {
        for seq in store.members(story)? {
            if let Some(b) = store.buckets(seq)? {
                st.df.remove(&decode_buckets(&b));
            }
            batch.removed.push(seq);
        }
        if let Some(&slot) = st.id_slot.get(&story) {
            let members: Vec<usize> = st.cl.stories()[slot].members.clone();
            st.cl.close_story(slot);
            for d in members {
                st.drop_doc(d);
            }
            st.unnumber(slot);
            st.touched.remove(&slot);
        }
        let mut e = event(EventKind::Evicted, story, None, None);
        e.at = at;
        batch.events.push(e);
        batch.deleted_stories.push(story);
    }
    finish_batch(st, &mut batch);
    batch.term_checkpoint = Some((st.next_seq - 1, st.df.encode()));
    store.commit(&batch)?;
    after_commit(st, &batch);
    st.compact();
    Ok(ids.len())
}
