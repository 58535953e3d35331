//! The insert decision of the live index: preparing articles (in parallel), finding copies,
//! clustering, choosing derivation candidates and aligning (in parallel), then one store batch.
//! See the [parent module](super) for the method.

use std::collections::{BTreeSet, HashMap, HashSet};

use rayon::prelude::*;

use super::df::{buckets_of, encode_buckets};
use super::state::{DocMeta, OriginKey, State};
use super::{event, now, EventKind, Evidence, Inner, Passage, Placement, Relation, StoryId};
use super::{shown, StoryIndex, MAX_PASSAGES};
use crate::align::alignment::{Alignment, MatchKind, Relation as AlignRelation};
use crate::align::PreparedDoc;
use crate::error::{Error, Result};
use crate::fingerprint::estimate_jaccard;
use crate::index::lsh::band_keys;
use crate::ingest::Article;
use crate::store::{ArticleRow, Batch, Store};
use crate::story::derive::time_key;
use crate::story::features::{dot, raw_terms, weigh_by, RawTerms, TermVector};
use crate::story::report::headline_of;

/// Largest text accepted (bytes).
pub const MAX_TEXT_BYTES: usize = 10_000_000;
/// Longest id accepted (bytes).
pub const MAX_ID_BYTES: usize = 1_000;
/// Clustering decisions taken together (as [`crate::story::cluster`] does).
const RUN: usize = 16;
/// Most recent members of a story scored as derivation candidates (besides those sharing
/// sentences).
const RECENT_MEMBERS: usize = 512;

/// What is computed of an article before the decision (in parallel).
pub(crate) struct Prepared {
    pub article: Article,
    pub exact: u64,
    pub signature: Vec<u32>,
    pub bands: Vec<u64>,
    pub sentences: Vec<u64>,
    pub raw: RawTerms,
    pub buckets: Vec<u32>,
    pub headline: String,
}

/// Check and prepare a batch (ids, sizes, empty texts; fingerprints, terms).
pub(crate) fn prepare_all(index: &StoryIndex, articles: Vec<Article>) -> Result<Vec<Prepared>> {
    let mut seen = HashSet::new();
    for a in &articles {
        let invalid = |message: String| Error::Invalid {
            id: a.id.clone(),
            message,
        };
        if a.id.trim().is_empty() {
            return Err(invalid("the id is empty".into()));
        }
        if a.id.len() > MAX_ID_BYTES {
            return Err(invalid(format!(
                "the id is longer than {MAX_ID_BYTES} bytes"
            )));
        }
        if a.text.len() > MAX_TEXT_BYTES {
            return Err(invalid(format!(
                "the text is {} bytes, over the limit of {MAX_TEXT_BYTES}",
                a.text.len()
            )));
        }
        if !seen.insert(a.id.as_str()) {
            return Err(Error::AlreadyExists { id: a.id.clone() });
        }
    }
    articles
        .into_par_iter()
        .map(|a| prepare(index, a))
        .collect()
}

fn prepare(index: &StoryIndex, article: Article) -> Result<Prepared> {
    let fp = index.fingerprinter.fingerprint(&article.text);
    if fp.n_tokens == 0 {
        return Err(Error::Invalid {
            id: article.id.clone(),
            message: "the text has no words once normalized".into(),
        });
    }
    let bands = if fp.has_shingles() {
        band_keys(index.lsh, &fp.minhash)
            .enumerate()
            .map(|(b, k)| (k & !0xff) | b as u64)
            .collect()
    } else {
        Vec::new()
    };
    let mut sentences = fp.sentences.unwrap_or_default();
    sentences.sort_unstable();
    sentences.dedup();
    let title = article.title.as_deref().filter(|t| !t.trim().is_empty());
    let raw = raw_terms(title, &article.text, &index.settings.cluster.features);
    let buckets = buckets_of(&raw);
    let headline = headline_of(title, &article.text);
    Ok(Prepared {
        exact: fp.exact,
        signature: fp.minhash,
        bands,
        sentences,
        raw,
        buckets,
        headline,
        article,
    })
}

/// A copy found for an article.
#[derive(Clone, Debug)]
pub(crate) struct Copy {
    pub seq: u64,
    pub relation: Relation,
    pub jaccard: f64,
}

/// What the articles of the batch so far look like to the copy and sentence lookups.
#[derive(Default)]
pub(crate) struct BatchMaps {
    pub exact: HashMap<u64, u64>,
    pub bands: HashMap<u64, Vec<u64>>,
    pub sentences: HashMap<u64, Vec<u64>>,
    /// Sequence number → position in the batch.
    pub pos: HashMap<u64, usize>,
}

