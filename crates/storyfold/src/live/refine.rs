//! Changes to stories after insertion: the online refinement with its events, removal of an
//! article (with re-derivation of the articles that derived from it) and eviction.
//!
//! **Ids through the refinement.** The refinement of [`crate::story::cluster`] works on the
//! clusterer's story slots; the events are its *net* change, stories before against stories
//! after one call (two stories merged and split apart again in one call are no change, and
//! keep their ids). Each story before goes with its origin (its earliest article): the story
//! holding that article after keeps the id; a story holding the origins of several keeps the
//! smallest id and the others are `merged` into it (`story` kept, `other` gone). A story
//! holding no old origin gets a new id: `split` (`story` = the story most of its articles
//! came from, `other` = the new id, `article` when it is a single article). An article that
//! ended in a story that did not inherit its old one is `moved` (`story` = where it went,
//! `other` = where it was).
//!
//! Articles whose story changed keep their placement when what they derive from is in the
//! same story; otherwise they are derived again in their new story, as on removal.

use std::collections::{HashMap, HashSet};

use super::df::decode_buckets;
use super::place::{
    after_commit, derivation_candidates, derive_against, find_copy, finish_batch, BatchMaps,
    Candidate, Lookup,
};
use super::state::{SlotMeta, State};
use super::{event, now, shown, EventKind, Inner, Relation, StoryIndex};
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
            similarity: shown(c.relation, Some(c.jaccard)),
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
        similarity: shown(relation, similarity),
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
    // What the stories were: each id's origin, size, creation and version.
    let origin_of_id: HashMap<u64, u64> = origins(st)
        .into_iter()
        .filter_map(|(slot, seq)| Some((st.id_of(slot)?, seq)))
        .collect();
    let before: HashMap<u64, u64> = st
        .seq_doc
        .keys()
        .filter_map(|&seq| Some((seq, st.id_of(st.slot_of_seq(seq)?)?)))
        .collect();
    let mut old_meta: HashMap<u64, (i64, u64, usize)> = HashMap::new();
    for (slot, meta) in st.slots.iter().enumerate() {
        if let Some(id) = meta.id {
            let size = st.cl.stories().get(slot).map_or(0, |s| s.size());
            old_meta.insert(id, (meta.created, meta.version, size));
        }
    }
    let log = st.cl.refine_stories(&touched);
    if log.is_empty() {
        return Ok(Vec::new());
    }
    st.grow_slots();
    let at = now();
    let mut batch = Batch::default();
    // The net change: the stories the refinement touched, before and after.
    let mut affected: Vec<usize> = log
        .iter()
        .flat_map(|c| match *c {
            Change::Merge { keep, gone } => [keep, gone],
            Change::Split { from, new } => [from, new],
            Change::Move { from, to, .. } => [from, to],
        })
        .collect();
    affected.sort_unstable();
    affected.dedup();
    let old_ids: Vec<u64> = affected.iter().filter_map(|&s| st.id_of(s)).collect();
    for &s in &affected {
        st.unnumber(s);
    }
    // Each old story goes with its origin: the final story holding it inherits the id (the
    // smallest, when it holds several: the others merged into it).
    let mut inherited: HashMap<usize, Vec<u64>> = HashMap::new();
    for &x in &old_ids {
        if let Some(slot) = origin_of_id.get(&x).and_then(|&o| st.slot_of_seq(o)) {
            inherited.entry(slot).or_default().push(x);
        }
    }
    let mut changed_slots: Vec<usize> = Vec::new();
    let mut kept: HashSet<u64> = HashSet::new();
    let push = |batch: &mut Batch, kind, story, other, article| {
        let mut e = event(kind, story, other, article);
        e.at = at;
        batch.events.push(e);
    };
    for &slot in &affected {
        let members: Vec<(u64, String)> = st
            .members(slot)
            .into_iter()
            .map(|(_, m)| (m.seq, m.id.clone()))
            .collect();
        if members.is_empty() {
            continue;
        }
        let mut ids = inherited.remove(&slot).unwrap_or_default();
        ids.sort_unstable();
        let (id, fresh) = match ids.first() {
            Some(&keep) => {
                let (created, version, _) = old_meta.get(&keep).copied().unwrap_or((at, 0, 0));
                st.slots[slot] = SlotMeta {
                    id: Some(keep),
                    created,
                    version,
                };
                st.id_slot.insert(keep, slot);
                kept.insert(keep);
                for &x in &ids[1..] {
                    push(&mut batch, EventKind::Merged, keep, Some(x), None);
                }
                (keep, false)
            }
            None => (st.number(slot, at), true),
        };
        if fresh {
            // Split off the story most of its members came from.
            let mut from: HashMap<u64, usize> = HashMap::new();
            for (seq, _) in &members {
                if let Some(&x) = before.get(seq) {
                    *from.entry(x).or_default() += 1;
                }
            }
            let source = from
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|x| x.0);
            let article = (members.len() == 1).then(|| members[0].1.clone());
            if let Some(x) = source {
                push(&mut batch, EventKind::Split, x, Some(id), article);
            }
        } else {
            for (seq, article) in &members {
                if let Some(&x) = before.get(seq) {
                    if !ids.contains(&x) {
                        push(
                            &mut batch,
                            EventKind::Moved,
                            id,
                            Some(x),
                            Some(article.clone()),
                        );
                    }
                }
            }
        }
        let same = !fresh
            && ids.len() == 1
            && old_meta.get(&id).map(|m| m.2) == Some(members.len())
            && members.iter().all(|(seq, _)| before.get(seq) == Some(&id));
        if !same {
            changed_slots.push(slot);
        }
    }
    for x in old_ids {
        if !kept.contains(&x) {
            batch.deleted_stories.push(x);
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