/// Where the lookups of a decision look: the store, and the articles of the current batch.
#[derive(Clone, Copy)]
pub(crate) struct Lookup<'a> {
    pub store: &'a dyn Store,
    pub maps: &'a BatchMaps,
}

/// An earlier member to align an article with.
pub(crate) struct Candidate {
    pub id: String,
    pub key: OriginKey,
    pub text: String,
}

/// The earliest copy of an article among those `accept`ed: same exact hash, else the most
/// similar signature at or above `threshold` among those sharing a band (ties: earliest).
pub(crate) fn find_copy(
    Lookup { store, maps }: Lookup,
    signature_of: &dyn Fn(u64) -> Result<Option<Vec<u32>>>,
    exact: u64,
    signature: &[u32],
    bands: &[u64],
    threshold: f64,
    accept: &dyn Fn(u64) -> bool,
) -> Result<Option<Copy>> {
    let mut same: Vec<u64> = store.with_exact(exact)?;
    same.extend(maps.exact.get(&exact).copied());
    if let Some(seq) = same.into_iter().filter(|&s| accept(s)).min() {
        return Ok(Some(Copy {
            seq,
            relation: Relation::Exact,
            jaccard: 1.0,
        }));
    }
    let mut cands: Vec<u64> = Vec::new();
    for &b in bands {
        cands.extend(store.with_band(b)?);
        if let Some(list) = maps.bands.get(&b) {
            cands.extend(list);
        }
    }
    cands.sort_unstable();
    cands.dedup();
    let mut best: Option<(u64, f64)> = None;
    for seq in cands.into_iter().filter(|&s| accept(s)) {
        let Some(sig) = signature_of(seq)? else {
            continue;
        };
        let j = estimate_jaccard(signature, &sig);
        if j >= threshold && best.is_none_or(|(_, bj)| j > bj) {
            best = Some((seq, j));
        }
    }
    Ok(best.map(|(seq, jaccard)| Copy {
        seq,
        relation: Relation::NearDuplicate,
        jaccard,
    }))
}

/// The members of slot `slot` to align an article with: those sharing the most sentences
/// with it, then the most similar by TF-IDF cosine (at most `k`), among members `accept`ed.
pub(crate) fn derivation_candidates(
    state: &State,
    Lookup { store, maps }: Lookup,
    slot: usize,
    v: &TermVector,
    sentences: &[u64],
    k: usize,
    accept: &dyn Fn(u64) -> bool,
) -> Result<Vec<u64>> {
    let members = state.members(slot);
    let in_story: HashSet<u64> = members.iter().map(|(_, m)| m.seq).collect();
    let mut shared: HashMap<u64, usize> = HashMap::new();
    for &h in sentences {
        let mut seqs = store.with_sentence(h)?;
        if let Some(list) = maps.sentences.get(&h) {
            seqs.extend(list);
        }
        seqs.sort_unstable();
        seqs.dedup();
        for s in seqs {
            if in_story.contains(&s) && accept(s) {
                *shared.entry(s).or_default() += 1;
            }
        }
    }
    let recent = members.len().saturating_sub(RECENT_MEMBERS);
    let mut scored: Vec<(usize, f64, u64)> = members
        .iter()
        .enumerate()
        .filter(|(i, (_, m))| accept(m.seq) && (*i >= recent || shared.contains_key(&m.seq)))
        .map(|(_, (d, m))| {
            (
                shared.get(&m.seq).copied().unwrap_or(0),
                dot(v, state.cl.vector(*d)),
                m.seq,
            )
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
    Ok(scored.into_iter().take(k.max(1)).map(|x| x.2).collect())
}

/// The outcome of aligning an article with its candidates.
pub(crate) struct Derived {
    pub relation: Relation,
    pub derived_from: Option<String>,
    pub score: Option<f64>,
    pub evidence: Option<Evidence>,
}

/// Align B with each candidate `(id, key, text)` and decide rewrite or same story.
pub(crate) fn derive_against(
    index: &StoryIndex,
    b: &PreparedDoc,
    candidates: &[Candidate],
) -> Derived {
    let aligned: Vec<(usize, Alignment, PreparedDoc)> = candidates
        .par_iter()
        .enumerate()
        .map(|(i, c)| {
            let a = PreparedDoc::new(&c.text);
            (i, index.aligner.align(&a, b), a)
        })
        .collect();
    let link = aligned
        .iter()
        .filter(|(_, al, _)| al.relation >= AlignRelation::Rewrite)
        .max_by(|(i, x, _), (j, y, _)| {
            let c = |al: &Alignment| (al.containment_b_in_a * 1e6).round();
            x.relation
                .cmp(&y.relation)
                .then(c(x).total_cmp(&c(y)))
                .then(x.score.total_cmp(&y.score))
                .then(candidates[*j].key.cmp(&candidates[*i].key))
        });
    let shown = link.or_else(|| {
        aligned
            .iter()
            .max_by(|(i, x, _), (j, y, _)| x.score.total_cmp(&y.score).then(j.cmp(i)))
    });
    let evidence = shown.map(|(i, al, a)| Evidence {
        against: candidates[*i].id.clone(),
        jaccard: None,
        score: Some(al.score),
        containment_b_in_a: Some(al.containment_b_in_a),
        containment_a_in_b: Some(al.containment_a_in_b),
        passages: al
            .matches
            .iter()
            .filter(|m| m.kind != MatchKind::Unmatched)
            .filter_map(|m| {
                Some(Passage {
                    kind: m.kind,
                    score: m.score,
                    a: a.sentences.get(m.a?)?.text.clone(),
                    b: b.sentences.get(m.b)?.text.clone(),
                })
            })
            .take(MAX_PASSAGES)
            .collect(),
    });
    match link {
        Some((i, al, _)) => Derived {
            relation: Relation::Rewrite,
            derived_from: Some(candidates[*i].id.clone()),
            score: Some(al.score),
            evidence,
        },
        None => Derived {
            relation: Relation::SameStory,
            derived_from: None,
            score: None,
            evidence,
        },
    }
}

/// Evidence of a copy.
pub(crate) fn copy_evidence(against: String, jaccard: f64) -> Evidence {
    Evidence {
        against,
        jaccard: Some(jaccard),
        score: None,
        containment_b_in_a: None,
        containment_a_in_b: None,
        passages: Vec::new(),
    }
}

/// One article of a batch on its way in.
struct Item {
    p: Prepared,
    seq: u64,
    time: Option<i64>,
    clock: Option<i64>,
    vector: TermVector,
    copy: Option<Copy>,
    slot: usize,
    story: u64,
    doc: usize,
    sim: Option<f64>,
    new_story: bool,
}

/// The signature of an article in the batch or the store.
fn signature_in(
    store: &dyn Store,
    items: &[Item],
    maps: &BatchMaps,
    seq: u64,
) -> Result<Option<Vec<u32>>> {
    match maps.pos.get(&seq) {
        Some(&i) => Ok(Some(items[i].p.signature.clone())),
        None => store.signature(seq),
    }
}

/// Insert prepared articles (see the [parent module](super)).
pub(crate) fn insert(
    index: &StoryIndex,
    inner: &mut Inner,
    prepared: Vec<Prepared>,
) -> Result<Vec<Placement>> {
    let Inner { store, state: st } = inner;
    let store: &mut dyn Store = store.as_mut();
    for p in &prepared {
        if store.seq_of(&p.article.id)?.is_some() {
            return Err(Error::AlreadyExists {
                id: p.article.id.clone(),
            });
        }
    }
    let cfg = &index.settings.cluster;
    // Sequence numbers, times, weights (in order: document frequencies grow).
    let now_plus_day = now() + 86_400;
    let mut items: Vec<Item> = Vec::with_capacity(prepared.len());
    for p in prepared {
        let seq = st.next_seq;
        st.next_seq += 1;
        let published = p.article.published.map(|d| d.timestamp());
        // A date more than a day ahead of the wall clock is a typo (AllSides has 2050): it
        // keeps its own time but does not move the clock, which would close every story.
        if let Some(t) = published.filter(|&t| t <= now_plus_day) {
            st.clock = Some(st.clock.map_or(t, |c| c.max(t)));
        }
        let time = published.or(st.clock);
        st.df.add(&p.buckets);
        st.df_changes += 1;
        let df = &st.df;
        let vector = weigh_by(&p.raw, |k| df.idf(k), &cfg.features);
        items.push(Item {
            p,
            seq,
            time,
            clock: st.clock,
            vector,
            copy: None,
            slot: 0,
            story: 0,
            doc: 0,
            sim: None,
            new_story: false,
        });
    }
    let final_clock = st.clock;

    // Copies (in order, against the store and the batch so far).
    let mut maps = BatchMaps::default();
    let threshold = index.settings.dedup.threshold;
    for i in 0..items.len() {
        let it = &items[i];
        let copy = find_copy(
            Lookup { store, maps: &maps },
            &|seq| signature_in(store, &items, &maps, seq),
            it.p.exact,
            &it.p.signature,
            &it.p.bands,
            threshold,
            &|_| true,
        )?;
        let it = &items[i];
        maps.exact.entry(it.p.exact).or_insert(it.seq);
        for &b in &it.p.bands {
            maps.bands.entry(b).or_default().push(it.seq);
        }
        for &h in &it.p.sentences {
            maps.sentences.entry(h).or_default().push(it.seq);
        }
        maps.pos.insert(it.seq, i);
        items[i].copy = copy;
    }

    // Placement in order: copies join their original's story; the others are clustered in
    // runs, cut where a sweep is due (as when inserted one by one). Derivation candidates are
    // chosen right after placement, among the members inserted before.
    let mut batch_stories: BTreeSet<u64> = BTreeSet::new();
    let mut cand_seqs: HashMap<usize, Vec<u64>> = HashMap::new();
    let mut i = 0;
    while i < items.len() {
        let placed: Vec<usize> = if let Some(copy) = items[i].copy.clone() {
            let story = match maps.pos.get(&copy.seq) {
                Some(&j) => items[j].story,
                None => match st.slot_of_seq(copy.seq).and_then(|s| st.id_of(s)) {
                    Some(id) => id,
                    None => store.story_of_seq(copy.seq)?.ok_or_else(|| Error::Store {
                        message: format!("article {} has no story", copy.seq),
                    })?,
                },
            };
            let slot = st.slot_of(store, story)?;
            let it = &mut items[i];
            it.doc = st.cl.push_into(it.vector.clone(), it.time, slot);
            it.slot = slot;
            it.sim = Some(copy.jaccard);
            vec![i]
        } else {
            let mut end = i;
            while end < items.len()
                && end - i < RUN
                && items[end].copy.is_none()
                && (end == i || !st.sweep_due(items[end - 1].clock, st.since_sweep + end - i))
            {
                end += 1;
            }
            let first_doc = st.cl.len();
            let run: Vec<(TermVector, Option<i64>)> = items[i..end]
                .iter()
                .map(|it| (it.vector.clone(), it.time))
                .collect();
            let placed = st.cl.push_batch(run);
            for (k, (slot, sim)) in placed.into_iter().enumerate() {
                let it = &mut items[i + k];
                it.slot = slot;
                it.sim = sim;
                it.doc = first_doc + k;
            }
            (i..end).collect()
        };
        st.grow_slots();
        for &k in &placed {
            let it = &mut items[k];
            it.story = match st.id_of(it.slot) {
                Some(id) => id,
                None => {
                    it.new_story = true;
                    st.number(it.slot, now())
                }
            };
            let published = it.p.article.published;
            st.set_doc(
                it.doc,
                DocMeta {
                    seq: it.seq,
                    id: it.p.article.id.clone(),
                    headline: it.p.headline.clone(),
                    key: (time_key(published), it.seq),
                },
            );
            st.touched.insert(it.slot);
            batch_stories.insert(it.story);
        }
        for &k in &placed {
            let it = &items[k];
            if it.copy.is_some() || it.new_story {
                continue;
            }
            let seqs = derivation_candidates(
                st,
                Lookup { store, maps: &maps },
                it.slot,
                &it.vector,
                &it.p.sentences,
                index.settings.derive.candidates,
                &|s| s < it.seq,
            )?;
            cand_seqs.insert(k, seqs);
        }
        let last = *placed.last().unwrap_or(&i);
        i = last + 1;
        st.since_sweep += placed.len();
        if st.sweep_due(items[last].clock, st.since_sweep) {
            st.clock = items[last].clock;
            st.sweep(&batch_stories);
        }
    }
    st.clock = final_clock;

    // Alignments with the candidates (in parallel).
    let mut work: Vec<(usize, Vec<Candidate>)> = Vec::new();
    let mut keys: Vec<usize> = cand_seqs.keys().copied().collect();
    keys.sort_unstable();
    for k in keys {
        let mut cands = Vec::new();
        for &s in &cand_seqs[&k] {
            let (id, text, published) = match maps.pos.get(&s) {
                Some(&j) => (
                    items[j].p.article.id.clone(),
                    items[j].p.article.text.clone(),
                    items[j].p.article.published,
                ),
                None => {
                    let Some(r) = store.article(s)? else { continue };
                    let published = r
                        .published
                        .as_deref()
                        .and_then(|p| chrono::DateTime::parse_from_rfc3339(p).ok());
                    (r.id, r.text, published)
                }
            };
            cands.push(Candidate {
                id,
                key: (time_key(published), s),
                text,
            });
        }
        work.push((k, cands));
    }
    let derived: Vec<(usize, Derived)> = work
        .par_iter()
        .map(|(k, cands)| {
            let b = PreparedDoc::new(&items[*k].p.article.text);
            (*k, derive_against(index, &b, cands))
        })
        .collect();
    let mut derived: HashMap<usize, Derived> = derived.into_iter().collect();

    // Rows, placements, one commit.
    let at = now();
    let mut batch = Batch::default();
    let mut placements = Vec::with_capacity(items.len());
    for (k, it) in items.iter().enumerate() {
        let story = it.story;
        let id_of_seq = |seq: u64| -> Result<String> {
            match maps.pos.get(&seq) {
                Some(&j) => Ok(items[j].p.article.id.clone()),
                None => Ok(store.article(seq)?.map(|r| r.id).unwrap_or_default()),
            }
        };
        let placement = match (&it.copy, derived.remove(&k)) {
            (Some(c), _) => {
                let original = id_of_seq(c.seq)?;
                Placement {
                    id: it.p.article.id.clone(),
                    story: StoryId(story),
                    new_story: false,
                    relation: c.relation,
                    duplicate_of: Some(original.clone()),
                    derived_from: Some(original.clone()),
                    similarity: shown(c.relation, Some(c.jaccard)),
                    evidence: Some(copy_evidence(original, c.jaccard)),
                }
            }
            (None, Some(d)) => Placement {
                id: it.p.article.id.clone(),
                story: StoryId(story),
                new_story: false,
                relation: d.relation,
                duplicate_of: None,
                derived_from: d.derived_from,
                similarity: shown(d.relation, d.score.or(it.sim)),
                evidence: d.evidence,
            },
            (None, None) => Placement {
                id: it.p.article.id.clone(),
                story: StoryId(story),
                new_story: true,
                relation: Relation::NewStory,
                duplicate_of: None,
                derived_from: None,
                similarity: None,
                evidence: None,
            },
        };
        if placement.new_story {
            batch.events.push(event(
                EventKind::Created,
                story,
                None,
                Some(placement.id.clone()),
            ));
        }
        let a = &it.p.article;
        batch.articles.push(ArticleRow {
            seq: it.seq,
            id: a.id.clone(),
            title: a.title.clone(),
            text: a.text.clone(),
            source: a.source.clone(),
            url: a.url.clone(),
            lang: a.lang.clone(),
            published: a.published.map(|d| d.to_rfc3339()),
            time: it.time,
            inserted: at,
            headline: it.p.headline.clone(),
            story,
            new_story: placement.new_story,
            relation: placement.relation.name().to_string(),
            duplicate_of: placement.duplicate_of.clone(),
            derived_from: placement.derived_from.clone(),
            similarity: placement.similarity,
            exact_hash: it.p.exact,
            signature: it.p.signature.clone(),
            bands: it.p.bands.clone(),
            sentences: it.p.sentences.clone(),
            vector: it.vector.clone(),
            buckets: encode_buckets(&it.p.buckets),
        });
        placements.push(placement);
    }
    for &story in &batch_stories {
        if let Some(row) = st.story_row_of(story, at) {
            batch.stories.push(row);
        }
    }
    finish_batch(st, &mut batch);
    store.commit(&batch)?;
    after_commit(st, &batch);
    st.stash.clear();
    Ok(placements)
}

/// Add the counters and the term checkpoint (when due) to a batch.
pub(crate) fn finish_batch(st: &State, batch: &mut Batch) {
    for (k, v) in [
        (super::state::CLOCK, st.clock.map(|c| c.to_string())),
        (super::state::SWEPT, st.swept.map(|c| c.to_string())),
        (super::state::NEXT_SEQ, Some(st.next_seq.to_string())),
        (super::state::NEXT_STORY, Some(st.next_story.to_string())),
    ] {
        if let Some(v) = v {
            batch.meta.push((k.to_string(), v));
        }
    }
    if st.df_changes >= super::df::CHECKPOINT_EVERY {
        batch.term_checkpoint = Some((st.next_seq - 1, st.df.encode()));
        batch.term_log.clear();
    }
}

/// Note a committed checkpoint.
pub(crate) fn after_commit(st: &mut State, batch: &Batch) {
    if let Some((upto, _)) = batch.term_checkpoint {
        st.df_upto = upto;
        st.df_changes = 0;
    }
}
